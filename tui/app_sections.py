"""The app's sections: its modes, each a screen stack of its own.

The overview (the classes of the year) and the search (F3) are modes from the start
(``MODES``); the movement register (F8), the reports (Ctrl+R) and the grade dashboard
(Ctrl+G) are modes added per app (``SECTIONS``: they need the school year) and built afresh
when another year is chosen (``_reset_sections``). Adding a section: a name in ``SECTIONS``,
its screen in ``_section_factory``, an ``action_open_…`` that switches to it and a binding
(``SisoApp.BINDINGS``) or a menu entry (``tui.screens.menu.COMMANDS``).
"""

from __future__ import annotations

from textual import on
from textual.app import App

from tui import navigation as nav
from tui.later import Later
from tui.screens.overview import OverviewScreen
from tui.styling import styled
from tui.textual_private import mode_is_open

SearchScreen = Later("tui.screens.search", "SearchScreen")


class Sections(App):
    """The modes and the keys that switch to them (mixed into ``SisoApp``)."""

    MODES = {"overview": styled(OverviewScreen), "search": styled(SearchScreen)}
    SECTIONS = ("movements", "reports", "dashboard")  # modes added per app (they need the year)

    @on(nav.OpenOverview)
    def action_open_overview(self) -> None:
        self.switch_mode("overview")

    @on(nav.OpenSearch)
    def action_open_search(self) -> None:
        if self.year_id is not None:
            self.switch_mode("search")

    def _section_factory(self, mode: str):
        def make():
            if mode == "movements":
                from tui.screens.movements import MovementsScreen
                return MovementsScreen(self.year_id)
            if mode == "reports":
                from tui.screens.reports import ReportsScreen
                return ReportsScreen()
            from tui.screens.dashboard import DashboardScreen
            return DashboardScreen()
        return make

    def _reset_sections(self) -> None:
        """Another school year: the sections are built afresh the next time they open."""
        if self.current_mode in self.SECTIONS:
            self.switch_mode("overview")
        for mode in self.SECTIONS:
            if mode_is_open(self, mode):
                self.remove_mode(mode)
                self.add_mode(mode, styled(self._section_factory(mode)))

    @on(nav.OpenMovements)
    def action_open_movements(self) -> None:
        self.switch_mode("movements")

    def action_open_reports(self) -> None:
        self.switch_mode("reports")

    def action_open_dashboard(self) -> None:
        self.switch_mode("dashboard")

"""Switch the school year shown (a modal list)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from db import school
from db.dates import fmt_date
from tui.i18n import N_, _
from tui.screens.base import SisoModal, db_work


class YearScreen(SisoModal[int | None]):
    """Dismisses with the chosen year's id, or None."""

    DEFAULT_CSS = """
    YearScreen { align: center middle; }
    YearScreen #years { height: auto; max-height: 14; }
    """

    BINDINGS = [Binding("escape", "cancel", N_("Hủy"), id="cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="year-box", classes="dialog"):
            yield Static(_("Chọn năm học"), classes="form-title")
            yield OptionList(id="years")  # filled by ``_read_years`` (a worker)
            yield Static(_("Enter: chọn · Esc: hủy"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._read_years(self.siso.year_id)

    @db_work(group="years")
    def _read_years(self, current: int | None) -> None:
        options = [Option(f"{'▶' if y.id == current else ' '} {y.name}   "
                          f"{fmt_date(y.start)} – {fmt_date(y.end)}", id=str(y.id))
                   for y in reversed(school.list_years())]
        self.app.call_from_thread(self._show_years, options, current)

    def _show_years(self, options: list, current: int | None) -> None:
        years = self.query_one(OptionList)
        years.add_options(options)
        if current is not None:
            years.highlighted = years.get_option_index(str(current))

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)

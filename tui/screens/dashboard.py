"""A vice-principal's view: one card per grade with the start-of-year and current counts,
the retention and dropout rates, and the targets — a card turns red when a target is missed.

Push with ``app.push_screen(DashboardScreen())`` (optionally ``DashboardScreen(grades=[6, 7])``
for the grades one vice-principal is responsible for). The year is ``app.year`` when the
app has one, else ``db.school.current_year()``; the day is ``app.day`` (else
``db.clock.default_day``: today, clamped into the year and its summer). The figures come
from ``db.targets.grade_dashboard`` in a worker.
"""

from __future__ import annotations

from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.widgets import Footer, Header, Static

from db.errors import SisoError
from tui.i18n import N_, _
from tui.screens.base import SisoScreen
from tui.screens.reports import _close_thread_connection, app_year


def _pct(value) -> str:
    from db.reports import fmt_rate

    return fmt_rate(value) or "—"


class GradeCard(Static):
    """One grade. Class ``missed`` (red) when a target is missed."""

    DEFAULT_CSS = """
    GradeCard { border: round $primary; padding: 0 1; height: auto; min-height: 8; }
    GradeCard.missed { border: heavy $error; color: $error; }
    """

    def __init__(self, card: dict) -> None:
        super().__init__(self.render_card(card), id=f"grade-{card['khoi']}")
        self.card = card
        self.set_class(any(t["dat"] is False for t in card["chi_tieu"].values()), "missed")

    @staticmethod
    def render_card(card: dict) -> str:
        from db.targets import UPPER

        lines = [f"[b]{_('Khối')} {card['khoi']}[/b]",
                 f"{_('Đầu năm')}: {card['dau_nam']}    {_('Hiện có')}: {card['hien_co']}"]
        for name, label in (("ty_le_duy_tri", _("Duy trì")), ("ty_le_bo_hoc", _("Bỏ học"))):
            text = f"{label}: {_pct(card[name])}"
            target = card["chi_tieu"].get(name)
            if target:
                sign = "≤" if target["loai"] == UPPER else "≥"
                verdict = {True: _("đạt"), False: _("KHÔNG ĐẠT"), None: "—"}[target["dat"]]
                text += f"  ({_('chỉ tiêu')} {sign} {_pct(target['gia_tri'])}: {verdict})"
            else:
                text += f"  ({_('chưa có chỉ tiêu')})"
            lines.append(text)
        return "\n".join(lines)


class DashboardScreen(SisoScreen):
    DEFAULT_CSS = """
    DashboardScreen #dash-info { height: auto; padding: 0 1; }
    DashboardScreen #dash-grid { grid-size: 2; grid-gutter: 1 2; padding: 1 2; height: auto; }
    """
    BINDINGS = [
        Binding("f5", "refresh", N_("Tải lại"), id="dash_refresh"),
        Binding("escape", "back", N_("Quay lại"), id="dash_back"),
    ]

    def __init__(self, grades: list[int] | None = None) -> None:
        super().__init__()
        self.grades = grades
        self.cards: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="dash-info")
        yield Grid(id="dash-grid")
        yield Footer()

    def on_mount(self) -> None:
        self.action_refresh()

    def _day(self, year) -> date:
        day = getattr(self.app, "day", None)
        if isinstance(day, date):
            return day
        from db.clock import default_day

        return default_day(year)

    def action_refresh(self) -> None:
        year = app_year(self.app)
        if year is None:
            self.query_one("#dash-info", Static).update(_("Chưa có năm học nào."))
            return
        day = self._day(year)
        self.query_one("#dash-info", Static).update(
            _("Năm học {year} — số liệu đến hết ngày {day}").format(year=year.name, day=day.strftime("%d/%m/%Y")))
        self.load(year, day)

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def load(self, year, day) -> None:
        from db.targets import grade_dashboard

        try:
            cards = grade_dashboard(year, day)
        except SisoError as err:
            self.app.call_from_thread(self.query_one("#dash-info", Static).update, err.message)
            return
        finally:
            _close_thread_connection()
        self.app.call_from_thread(self.show, cards)

    async def show(self, cards: list[dict]) -> None:
        if self.grades:
            cards = [c for c in cards if c["khoi"] in self.grades]
        self.cards = cards
        grid = self.query_one("#dash-grid", Grid)
        await grid.remove_children()
        await grid.mount_all([GradeCard(c) for c in cards])

    def action_back(self) -> None:
        self.go_back()

"""A vice-principal's view: one card per grade with the start-of-year and current counts,
the retention and dropout rates, and the targets — a card turns red when a target is missed;
the students flagged today, the open at-risk cases and the visits due; and two sparklines
(Textual's ``Sparkline``): the grade's class size at the end of every month and its
attendance rate week by week, each with its lowest and highest value written beside it,
so the picture reads without colour (16-colour terminals).

Push with ``app.push_screen(DashboardScreen())`` (optionally ``DashboardScreen(grades=[6, 7])``
for the grades one vice-principal is responsible for; by default the reader's own grades,
``db.scope.current().home_grades``, and W switches between them and the whole school). The year is ``app.year`` when the
app has one, else ``db.school.current_year()``; the day is ``app.day`` (else
``db.clock.default_day``: today, clamped into the year and its summer). The figures come
from ``db.chi_tieu.grade_dashboard`` in a worker.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Footer, Header, Sparkline, Static

from db.errors import SisoError
from tui.i18n import N_, _
from tui.screens.base import SisoScreen, db_work
from tui.screens.reports import app_year


def _pct(value) -> str:
    from exports.numbers import fmt_rate

    return fmt_rate(value) or "—"


SPARK_WIDTH = 14  # columns of a sparkline at most (more points are summarised per column)


def _num(value: float) -> str:
    from exports.numbers import fmt_rate

    return fmt_rate(value).rstrip("%")


def size_series(card: dict) -> list[int]:
    return [m["ts"] for m in card.get("si_so_thang", [])]


def attendance_series(card: dict) -> list[float]:
    """The weeks whose attendance was taken (a week without is left out)."""
    return [w["ty_le"] for w in card.get("chuyen_can_tuan", []) if w["ty_le"] is not None]


def range_text(values, percent: bool = False) -> str:
    """«145–149», «94,0–98,4%» (lowest–highest), one value once, «—» without any."""
    if not values:
        return "—"
    lo, hi = min(values), max(values)
    fmt = _num if percent else str
    text = fmt(lo) if lo == hi else f"{fmt(lo)}–{fmt(hi)}"
    return text + ("%" if percent else "")


class GradeCard(Vertical):
    """One grade. Class ``missed`` (red) when a target is missed."""

    DEFAULT_CSS = """
    GradeCard { border: round $primary; padding: 0 1; height: auto; }
    GradeCard.missed { border: heavy $error; color: $error; }
    GradeCard > .card-text { height: auto; }
    GradeCard > Horizontal { height: 1; }
    GradeCard .spark-label { width: 8; }
    GradeCard Sparkline { height: 1; margin-right: 1; }
    GradeCard .spark-range { width: 1fr; }
    """

    def __init__(self, card: dict) -> None:
        super().__init__(id=f"grade-{card['khoi']}")
        self.card = card
        self.set_class(any(t["dat"] is False for t in card["chi_tieu"].values()), "missed")

    def compose(self) -> ComposeResult:
        yield Static(self.render_card(self.card), classes="card-text")
        for name, label, values, percent, summary in (
                ("size", _("Sĩ số"), size_series(self.card), False, max),
                ("attendance", _("Đi học"), attendance_series(self.card), True, min)):
            with Horizontal(id=f"{name}-{self.card['khoi']}"):
                yield Static(label, classes="spark-label")
                if values:
                    spark = Sparkline(values, summary_function=summary, classes=f"spark-{name}")
                    spark.styles.width = min(len(values), SPARK_WIDTH)
                    yield spark
                yield Static(range_text(values, percent), classes="spark-range")

    @staticmethod
    def render_card(card: dict) -> str:
        from db.targets import OP_SIGNS

        lines = [f"[b]{_('Khối')} {card['khoi']}[/b]",
                 f"{_('Đầu năm')}: {card['dau_nam']}    {_('Hiện có')}: {card['hien_co']}"]
        for name, label in (("ty_le_duy_tri", _("Duy trì")), ("ty_le_bo_hoc", _("Bỏ học"))):
            text = f"{label}: {_pct(card[name])}"
            target = card["chi_tieu"].get(name)
            if target:
                sign = OP_SIGNS[target["so_sanh"]]
                verdict = {True: _("đạt"), False: _("KHÔNG ĐẠT"), None: "—"}[target["dat"]]
                text += f" ({sign} {_pct(target['gia_tri'])} {verdict})"
            else:
                text += f" ({_('chưa có chỉ tiêu')})"
            lines.append(text)
        lines.append(_("Chú ý {flagged}  Nguy cơ {cases}  Cần thăm {due}").format(
            flagged=card.get("canh_bao", 0), cases=card.get("nguy_co", 0),
            due=card.get("can_tham", 0)))
        return "\n".join(lines)


def _own_grades() -> frozenset[int] | None:
    """The grades of the vice-principal at the keyboard (``db.users``), None for anyone else."""
    from db.users import known_actor

    actor = known_actor()  # the door's person, without a query on the UI thread
    return (actor.home_grades or None) if actor is not None else None


class DashboardScreen(SisoScreen):
    DEFAULT_CSS = """
    DashboardScreen #dash-info { height: auto; padding: 0 1; }
    DashboardScreen #dash-grid { grid-size: 2; grid-gutter: 1 2; padding: 0 1; height: auto; }
    DashboardScreen #dash-deadlines { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("f5", "refresh", N_("Tải lại"), id="dash_refresh"),
        Binding("escape", "back", N_("Quay lại"), id="dash_back"),
        Binding("w", "switch_grades", N_("Khối của tôi / toàn trường"), id="dash_grades"),
    ]

    def __init__(self, grades: list[int] | None = None) -> None:
        super().__init__()
        from db import scope

        home = grades or scope.current().home_grades or _own_grades()
        self.home_grades = sorted(home) if home else None  # the grades the reader follows
        self.grades = self.home_grades
        self.cards: list[dict] = []
        self.all_cards: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="dash-info")
        yield Grid(id="dash-grid")
        yield Static("", id="dash-deadlines")  # the reporting calendar: due, late, sent
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
        self.info = _("Năm học {year} — số liệu đến hết ngày {day}").format(
            year=year.name, day=day.strftime("%d/%m/%Y"))
        self.show_info()
        self.load(year, day)

    def show_info(self) -> None:
        from db import scope

        line = self.info
        reader = scope.current()
        if not reader.whole:  # the cards count the reader's classes only
            line += "\n" + _("Phạm vi: {scope} — các số là của các lớp trong phạm vi").format(scope=reader.label)
        if self.home_grades:
            line += "\n" + (_("Khối {grades} (W: toàn trường)").format(
                grades=", ".join(map(str, self.home_grades))) if self.grades
                else _("Toàn trường (W: khối của tôi)"))
        self.query_one("#dash-info", Static).update(line)

    async def action_switch_grades(self) -> None:
        """W: the reader's own grades ↔ the whole school (a vice-principal reads it all)."""
        if not self.home_grades:
            return
        self.grades = None if self.grades else self.home_grades
        self.show_info()
        await self.show(self.all_cards)

    @db_work(group="dashboard")
    def load(self, year, day) -> None:
        from db.chi_tieu import grade_dashboard

        try:
            cards = grade_dashboard(year, day)
        except SisoError as err:
            self.app.call_from_thread(self.query_one("#dash-info", Static).update, err.message)
            return
        self.app.call_from_thread(self.show, cards)
        from db.deadlines import watch
        from tui.screens.calendar import watch_text

        text = watch_text(watch(year))
        self.app.call_from_thread(self.query_one("#dash-deadlines", Static).update, text)

    async def show(self, cards: list[dict]) -> None:
        self.all_cards = cards
        if self.grades:
            cards = [c for c in cards if c["khoi"] in self.grades]
        self.cards = cards
        grid = self.query_one("#dash-grid", Grid)
        await grid.remove_children()
        await grid.mount_all([GradeCard(c) for c in cards])

    def action_back(self) -> None:
        self.go_back()

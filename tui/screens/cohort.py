"""«Trẻ vào lớp đầu cấp» (huy động ra lớp): the expected children of the school year, each
with the student they are matched to, or a proposed near match (≈) for the clerk to confirm
with C or reject with R (one key each; only that decision is stored, ``db.cohort_match``).
F shows all children, those not yet in class, or only the proposals."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from db import cohort_match, report_common
from db.dates import fmt_date
from db.errors import SisoError
from db.models import SchoolYear
from exports.numbers import pct_text
from tui.changes import DataChanged
from tui.i18n import N_, _
from tui.screens.base import SisoScreen, db_work
from tui.widgets.vlist import Column, VirtualList

FILTERS = ("all", "unmatched", "proposed")
FILTER_LABELS = {"all": N_("tất cả"), "unmatched": N_("chưa ra lớp"), "proposed": N_("đề xuất ghép")}


class CohortScreen(SisoScreen):
    """The expected children of ``year_id`` and their matches."""

    BINDINGS = [
        Binding("escape", "back", N_("Quay lại"), id="back"),
        Binding("c", "confirm", N_("Xác nhận ghép"), id="cohort_confirm"),
        Binding("r", "reject", N_("Từ chối ghép"), id="cohort_reject"),
        Binding("f", "filter", N_("Lọc"), id="cohort_filter"),
    ]

    def __init__(self, year_id: int) -> None:
        super().__init__()
        self.year_id = year_id
        self.rows: list[dict] = []
        self.filter = "all"
        self.year_name = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="cohort-info", classes="info")
        yield VirtualList([
            Column(_("Họ và tên"), 18, flex=True),
            Column(_("Ngày sinh"), 10),
            Column(_("Thôn/làng"), 12),
            Column(_("Ghép với"), 11),
        ], empty=_("Không có trẻ nào."), id="cohort")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(VirtualList).focus()
        self.load()

    @db_work(group="cohort")
    def load(self) -> None:
        year = SchoolYear.get_by_id(self.year_id)
        rows = cohort_match.list_expected(year)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, year.name, rows)

    def _loaded(self, year_name: str, rows: list[dict]) -> None:
        self.year_name, self.rows = year_name, rows
        self._show()

    def _shown(self) -> list[dict]:
        if self.filter == "unmatched":
            return [r for r in self.rows if r["ma"] is None]
        if self.filter == "proposed":
            return [r for r in self.rows if r["de_xuat"] is not None]
        return self.rows

    def _show(self) -> None:
        from datetime import date

        vlist = self.query_one(VirtualList)
        key = vlist.cursor_key
        shown = self._shown()
        vlist.set_rows([(r["ho_ten"], fmt_date(date.fromisoformat(r["ngay_sinh"])), r["thon"] or "",
                         r["ma"] or (f"≈ {r['de_xuat']}" if r["de_xuat"] else "—")) for r in shown],
                       keys=[r["id"] for r in shown])
        if key is not None:
            vlist.move_to_key(key)
        n = len(self.rows)
        arrived = sum(1 for r in self.rows if r["ma"])
        proposed = sum(1 for r in self.rows if r["de_xuat"])
        rate = report_common.rate(arrived, n)
        self.query_one("#cohort-info", Static).update(
            _("{year}: dự kiến {n}, đã ra lớp {arrived} ({rate}%), đề xuất {proposed} · xem: {filter}").format(year=self.year_name, n=n, arrived=arrived,
                                             rate="–" if rate is None else pct_text(rate),
                                             proposed=proposed, filter=_(FILTER_LABELS[self.filter])))

    def _current(self) -> dict | None:
        key = self.query_one(VirtualList).cursor_key
        return next((r for r in self.rows if r["id"] == key), None)

    def action_confirm(self) -> None:
        row = self._current()
        if row is None:
            return
        if not row["de_xuat"]:
            self.notify(_("Trẻ này không có đề xuất ghép để xác nhận."), title=_("Xác nhận ghép"))
            return
        self._decide(lambda: cohort_match.confirm_match(row["id"], row["de_xuat"]),
                     _("Đã ghép {name} với học sinh {code}.").format(name=row["ho_ten"], code=row["de_xuat"]))

    def action_reject(self) -> None:
        row = self._current()
        if row is None:
            return
        code = row["ma"] or row["de_xuat"]
        if not code:
            self.notify(_("Trẻ này chưa được ghép hay đề xuất ghép với học sinh nào."), title=_("Từ chối ghép"))
            return
        self._decide(lambda: cohort_match.reject_match(row["id"]),
                     _("Đã từ chối ghép {name} với học sinh {code}.").format(name=row["ho_ten"], code=code))

    def _decide(self, write, done: str) -> None:
        try:
            write()
        except SisoError as err:
            self.notify(str(err), severity="error", title=_("Không ghi được"))
            return
        self.notify(done)
        self.post_message(DataChanged())
        self.load()

    def action_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self._show()

    def action_back(self) -> None:
        self.app.pop_screen()

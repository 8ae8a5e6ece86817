"""«Điểm danh»: one class, one school day. K / P mark the student under the cursor absent
without / with leave for the whole day, N makes it half a day (morning, then afternoon),
X clears; digits jump to a row number (STT); ←/→ go to the previous / next school day.
Each key is saved at once (one transaction) and records that the class's day was taken;
Ctrl+S records it when nobody is absent."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.worker import get_current_worker
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from db import attendance as att, attendance_days, attendance_flag
from db import roster
from db.dates import fmt_date
from db.errors import SisoError
from db.models import SchoolClass
from tui.changes import DataChanged
from tui.i18n import N_, _
from tui.screens.base import SisoScreen, db_work
from tui.widgets.vlist import Column, VirtualList

WEEKDAYS = (N_("Thứ Hai"), N_("Thứ Ba"), N_("Thứ Tư"), N_("Thứ Năm"), N_("Thứ Sáu"),
            N_("Thứ Bảy"), N_("Chủ nhật"))
SESSION_TEXT = {"sang": N_("sáng"), "chieu": N_("chiều")}


def mark_text(records: list[tuple[int, bool, str | None]]) -> str:
    """«K», «P sáng», «K sáng, P chiều» for a student's records of the day."""
    parts = []
    for _id, excused, session in records:
        letter = "P" if excused else "K"
        parts.append(f"{letter} {_(SESSION_TEXT[session])}" if session else letter)
    return ", ".join(parts)


class DayList(VirtualList):
    """The roster of the day: ← → go to the previous / next school day instead of scrolling
    sideways. Bound on the list itself (not as the screen's priority keys), so that keys typed
    quickly are handled in order: «3 K →» marks row 3 on this day, then moves."""

    BINDINGS = [
        Binding("left", "screen.day(-1)", N_("Ngày học trước"), id="day_before", show=False),
        Binding("right", "screen.day(1)", N_("Ngày học sau"), id="day_after", show=False),
    ]


class AttendanceScreen(SisoScreen):
    """The roster of ``klass_id`` on a school day (``day``: the last school day on or before
    it; by default the app's day), with each student's absence of that day."""

    BINDINGS = [
        Binding("escape", "back", N_("Quay lại"), id="back"),
        Binding("k", "mark('K')", N_("Không phép"), id="mark_k"),
        Binding("p", "mark('P')", N_("Có phép"), id="mark_p"),
        Binding("n", "mark('half')", N_("Nửa buổi"), id="mark_half"),
        Binding("x,delete", "mark('clear')", N_("Xóa"), id="mark_clear"),
        Binding("ctrl+s", "taken", N_("Đã điểm danh"), id="taken"),
        *[Binding(str(d), f"digit({d})", N_("Đến học sinh có số thứ tự đó"), show=False,
                  key_display="0–9") for d in range(10)],
    ]

    def __init__(self, klass_id: int, day: date | None = None) -> None:
        super().__init__()
        self.klass_id = klass_id
        self.klass: SchoolClass | None = None  # read by ``load``, with the year
        self.year = None
        self.days: list[date] = []
        self.day: date | None = None
        self._wanted = day
        self.rows: list[roster.Row] = []
        self.marks: dict[int, list] = {}
        self.flagged: set[int] = set()
        self.changed = False
        self._digits = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="attendance-info", classes="info")
        yield DayList([
            Column(_("STT"), 4, align="right"),
            Column(_("Họ và tên"), 18, flex=True),
            Column(_("Vắng"), 16),
            Column(_("Cần chú ý"), 9, align="center"),
        ], empty=_("Lớp không có học sinh nào ngày này."), id="attendance")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(VirtualList).focus()
        self.load(self._wanted or self.siso.day, self.siso.today)

    # ---- reading -------------------------------------------------------------------------

    @db_work(group="attendance")
    def load(self, wanted: date, today: date | None = None) -> None:
        """Read (once) the class and its school days up to ``today``, then the roster and the
        marks of the last school day on or before ``wanted``; show them on the UI thread."""
        klass, days = self.klass, self.days
        if klass is None:
            klass = SchoolClass.get_by_id(self.klass_id)
            days = [d for d in attendance_days.school_days(klass.year) if d <= today]
        before = [d for d in days if d <= wanted]
        day = before[-1] if before else (days[0] if days else None)
        rows = (roster.roster_rows(klass.year, day, klass=klass, include_left=False)
                if day is not None else [])
        marks = self._read_marks(klass.year, day) if day is not None else None
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, klass, days, day, rows, marks)

    def _loaded(self, klass, days, day, rows, marks) -> None:
        self.klass, self.year, self.days, self.day, self.rows = klass, klass.year, days, day, rows
        if day is None:
            self.query_one("#attendance-info", Static).update(
                _("Lớp {name}: năm học chưa có ngày học nào đến hôm nay.").format(name=klass.name))
            return
        self._show_marks(*marks)

    def _read_marks(self, year, day: date):
        return (att.day_marks(self.klass_id, day),
                attendance_flag.flagged_students(year, day, [self.klass_id]),
                att.is_taken(self.klass_id, day))

    def refresh_marks(self) -> None:
        self._show_marks(*self._read_marks(self.year, self.day))

    def _show_marks(self, marks: dict, flagged: set, taken: bool) -> None:
        day = self.day
        self.marks, self.flagged = marks, flagged
        vlist = self.query_one(VirtualList)
        cursor = vlist.cursor
        rows = [(str(i + 1), r.full_name, mark_text(self.marks.get(r.id, [])),
                 "!" if r.id in self.flagged else "")
                for i, r in enumerate(self.rows)]
        vlist.set_rows(rows, keys=[r.id for r in self.rows])
        if rows:
            vlist.cursor = min(cursor, len(rows) - 1)
        absent = sum(1 for r in self.rows if r.id in self.marks)
        state = _("đã điểm danh") if taken else _("chưa điểm danh")
        self.query_one("#attendance-info", Static).update(
            _("Lớp {name} — {weekday} {day} — {state} — vắng {n}/{total}").format(
                name=self.klass.name, weekday=_(WEEKDAYS[day.weekday()]), day=fmt_date(day),
                state=state, n=absent, total=len(self.rows)))

    # ---- keys ----------------------------------------------------------------------------

    def action_mark(self, what: str) -> None:
        self._digits = ""
        student_id = self.query_one(VirtualList).cursor_key
        if student_id is None or self.day is None:
            return
        try:
            att.set_mark(student_id, self.day, what)
        except SisoError as err:
            self.notify(str(err), severity="error", title=_("Không ghi được"))
            return
        self.changed = True
        self.refresh_student(student_id)

    def refresh_student(self, student_id: int) -> None:
        """After a key: re-read that student's marks and flag only (the rest of the class is
        as it was)."""
        marks = {k: v for k, v in self.marks.items() if k != student_id}
        marks.update(att.day_marks(self.klass_id, self.day, student_id))
        flagged = self.flagged - {student_id}
        flagged |= attendance_flag.flagged_students(self.year, self.day, student_ids=[student_id])
        self._show_marks(marks, flagged, att.is_taken(self.klass_id, self.day))

    def action_taken(self) -> None:
        self._digits = ""
        if self.day is None:
            return
        try:
            att.mark_taken(self.klass, self.day)
        except SisoError as err:
            self.notify(str(err), severity="error", title=_("Không ghi được"))
            return
        self.changed = True
        self.refresh_marks()

    def action_day(self, step: int) -> None:
        self._digits = ""
        if self.day is None or not self.days:
            return
        from bisect import bisect_left

        i = bisect_left(self.days, self.day) + step
        if 0 <= i < len(self.days):
            self.load(self.days[i])

    def action_digit(self, digit: int) -> None:
        """Type the row number (STT): 4 then 1 goes to row 41 (to 4 on the way)."""
        vlist = self.query_one(VirtualList)
        typed = self._digits + str(digit)
        if not typed.lstrip("0") or int(typed) > vlist.row_count:
            typed = str(digit)
        self._digits = typed
        number = int(typed)
        if 1 <= number <= vlist.row_count:
            vlist.cursor = number - 1

    def action_back(self) -> None:
        if self.changed:
            self.post_message(DataChanged())
        self.app.pop_screen()

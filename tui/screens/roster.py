"""A class (or grade) roster in Vietnamese order; typing filters it, Enter opens a student."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Input, Static

from db import roster, text
from db.dates import fmt_date
from db.models import SchoolClass
from tui.i18n import N_, _
from tui.navigation import AddStudent, EditStudent, OpenAttendance, OpenStudent, RecordEvent
from tui.screens.base import SisoScreen, db_work
from tui.widgets.vlist import Column, LazyRows, Subset, VirtualList


def student_columns(with_class: bool = False) -> list[Column]:
    cols = [
        Column(_("STT"), 4, align="right"),
        Column(_("Mã"), 8, drop=2),
        Column(_("Họ và tên"), 16, flex=True),
        Column(_("Ngày sinh"), 10),
        Column(_("Nữ"), 2, align="center"),
        Column(_("Dân tộc"), 7, drop=3),
        Column(_("Thôn/xóm"), 9, flex=True, drop=1),
        Column(_("Trạng thái"), 13),
    ]
    if with_class:
        cols.insert(4, Column(_("Lớp"), 5))
    return cols


def student_cells(n: int, r: roster.Row, with_class: bool = False, flagged: bool = False) -> tuple:
    """``flagged``: «Cần chú ý» (db.attendance_flag.attention), a «!» before the name."""
    cells = [str(n), r.code, f"! {r.full_name}" if flagged else r.full_name, fmt_date(r.dob), "x" if r.female else "",
             r.ethnic_name, r.village, _(roster.STATUS_TEXT.get(r.status, r.status))]
    if with_class:
        cells.insert(4, r.klass)
    return tuple(cells)


def matches(folded: str, words: Sequence[str]) -> bool:
    return all(w in folded for w in words)


class ListNavigation:
    """Screen bindings that move the list while the filter input has the focus."""

    NAV_BINDINGS = [
        Binding("down", "list('cursor_down')", N_("Xuống"), show=False),
        Binding("up", "list('cursor_up')", N_("Lên"), show=False),
        Binding("pagedown", "list('page_down')", N_("Trang sau"), show=False),
        Binding("pageup", "list('page_up')", N_("Trang trước"), show=False),
        Binding("ctrl+home", "list('first')", N_("Đầu danh sách"), show=False),
        Binding("ctrl+end", "list('last')", N_("Cuối danh sách"), show=False),
    ]

    def action_list(self, action: str) -> None:
        getattr(self.query_one(VirtualList), f"action_{action}")()


class RosterScreen(ListNavigation, SisoScreen):
    """The students of one class (``klass_id``) or one grade (``grade``) as of ``app.day``."""

    BINDINGS = [
        Binding("escape", "back", N_("Quay lại"), id="back"),
        Binding("enter", "open_student", N_("Xem HS"), id="open_student", show=False),
        Binding("f2", "add_student", N_("Thêm HS"), id="add_student"),
        Binding("f4", "edit_student", N_("Sửa HS"), id="edit_student"),
        Binding("f7", "record_event", N_("Ghi biến động"), id="record_event"),
        Binding("f12", "attendance", N_("Điểm danh"), id="attendance"),
        Binding("f5", "reload", N_("Tải lại"), id="reload", show=False),
        *ListNavigation.NAV_BINDINGS,
    ]

    def __init__(self, klass_id: int | None = None, grade: int | None = None) -> None:
        super().__init__()
        self.klass_id = klass_id
        self.grade = grade
        self.all_rows: list[roster.Row] = []
        self._folded: list[str] = []
        self._cells: list[tuple] = []
        self._ids: list[int] = []
        self._dim = b""  # 1 for each row whose student has left

    @property
    def selected_student_id(self) -> int | None:
        """The student under the cursor (for screens that act on "this student")."""
        return self.query_one(VirtualList).cursor_key

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="roster-info", classes="info")
        yield Input(placeholder=_("Gõ tên hoặc mã để lọc (không cần dấu)…"), id="filter",
                    compact=True)
        yield VirtualList(student_columns(with_class=self.klass_id is None),
                          empty=_("Không có học sinh nào."), id="roster")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#filter", Input).focus()
        self.reload()

    def reload(self) -> None:
        year = self.siso.year
        if year is None:
            return
        self.load(year, self.siso.day, self.klass_id)

    @db_work
    def load(self, year, day, klass_id: int | None) -> None:
        from db import attendance_flag

        klass = SchoolClass.get_by_id(klass_id) if klass_id else None  # (its GVCN may change)
        rows = roster.roster_rows(year, day, klass=klass,
                                  grades=[self.grade] if self.grade else None)
        flagged = attendance_flag.attention_students(
            year, day, [klass.id] if klass is not None else None)
        self.app.call_from_thread(self.show_rows, rows, klass, flagged)

    def show_rows(self, rows: list[roster.Row], klass: SchoolClass | None,
                  flagged: set[int] = frozenset()) -> None:
        self.all_rows = rows
        with_class = klass is None
        # cells are made only for the rows on screen; the stored folded name is searched
        self._cells = LazyRows(rows, lambda i, r: student_cells(i + 1, r, with_class,
                                                                r.id in flagged))
        self._folded = [f"{r.name_folded} {r.code.lower()}" for r in rows]
        self._ids = [r.id for r in rows]
        self._dim = bytes(r.status != "dang_hoc" for r in rows)
        self.apply_filter(self.query_one("#filter", Input).value)
        enrolled = sum(1 for r in rows if r.status == "dang_hoc")
        female = sum(1 for r in rows if r.status == "dang_hoc" and r.female)
        if klass is not None:
            head = _("Lớp {name}").format(name=klass.name)
            if klass.homeroom:
                head += " — " + _("GVCN: {name}").format(name=klass.homeroom)
        else:
            head = _("Khối {grade}").format(grade=self.grade)
        self.query_one("#roster-info", Static).update(
            head + " — " + _("{n} đang học ({f} nữ), ngày {day}").format(
                n=enrolled, f=female, day=fmt_date(self.siso.day)))

    def apply_filter(self, query: str) -> None:
        words = text.fold(query).split()
        idx = [i for i, f in enumerate(self._folded) if matches(f, words)] if words else \
            range(len(self._cells))
        cells = self._cells
        self.query_one(VirtualList).set_rows(
            LazyRows(idx, lambda _pos, i: cells[i]), keys=Subset(self._ids, idx),
            dim=Subset(self._dim, idx))

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.apply_filter(event.value)

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.action_open_student()

    @on(VirtualList.Selected, "#roster")
    def row_selected(self, event: VirtualList.Selected) -> None:
        self.post_message(OpenStudent(event.key))

    def action_open_student(self) -> None:
        if self.selected_student_id is not None:
            self.post_message(OpenStudent(self.selected_student_id))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_add_student(self) -> None:
        self.post_message(AddStudent(klass_id=self.klass_id))

    def action_edit_student(self) -> None:
        if self.selected_student_id is not None:
            self.post_message(EditStudent(self.selected_student_id))

    def action_record_event(self) -> None:
        """F7: the movement chooser for the student under the cursor (a new student
        transferring in when the list is empty)."""
        self.post_message(RecordEvent(self.selected_student_id, klass_id=self.klass_id))

    def action_reload(self) -> None:
        self.reload()

    def action_attendance(self) -> None:
        """F12: «Điểm danh» of this class."""
        if self.klass_id is not None:
            self.post_message(OpenAttendance(self.klass_id))
        else:
            self.notify(_("Điểm danh theo từng lớp: mở danh sách một lớp rồi nhấn F12."),
                        title=_("Điểm danh"))

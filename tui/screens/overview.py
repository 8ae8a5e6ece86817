"""The school year at a glance: grades, their classes and the counts of each."""

from __future__ import annotations

from textual import on
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static

from db import roster, scope
from db.dates import fmt_date
from tui.i18n import N_, _
from tui.navigation import (AddStudent, EditClass, OpenAttendance, OpenMovements, OpenRoster,
                            OpenSearch, RecordEvent)
from tui.screens.base import SisoScreen, db_work
from tui.widgets.footer import KeysFooter
from tui.widgets.vlist import Column, VirtualList


def classes_label(n: int) -> str:
    """«3 lớp», or «1 lớp hiển thị» when the reader sees part of the school: a subtotal or
    total row adds up the rows shown."""
    return (_("{n} lớp") if scope.current().whole else _("{n} lớp hiển thị")).format(n=n)


class OverviewScreen(SisoScreen):
    """Classes by grade with start-of-year, current, female and ethnic-minority counts.

    Enter on a class opens its roster; on a grade line, the whole grade; on the school
    line, the whole-school search."""

    DEFAULT_CSS = """
    OverviewScreen #overview-deadlines { height: auto; padding: 0 1; background: $boost; }
    """

    BINDINGS = [
        Binding("f2", "add_student", N_("Thêm HS"), id="add_student"),
        Binding("f7", "transfer_in", N_("HS chuyển đến"), id="transfer_in"),
        Binding("ctrl+l", "add_class", N_("Thêm lớp"), id="add_class"),
        Binding("f4", "edit_class", N_("Sửa lớp"), id="edit_class", show=False),
        # the app's keys, shown in this screen's footer (80 columns hold only a few)
        Binding("f3", "open_search", N_("Tìm HS"), id="show_search"),
        Binding("f8", "open_movements", N_("Sổ biến động"), id="show_movements", show=False),
        Binding("f5", "reload", N_("Tải lại"), id="reload", show=False),
        Binding("f12", "attendance", N_("Điểm danh"), id="attendance", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.counts: list[roster.ClassCount] = []
        self.attention: dict[int, set[int]] = {}  # class id -> students «cần chú ý»

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="overview-info", classes="info")
        yield VirtualList([
            Column(_("Lớp"), 12),  # «Toàn trường» / «Whole school» in full
            Column(_("GVCN"), 12, flex=True, drop=2),
            Column(_("Đầu năm"), 8, align="right"),
            Column(_("Hiện có"), 8, align="right"),
            Column(_("Nữ"), 6, align="right"),
            Column(_("DTTS"), 6, align="right"),
            # on a narrow screen «Tăng/giảm» goes first, then the homeroom teacher; the
            # students to watch («nghỉ học quá 3 ngày») stay longest
            Column(_("Tăng/giảm"), 9, align="right", drop=3),
            Column(_("Cần chú ý"), 9, align="right", drop=1),
        ], empty=_("Chưa có lớp: Ctrl+L thêm lớp, Ctrl+O nhập danh sách từ tệp."), id="classes")
        yield Static("", id="overview-deadlines")  # the reporting calendar (shown when loaded)
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one(VirtualList).focus()
        self.reload()

    def reload(self) -> None:
        year = self.siso.year
        if year is None:
            return
        self.query_one("#overview-info", Static).update(
            _("Sĩ số đến hết ngày {day} (đầu năm: ngày {ref})").format(
                day=fmt_date(self.siso.day), ref=fmt_date(year.ref_date)))
        self.load(year, self.siso.day)

    @db_work
    def load(self, year, day) -> None:
        counts = roster.class_counts(year, day)
        # the counts first (start-up waits for them), then the column «Cần chú ý» (its module
        # imported only then, not before the first screen)
        self.app.call_from_thread(self.show_counts, counts, self.attention)
        from db import attendance_flag

        flagged = attendance_flag.attention(year, day)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_counts, counts, flagged)
        self.app.call_from_thread(self.load_deadlines, year)

    @db_work(group="overview_deadlines")
    def load_deadlines(self, year) -> None:
        from db.deadlines import watch
        from tui.screens.calendar import watch_text

        text = watch_text(watch(year))
        self.app.call_from_thread(self.query_one("#overview-deadlines", Static).update, text)

    def show_counts(self, counts: list[roster.ClassCount],
                    flagged: dict[int, set[int]] | None = None) -> None:
        self.counts = counts
        self.attention = flagged = flagged or {}
        rows, keys, dim = [], [], []

        def change(start, now):
            return f"{now - start:+d}" if now != start else "0"

        total = [0, 0, 0, 0]
        total_flagged = 0
        i = 0
        while i < len(counts):
            grade = counts[i].grade
            sums = [0, 0, 0, 0]
            grade_flagged = 0
            n_classes = 0
            while i < len(counts) and counts[i].grade == grade:
                c = counts[i]
                n_flagged = len(flagged.get(c.klass_id, ()))
                grade_flagged += n_flagged
                rows.append((c.name, c.homeroom, str(c.start), str(c.now), str(c.female),
                             str(c.minority), change(c.start, c.now), str(n_flagged or "")))
                keys.append(("class", c.klass_id))
                dim.append(False)
                for k, v in enumerate((c.start, c.now, c.female, c.minority)):
                    sums[k] += v
                n_classes += 1
                i += 1
            rows.append((_("Khối {grade}").format(grade=grade),
                         classes_label(n_classes), *map(str, sums),
                         change(sums[0], sums[1]), str(grade_flagged or "")))
            total_flagged += grade_flagged
            keys.append(("grade", grade))
            dim.append(True)
            total = [a + b for a, b in zip(total, sums)]
        if counts:
            rows.append((_(scope.total_label(shown=N_("Cộng"))), classes_label(len(counts)), *map(str, total),
                         change(total[0], total[1]), str(total_flagged or "")))
            keys.append(("school", None))
            dim.append(True)
        self.query_one(VirtualList).set_rows(rows, keys=keys, dim=dim)

    @on(VirtualList.Selected, "#classes")
    def open_line(self, event: VirtualList.Selected) -> None:
        kind, value = event.key
        if kind == "class":
            self.post_message(OpenRoster(klass_id=value))
        elif kind == "grade":
            self.post_message(OpenRoster(grade=value))
        else:
            self.post_message(OpenSearch())

    def action_add_student(self) -> None:
        key = self.query_one(VirtualList).cursor_key
        self.post_message(AddStudent(klass_id=key[1] if key and key[0] == "class" else None))

    def action_transfer_in(self) -> None:
        """F7: a new student transferring in (into the class under the cursor)."""
        key = self.query_one(VirtualList).cursor_key
        self.post_message(RecordEvent(None, klass_id=key[1] if key and key[0] == "class" else None))

    def action_add_class(self) -> None:
        self.post_message(EditClass(None))

    def action_edit_class(self) -> None:
        """F4: change the homeroom teacher of the class under the cursor."""
        key = self.query_one(VirtualList).cursor_key
        if key and key[0] == "class":
            self.post_message(EditClass(key[1]))

    def action_open_search(self) -> None:
        self.post_message(OpenSearch())

    def action_open_movements(self) -> None:
        self.post_message(OpenMovements())

    def action_reload(self) -> None:
        self.reload()

    def class_under_cursor(self) -> int | None:
        key = self.query_one(VirtualList).cursor_key
        return key[1] if key and key[0] == "class" else None

    def action_attendance(self) -> None:
        """F12: «Điểm danh» of the class under the cursor."""
        self.post_message(OpenAttendance(self.class_under_cursor()))

"""Year-end outcomes of a class, marked by keyboard.

    app.push_screen(YearEndScreen(year_id, klass_id=None))

A full screen; Escape goes back (dismisses with None). The class is picked at the top;
every student shows the recorded outcome or the default (promoted; completed in the school's
top grade). Keys on the student under the cursor: L lên lớp, T thi lại / rèn luyện hè,
B lưu ban, H hoàn thành chương trình; in the school's top grade 1–5 record a graduate with
where they went (1 THPT, 2 GDTX, 3 học nghề, 4 đi làm, 5 không rõ; shown after the result).
The cursor moves to the next student at once (the
hint says so), so a clerk can type a class's results in a row; the line under the table
confirms each one written ("Đã ghi: 3. Nguyễn Văn An — Lưu ban") and a refusal names the
student. The same keys resolve a pending result in the summer. Choosing the blank class
entry empties the table: nothing can be marked until a class is chosen.
"""

from __future__ import annotations

import queue

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Select, Static

from db import kinds
from db.dates import fmt_date
from db.errors import SisoError
from db.models import SchoolYear
from tui.changes import DataChanged
from tui.i18n import N_, _
from tui.screens.base import SisoScreen, db_work


class YearEndScreen(SisoScreen):
    DEFAULT_CSS = """
    YearEndScreen #title { text-style: bold; color: $accent; padding: 0 1; }
    YearEndScreen #lop { width: 30; margin: 0 1 1 1; }
    YearEndScreen #students { height: 1fr; }
    YearEndScreen #status { padding: 0 1; color: $text-muted; height: auto; }
    YearEndScreen #dest-hint { padding: 0 1; color: $text-muted; height: auto; display: none; }
    YearEndScreen #done { padding: 0 1; color: $success; height: auto; }
    YearEndScreen .error { color: $error; height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("l", "mark('promoted')", N_("Lên lớp"), id="year_end.promoted"),
        Binding("t", "mark('pending')", N_("Thi lại / RL hè"), id="year_end.pending"),
        Binding("b", "mark('held-back')", N_("Lưu ban"), id="year_end.held_back"),
        Binding("h", "mark('completed')", N_("Hoàn thành"), id="year_end.completed"),
        *[Binding(str(i), f"destination('{key}')", label, id=f"year_end.{key}", show=False)
          for i, (key, label) in enumerate((("thpt", N_("THPT")), ("gdtx", N_("GDTX")), ("nghe", N_("Học nghề")),
                                            ("lam_viec", N_("Đi làm")), ("khong_ro", N_("Không rõ"))), 1)],
        Binding("escape", "back", N_("Quay lại"), id="year_end.back", show=False),
    ]

    def __init__(self, year_id: int, klass_id: int | None = None) -> None:
        super().__init__()
        self.year_id = year_id
        self.klass_id = klass_id
        self.rows = []

    def compose(self) -> ComposeResult:
        # the year's name and end and its classes come from ``_read_start`` (a worker)
        yield Static("", id="title")
        yield Select([], id="lop", prompt=_("Chọn lớp"), compact=True)
        table = DataTable(id="students", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="done")
        yield Static("", id="err", classes="error")
        yield Static(_("L lên lớp · T thi lại / rèn luyện hè · B lưu ban · H hoàn thành chương trình: "
                       "ghi cho học sinh ở con trỏ, rồi con trỏ tự xuống học sinh kế tiếp. Chưa ghi "
                       "gì: lên lớp (khối cuối cấp: hoàn thành). Esc: quay lại."), id="status")
        yield Static(_("Khối cuối cùng: 1 THPT · 2 GDTX · 3 học nghề · 4 đi làm · 5 không rõ — tốt "
                       "nghiệp và nơi học tiếp."), id="dest-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in (_("STT"), _("Mã HS"), _("Họ và tên"), _("Ngày sinh"), _("Nữ"), _("Kết quả"),
                      _("Ghi ngày")):
            table.add_column(label)
        table.focus()
        self._read_start()
        # marks are written one at a time, in the order the keys came
        self._marks: queue.Queue = queue.Queue()
        self._mark(self._marks)

    def on_unmount(self) -> None:
        self._marks.put(None)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "lop":
            return
        self.query_one("#done", Static).update("")
        self.query_one("#err", Static).update("")
        if event.select.is_blank():
            # no class: nothing left on screen to mark by mistake
            self.klass_id = None
            self.rows = []
            self.query_one(DataTable).clear()
            return
        if event.value != self.klass_id:
            self.klass_id = event.value
            self.reload(keep_row=0)

    @db_work(group="year_end_start")
    def _read_start(self) -> None:
        from db import school

        year = SchoolYear.get_by_id(self.year_id)
        classes = [(_("{name} (khối {grade})").format(name=c.name, grade=c.grade), c.id)
                   for c in school.list_classes(year)]
        self.app.call_from_thread(self._started, year.name, year.end, classes)

    def _started(self, name: str, end, classes: list) -> None:
        self.query_one("#title", Static).update(
            _("Kết quả cuối năm — năm học {name} (ngày {end})").format(name=name, end=fmt_date(end)))
        if self.klass_id is None and classes:
            self.klass_id = classes[0][1]
        lop = self.query_one("#lop", Select)
        # filling the list is not the user choosing a class: one load, below, not three
        with lop.prevent(Select.Changed):
            lop.set_options(classes)
            if self.klass_id:
                lop.value = self.klass_id
        self.reload()

    def reload(self, keep_row: int | None = None) -> None:
        """Reload the class; the cursor goes to ``keep_row`` (None: stays where it is)."""
        if self.klass_id is not None:
            self._load(self.klass_id, keep_row)

    @db_work(group="year_end")
    def _load(self, klass_id: int, keep_row: int | None) -> None:
        from db import yearend
        from db.models import SchoolClass

        rows = yearend.outcomes_for_class(SchoolClass.get_by_id(klass_id))
        self.app.call_from_thread(self._show, klass_id, rows, keep_row)

    def _show(self, klass_id: int, rows, keep_row) -> None:
        if klass_id != self.klass_id:
            return  # another class was chosen meanwhile
        self.rows = rows
        # the destination keys apply in the school's top grade only: their hint shows there
        self.query_one("#dest-hint", Static).display = any(r.top_grade for r in rows)
        table = self.query_one(DataTable)
        if keep_row is None:
            keep_row = table.cursor_row
        table.clear()
        for i, r in enumerate(rows, 1):
            short = _("Thi lại / RL hè") if r.outcome == kinds.PENDING else _(r.label)
            label = short if r.explicit else _("({label})").format(label=short)
            from db.yearend import DESTINATIONS

            if r.top_grade and r.outcome == kinds.COMPLETED and r.explicit:  # and where they went
                label += " — " + _(DESTINATIONS[r.destination or "khong_ro"])
            table.add_row(str(i), r.code, r.name, fmt_date(r.dob), "x" if r.female else "", label,
                          r.date.strftime("%d/%m") if r.date else "", key=str(r.student_id))
        if keep_row is not None and rows:
            table.move_cursor(row=min(keep_row, len(rows) - 1))

    def action_destination(self, destination: str) -> None:
        """A graduate of the school's top grade and where they went (keys 1–5)."""
        self.action_mark("completed", destination)

    def action_mark(self, result: str, destination: str | None = None) -> None:
        table = self.query_one(DataTable)
        if self.klass_id is None or not self.rows or table.cursor_row is None:
            self.query_one("#err", Static).update(_("Chọn lớp trước khi ghi kết quả."))
            return
        row_index = min(table.cursor_row, len(self.rows) - 1)
        row = self.rows[row_index]
        self.query_one("#err", Static).update("")
        # move on now, so keys typed quickly each mark the next student
        if row_index + 1 < len(self.rows):
            table.move_cursor(row=row_index + 1)
        self._marks.put((row.student_id, result, row_index, self.klass_id, destination))

    # one worker for the screen, started on mount: it writes each mark queued in ``_marks``
    @db_work(group="year_end_mark", exclusive=False, jobs=True)
    def _mark(self, student_id: int, result: str, row_index: int, klass_id: int,
              destination: str | None = None) -> None:
        from db import yearend
        from db.models import SchoolClass, Student

        try:
            ev = yearend.set_outcome(student_id, self.year_id, result, klass=klass_id,
                                     destination=destination)
            label = _(yearend.outcome_label(ev.kind, SchoolClass.get_by_id(klass_id).grade))
            if destination:
                label += " — " + _(yearend.DESTINATIONS[destination])
            name = Student.get_by_id(student_id).full_name
        except SisoError as err:
            name = Student.get_by_id(student_id).full_name
            self.app.call_from_thread(self._failed, row_index, name, err.message)
            return
        self.app.call_from_thread(self._marked, row_index, name, label, fmt_date(ev.date))

    def _failed(self, row_index: int, name: str, message: str) -> None:
        self.query_one("#done", Static).update("")
        table = self.query_one(DataTable)
        if table.cursor_row == row_index + 1:  # no key since: back to the student refused
            table.move_cursor(row=row_index)
        self.query_one("#err", Static).update(_("Chưa ghi cho {stt}. {name}: {message}").format(
            stt=row_index + 1, name=name, message=message))

    def _marked(self, row_index: int, name: str, label: str, day: str) -> None:
        self.query_one("#done", Static).update(_("Đã ghi: {stt}. {name} — {label} (ngày {day}).").format(
            stt=row_index + 1, name=name, label=label, day=day))
        self.post_message(DataChanged())
        self.reload()

    def action_back(self) -> None:
        self.go_back()


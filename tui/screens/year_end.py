"""Year-end outcomes of a class, marked by keyboard.

    app.push_screen(YearEndScreen(year_id, klass_id=None))

A full screen; Escape goes back (dismisses with None). The class is picked at the top;
every student shows the recorded outcome or the default (promoted; completed in the school's
top grade). Keys on the student under the cursor: L lên lớp, T thi lại / rèn luyện hè,
B lưu ban, H hoàn thành chương trình. The cursor then moves to the next student.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Select, Static

from db.dates import fmt_date
from db.errors import SisoError
from db.models import SchoolYear
from tui.i18n import N_, _
from tui.screens.base import SisoScreen
from tui.screens.event_form import close_thread_connection


class YearEndScreen(SisoScreen):
    DEFAULT_CSS = """
    YearEndScreen #title { text-style: bold; color: $accent; padding: 0 1; }
    YearEndScreen #lop { width: 30; margin: 0 1 1 1; }
    YearEndScreen #students { height: 1fr; }
    YearEndScreen #status { padding: 0 1; color: $text-muted; }
    YearEndScreen #status { height: auto; }
    YearEndScreen .error { color: $error; height: auto; }
    """
    BINDINGS = [
        Binding("l", "mark('promoted')", N_("Lên lớp"), id="year_end.promoted"),
        Binding("t", "mark('pending')", N_("Thi lại / RL hè"), id="year_end.pending"),
        Binding("b", "mark('held-back')", N_("Lưu ban"), id="year_end.held_back"),
        Binding("h", "mark('completed')", N_("Hoàn thành"), id="year_end.completed"),
        Binding("escape", "back", N_("Quay lại"), id="year_end.back", show=False),
    ]

    def __init__(self, year_id: int, klass_id: int | None = None) -> None:
        super().__init__()
        self.year_id = year_id
        self.klass_id = klass_id
        self.rows = []

    def compose(self) -> ComposeResult:
        from db import school

        year = SchoolYear.get_by_id(self.year_id)
        classes = school.list_classes(year)
        if self.klass_id is None and classes:
            self.klass_id = classes[0].id
        yield Static(_("Kết quả cuối năm — năm học {name} (ngày {end})").format(
            name=year.name, end=fmt_date(year.end)), id="title")
        yield Select([(_("{name} (khối {grade})").format(name=c.name, grade=c.grade), c.id)
                      for c in classes], id="lop",
                     value=self.klass_id if self.klass_id else Select.NULL, prompt=_("Chọn lớp"),
                     compact=True)
        table = DataTable(id="students", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="err", classes="error")
        yield Static(_("L: lên lớp · T: thi lại / rèn luyện hè · B: lưu ban · H: hoàn thành chương "
                       "trình. Chưa ghi gì là lên lớp (khối cuối cấp: hoàn thành). Esc: quay lại."), id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in (_("STT"), _("Mã HS"), _("Họ và tên"), _("Ngày sinh"), _("Nữ"), _("Kết quả"),
                      _("Ghi ngày")):
            table.add_column(label)
        table.focus()
        self.reload()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "lop" and not event.select.is_blank():
            self.klass_id = event.value
            self.reload()

    def reload(self, keep_row: int | None = None) -> None:
        if self.klass_id is not None:
            self._load(self.klass_id, keep_row)

    @work(thread=True, exclusive=True, group="year_end", exit_on_error=False)
    def _load(self, klass_id: int, keep_row: int | None) -> None:
        from db import yearend
        from db.models import SchoolClass

        try:
            rows = yearend.outcomes_for_class(SchoolClass.get_by_id(klass_id))
        finally:
            close_thread_connection()
        self.app.call_from_thread(self._show, rows, keep_row)

    def _show(self, rows, keep_row) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for i, r in enumerate(rows, 1):
            label = _(r.label) if r.explicit else _("({label})").format(label=_(r.label))
            table.add_row(str(i), r.code, r.name, fmt_date(r.dob), "x" if r.female else "", label,
                          fmt_date(r.date) if r.date else "", key=str(r.student_id))
        if keep_row is not None and rows:
            table.move_cursor(row=min(keep_row, len(rows) - 1))

    def action_mark(self, result: str) -> None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None:
            return
        row_index = table.cursor_row
        self.query_one("#err", Static).update("")
        self._mark(self.rows[row_index].student_id, result, row_index)

    @work(thread=True, group="year_end_mark", exit_on_error=False)
    def _mark(self, student_id: int, result: str, row_index: int) -> None:
        from db import yearend

        try:
            yearend.set_outcome(student_id, self.year_id, result, klass=self.klass_id)
        except SisoError as err:
            self.app.call_from_thread(self._failed, err.message)
            return
        finally:
            close_thread_connection()
        self.app.call_from_thread(self._marked, row_index)

    def _failed(self, message: str) -> None:
        self.query_one("#err", Static).update(message)

    def _marked(self, row_index: int) -> None:
        refresh = getattr(self.app, "data_changed", None)
        if callable(refresh):
            refresh()
        self.reload(keep_row=row_index + 1)

    def action_back(self) -> None:
        self.go_back()


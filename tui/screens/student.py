"""One student: every field, the status on the app's day, and the history of events."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Footer, Header, Static

from db import codes, kinds
from db.dates import fmt_date
from db.events import status_on
from db.models import Event, Student
from db.history import HistoryLine, history, history_lines
from tui.i18n import N_, _
from tui.navigation import EditStudent, RecordEvent, VoidEvents
from tui.screens.base import SisoScreen, db_work


def event_line(line: HistoryLine) -> Text:
    """One line of the timeline (``db.history``): date, kind, class, details; a voided event
    struck out."""
    out = Text()
    out.append(f"{fmt_date(line.day)}  ", style="bold")
    out.append(line.kind, style="bold")
    if line.move:
        out.append(f"  {line.move}")
    if line.details:
        out.append("  (" + "; ".join(line.details) + ")")
    if line.voided:
        out.stylize("strike dim")
        out.append(f"  [{line.voided}]", style="bold red")
    return out


class StudentScreen(SisoScreen):
    """The student's record; F4 edits it (other screens add keys to record events)."""

    DEFAULT_CSS = """
    StudentScreen #student-body { padding: 0 0 1 0; }
    StudentScreen #student-fields { grid-size: 4; grid-columns: 16 1fr 16 1fr; grid-rows: auto;
                                    grid-gutter: 0 1; height: auto; padding: 1 1 0 1; }
    StudentScreen #student-fields .label { color: $text-muted; }
    StudentScreen #timeline, StudentScreen #risk { padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape", "back", N_("Quay lại"), id="back"),
        Binding("f4", "edit_student", N_("Sửa HS"), id="edit_student"),
        Binding("f7", "record_event", N_("Ghi biến động"), id="record_event"),
        Binding("v", "void_event", N_("Hủy sự kiện"), id="void_event"),
        Binding("o", "open_case", N_("Nguy cơ"), id="open_case"),
        Binding("c", "close_case", N_("Đóng hồ sơ"), id="close_case"),
        Binding("a", "add_visit", N_("Vận động"), id="add_visit"),
        Binding("b", "minutes", N_("Biên bản"), id="minutes"),
        Binding("f5", "reload", N_("Tải lại"), id="reload", show=False),
    ]

    def __init__(self, student_id: int) -> None:
        super().__init__()
        self.student_id = student_id
        self.student: Student | None = None
        self.events: list[Event] = []
        self.risk: tuple = ([], [], "")  # (cases, visits, homeroom teacher of the class)

    @property
    def selected_student_id(self) -> int:
        return self.student_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="student-body"):
            yield Static(id="student-name", classes="info")
            yield Grid(id="student-fields")
            yield Static(_("Quá trình học tập"), classes="section")
            yield Static(id="timeline")
            yield Static(_("Vận động ra lớp (O: nguy cơ, C: đóng, A: ghi vận động, B: biên bản)"),
                         classes="section")
            yield Static(id="risk")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#student-body").focus()
        self.reload()

    def reload(self) -> None:
        self.load(self.siso.year, self.siso.day)

    @db_work
    def load(self, year, day) -> None:
        student = Student.get_by_id(self.student_id)
        events = history(student)
        lines = history_lines(student, _, events)
        status, klass = status_on(student.id, day, year)
        from db import risk

        self.risk = (risk.list_cases(student=student), risk.list_visits(student),
                     klass.homeroom if klass else "")
        self.app.call_from_thread(self.show, student, events, status,
                                  klass.name if klass else "", lines)

    def show(self, student: Student, events: list[Event], status: str, klass: str,
             lines: list[HistoryLine]) -> None:
        self.student, self.events = student, events
        head = Text(student.full_name, style="bold")
        head.append(f"  {student.code}  ")
        head.append(_(kinds.STATUS_LABELS.get(status, status)))
        if klass:
            head.append("  " + _("lớp {name}").format(name=klass))
        head.append("  " + _("(ngày {day})").format(day=fmt_date(self.siso.day)), style="dim")
        self.query_one("#student-name", Static).update(head)
        disability = codes.disability_types().get(student.disability or "", "")
        fields = [
            (_("Ngày sinh"), fmt_date(student.dob)),
            (_("Giới tính"), _("Nữ") if student.female else _("Nam")),
            (_("Dân tộc"), codes.ethnic_name(student.ethnic)),
            (_("Mã định danh"), student.national_id or ""),
            (_("Khuyết tật"), disability),
            (_("Nơi sinh"), student.birthplace),
            (_("Thôn/xóm"), student.village),
            (_("Xã/phường"), student.commune),
            (_("Địa chỉ"), student.address),
            (_("Họ tên cha"), student.father),
            (_("Họ tên mẹ"), student.mother),
            (_("Người giám hộ"), student.guardian),
            (_("Số đăng bộ"), str(student.so_dang_bo or "")),
            (_("Điện thoại"), student.phone),
        ]
        grid = self.query_one("#student-fields", Grid)
        grid.remove_children()
        for label, value in fields:
            grid.mount(Static(label, classes="label"), Static(Text(value or "—"), classes="value"))
        timeline = Text()
        for i, line in enumerate(lines):
            if i:
                timeline.append("\n")
            timeline.append(event_line(line))
        if not lines:
            timeline = Text(_("Chưa có biến động nào."), style="dim")
        self.query_one("#timeline", Static).update(timeline)
        from tui.screens.visits import risk_lines

        self.query_one("#risk", Static).update(risk_lines(*self.risk[:2]))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_edit_student(self) -> None:
        self.post_message(EditStudent(self.student_id))

    def action_record_event(self) -> None:
        self.post_message(RecordEvent(self.student_id))

    def action_void_event(self) -> None:
        self.post_message(VoidEvents(self.student_id))

    def action_reload(self) -> None:
        self.reload()

    # ---- keeping the student in school (tui/screens/visits.py) ------------------------------

    def _after(self, message: str):
        def done(result) -> None:
            if result is not None:
                self.notify(message)
                self.reload()
        return done

    def action_open_case(self) -> None:
        from db.dates import fmt_date
        from tui.screens.visits import CaseForm

        if self.student is not None:
            self.app.push_screen(CaseForm(self.student, {"ngay": fmt_date(self.siso.day)}),
                                 self._after(_("Đã mở hồ sơ nguy cơ bỏ học.")))

    def action_close_case(self) -> None:
        from tui.screens.event_chooser import ChoiceModal
        from tui.screens.visits import close_choices

        if self.student is None:
            return

        def chosen(result) -> None:
            if result is not None:
                self._close_case(result)

        self.app.push_screen(ChoiceModal(_("Đóng hồ sơ nguy cơ bỏ học"), self.student.full_name,
                                         close_choices()), chosen)

    @db_work
    def _close_case(self, result: str) -> None:
        from db import risk

        risk.close_case(self.student, result, day=min(self.siso.day, self._today()))
        self.app.call_from_thread(self._after(_("Đã đóng hồ sơ nguy cơ bỏ học.")), result)

    def _today(self):
        from db import clock

        return clock.today()

    def action_add_visit(self) -> None:
        from tui.screens.visits import VisitForm, visit_defaults

        if self.student is not None:
            defaults = visit_defaults(self.student, self.risk[2], min(self.siso.day, self._today()))
            self.app.push_screen(VisitForm(self.student, defaults),
                                 self._after(_("Đã ghi buổi vận động.")))

    def action_minutes(self) -> None:
        from tui.screens.event_chooser import ChoiceModal
        from tui.screens.visits import visit_choices

        items = visit_choices(self.risk[1]) if self.student is not None else []
        if not items:
            self.notify(_("Học sinh chưa có buổi vận động nào."), severity="warning")
            return

        def chosen(visit_id) -> None:
            if visit_id is not None:
                self._write_minutes(visit_id, False)

        self.app.push_screen(ChoiceModal(_("Xuất biên bản vận động (.docx)"), self.student.full_name,
                                         items), chosen)

    @db_work
    def _write_minutes(self, visit_id: int, overwrite: bool) -> None:
        from db import risk, school
        from exports import minutes
        from db.files import TargetExists
        from tui.screens.export_dialog import documents_dir

        form = risk.minutes(risk.get_visit(visit_id))
        path = documents_dir() / minutes.default_filename(form)
        try:
            minutes.write_minutes(form, school.get_settings(), path, overwrite=overwrite)
        except TargetExists:
            self.app.call_from_thread(self._ask_overwrite, visit_id, path)
            return
        self.app.call_from_thread(self.notify, _("Đã ghi biên bản: {path}").format(path=path))

    def _ask_overwrite(self, visit_id: int, path) -> None:
        from tui.screens.confirm import ConfirmScreen

        def answered(yes) -> None:
            if yes:
                self._write_minutes(visit_id, True)

        self.app.push_screen(ConfirmScreen(_("Tệp «{path}» đã có. Ghi đè tệp này?").format(path=path),
                                           yes=_("Ghi đè (C)"), no=_("Không (N)")), answered)

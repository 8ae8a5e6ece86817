"""The event form: record one movement (transfer in/out, dropout, return, class change,
death, other decrease) for one student.

    app.push_screen(EventForm(student_id, "dropout", year_id), callback)

Dismisses with the new event's id, or None when cancelled. The date defaults to
``db.clock.default_day`` (today clamped to the year's first day and the end of its summer); a refused action shows the service's SisoError message beside
the field it names and writes nothing. Ctrl+S records, Escape cancels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from db import codes, fields, kinds
from db.dates import fmt_date
from db.errors import SisoError
from db.models import SchoolYear, Student
from db.students import STUDENT_FIELDS
from db.villages import UnknownVillage
from tui.screens.student_form import new_village_question, village_suggester

from tui.changes import DataChanged
from tui.i18n import N_, _
from tui.screens.base import FormModal, db_work
from tui.widgets.tick import Tick

# which fields each kind shows (a widget's id is its field, db.fields; its message
# ``#err-{field}``)
KIND_FIELDS = {
    kinds.TRANSFER_IN: ("lop", "truong", "tinh", "xa", "pham_vi"),
    kinds.TRANSFER_OUT: ("truong", "tinh", "xa", "pham_vi", "hoc_nghe"),
    kinds.DROPOUT: ("ly_do", "khong_van_dong"),
    kinds.RETURN: ("lop",),
    kinds.CLASS_CHANGE: ("lop",),
    kinds.DEATH: ("ly_do_text",),
    kinds.OTHER_DECREASE: ("ly_do_text",),
}


@dataclass(frozen=True)
class EventFormStart:
    """What the event form shows when it opens: the year's name, the student («name
    (code)», "" for a new student), the default day, the classes offered
    ([(id, name, grade)]) and, for a new student, the villages the address suggests."""

    year_name: str
    who: str
    day: date
    classes: list[tuple[int, str, int]]
    villages: tuple[str, ...] = ()


def read_start(kind: str, student_id: int | None, year_id: int) -> EventFormStart:
    """Read what the form for ``kind`` shows when it opens (in a worker, by the opener).
    The date is ``db.clock.default_day``; a class change offers the other classes of the
    student's grade on that day."""
    from db import clock, school, villages
    from db.events import status_on

    kind = kinds.FROM_CLI.get(kind, kind)
    year = SchoolYear.get_by_id(year_id)
    student = Student.get_or_none(Student.id == student_id) if student_id else None
    day = clock.default_day(year)
    classes = []
    if "lop" in KIND_FIELDS.get(kind, ()):
        classes = school.list_classes(year)
        if kind == kinds.CLASS_CHANGE and student is not None:
            _status, cur = status_on(student.id, day, year)
            if cur is not None:
                classes = [c for c in classes if c.grade == cur.grade and c.id != cur.id]
    return EventFormStart(year.name, f"{student.full_name} ({student.code})" if student else "",
                          day, [(c.id, c.name, c.grade) for c in classes],
                          () if student else tuple(villages.names()))


class EventForm(FormModal[int | None]):
    """Record an event of ``kind`` (db.kinds name or CLI spelling) for ``student_id`` in
    ``year_id``. For a transfer in, ``student_id`` may be None: the form then asks for the new
    student's name, date of birth and gender."""

    ERROR_PREFIX = "err-"
    ERROR_CLASS = "error"

    DEFAULT_CSS = """
    EventForm { align: center middle; }
    EventForm > Vertical { width: 76; max-height: 90%; height: auto; border: thick $primary;
                           background: $surface; padding: 0 1; }
    EventForm #title { text-style: bold; color: $accent; }
    EventForm VerticalScroll { height: auto; }
    EventForm .ef-row { height: 1; margin-top: 1; }
    EventForm .ef-label { width: 24; color: $text-muted; }
    EventForm .ef-row Input, EventForm .ef-row Select { width: 1fr; }
    EventForm .ef-row Input { background: $boost; }
    EventForm .ef-row Input:focus { background: $primary 20%; }
    EventForm .error { color: $error; height: auto; padding-left: 24; }
    EventForm #e-form { padding-left: 0; }
    EventForm .error { display: none; }
    EventForm .error.shown { display: block; }
    EventForm #buttons { height: 1; margin-top: 1; }
    EventForm #ef-hint { width: 1fr; color: $text-muted; }
    EventForm Button { margin-left: 2; }
    /* on a small terminal (60×20, 80×24): never wider than the screen, and below 30 rows
       (the app's "-short" breakpoint) no blank line between the fields */
    EventForm > Vertical { max-width: 100%; }
    EventForm.-short .ef-row { margin-top: 0; }
    EventForm.-short #buttons { margin-top: 0; }
    EventForm.-narrow Button { margin-left: 1; }
    EventForm.-narrow #buttons, EventForm.-narrow #ef-hint { height: auto; }
    """

    BINDINGS = [
        Binding("ctrl+s", "submit", N_("Ghi"), id="event_form.submit"),
        Binding("escape", "cancel", N_("Hủy bỏ"), id="event_form.cancel"),
    ]

    def __init__(self, student_id: int | None, kind: str, year_id: int, *,
                 klass_id: int | None = None, start: EventFormStart | None = None) -> None:
        """``start``: what the form shows when it opens, read by the opener in a worker
        (``read_start``); without it the form reads it here, once, when it is created."""
        super().__init__()
        self.kind = kinds.FROM_CLI.get(kind, kind)
        if self.kind not in KIND_FIELDS:
            raise SisoError(f"Loại biến động «{kind}» không ghi bằng biểu mẫu này.", fields.LOAI)
        self.student_id = student_id
        self.year_id = year_id
        self.klass_id = klass_id  # the class offered first (a new student from a roster)
        self.event_id: int | None = None
        self.start = start or read_start(self.kind, student_id, year_id)

    # ---- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        start = self.start
        who = start.who or _("Học sinh mới")
        student = start.who
        shown = KIND_FIELDS[self.kind]

        def row(label: str, widget, error: bool = True):
            """One line: the label, then the field; its error message (if any) below."""
            with Horizontal(classes="ef-row"):
                yield Label(label, classes="ef-label")
                yield widget
            if error:
                yield Static("", id=f"err-{widget.id}", classes="error")

        with Vertical():
            yield Static(f"{_(kinds.LABELS[self.kind])} — {who} — {_('năm học')} {start.year_name}",
                         id="title")
            with VerticalScroll():
                if not student:  # a new student: the same fields as every door
                    for spec in STUDENT_FIELDS:
                        if spec.choices:
                            widget = Select([(_(text), value) for value, text in spec.choices],
                                            id=spec.field, prompt=_("Chọn"), compact=True)
                        else:
                            widget = Input(spec.default or "", id=spec.field, compact=True,
                                           placeholder=_(spec.hint) if spec.hint else "",
                                           suggester=village_suggester(spec.field, list(start.villages)))
                        yield from row(_(spec.label), widget)
                yield from row(_("Ngày (dd/mm/yyyy)"),
                               Input(fmt_date(start.day), id=fields.NGAY,
                                     placeholder="dd/mm/yyyy", compact=True))
                if "lop" in shown:
                    label = {kinds.CLASS_CHANGE: _("Chuyển sang lớp"),
                             kinds.RETURN: _("Vào lớp (trống: lớp cũ)")}.get(self.kind, _("Vào lớp"))
                    options = [(_("{name} (khối {grade})").format(name=name, grade=grade), cid)
                               for cid, name, grade in start.classes]
                    preset = self.klass_id if self.kind == kinds.TRANSFER_IN and any(
                        v == self.klass_id for _label, v in options) else Select.NULL
                    yield from row(label, Select(options, id=fields.LOP, prompt=_("Chọn lớp"), value=preset,
                                                 compact=True))
                if "ly_do" in shown:
                    yield from row(_("Lý do bỏ học"),
                                   Select([(f"{k} {_(v)}", k) for k, v in codes.dropout_reasons().items()],
                                          id=fields.LY_DO, prompt=_("Chọn lý do"), compact=True))
                if "khong_van_dong" in shown:  # the dropout rule (db.risk.dropout_visits)
                    yield from row(_("Chưa đủ 3 lần vận động"),
                                   Input(id=fields.KHONG_VAN_DONG, compact=True,
                                         placeholder=_("lý do (chỉ khi chưa đủ 3 biên bản)")))
                if "ly_do_text" in shown:
                    yield from row(_("Lý do"), Input(id=fields.LY_DO, compact=True))
                if "truong" in shown:
                    yield from row(_("Trường chuyển đi") if self.kind == kinds.TRANSFER_IN
                                   else _("Trường chuyển đến"), Input(id=fields.TRUONG, compact=True))
                if "tinh" in shown:
                    yield from row(_("Tỉnh / thành phố"), Input(id=fields.TINH, compact=True), error=False)
                if "xa" in shown:
                    yield from row(_("Xã / phường / huyện"), Input(id=fields.XA, compact=True), error=False)
                if "pham_vi" in shown:
                    yield from row(_("Phạm vi"),
                                   Select([(f"{k} {_(v)}", k) for k, v in kinds.SCOPES.items()],
                                          id=fields.PHAM_VI, prompt=_("Chọn phạm vi"), compact=True))
                if "hoc_nghe" in shown:
                    yield from row("", Tick(_("Chuyển đi học nghề"), id=fields.HOC_NGHE, compact=True),
                                   error=False)
                yield from row(_("Số văn bản / QĐ"), Input(id=fields.SO_VAN_BAN, compact=True), error=False)
                yield from row(_("Ghi chú"), Input(id=fields.GHI_CHU, compact=True), error=False)
            yield Static("", id="e-form", classes="error")
            with Horizontal(id="buttons"):
                yield Static(_("Tab / Shift+Tab: chuyển ô"), id="ef-hint")
                yield Button(_("Ghi (Ctrl+S)"), id="save", variant="primary", compact=True)
                yield Button(_("Hủy bỏ (Esc)"), id="cancel", compact=True)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """The fields scroll when the form is taller than the terminal (80×24): the title
        and the buttons stay on screen."""
        self.query_one(VerticalScroll).styles.max_height = max(4, int(self.app.size.height * 0.9) - 5)

    def on_mount(self) -> None:
        self._fit()
        first = (self.query_one(f"#{fields.HO_TEN}", Input) if self.student_id is None
                 else self.query_one(f"#{fields.NGAY}", Input))
        first.focus()

    # ---- reading the fields ----------------------------------------------------------------

    def _value(self, widget_id: str):
        found = self.query(f"#{widget_id}")
        if not found:
            return None
        w = found.first()
        if isinstance(w, Select):
            return None if w.is_blank() else w.value
        if isinstance(w, Checkbox):
            return w.value
        return w.value.strip() or None

    def collect(self) -> dict:
        """The form's values, as ``db.movements.record`` takes them."""
        values = {
            "day": self._value(fields.NGAY), "klass": self._value(fields.LOP), "reason": self._value(fields.LY_DO),
            "school": self._value(fields.TRUONG), "province": self._value(fields.TINH),
            "district": self._value(fields.XA), "scope": self._value(fields.PHAM_VI),
            "vocational": bool(self._value(fields.HOC_NGHE)), "doc_no": self._value(fields.SO_VAN_BAN),
            "note": self._value(fields.GHI_CHU), "without_visits": self._value(fields.KHONG_VAN_DONG),
        }
        if self.student_id is None:
            values["data"] = {spec.key: self._value(spec.field) or "" for spec in STUDENT_FIELDS}
        return values

    # ---- actions ---------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    def submit(self) -> None:
        from db import movements

        self.clear_errors()
        values = self.collect()
        given = {k: v for k, v in values.items() if k != "day"}
        errors = movements.form_errors(self.kind, self.student_id, values["day"], **given)
        if errors:  # all of them at once, the cursor on the first
            self.busy = False
            self.show_errors(errors)
            return
        self._save(values)

    def show_error(self, message: str, field: str | None) -> None:
        self.busy = False
        self.show_errors([(field, message)])

    def _saved(self, event_id: int) -> None:
        self.event_id = event_id
        self.post_message(DataChanged())
        self.dismiss(event_id)

    def _ask_future(self, values: dict, message: str) -> None:
        """A date after today: record it only when the user confirms that date."""
        from tui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self._save(values, future=True)
            else:
                self.show_error(message, fields.NGAY)

        self.app.push_screen(ConfirmScreen(f"{message}\n{_('Vẫn ghi với ngày này?')}"), answer)

    def _ask_new_village(self, values: dict, future: bool, message: str) -> None:
        """A village the school does not have: created only when the user confirms it."""
        from tui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self._save({**values, "data": {**values["data"], "new_village": True}}, future=future)
            else:
                self.show_error(message, fields.THON)

        self.app.push_screen(ConfirmScreen(new_village_question(message)), answer)

    @db_work(group="event_form")
    def _save(self, values: dict, future: bool = False) -> None:
        from db import movements
        from db.clock import FutureDate

        try:
            values = dict(values)
            day = values.pop("day")
            if not day:
                raise SisoError("Thiếu ngày: cần một ngày dạng dd/mm/yyyy, ví dụ 05/09/2024.", fields.NGAY)
            ev = movements.record(self.kind, self.student_id, self.year_id, day, future=future,
                                  **values)
            event_id = ev.id
        except FutureDate as err:
            self.app.call_from_thread(self._ask_future, {**values, "day": day}, err.message)
            return
        except UnknownVillage as err:
            self.app.call_from_thread(self._ask_new_village, {**values, "day": day}, future,
                                      err.plain)
            return
        except SisoError as err:
            self.app.call_from_thread(self.show_error, err.message, err.field)
            return
        self.app.call_from_thread(self._saved, event_id)

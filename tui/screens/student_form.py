"""Add or edit a student: a modal form with a message beside each field at fault."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from db import clock, codes, fields, kinds, school
from db.dates import fmt_date
from db.errors import SisoError
from db.models import SchoolClass, Student
from db.students import (STUDENT_FIELDS, add_student, check_fields, duplicates_message, field_errors,
                         possible_duplicates, start_count_warning, update_student)
from db.villages import UnknownVillage
from tui.i18n import N_, _
from tui.screens.base import FormFields, SisoModal, db_work, read_first

# field (db.fields; the widget is ``#f-{field}``, its message ``#e-{field}``) -> label
# (msgid); the order on screen: the fields every door takes for a new student
# (db.students.STUDENT_FIELDS)
TEXT_FIELDS = [(spec.field, spec.label) for spec in STUDENT_FIELDS]
SPECS = {spec.field: spec for spec in STUDENT_FIELDS}
ENTRY_FIELDS = [
    (fields.LOP, N_("Lớp")),
    (fields.CACH_VAO, N_("Cách vào trường")),
    (fields.NGAY_VAO, N_("Ngày vào")),
    (fields.TRUONG, N_("Chuyển từ trường")),
]


def village_suggester(field: str, names: list[str]):
    """For the village field: completes the name from ``names``, the villages the school has
    (``db.villages.names``, read by the form's opener)."""
    if field != fields.THON:
        return None
    from textual.suggester import SuggestFromList

    return SuggestFromList(names, case_sensitive=False)


def new_village_question(message: str) -> str:
    """Asked before a village the school does not have is created."""
    return f"{message}\n{_('Tạo thôn/làng mới với tên này?')}"


@dataclass(frozen=True)
class StudentFormStart:
    """What the student form shows when it opens: the villages offered for the address, the
    fields' first values (db.fields -> text), and to add a student the year's classes
    ([(id, name)]) and the entry day offered; to edit one, the version read."""

    villages: list[str]
    values: dict[str, str]
    classes: tuple[tuple[int, str], ...] = ()
    day: date | None = None
    version: int | None = None


def read_start(year, student_id: int | None = None) -> StudentFormStart:
    """Read what the form shows when it opens (in a worker, by the opener): a new student in
    ``year`` (a default is shown, never applied behind the user's back), or the student
    ``student_id`` as stored."""
    from db import villages

    names = villages.names()
    if student_id is None:
        return StudentFormStart(
            names, {spec.field: spec.default for spec in STUDENT_FIELDS if spec.default is not None},
            tuple((c.id, c.name) for c in school.list_classes(year)), clock.admission_day(year))
    st = Student.get_by_id(student_id)
    return StudentFormStart(names, {
        fields.HO_TEN: st.full_name, fields.NGAY_SINH: fmt_date(st.dob),
        fields.DAN_TOC: codes.ethnic_name(st.ethnic), fields.MA: st.code,
        fields.MA_DINH_DANH: st.national_id or "", fields.KHUYET_TAT: st.disability or "",
        fields.NOI_SINH: st.birthplace, fields.THON: st.village, fields.XA_PHUONG: st.commune,
        fields.DIA_CHI: st.address, fields.HO_TEN_CHA: st.father, fields.HO_TEN_ME: st.mother,
        fields.NGUOI_GIAM_HO: st.guardian, fields.DIEN_THOAI: st.phone,
        fields.GIOI_TINH: "nu" if st.female else "nam",
    }, version=st.version)


async def open_student_form(app, callback=None, *, klass_id: int | None = None,
                            student_id: int | None = None) -> None:
    """Read what the form shows in a worker of the screen in sight (``read_first``: keys
    typed meanwhile wait for it), then open it: a new student (into ``klass_id`` when given)
    or ``student_id``'s details."""
    year = app.year
    start = await read_first(app.screen, lambda: read_start(year, student_id))
    if start is not None:
        app.push_screen(StudentForm(klass_id=klass_id, student_id=student_id, start=start),
                        callback)


class StudentForm(FormFields, SisoModal[int | None]):
    """``StudentForm(klass_id=…)`` adds a student to the app's year; ``StudentForm(student_id=…)``
    edits one. Dismisses with the student's id, or None when cancelled."""

    FIELD_PREFIX = "f-"

    DEFAULT_CSS = """
    StudentForm { align: center middle; }
    StudentForm #form-fields { height: 1fr; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Lưu"), id="save"),
        Binding("f10", "save", N_("Lưu"), show=False),
        Binding("escape", "cancel", N_("Hủy"), id="cancel"),
    ]

    def __init__(self, klass_id: int | None = None, student_id: int | None = None, *,
                 start: StudentFormStart | None = None) -> None:
        """``start``: what the form shows when it opens, read by the opener in a worker
        (``open_student_form``); without it the form reads it here, once, when it is
        created."""
        super().__init__()
        self.klass_id = klass_id
        self.student_id = student_id
        self.saved_id: int | None = None
        self.start = start or read_start(self.siso.year, student_id)
        self.read_version = self.start.version  # saved only over this version (another
        # user's edit wins)

    @property
    def adding(self) -> bool:
        return self.student_id is None

    def compose(self) -> ComposeResult:
        initial = self.start.values
        title = _("Thêm học sinh") if self.adding else _("Sửa thông tin học sinh")
        with Vertical(id="form-box", classes="form"):
            yield Static(title, classes="form-title")
            with VerticalScroll(id="form-fields"):
                for key, label in TEXT_FIELDS:
                    with Horizontal(classes="field"):
                        yield Label(_(label), classes="field-label")
                        if SPECS[key].choices:
                            yield Select([(_(text), value) for value, text in SPECS[key].choices],
                                         id=f"f-{key}", value=initial.get(key, Select.NULL),
                                         prompt=_("Chọn"), compact=True)
                        else:
                            yield Input(initial.get(key, ""), id=f"f-{key}", compact=True,
                                        placeholder=self._placeholder(key),
                                        suggester=village_suggester(key, self.start.villages))
                    yield Static("", id=f"e-{key}", classes="field-error")
                if self.adding:
                    yield from self._entry_fields()
            yield Static("", id="e-form", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Lưu (Ctrl+S)"), id="save", variant="primary", compact=True)
                yield Button(_("Hủy (Esc)"), id="cancel", compact=True)

    def _placeholder(self, key: str) -> str:
        if key in SPECS:
            return _(SPECS[key].hint) if SPECS[key].hint else ""
        return {fields.NGAY_VAO: _("để trống: hôm nay")}.get(key, "")

    def _entry_fields(self) -> ComposeResult:
        for key, label in ENTRY_FIELDS:
            with Horizontal(classes="field"):
                yield Label(_(label), classes="field-label")
                if key == fields.LOP:
                    yield Select([(name, cid) for cid, name in self.start.classes], id=f"f-{key}",
                                 value=self.klass_id if self.klass_id else Select.NULL,
                                 prompt=_("Chọn lớp"), compact=True)
                elif key == fields.CACH_VAO:
                    yield Select([(_(kinds.LABELS[kinds.ADMIT]), kinds.ADMIT),
                                  (_(kinds.LABELS[kinds.TRANSFER_IN]), kinds.TRANSFER_IN)],
                                 id=f"f-{key}", value=kinds.ADMIT, allow_blank=False,
                                 compact=True)
                else:  # the day: today, clamped to the school year (never back-dated)
                    yield Input(fmt_date(self.start.day) if key == fields.NGAY_VAO and self.start.day
                                else "",
                                id=f"f-{key}", compact=True, placeholder=self._placeholder(key))
            yield Static("", id=f"e-{key}", classes="field-error")

    def on_mount(self) -> None:
        self.query_one(f"#f-{fields.HO_TEN}", Input).focus()

    # ---- values and messages -------------------------------------------------------------

    def value(self, key: str) -> str:
        widget = self.query_one(f"#f-{key}")
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else widget.value
        return widget.value

    def data(self) -> dict:
        """The fields as ``db.students`` takes them (``StudentField.key``)."""
        return {SPECS[field].key: self.value(field) for field, _label in TEXT_FIELDS}

    def show_error(self, key: str | None, message: str) -> None:
        """The message beside the field (or under the form when no field is named), the
        cursor on that field."""
        self.show_errors([(key, message)])

    @property
    def errors(self) -> dict[str, str]:
        """Field (db.fields) -> message shown now (what the tests and later screens read)."""
        return {label.id[2:]: str(label.content) for label in self.query(".field-error.shown")
                .results(Static) if label.id and label.id.startswith("e-")}

    @on(Input.Blurred)
    def check_one(self, event: Input.Blurred) -> None:
        """Field by field: check a field as the user leaves it (no database needed)."""
        key = (event.input.id or "")[2:]
        if key not in SPECS or not event.value.strip():
            self.clear_error(key)
            return
        try:
            check_fields({SPECS[key].key: event.value}, year=self.siso.year)
        except SisoError as err:
            self.set_error(err.field or key, err.message)
        else:
            self.clear_error(key)

    # ---- save ----------------------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.clear_errors()
        data = self.data()
        if self.adding:  # empty fields take the service's defaults
            data = {k: v for k, v in data.items() if v.strip()}
        # every field at once (no database needed; name, date of birth and gender even
        # empty), and the class
        shown = {**{SPECS[f].key: self.value(f)
                    for f in (fields.HO_TEN, fields.NGAY_SINH, fields.GIOI_TINH)}, **data}
        errors = field_errors(shown, year=self.siso.year)
        if self.adding and not self.value(fields.LOP):
            errors.append((fields.LOP, _("Chọn lớp cho học sinh.")))
        if errors:
            self.show_errors(errors)
            return
        if not self.adding:
            self.save(data)
            return
        klass_id = self.value(fields.LOP)
        entry = dict(klass_id=klass_id, entry=self.value(fields.CACH_VAO),
                     day=self.value(fields.NGAY_VAO).strip() or None,
                     from_school=self.value(fields.TRUONG))
        try:  # a date that changes the start-of-year count already taken: ask first
            warning = start_count_warning(self.siso.year, entry["day"]) if entry["day"] else None
        except SisoError as err:
            self.show_error(fields.NGAY_VAO, err.message)
            return
        if warning:
            self._confirm(warning, lambda: self.save(data, **entry))
        else:
            self.save(data, **entry)

    def _confirm(self, message: str, go, field: str = fields.NGAY_VAO,
                 question: str | None = None) -> None:
        """Ask before saving; when refused, the message stays beside the field."""
        from tui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                go()
            else:
                self.show_error(field, message)
                self.query_one(f"#f-{field}").focus()  # to correct it at once

        self.app.push_screen(ConfirmScreen(question or f"{message}\n{_('Vẫn lưu với ngày này?')}"),
                             answer)

    @db_work(group="save")
    def save(self, data: dict, klass_id: int | None = None, entry: str | None = None,
             day: str | None = None, from_school: str | None = None, future: bool = False,
             duplicates_ok: bool = False) -> None:
        try:
            if self.adding and not duplicates_ok:  # the import's rule: same name and birth date
                same = possible_duplicates(data.get("name") or "", data.get("dob"))
                if same:
                    again = dict(klass_id=klass_id, entry=entry, day=day, from_school=from_school,
                                 future=future, duplicates_ok=True)
                    message = duplicates_message(same)
                    self.app.call_from_thread(
                        self._confirm, message, lambda: self.save(data, **again), fields.HO_TEN,
                        f"{message}\n{_('Đúng là một học sinh khác? Vẫn thêm?')}")
                    return
            if self.adding:
                year = self.siso.year
                klass = SchoolClass.get_by_id(klass_id)
                st = add_student(data, year, klass, entry=entry, day=day,
                                 from_school=from_school or None, future=future)
            else:
                st = update_student(Student.get_by_id(self.student_id), data,
                                    read_version=self.read_version)
        except clock.FutureDate as err:  # a transfer in after today: recorded once confirmed
            again = dict(klass_id=klass_id, entry=entry, day=day, from_school=from_school,
                         future=True, duplicates_ok=duplicates_ok)
            self.app.call_from_thread(self._confirm, err.message, lambda: self.save(data, **again))
            return
        except UnknownVillage as err:  # a new village only when the user confirms it
            again = dict(klass_id=klass_id, entry=entry, day=day, from_school=from_school,
                         future=future, duplicates_ok=duplicates_ok)
            self.app.call_from_thread(
                self._confirm, err.plain,
                lambda: self.save({**data, "new_village": True}, **again),
                fields.THON, new_village_question(err.plain))
            return
        except SisoError as err:
            self.app.call_from_thread(self.show_error, err.field, err.message)
            return
        self.app.call_from_thread(self.done, st.id, st.full_name)

    def done(self, student_id: int, name: str) -> None:
        self.saved_id = student_id
        self.app.notify(_("Đã lưu học sinh {name}.").format(name=name))
        self.dismiss(student_id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.discard(None)

"""Add a class to the school year, or change a class's homeroom teacher (GVCN)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from db import fields, school
from db.errors import SisoError
from db.models import SchoolClass
from tui.i18n import N_, _
from tui.screens.base import FormFields, SisoModal, db_work, read_first

# the fields (db.fields): the input ``#c-{field}``, its message ``#e-c-{field}``
NAME, GRADE, HOMEROOM = (f"c-{field}" for field in (fields.LOP, fields.KHOI, fields.GVCN))


@dataclass(frozen=True)
class ClassFormStart:
    """What the class form shows when it opens: the school's level (its grades), and the
    class edited (name, grade, homeroom teacher; None for a new class)."""

    level: str
    klass: tuple[str, int, str] | None = None


def read_start(klass_id: int | None = None) -> ClassFormStart:
    """Read what the form shows when it opens (in a worker, by the opener)."""
    klass = SchoolClass.get_by_id(klass_id) if klass_id else None
    return ClassFormStart(school.school_level(),
                          (klass.name, klass.grade, klass.homeroom) if klass else None)


async def open_class_form(app, callback=None, klass_id: int | None = None) -> None:
    """Read what the form shows in a worker of the screen in sight (``read_first``: keys
    typed meanwhile wait for it), then open it: a new class of the app's year, or
    ``klass_id``'s GVCN."""
    start = await read_first(app.screen, lambda: read_start(klass_id))
    if start is not None:
        app.push_screen(ClassForm(klass_id, start=start), callback)


class ClassForm(FormFields, SisoModal[int | None]):
    """``ClassForm()`` adds a class to the app's year; ``ClassForm(klass_id)`` edits its GVCN.
    Dismisses with the class id, or None."""

    DEFAULT_CSS = """
    ClassForm { align: center middle; }
    ClassForm #class-box { width: 72; height: auto; border: round $accent; background: $surface;
                           padding: 0 1; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Lưu"), id="save"),
        Binding("escape", "cancel", N_("Hủy"), id="cancel"),
    ]
    FIELD_PREFIX = "c-"
    ERROR_PREFIX = "e-c-"

    def __init__(self, klass_id: int | None = None, *, start: ClassFormStart | None = None) -> None:
        """``start``: what the form shows when it opens, read by the opener in a worker
        (``open_class_form``); without it the form reads it here, once, when it is created."""
        super().__init__()
        self.klass_id = klass_id
        self.start = start or read_start(klass_id)

    def compose(self) -> ComposeResult:
        klass = self.start.klass  # (name, grade, homeroom)
        title = (_("Sửa lớp {name}").format(name=klass[0]) if klass
                 else _("Thêm lớp — năm học {year}").format(year=self.siso.year.name))
        with Vertical(id="class-box", classes="form"):
            yield Static(title, classes="form-title")
            grades = school.level_grades(self.start.level)
            for key, kind, label, value in (
                    (NAME, "name", _("Tên lớp (ví dụ 6A1)"), klass[0] if klass else ""),
                    (GRADE, "grade", _("Khối") if klass else _("Khối ({first}–{last})").format(
                        first=grades[0], last=grades[-1]), str(klass[1]) if klass else ""),
                    (HOMEROOM, "homeroom", _("Giáo viên chủ nhiệm"), klass[2] if klass else "")):
                with Horizontal(classes="field"):
                    yield Label(label, classes=f"field-label wide {kind}")
                    yield Input(value, id=key, compact=True, disabled=bool(klass) and key != HOMEROOM)
                yield Static("", id=f"e-{key}", classes="field-error")
            yield Static("", id="e-form", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Lưu (Ctrl+S)"), id="save", variant="primary", compact=True)
                yield Button(_("Hủy (Esc)"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#{HOMEROOM}" if self.klass_id else f"#{NAME}", Input).focus()

    @on(Input.Changed, f"#{NAME}")
    def guess_grade(self, event: Input.Changed) -> None:
        """6A1 → khối 6, while the grade box is still empty or was guessed."""
        found = school.grade_in_name(event.value)
        grade = self.query_one(f"#{GRADE}", Input)
        if found is not None and (not grade.value or getattr(self, "_guessed", None) == grade.value):
            grade.value = self._guessed = str(found)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    def show_error(self, field: str | None, message: str) -> None:
        self.show_errors([(field, message)])

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.clear_errors()
        values = {key: self.query_one(f"#{key}", Input).value for key in (NAME, GRADE, HOMEROOM)}
        if not self.klass_id:
            errors = school.class_errors(values[NAME], values[GRADE], self.start.level)
            if errors:  # both at once, the cursor on the first
                self.show_errors(errors)
                return
        self.save(values)

    @db_work(group="save")
    def save(self, values: dict[str, str]) -> None:
        try:
            if self.klass_id:
                klass = school.update_class(SchoolClass.get_by_id(self.klass_id), values[HOMEROOM])
            else:
                klass = school.add_class(values[NAME], values[GRADE], self.siso.year,
                                         values[HOMEROOM])
        except SisoError as err:
            self.app.call_from_thread(self.show_error, err.field, err.message)
            return
        self.app.call_from_thread(self.saved, klass.id, klass.name)

    def saved(self, klass_id: int, name: str) -> None:
        self.app.notify(_("Đã lưu lớp {name}.").format(name=name))
        self.dismiss(klass_id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.discard(None)

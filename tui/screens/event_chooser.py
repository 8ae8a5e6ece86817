"""Record or void a movement for "the student under the cursor", by keyboard.

``record_event_flow(app, student_id, kind=None, klass_id=None)``: without ``kind`` it first
opens :class:`EventChooser` ("Ghi biến động": one letter per kind), then the
:class:`~tui.screens.event_form.EventForm`; ``student_id=None`` records a new student
transferring in. ``void_event_flow(app, student_id)`` lists the student's events
(:class:`ChoiceModal`) and voids the chosen one through
:class:`~tui.screens.movements.VoidForm`. Both notify "Đã ghi …" / "Đã hủy …"; the forms
themselves post ``DataChanged`` (``tui/changes.py``) after their write.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from db import kinds
from db.dates import fmt_date
from tui.i18n import N_, _
from tui.screens.base import SisoModal

NEW_STUDENT = "transfer_in_new"  # the chooser's value for "a new student transferring in"


class ChoiceModal(SisoModal[object]):
    """A short list to pick from: arrows and Enter, or the letter shown before an item.

    ``items``: (key shown, label, value, hint). Subclasses list their lettered choices in
    ``CHOICES`` = (key, value, label msgid, hint) and get one binding per letter; a plain
    ChoiceModal takes its items at creation (no letters). Dismisses with the value or None.
    """

    DEFAULT_CSS = """
    ChoiceModal { align: center middle; }
    ChoiceModal > Vertical { width: 64; max-width: 96%; height: auto; max-height: 90%;
                             border: round $accent; background: $surface; padding: 0 1; }
    ChoiceModal #choice-title { text-style: bold; color: $accent; }
    ChoiceModal #choice-sub { color: $text-muted; }
    ChoiceModal OptionList, ChoiceModal OptionList:focus {
        height: auto; max-height: 16; margin-top: 1; border: none; padding: 0;
        background: $surface; }
    ChoiceModal #choice-hint { color: $text-muted; margin-top: 1; }
    """

    CHOICES: list[tuple[str, str, str, str]] = []
    BINDINGS = [Binding("escape", "cancel", N_("Thôi"), id="choice_cancel")]

    def __init__(self, title: str, subtitle: str = "",
                 items: list[tuple[str, str, object, str]] | None = None,
                 hint: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.subtitle = subtitle
        self.items = items if items is not None else [
            (key.upper(), _(label), value, hint) for key, value, label, hint in self.CHOICES]
        self.hint = hint if hint is not None else (
            _("Gõ chữ cái đầu dòng, hoặc dùng mũi tên rồi Enter. Esc: thôi.") if self.CHOICES
            else _("Mũi tên rồi Enter để chọn. Esc: thôi."))

    def compose(self) -> ComposeResult:
        width = max((len(label) for _k, label, _v, _h in self.items), default=10)
        options = []
        for i, (key, label, _value, hint) in enumerate(self.items):
            line = Text()
            if key:
                line.append(f" {key} ", style="bold reverse")
                line.append("  ")
            line.append(label.ljust(width))
            if hint:
                line.append(f"  {hint}", style="dim")
            options.append(Option(line, id=str(i)))
        with Vertical():
            yield Static(self.title_text, id="choice-title")
            if self.subtitle:
                yield Static(self.subtitle, id="choice-sub")
            yield OptionList(*options, id="choices")
            yield Static(self.hint, id="choice-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0 if self.items else None
        options.focus()

    @on(OptionList.OptionSelected, "#choices")
    def picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.items[int(event.option.id)][2])

    def action_choose(self, value: str) -> None:
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def lettered(choices):
    return [Binding(key, f"choose('{value}')", label, show=False, id=f"choice_{value}")
            for key, value, label, _hint in choices]


class EventChooser(ChoiceModal):
    """"Ghi biến động": which movement to record for the selected student."""

    CHOICES = [
        ("c", kinds.TRANSFER_OUT, N_("Chuyển đi"), ""),
        ("b", kinds.DROPOUT, N_("Bỏ học"), ""),
        ("h", kinds.RETURN, N_("Đi học lại"), ""),
        ("l", kinds.CLASS_CHANGE, N_("Chuyển lớp"), ""),
        ("m", kinds.DEATH, N_("Chết / mất"), ""),
        ("k", kinds.OTHER_DECREASE, N_("Giảm khác"), ""),
        ("d", NEW_STUDENT, N_("Chuyển đến (học sinh mới)"), ""),
    ]
    BINDINGS = [*lettered(CHOICES), *ChoiceModal.BINDINGS]


# ---- the flows -------------------------------------------------------------------------------

def _who(student_id: int, day, year) -> tuple[str, str]:
    """(name and code, "class — status on day") of a student, for the chooser's title."""
    from db.events import status_on
    from db.models import Student

    st = Student.get_by_id(student_id)
    status, klass = status_on(st.id, day, year)
    where = _("lớp {name}").format(name=klass.name) + " — " if klass else ""
    return (f"{st.full_name} ({st.code})",
            where + _(kinds.STATUS_LABELS.get(status, status)) + " "
            + _("(ngày {day})").format(day=fmt_date(day)))


def record_event_flow(app, student_id: int | None, kind: str | None = None,
                      klass_id: int | None = None) -> None:
    """Open the chooser (when ``kind`` is None and there is a student), then the event form
    for ``kind``; notify when recorded. ``klass_id``: the class a new student goes into."""
    from tui.screens.base import read_then
    from tui.screens.event_form import EventForm, read_start

    year_id = getattr(app, "year_id", None)
    if year_id is None:
        return
    if kind is None and student_id is None:
        kind = NEW_STUDENT
    if kind is None:
        day, year = app.day, app.year

        def chosen(value) -> None:
            if value:
                record_event_flow(app, student_id, value, klass_id)

        def show(who: tuple[str, str]) -> None:
            name, sub = who
            app.push_screen(EventChooser(_("Ghi biến động cho {name}").format(name=name), sub),
                            chosen)

        read_then(app.screen, lambda: _who(student_id, day, year), show)
        return
    if kind == NEW_STUDENT:
        student_id, kind = None, kinds.TRANSFER_IN

    def saved(event_id: int | None) -> None:
        if event_id is None:
            return

        def read() -> tuple[str, date, str]:
            from db.models import Event

            ev = Event.get_by_id(event_id)
            return ev.kind, ev.date, ev.student.full_name

        def notify(recorded: tuple[str, date, str]) -> None:
            kind, day, name = recorded
            app.notify(_("Đã ghi «{kind}» ngày {day} cho {name}.").format(
                kind=_(kinds.LABELS.get(kind, kind)), day=fmt_date(day), name=name),
                title=_("Đã ghi biến động"))

        read_then(app.screen, read, notify)

    read_then(app.screen, lambda: read_start(kind, student_id, year_id),
              lambda start: app.push_screen(EventForm(student_id, kind, year_id,
                                                      klass_id=klass_id, start=start), saved))


def void_event_flow(app, student_id: int) -> None:
    """Pick one of the student's recorded (not voided) events, then void it with a reason."""
    from tui.screens.base import read_then

    def read():
        from db.history import history
        from db.models import Student

        st = Student.get_by_id(student_id)
        return st, [e for e in history(st) if e.voided_at is None]

    read_then(app.screen, read, lambda found: _void_chooser(app, *found))


def _void_chooser(app, st, events) -> None:
    from tui.screens.movements import VoidForm

    if not events:
        app.notify(_("Học sinh này chưa có sự kiện nào để hủy."), severity="warning")
        return
    items = []
    for ev in reversed(events):  # the latest first: that is the one usually wrong
        items.append(("", f"{fmt_date(ev.date)}  {_(kinds.LABELS.get(ev.kind, ev.kind))}",
                      ev.id, _("số {id}").format(id=ev.id)))

    def chosen(event_id) -> None:
        if event_id is None:
            return

        def voided(done) -> None:
            if done:
                app.notify(_("Đã hủy sự kiện số {id}.").format(id=event_id),
                           title=_("Đã hủy sự kiện"))

        app.push_screen(VoidForm(event_id), voided)

    app.push_screen(ChoiceModal(_("Hủy một sự kiện của {name} ({code})").format(
        name=st.full_name, code=st.code),
        _("Sự kiện bị hủy vẫn giữ trong lịch sử nhưng không còn được tính."), items), chosen)

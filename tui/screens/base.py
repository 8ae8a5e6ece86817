"""What every screen shares: translated bindings, the app's state, database workers."""

from __future__ import annotations

import functools
import queue
import threading
from typing import TYPE_CHECKING, TypeVar

from textual import work
from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from db.models import database
from tui.i18n import describe, translate_bindings, translated_binding
from tui.navigation import OpenOverview

if TYPE_CHECKING:
    from tui.app import SisoApp

T = TypeVar("T")


def close_thread_connection() -> None:
    """Close a worker thread's own database connection when the worker ends (not the UI
    thread's, nor one in a transaction)."""
    if threading.current_thread() is not threading.main_thread():
        if database.obj is not None and not database.is_closed() and not database.in_transaction():
            database.close()


def db_work(method=None, *, group: str = "db", exclusive: bool = True, jobs: bool = False):
    """A thread worker for database work: ``exclusive`` (the latest call wins; False for work
    that must not be cancelled by the next, an export), errors go
    to the app's one worker-error handler instead of closing the app, and the worker
    thread's own connection is closed when it is done.

    The method posts its results back with ``self.app.call_from_thread(...)``; it should
    check ``worker.is_cancelled`` (``get_current_worker()``) before doing so when a newer
    call may have replaced it.

    ``jobs=True``: work queued ahead, done in order by one worker that lives as long as its
    screen (marks typed one after another). Call the method once with a ``queue.Queue``;
    the worker then calls it with each tuple of arguments put in the queue, its connection
    closed after each, until ``None`` is put or the worker is cancelled.
    """
    def decorate(fn):
        if jobs:
            @functools.wraps(fn)
            def run(self, todo: queue.Queue) -> None:
                worker = get_current_worker()
                while not worker.is_cancelled:
                    try:
                        item = todo.get(timeout=0.5)
                    except queue.Empty:
                        continue
                    if item is None:
                        return
                    try:
                        fn(self, *item)
                    finally:
                        close_thread_connection()
        else:
            @functools.wraps(fn)
            def run(*args, **kwargs):
                try:
                    return fn(*args, **kwargs)
                finally:
                    close_thread_connection()
        return work(thread=True, exclusive=exclusive, exit_on_error=False, group=group)(run)

    return decorate(method) if method is not None else decorate


def read_then(screen, read, then, *, group: str = "db") -> None:
    """``db_work`` for code that is not a screen's method (a flow through several screens):
    ``read()`` runs in a thread worker of ``screen`` (the screen in sight: keys typed
    meanwhile wait for it, ``tui.keys``; its errors go to the app's one handler), then
    ``then(result)`` runs on the UI thread."""
    app = screen.app

    def run() -> None:
        try:
            result = read()
        finally:
            close_thread_connection()
        app.call_from_thread(then, result)

    screen.run_worker(run, thread=True, group=group, exit_on_error=False)


async def read_first(screen, read, *, group: str = "db"):
    """For an opener (a form that shows what it reads): ``read()`` runs in a thread worker of
    ``screen`` (the screen in sight; its errors go to the app's one handler) while the caller
    awaits it, and its result is returned — None when it failed. Awaited in a message handler
    or an action, the handler ends once the form is pushed: keys typed meanwhile wait for it
    (``tui.keys``), and the form is on top, built, when the handler is done."""
    from textual.worker import WorkerError

    def run():
        try:
            return read()
        finally:
            close_thread_connection()

    worker = screen.run_worker(run, thread=True, group=group, exit_on_error=False)
    try:
        return await worker.wait()
    except WorkerError:  # (failed: shown by the app's handler; or cancelled)
        return None


def show_field_error(screen, key: str | None, message: str) -> None:
    """Show ``message`` on the error line ``#e-{key}`` under a field (else ``#e-form``)."""
    from textual.widgets import Static

    label = (screen.query(f"#e-{key}") if key else None) or screen.query(f"#{FormFields.FORM_ERROR}")
    label = label.first(Static)
    label.update(message)
    label.add_class("shown")


def clear_field_errors(screen) -> None:
    from textual.widgets import Static

    for label in screen.query(".field-error").results(Static):
        label.update("")
        label.remove_class("shown")


class FormFields:
    """What every form does with its fields (mixed into a form's screen class, before the
    Textual class):

    * ``show_errors([(key, message), …])`` shows every message at once, each on the line
      under its field (``#{ERROR_PREFIX}{key}``; a message naming no field, or a field the
      form does not show, goes on the form's line ``#{FORM_ERROR}``), and puts the cursor on
      the first field at fault in the form's order, its text selected so that typing
      replaces it;
    * a field's message goes away as soon as the field is changed;
    * ``discard(result)`` (Esc) closes the form at once when nothing was changed since it
      opened, and asks first when something was typed.

    A field ``key`` is the widget ``#{FIELD_PREFIX}{key}``."""

    FIELD_PREFIX = ""
    ERROR_PREFIX = "e-"
    FORM_ERROR = "e-form"
    ERROR_CLASS = "field-error"

    _initial_values: dict | None = None

    # ---- the fields ------------------------------------------------------------------------

    def _fields(self) -> list:
        from textual.widgets import Checkbox, Input, Select

        return [w for w in self.query("Input, Select, Checkbox")  # type: ignore[attr-defined]
                if isinstance(w, (Input, Select, Checkbox)) and w.id]

    def _key_of(self, widget) -> str | None:
        wid = widget.id or ""
        return wid[len(self.FIELD_PREFIX):] if wid.startswith(self.FIELD_PREFIX) else None

    def field_values(self) -> dict:
        return {w.id: w.value for w in self._fields()}

    def on_mount(self) -> None:  # (Textual calls it after the form's own on_mount)
        self._initial_values = self.field_values()

    @property
    def changed(self) -> bool:
        """Something was typed or chosen since the form opened."""
        return self._initial_values is not None and self.field_values() != self._initial_values

    # ---- messages --------------------------------------------------------------------------

    def _error_line(self, key: str | None):
        from textual.widgets import Static

        found = self.query(f"#{self.ERROR_PREFIX}{key}") if key else None  # type: ignore[attr-defined]
        if not found:
            found = self.query(f"#{self.FORM_ERROR}")  # type: ignore[attr-defined]
        return found.first(Static) if found else None

    def clear_errors(self) -> None:
        from textual.widgets import Static

        for label in self.query(f".{self.ERROR_CLASS}").results(Static):  # type: ignore[attr-defined]
            if label.has_class("shown"):
                label.update("")
                label.remove_class("shown")

    def clear_error(self, key: str) -> None:
        label = self._error_line(key)
        if label is not None and label.id != self.FORM_ERROR and label.has_class("shown"):
            label.update("")
            label.remove_class("shown")

    def set_error(self, key: str | None, message: str) -> None:
        """One message under its field (the others stay; the cursor does not move)."""
        label = self._error_line(key)
        if label is not None:
            label.update(message)
            label.add_class("shown")

    def show_errors(self, errors) -> None:
        """Every (key, message) at once; the cursor on the first field at fault."""
        self.clear_errors()
        lines: dict = {}
        for key, message in errors:
            label = self._error_line(key)
            if label is not None:
                lines.setdefault(label, []).append(message)
        for label, messages in lines.items():
            label.update("\n".join(messages))
            label.add_class("shown")
        keys = {key for key, _message in errors if key}
        first = next((w for w in self._fields() if self._key_of(w) in keys and not w.disabled),
                     None)
        if first is not None:  # (focus scrolls to the field; its message is just below)
            self.focus_field(first)
            label = self._error_line(self._key_of(first))
        else:
            label = next(iter(lines), None)
            if self.focused is None:  # type: ignore[attr-defined]
                # (e.g. it was on a part hidden while saving): keys must not be lost
                fields = [w for w in self._fields() if not w.disabled]
                if fields:
                    self.focus_field(fields[0])
        if label is not None:
            self.call_after_refresh(label.scroll_visible, animate=False)  # type: ignore[attr-defined]

    @staticmethod
    def focus_field(widget) -> None:
        """The cursor on ``widget``, its text selected (typing replaces it)."""
        from textual.widgets import Input

        widget.focus()
        if isinstance(widget, Input):
            widget.select_all()

    def _field_changed(self, widget) -> None:
        key = self._key_of(widget)
        if key:
            self.clear_error(key)

    def on_input_changed(self, event) -> None:
        self._field_changed(event.input)

    def on_select_changed(self, event) -> None:
        self._field_changed(event.select)

    def on_checkbox_changed(self, event) -> None:
        self._field_changed(event.checkbox)

    # ---- closing ---------------------------------------------------------------------------

    def discard(self, result=None) -> None:
        """Esc: close with ``result``; ask first when something was typed."""
        if not self.changed:
            self.dismiss(result)  # type: ignore[attr-defined]
            return
        from tui.i18n import _
        from tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(result)  # type: ignore[attr-defined]

        self.app.push_screen(  # type: ignore[attr-defined]
            ConfirmScreen(_("Bỏ các thông tin đã nhập trong biểu mẫu này?"),
                          yes=_("Bỏ (C)"), no=_("Nhập tiếp (N)")), answered)


class WorkerErrors:
    """A worker's state messages stop at the screen that ran it (they do not bubble): a
    failed worker of a screen goes to the app's one handler (``SisoApp.worker_failed``: a
    ``SisoError`` as a notification, any other error to the log), and the screen's
    ``work_failed`` may leave its busy state."""

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.state != WorkerState.ERROR:
            return
        self.work_failed(event.worker.error)
        handler = getattr(self.app, "worker_failed", None)
        if handler is not None:
            handler(event.worker)

    def work_failed(self, error: BaseException) -> None:
        """A worker of this screen failed (its message is shown by the app)."""


class TranslatedBindings:
    """The footer and the help read a screen's ``active_bindings``: here they come in the
    interface language, those of Textual's stock widgets (a Select's menu, an Input …)
    included, which no siso code translates when they are created."""

    @property
    def active_bindings(self):
        out = {}
        for key, active in super().active_bindings.items():
            binding = translated_binding(active.binding)
            out[key] = active._replace(binding=binding, tooltip=describe(active.tooltip))
        return out


class SisoScreen(WorkerErrors, TranslatedBindings, Screen):
    """A full screen of the app."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    @property
    def siso(self) -> SisoApp:
        return self.app  # type: ignore[return-value]

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """A key the acting role cannot use is hidden (``tui.roles``; db/ refuses it anyway)."""
        from tui.roles import may

        return may(action)

    def go_back(self, result=None) -> None:
        """Escape: close this screen when it was pushed; a section's first screen (a mode
        such as the movement register) goes back to the overview instead."""
        if len(self.app.screen_stack) > 1 and self.app.screen is self:
            self.dismiss(result)
        else:
            self.post_message(OpenOverview())


class SisoModal(WorkerErrors, TranslatedBindings, ModalScreen[T]):
    """A modal (form, picker, confirmation) that returns a typed result with dismiss()."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    @property
    def siso(self) -> SisoApp:
        return self.app  # type: ignore[return-value]


class FormModal(FormFields, SisoModal[T]):
    """A modal form: Ctrl+S (``action_submit``) or the button ``ok`` / ``save`` calls ``submit()``
    once at a time — ``busy`` stays set until the form calls ``failed()`` or is dismissed;
    Esc (``action_cancel``) or the other button closes it with None (asking first when
    something was typed). Messages and focus after a refusal: :class:`FormFields`."""

    busy = False

    def on_button_pressed(self, event) -> None:
        if event.button.id in ("ok", "save"):
            self.action_submit()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.discard(None)

    def action_submit(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.submit()

    def submit(self) -> None:
        raise NotImplementedError

    def failed(self) -> None:
        """The submitted values were refused: the form may be submitted again."""
        self.busy = False

    def work_failed(self, error: BaseException) -> None:
        self.failed()

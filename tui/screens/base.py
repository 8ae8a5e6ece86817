"""What every screen shares: translated bindings, the app's state, database workers."""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING, TypeVar

from textual import work
from textual.screen import ModalScreen, Screen

from db.models import database
from tui.i18n import describe, translate_bindings, translated_binding

if TYPE_CHECKING:
    from tui.app import SisoApp

T = TypeVar("T")


def db_work(method=None, *, group: str = "db"):
    """A thread worker for database work: ``exclusive`` (the latest call wins), errors go
    to the app's one worker-error handler instead of closing the app, and the worker
    thread's own connection is closed when it is done.

    The method posts its results back with ``self.app.call_from_thread(...)``; it should
    check ``worker.is_cancelled`` (``get_current_worker()``) before doing so when a newer
    call may have replaced it.
    """
    def decorate(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            finally:
                if threading.current_thread() is not threading.main_thread():
                    if database.obj is not None and not database.is_closed() and not database.in_transaction():
                        database.close()
        return work(thread=True, exclusive=True, exit_on_error=False, group=group)(run)

    return decorate(method) if method is not None else decorate


def show_field_error(screen, key: str | None, message: str) -> None:
    """Show ``message`` on the error line ``#e-{key}`` under a field (else ``#e-form``)."""
    from textual.widgets import Static

    label = (screen.query(f"#e-{key}") if key else None) or screen.query("#e-form")
    label = label.first(Static)
    label.update(message)
    label.add_class("shown")


def clear_field_errors(screen) -> None:
    from textual.widgets import Static

    for label in screen.query(".field-error").results(Static):
        label.update("")
        label.remove_class("shown")


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
    def siso(self) -> "SisoApp":
        return self.app  # type: ignore[return-value]

    def go_back(self, result=None) -> None:
        """Escape: close this screen when it was pushed; a section's first screen (a mode
        such as the movement register) goes back to the overview instead."""
        if len(self.app.screen_stack) > 1 and self.app.screen is self:
            self.dismiss(result)
        elif hasattr(self.app, "open_overview"):
            self.app.open_overview()


class SisoModal(WorkerErrors, TranslatedBindings, ModalScreen[T]):
    """A modal (form, picker, confirmation) that returns a typed result with dismiss()."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    @property
    def siso(self) -> "SisoApp":
        return self.app  # type: ignore[return-value]


class FormModal(SisoModal[T]):
    """A modal form: Ctrl+S (``action_submit``) or the button ``ok`` / ``ghi`` calls ``submit()``
    once at a time — ``busy`` stays set until the form calls ``failed()`` or is dismissed;
    Esc (``action_cancel``) or the other button closes it with None."""

    busy = False

    def on_button_pressed(self, event) -> None:
        if event.button.id in ("ok", "ghi"):
            self.action_submit()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

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

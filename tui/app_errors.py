"""The app's one handler of failed workers, and its last resort.

Database work runs in workers (``tui.screens.base.db_work``); an uncaught ``SisoError``
becomes a notification in ``worker_failed`` (any other error too, its traceback written to
the log of ``tui.crashlog``). An error outside a worker closes the app with one line naming
that log (``_handle_exception``), never a traceback screen.
"""

from __future__ import annotations

from textual.app import App
from textual.worker import WorkerState

from db.errors import SisoError
from tui.i18n import _


class Errors(App):
    """What the app does when something fails (mixed into ``SisoApp``)."""

    def on_worker_state_changed(self, event) -> None:
        if event.state == WorkerState.ERROR:
            self.worker_failed(event.worker)

    def worker_failed(self, worker) -> None:
        """A worker failed: the app's own, or a screen's (``tui.screens.base.WorkerErrors``)."""
        err = worker.error
        if isinstance(err, SisoError):
            self.notify(err.message, title=_("Không thực hiện được"), severity="error", timeout=8)
        else:  # the program's own error: the traceback goes to the log, the app goes on
            from tui import crashlog

            path = crashlog.write(err, f"siso worker {worker.name}")
            self.log.error(err)
            from db import connection

            if connection.state.damage:  # a value of the damaged file, not the program
                self.notify(_("Việc này không làm được vì tệp cơ sở dữ liệu bị hỏng; chưa ghi gì. "
                              "Chi tiết đã ghi vào {path}.").format(path=path or "?"),
                            title=_("Cơ sở dữ liệu chỉ đọc"), severity="error", timeout=20)
                return
            self.notify(_("Việc này không làm được do lỗi của chương trình; chưa ghi gì. "
                          "Chi tiết đã ghi vào {path}.").format(path=path or "?"),
                        title=_("Lỗi chương trình"), severity="error", timeout=20)

    crashed: str | None = None  # the last resort's line, once the app has stopped on an error

    def _handle_exception(self, error: Exception) -> None:
        """An error the program did not expect, outside a worker: Textual would stop on a
        traceback screen. The traceback goes to the log file instead, and the app closes;
        ``crashed`` is then one line (in the interface language) naming that file, which
        ``siso`` prints once the terminal is restored; exit status 70."""
        from tui import crashlog

        path = crashlog.write(error, "siso (giao diện)")
        self.crashed = (_("Lỗi chương trình: siso phải đóng lại. Chi tiết đã ghi vào {path}; "
                          "hãy gửi tệp này cho người hỗ trợ. Dữ liệu đã lưu trước đó không bị "
                          "ảnh hưởng.").format(path=path or "?"))
        self._return_code = crashlog.INTERNAL_ERROR
        if self.is_headless and self._exception is None:  # Pilot tests still see the error
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()  # as Textual's own handler, without the traceback

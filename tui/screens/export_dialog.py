"""Modal: choose the format and the file name of an export. It only collects choices;
the calling screen writes the file (``exports.files.write_form``) in a thread worker.

``ExportDialog(default_name)`` dismisses with ``(path, fmt, overwrite)`` or ``None``
(cancelled). Enter in the file name, Ctrl+S or the «Xuất» button export; Esc cancels; the
keys are written on the dialog. The target is checked with ``db.files.check_target``
(the rule every file write follows): a folder or a read-only file or folder is refused on
the dialog, and an existing file is replaced only after the user confirms it
(``ConfirmScreen``), which the result says (``overwrite``).
The default folder is the user's documents folder (``platformdirs.user_documents_dir()``).
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from db.errors import SisoError
from tui.i18n import N_, _, translate_bindings

FORMAT_LABELS = ((N_("Excel (.xlsx) — theo mẫu"), "xlsx"), ("OpenDocument (.ods)", "ods"),
                 ("CSV (.csv, UTF-8)", "csv"), ("JSON (.json)", "json"))


def documents_dir() -> Path:
    from platformdirs import user_documents_dir

    return Path(user_documents_dir())


class ExportDialog(ModalScreen[tuple[str, str, bool] | None]):
    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                              border: thick $primary; background: $surface; padding: 0 1; }
    ExportDialog Label { margin-top: 1; }
    ExportDialog #export-error { color: $error; margin-top: 0; width: 100%; height: auto; }
    ExportDialog #export-keys { color: $text-muted; }
    ExportDialog Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    ExportDialog Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", N_("Hủy")),
                Binding("ctrl+s", "export", N_("Xuất"), priority=True)]

    def __init__(self, default_name: str, folder: Path | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.default_name = default_name
        self.folder = folder if folder is not None else documents_dir()

    def compose(self) -> ComposeResult:
        fmt = Path(self.default_name).suffix.lstrip(".") or "xlsx"
        with Vertical():
            yield Label(_("Xuất biểu mẫu ra tệp"), classes="title")
            yield Label(_("Định dạng"))
            yield Select([(_(label), value) for label, value in FORMAT_LABELS], value=fmt,
                         allow_blank=False, id="export-format", compact=True)
            yield Label(_("Tên tệp (đường dẫn đầy đủ)"))
            yield Input(str(self.folder / self.default_name), id="export-path")
            yield Label("", id="export-error")
            yield Static(_("Enter hoặc Ctrl+S: xuất · Tab: chuyển ô · Esc: hủy"), id="export-keys")
            with Horizontal():
                yield Button(_("Xuất"), variant="primary", id="export-ok", compact=True)
                yield Button(_("Hủy"), id="export-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(Select.Changed, "#export-format")
    def format_changed(self, event: Select.Changed) -> None:
        box = self.query_one("#export-path", Input)
        path = Path(box.value)
        if event.value and path.suffix.lstrip(".").lower() != event.value:
            box.value = str(path.with_suffix(f".{event.value}"))

    @on(Button.Pressed, "#export-ok")
    @on(Input.Submitted, "#export-path")
    def action_export(self) -> None:
        from db.files import TargetExists, check_target

        fmt = str(self.query_one("#export-format", Select).value)
        raw = self.query_one("#export-path", Input).value.strip()
        error = self.query_one("#export-error", Label)
        if not raw:
            self._refuse(_("Cần nhập tên tệp."))
            return
        path = Path(raw).expanduser()
        if path.suffix.lstrip(".").lower() != fmt:
            path = path.with_suffix(f".{fmt}")
        try:
            check_target(path)
        except TargetExists:
            from tui.screens.confirm import ConfirmScreen

            def answered(yes: bool | None) -> None:
                if yes:
                    self.dismiss((str(path), fmt, True))
                else:
                    self._refuse(_("Chưa ghi: đổi tên tệp hoặc xác nhận ghi đè."))

            self.app.push_screen(ConfirmScreen(
                _("Tệp «{path}» đã có. Ghi đè tệp này?").format(path=path),
                yes=_("Ghi đè (C)"), no=_("Không (N)")), answered)
            return
        except SisoError as err:
            self._refuse(err.message)
            return
        error.update("")
        self.dismiss((str(path), fmt, False))

    def _refuse(self, message: str) -> None:
        self.query_one("#export-error", Label).update(message)
        box = self.query_one("#export-path", Input)
        box.focus()
        box.select_all()

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

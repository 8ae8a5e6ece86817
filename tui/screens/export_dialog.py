"""Modal: choose the format and the file name of an export. It only collects choices;
the calling screen writes the file (``exports.files.write_form``) in a thread worker.

``ExportDialog(default_name)`` dismisses with ``(path, fmt)`` or ``None`` (cancelled).
The default folder is the user's documents folder (``platformdirs.user_documents_dir()``).
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from tui.i18n import N_, _, translate_bindings

FORMAT_LABELS = ((N_("Excel (.xlsx) — theo mẫu"), "xlsx"), ("OpenDocument (.ods)", "ods"),
                 ("CSV (.csv, UTF-8)", "csv"), ("JSON (.json)", "json"))


def documents_dir() -> Path:
    from platformdirs import user_documents_dir

    return Path(user_documents_dir())


class ExportDialog(ModalScreen[tuple[str, str] | None]):
    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > Vertical { width: 76; height: auto; border: thick $primary; background: $surface;
                              padding: 1 2; }
    ExportDialog Label { margin-top: 1; }
    ExportDialog #export-error { color: $error; }
    ExportDialog Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    ExportDialog Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", N_("Hủy"))]

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
                         allow_blank=False, id="export-format")
            yield Label(_("Tên tệp (đường dẫn đầy đủ)"))
            yield Input(str(self.folder / self.default_name), id="export-path")
            yield Label("", id="export-error")
            with Horizontal():
                yield Button(_("Xuất"), variant="primary", id="export-ok")
                yield Button(_("Hủy"), id="export-cancel")

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
    def confirm(self) -> None:
        fmt = self.query_one("#export-format", Select).value
        raw = self.query_one("#export-path", Input).value.strip()
        error = self.query_one("#export-error", Label)
        if not raw:
            error.update(_("Cần nhập tên tệp."))
            return
        path = Path(raw).expanduser()
        if path.suffix.lstrip(".").lower() != fmt:
            path = path.with_suffix(f".{fmt}")
        if path.exists() and path.is_dir():
            error.update(_("«{path}» là một thư mục: cần tên tệp.").format(path=path))
            return
        self.dismiss((str(path), str(fmt)))

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

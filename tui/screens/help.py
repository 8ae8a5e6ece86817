"""Help (F1 or ?): what the screen is for and every key it answers to."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from tui.i18n import N_, _
from tui.screens.base import SisoModal


class HelpScreen(SisoModal[None]):
    """``keys``: (key, description) of the bindings active on the screen below."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen #help-box VerticalScroll { height: auto; max-height: 18; }
    """

    BINDINGS = [Binding("escape,f1,q", "close", N_("Đóng"), id="close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        seen = set()
        for key, description in self.keys:
            if (key, description) not in seen:
                seen.add((key, description))
                table.add_row(key, description)
        with Vertical(id="help-box", classes="dialog"):
            yield Static(_("Trợ giúp"), classes="form-title")
            with VerticalScroll():
                yield Static(_(
                    "siso giữ danh sách lớp và biến động sĩ số. Mọi việc làm được bằng bàn phím: "
                    "mũi tên, PageUp/PageDown, Home/End để di chuyển; Enter để mở; Esc để quay "
                    "lại; gõ chữ để lọc (không cần dấu). Các phím của màn hình này:"),
                    classes="hint")
                yield Static(table)
            yield Static(_("Esc: đóng"), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)

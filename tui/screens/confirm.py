"""A typed confirmation modal: ``push_screen(ConfirmScreen(question), callback)`` calls
back with True or False."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from tui.i18n import N_, _
from tui.screens.base import SisoModal


class ConfirmScreen(SisoModal[bool]):
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    """

    BINDINGS = [
        Binding("y,c", "answer(True)", N_("Đồng ý"), id="yes"),
        Binding("n,escape", "answer(False)", N_("Không"), id="no"),
    ]

    def __init__(self, question: str, yes: str | None = None, no: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.yes = yes or _("Đồng ý (C)")
        self.no = no or _("Không (N)")

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Static(self.question)
            with Horizontal(classes="buttons"):
                yield Button(self.yes, id="yes", variant="warning", compact=True)
                yield Button(self.no, id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

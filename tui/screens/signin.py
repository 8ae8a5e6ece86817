"""Sign-in (the browser's first screen, ``siso serve``): login and password, nothing else.

Nothing of the school is shown before someone has signed in; the app's keys are off
(``tui.web.session.ServedApp.check_action``). ``db.users.authenticate`` decides: a wrong
password and an unknown login get the same message, five wrong tries lock the account for
five minutes (its own message). Dismisses with the ``Actor``.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, Static

from db.errors import SisoError
from tui.i18n import _
from tui.screens.base import SisoScreen, db_work


class SignInScreen(SisoScreen):
    DEFAULT_CSS = """
    SignInScreen { align: center middle; }
    SignInScreen #signin-box { width: 56; max-width: 96%; height: auto; border: round $accent;
                               background: $surface; padding: 1 2; }
    SignInScreen #signin-title { text-style: bold; color: $accent; margin-bottom: 1; }
    SignInScreen Input { margin-bottom: 1; }
    SignInScreen #signin-error { color: $error; height: auto; }
    SignInScreen #signin-note { color: $text-muted; margin-top: 1; }
    SignInScreen Button { width: 100%; }
    """

    def __init__(self, school_name: str, note: str = "") -> None:
        super().__init__(id="signin")
        self.school_name = school_name
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="signin-box"):
            yield Static(_("Đăng nhập siso — {school}").format(school=self.school_name),
                         id="signin-title")
            yield Label(_("Tên đăng nhập"))
            yield Input(id="signin-login", max_length=64)
            yield Label(_("Mật khẩu"))
            yield Input(id="signin-password", password=True, max_length=256)
            yield Static(self.note, id="signin-error")
            yield Button(_("Đăng nhập"), id="signin-go", variant="primary")
            yield Static(_("Sau 30 phút không dùng, phiên tự đăng xuất. Đăng xuất: Ctrl+Q."),
                         id="signin-note")

    def on_mount(self) -> None:
        self.query_one("#signin-login", Input).focus()

    @on(Input.Submitted, "#signin-login")
    def to_password(self) -> None:
        self.query_one("#signin-password", Input).focus()

    @on(Input.Submitted, "#signin-password")
    @on(Button.Pressed, "#signin-go")
    def submit(self) -> None:
        login = self.query_one("#signin-login", Input).value.strip()
        password = self.query_one("#signin-password", Input).value
        if not login:
            self.show_error(_("Nhập tên đăng nhập."))
            self.query_one("#signin-login", Input).focus()
            return
        if not password:
            self.show_error(_("Nhập mật khẩu."))
            self.query_one("#signin-password", Input).focus()
            return
        self.query_one("#signin-go", Button).disabled = True
        self.check(login, password)

    @db_work(group="signin")
    def check(self, login: str, password: str) -> None:
        from db import users

        try:
            actor = users.authenticate(login, password)
        except SisoError as err:
            self.app.call_from_thread(self.refused, err.message)
            return
        self.app.call_from_thread(self.dismiss, actor)

    def refused(self, message: str) -> None:
        self.query_one("#signin-go", Button).disabled = False
        password = self.query_one("#signin-password", Input)
        password.value = ""
        password.focus()
        self.show_error(message)

    def show_error(self, message: str) -> None:
        self.query_one("#signin-error", Static).update(message)

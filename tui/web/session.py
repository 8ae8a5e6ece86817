"""One browser tab of ``siso serve``: the app in "served" mode, run by textual-serve as
``python -m tui.web.session`` (the database in ``SISO_DB``).

A served session:

* never acts for the account that runs the server (no system-account mapping): it shows the
  sign-in screen first and acts only for the person who signed in
  (``db.users.set_current_actor``); until then every key of the app is off;
* signs out on Ctrl+Q or F10 → «Đăng xuất», and after ``IDLE_SECONDS`` without a key or a
  click. Signing out ends this process (nothing of the person stays in memory: no screen, no
  list read for them) and sends the browser back to the page, where a new process shows the
  sign-in screen.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from textual import events
from textual.binding import Binding

from tui.app import SisoApp, make_app
from tui.i18n import N_, _
from tui.screens.event_chooser import ChoiceModal, lettered
from tui.screens.menu import MainMenu

IDLE_SECONDS = 30 * 60  # no key nor click for this long: back to sign-in
IDLE_CHECK_SECONDS = 15.0
SIGNED_OUT_WAIT = 3.0  # seconds the browser has to load the page again before the process ends
ALLOWED_BEFORE_SIGN_IN = ("sign_out", "help_quit")  # every other app action waits for sign-in


def nobody() -> None:
    """Until someone signs in (and after they sign out) the process acts for nobody: no role,
    no class, so every read is empty and every write refused. (Left unset, the acting person
    would be the user of the account that runs the server.)"""
    from db import users

    users.set_current_actor(users.Actor(login="", ho_ten="", roles=frozenset()))


class ServedMenu(MainMenu):
    CHOICES = [*MainMenu.CHOICES, ("x", "sign_out", N_("Đăng xuất"), "Ctrl+Q")]
    BINDINGS = [*lettered(CHOICES), *ChoiceModal.BINDINGS]


class ServedApp(SisoApp):
    CSS_PATH = str(Path(__file__).resolve().parent.parent / SisoApp.CSS_PATH)  # tui/app.tcss
    BINDINGS = [b for b in SisoApp.BINDINGS if b.id != "quit"] + [
        Binding("ctrl+q", "sign_out", N_("Đăng xuất"), id="sign_out", priority=True),
    ]

    now = staticmethod(time.monotonic)  # the clock of the idle time (tests set their own)

    def __init__(self, *args, **kwargs) -> None:
        nobody()
        super().__init__(*args, **kwargs)
        self.actor = None  # the person signed in (db.users.Actor), None before
        self.last_activity = self.now()
        self.signed_out = False

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # SisoApp.on_mount (the first screen) runs after sign-in
        from tui.screens.signin import SignInScreen

        self.set_interval(IDLE_CHECK_SECONDS, self.sign_out_when_idle)
        self.push_screen(SignInScreen(self.title), self.signed_in)

    def signed_in(self, actor) -> None:
        from db import users

        users.set_current_actor(actor)
        self.actor = actor
        self.last_activity = self.now()
        self.sub_title = ""
        SisoApp.on_mount(self)
        self.notify(_("Xin chào {name}.").format(name=actor.ho_ten), timeout=4)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste, events.MouseDown, events.MouseScrollDown,
                              events.MouseScrollUp)):
            self.last_activity = self.now()
        await super().on_event(event)

    def sign_out_when_idle(self) -> None:
        if self.actor is not None and self.now() - self.last_activity >= IDLE_SECONDS:
            self.sign_out()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if self.actor is None and action not in ALLOWED_BEFORE_SIGN_IN:
            return False
        return super().check_action(action, parameters)

    def action_sign_out(self) -> None:
        self.sign_out()

    def sign_out(self) -> None:
        """Back to sign-in: the page is loaded again (a new process, the sign-in screen);
        this process ends."""
        if self.signed_out:
            return
        self.signed_out = True
        nobody()
        self.actor = None
        if self.is_web:
            self.open_url("?", new_tab=False)
            self.set_timer(SIGNED_OUT_WAIT, self.exit)
        else:
            self.exit()

    def action_show_menu(self) -> None:
        def chosen(action: str | None) -> None:
            if action:
                self.call_later(self.run_action, action)

        self.push_screen(ServedMenu(_("Chức năng")), chosen)

    def get_system_commands(self, screen):
        for command in super().get_system_commands(screen):
            if command.title != _("Thoát"):
                yield command
        if self.actor is not None:
            from textual.app import SystemCommand

            yield SystemCommand(_("Đăng xuất"), "Ctrl+Q", self.sign_out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="siso-session")
    parser.add_argument("--lang", choices=["vi", "en"])
    args = parser.parse_args(argv)
    app = make_app(lang=args.lang, app_class=ServedApp)
    app.run()
    if app.crashed:
        print(app.crashed, file=sys.stderr)
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())

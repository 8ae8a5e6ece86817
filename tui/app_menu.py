"""The app's F10 menu and Ctrl+P command palette, and which actions are offered.

Both list the commands of ``tui.screens.menu.COMMANDS`` (by action name: the same
``action_…`` methods the keys are bound to). ``check_action`` hides the actions bound to a
school year until there is one, those a role may not use (``tui.roles.may``), and keeps the
sections from opening from under a modal.
"""

from __future__ import annotations

from textual.app import App, SystemCommand
from textual.screen import ModalScreen

from tui.i18n import _


class Menu(App):
    """The menu, the command palette and the actions on offer (mixed into ``SisoApp``)."""

    def action_show_menu(self) -> None:
        from tui.screens.menu import MainMenu

        def chosen(action: str | None) -> None:
            if action:
                self.call_later(self.run_action, action)

        self.push_screen(MainMenu(_("Chức năng")), chosen)

    def get_system_commands(self, screen):
        """The command palette (Ctrl+P): the menu's commands, in the interface language."""
        from tui.screens.menu import COMMANDS

        for _key, action, label, shown in COMMANDS:
            if self.check_action(action, ()):
                yield SystemCommand(_(label), shown,
                                    lambda action=action: self.call_later(self.run_action, action))
        yield SystemCommand(_("Thoát"), "Ctrl+Q", self.exit)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from tui.screens.menu import SisoCommands

        if self.year_id is not None and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(providers=[SisoCommands],
                                            placeholder=_("Tìm chức năng…"),
                                            id="--command-palette"))

    YEAR_ACTIONS = ("open_search", "choose_year", "open_movements", "open_reports",
                    "open_dashboard", "open_import", "open_year_end", "open_rollover",
                    "transfer_in", "add_class", "show_menu", "command_palette",
                    "open_attendance", "open_cohort")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Year-bound actions are hidden until the school has a school year, and the
        sections do not open from under a modal (a form, a chooser)."""
        if action in self.YEAR_ACTIONS and self.year_id is None:
            return False
        from tui.roles import may

        if not may(action):  # hidden from a role that may not use it (db/ refuses it anyway)
            return False
        if action in self.YEAR_ACTIONS[2:] and isinstance(self.screen, ModalScreen) \
                and not type(self.screen).__name__ == "CommandPalette":
            return False
        return True

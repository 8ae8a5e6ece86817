"""The school's details (``db.school.SETTINGS``): edit and save in one transaction."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from db import school
from db.errors import SisoError
from tui.i18n import N_, _
from tui.screens.base import FormFields, SisoModal, db_work


class SettingsScreen(FormFields, SisoModal[bool]):
    """Dismisses with True when something was saved."""

    FIELD_PREFIX = "s-"

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Lưu"), id="save"),
        Binding("escape", "cancel", N_("Hủy"), id="cancel"),
    ]

    def compose(self) -> ComposeResult:
        values = school.get_settings()
        with Vertical(id="settings-box", classes="form"):
            yield Static(_("Thông tin nhà trường"), classes="form-title")
            with VerticalScroll():
                for key, (label, _default) in school.SETTINGS.items():
                    with Horizontal(classes="field"):
                        yield Label(_(label), classes="field-label wide")
                        yield Input(values.get(key, ""), id=f"s-{key}", compact=True)
                    yield Static("", id=f"e-{key}", classes="field-error")
            yield Static("", id="e-form", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Lưu (Ctrl+S)"), id="save", variant="primary", compact=True)
                yield Button(_("Hủy (Esc)"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def show_error(self, field: str | None, message: str) -> None:
        self.show_errors([(field, message)])

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.clear_errors()
        old = school.get_settings()
        values = {key: self.query_one(f"#s-{key}", Input).value for key in school.SETTINGS}
        changed = {k: v for k, v in values.items() if v != old.get(k)}
        if not changed:
            self.dismiss(False)
            return
        errors = school.settings_errors(changed)
        if errors:
            self.show_errors(errors)
            return
        self.save(changed)

    @db_work(group="save")
    def save(self, values: dict[str, str]) -> None:
        try:
            school.set_settings(values)
        except SisoError as err:
            self.app.call_from_thread(self.show_error, err.field, err.message)
            return
        self.app.call_from_thread(self.saved)

    def saved(self) -> None:
        self.app.notify(_("Đã lưu thông tin nhà trường."))
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.discard(False)

"""The school's details (``db.school.SETTINGS``): edit and save in one transaction; make a
backup now (F2) or restore one (F4, see ``db.backup`` and ``db.backup_restore``)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from db import school
from db.errors import SisoError
from exports.numbers import size_text
from tui.changes import DatabaseReplaced
from tui.i18n import N_, _
from tui.screens.base import FormFields, SisoModal, db_work, read_first


async def open_settings(app, callback=None) -> None:
    """Read the settings in a worker of the screen in sight (``read_first``: keys typed
    meanwhile wait for it), then open the form showing them."""
    values = await read_first(app.screen, school.get_settings)
    if values is not None:
        app.push_screen(SettingsScreen(values), callback)


class SettingsScreen(FormFields, SisoModal[bool]):
    """Dismisses with True when something was saved."""

    DEFAULT_CSS = """
    SettingsScreen #backup-row { margin-top: 0; }
    SettingsScreen #backup-info { padding: 0 1; color: $text-muted; height: auto; }
    SettingsScreen { align: center middle; }
    """
    FIELD_PREFIX = "s-"

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Lưu"), id="save"),
        Binding("escape", "cancel", N_("Hủy"), id="cancel"),
        Binding("f2", "backup", N_("Sao lưu"), id="settings.backup"),
        Binding("f4", "restore", N_("Khôi phục"), id="settings.restore"),
    ]

    def __init__(self, values: dict[str, str] | None = None) -> None:
        """``values``: the settings shown, read by the opener in a worker (``open_settings``);
        without them the form reads them here, once, when it is created."""
        super().__init__()
        self.loaded = values if values is not None else school.get_settings()

    def compose(self) -> ComposeResult:
        values = self.loaded
        with Vertical(id="settings-box", classes="form"):
            yield Static(_("Thông tin nhà trường"), classes="form-title")
            with VerticalScroll():
                for key, (label, _default) in school.SETTINGS.items():
                    with Horizontal(classes="field"):
                        yield Label(_(label), classes="field-label wide")
                        yield Input(values.get(key, ""), id=f"s-{key}", compact=True)
                    yield Static("", id=f"e-{key}", classes="field-error")
            yield Static("", id="e-form", classes="field-error")
            yield Static("", id="backup-info")
            with Horizontal(classes="buttons"):
                yield Button(_("Lưu (Ctrl+S)"), id="save", variant="primary", compact=True)
                yield Button(_("Hủy (Esc)"), id="cancel", compact=True)
            with Horizontal(classes="buttons", id="backup-row"):
                yield Button(_("Sao lưu (F2)"), id="backup", compact=True)
                yield Button(_("Khôi phục (F4)"), id="restore", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def show_error(self, field: str | None, message: str) -> None:
        self.show_errors([(field, message)])

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.clear_errors()
        old = self.loaded  # read when the form was built: no query on the key
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

    # ---- backups ----------------------------------------------------------------------

    def _info(self, message: str) -> None:
        self.query_one("#backup-info", Static).update(message)

    @on(Button.Pressed, "#backup")
    def action_backup(self) -> None:
        self._info(_("Đang sao lưu…"))
        self.make_backup()

    @db_work(group="backup")
    def make_backup(self) -> None:
        from db import backup, backup_copies

        live = backup_copies.live_path()
        if live is None:
            self.app.call_from_thread(self._info, self._postgres())
            return
        try:
            made = backup.manual_backup(live)
        except SisoError as err:
            self.app.call_from_thread(self._info, err.message)
            return
        self.app.call_from_thread(self._info, _("Đã sao lưu vào {path}").format(path=made))
        self.app.call_from_thread(self.app.notify, str(made), title=_("Đã sao lưu"))

    def _postgres(self) -> str:
        from db.backup_postgres import pg_dump_command
        from db.connection import resolve_target

        return _("Với PostgreSQL, sao lưu và khôi phục bằng pg_dump / pg_restore: {cmd}").format(
            cmd=pg_dump_command(resolve_target(getattr(self.app, "db_target", None))))

    @on(Button.Pressed, "#restore")
    def action_restore(self) -> None:
        self.list_copies()

    @db_work(group="restore")
    def list_copies(self) -> None:
        from db import backup_copies

        live = backup_copies.live_path()
        if live is None:
            self.app.call_from_thread(self._info, self._postgres())
            return
        items = []
        for c in reversed(backup_copies.copies(live)):
            students = c.students()
            hint = _("{n} HS").format(n=students) if students is not None else _("không đọc được")
            items.append(("", f"{c.at:%d/%m/%Y %H:%M}  {_(c.reason_label)}", c.path,
                          f"{hint} · {size_text(c.size)}"))
        self.app.call_from_thread(self._choose_copy, items, backup_copies.folder_for(live))

    def _choose_copy(self, items, folder) -> None:
        from tui.screens.event_chooser import ChoiceModal

        if not items:
            self._info(_("Chưa có bản sao nào trong {folder}.").format(folder=folder))
            return
        self.app.push_screen(ChoiceModal(_("Khôi phục từ bản sao"), str(folder), items=items),
                             self._chosen)

    def _chosen(self, path) -> None:
        if path is not None:
            self._info(_("Đang kiểm tra bản sao…"))
            self.check_copy(path)

    @db_work(group="restore")
    def check_copy(self, path) -> None:
        from db import backup_restore

        try:
            plan = backup_restore.plan_restore(path)
        except SisoError as err:
            self.app.call_from_thread(self._info, err.message)
            return
        self.app.call_from_thread(self._confirm, plan)

    def _confirm(self, plan) -> None:
        from tui.screens.confirm import ConfirmScreen

        def when(moment) -> str:
            return f"{moment:%d/%m/%Y %H:%M}" if moment else "—"

        rows = [("", _("Hiện tại"), _("Sau khi khôi phục")),
                (_("Học sinh"), str(plan.live["students"]), str(plan.copy["students"])),
                (_("Biến động"), str(plan.live["events"]), str(plan.copy["events"])),
                (_("Lần ghi cuối"), when(plan.live["last_write"]), when(plan.copy["last_write"]))]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        table = "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)
        question = (_("Thay dữ liệu hiện tại bằng bản sao {name}?").format(name=plan.path.name)
                    + "\n\n" + table + "\n\n"
                    + _("Dữ liệu hiện tại được giữ thành một bản sao (trước khi khôi phục).")
                    + "".join("\n\n" + w for w in plan.warnings))
        self._info("")
        self.app.push_screen(ConfirmScreen(question, yes=_("Khôi phục (C)")),
                             lambda yes: yes and self.do_restore(plan))

    @db_work(group="restore")
    def do_restore(self, plan) -> None:
        from db import backup_restore

        self.app.call_from_thread(self._info, _("Đang khôi phục…"))
        try:
            before = backup_restore.restore(plan)
        except SisoError as err:
            self.app.call_from_thread(self._info, err.message)
            return
        self.app.call_from_thread(self._restored, plan, before)

    def _restored(self, plan, before) -> None:
        self.app.notify(_("Đã khôi phục từ {name}. Dữ liệu trước đó ở {before}.")
                        .format(name=plan.path.name, before=before),
                        title=_("Khôi phục"), timeout=12)
        self.post_message(DatabaseReplaced())
        self.dismiss(False)



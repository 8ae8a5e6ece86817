"""The rollover wizard: next year's classes from an editable mapping, a preview of the
counts, then one transaction.

    app.push_screen(RolloverScreen(source_year_id, target_name=None), callback)

A modal; dismisses with the rollover Batch id when written, None when cancelled. The table
lists the old classes with the class their promoted students go to and the class their
held-back students stay in; Enter on a row edits both (:class:`MappingForm`). The preview
below recomputes after every change; Ctrl+S writes the rollover (refused, with the reasons,
while the preview shows problems such as students still pending a retest). A new year's
reference date and semester II start default to the old year's day and month. Ahead of the
old year's end date, Ctrl+S first asks for confirmation (:class:`ConfirmScreen`).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Static

from db import fields
from db.errors import SisoError
from db.models import SchoolYear
from db.school import normalize_class_name
from tui.screens.base import FormModal, db_work

from tui.changes import DataChanged
from tui.i18n import N_, _, translate_bindings


class MappingForm(ModalScreen[tuple[str, str] | None]):
    """Edit where one old class goes: (promoted class, held-back class)."""

    DEFAULT_CSS = """
    MappingForm { align: center middle; }
    MappingForm > Vertical { width: 60; height: auto; border: thick $primary; background: $surface;
                             padding: 0 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "submit", N_("Lưu"), id="mapping.submit"),
        Binding("escape", "cancel", N_("Thôi"), id="mapping.cancel"),
    ]

    def __init__(self, old: str, promoted: str, held: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.old, self.promoted, self.held = old, promoted, held

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Lớp {old} năm học mới").format(old=self.old))
            yield Label(_("Học sinh lên lớp vào lớp"))
            yield Input(self.promoted, id="len_lop")
            yield Label(_("Học sinh lưu ban vào lớp"))
            yield Input(self.held, id="luu_ban")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "len_lop":
            self.query_one("#luu_ban", Input).focus()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        self.dismiss((normalize_class_name(self.query_one("#len_lop", Input).value),
                      normalize_class_name(self.query_one("#luu_ban", Input).value)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class RolloverScreen(FormModal[int | None]):
    """A field ``fields.X`` is the input ``#r-{X}``, its message the line ``#e-{X}``."""

    FIELD_PREFIX = "r-"
    DEFAULT_CSS = """
    RolloverScreen { align: center middle; }
    RolloverScreen > Vertical { width: 96%; height: 94%; border: thick $primary;
                                background: $surface; padding: 0 1; }
    RolloverScreen #title { text-style: bold; color: $accent; }
    RolloverScreen #dates { height: 1; margin: 1 0 0 0; }
    RolloverScreen #dates2 { height: 1; margin: 0 0 1 0; }
    RolloverScreen #dates2 Input { width: 13; background: $boost; }
    RolloverScreen #dates2 Label { color: $text-muted; }
    RolloverScreen #dates Input { width: 13; background: $boost; }
    RolloverScreen #dates Label { color: $text-muted; }
    RolloverScreen #mapping { height: 1fr; min-height: 4; }
    RolloverScreen #preview-box { height: auto; max-height: 7; border-top: solid $panel; }
    RolloverScreen #buttons { height: 1; align: right middle; }
    RolloverScreen Button { margin-left: 2; }
    RolloverScreen #rollover-hint { width: 1fr; color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+s", "submit", N_("Chuyển năm"), id="rollover.submit"),
        Binding("escape", "cancel", N_("Thôi"), id="rollover.cancel"),
    ]

    def __init__(self, source_year_id: int, target_name: str | None = None) -> None:
        super().__init__()
        self.source_year_id = source_year_id
        self.target_name = target_name
        self.mapping: dict[str, str] = {}
        self.held_mapping: dict[str, str] = {}
        self.plan = None
        self.old_classes: list[tuple[str, int]] = []  # the old year's (name, grade), read on mount

    def compose(self) -> ComposeResult:
        # the old year's name, the planned new year and the classes come from ``_read_start``
        with Vertical():
            yield Static("", id="title")
            with Horizontal(id="dates"):
                yield Label(_("Năm học mới "))
                yield Input("", id=f"r-{fields.NAM_HOC}", compact=True)
                yield Label(_(" bắt đầu "))
                yield Input("", id=f"r-{fields.NGAY_BAT_DAU}", compact=True)
                yield Label(_(" kết thúc "))
                yield Input("", id=f"r-{fields.NGAY_KET_THUC}", compact=True)
            for key in (fields.NAM_HOC, fields.NGAY_BAT_DAU, fields.NGAY_KET_THUC):
                yield Static("", id=f"e-{key}", classes="field-error")
            with Horizontal(id="dates2"):
                yield Label(_("Chốt sĩ số đầu năm "))
                yield Input("", id=f"r-{fields.NGAY_CHOT_SI_SO}", compact=True)
                yield Label(_(" bắt đầu học kỳ II "))
                yield Input("", id=f"r-{fields.NGAY_BAT_DAU_HK2}", compact=True)
            for key in (fields.NGAY_CHOT_SI_SO, fields.NGAY_BAT_DAU_HK2):
                yield Static("", id=f"e-{key}", classes="field-error")
            yield DataTable(id="mapping", cursor_type="row", zebra_stripes=True)
            yield VerticalScroll(Static("", id="preview"), id="preview-box")
            yield Static("", id="e-form", classes="field-error")
            with Horizontal(id="buttons"):
                yield Static(_("Enter: sửa lớp chuyển đến"), id="rollover-hint")
                yield Button(_("Chuyển năm (Ctrl+S)"), id="ok", variant="primary", compact=True)
                yield Button(_("Thôi (Esc)"), id="cancel", compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in (_("Lớp cũ"), _("Khối"), _("Lên lớp vào"), _("Lưu ban vào")):
            table.add_column(label)
        table.focus()
        self._read_start()

    @db_work(group="rollover_start")
    def _read_start(self) -> None:
        """The old year's name and classes and the planned new year (its name, dates and
        the classes each old class goes into)."""
        from db import rollover_plan, school

        src = SchoolYear.get_by_id(self.source_year_id)
        plan = rollover_plan.rollover_preview(src, self.target_name)
        classes = [(c.name, c.grade) for c in school.list_classes(src)]
        self.app.call_from_thread(self._started, src.name, plan, classes)

    def _started(self, src_name: str, plan, classes: list[tuple[str, int]]) -> None:
        self.target_name = plan.target_name
        self.mapping, self.held_mapping = dict(plan.mapping), dict(plan.held_mapping)
        self.old_classes = classes
        self.query_one("#title", Static).update(
            _("Chuyển năm học {src} → năm học mới").format(src=src_name))
        fixed = plan.target is not None  # the new year exists: its dates are its own
        for key, value in ((fields.NAM_HOC, plan.target_name),
                           (fields.NGAY_BAT_DAU, plan.start.strftime("%d/%m/%Y")),
                           (fields.NGAY_KET_THUC, plan.end.strftime("%d/%m/%Y")),
                           (fields.NGAY_CHOT_SI_SO, plan.ref.strftime("%d/%m/%Y")),
                           (fields.NGAY_BAT_DAU_HK2, plan.hk2.strftime("%d/%m/%Y") if plan.hk2 else "")):
            box = self.query_one(f"#r-{key}", Input)
            box.value = value
            box.disabled = fixed and key != fields.NAM_HOC
        self._initial_values = self.field_values()  # what the form opened with
        self._fill_table()
        self.refresh_preview()

    def _fill_table(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for name, grade in self.old_classes:
            table.add_row(name, str(grade), self.mapping.get(name, _("(rời trường)")),
                          self.held_mapping.get(name, ""), key=name)
        if row is not None and table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    def options(self) -> dict:
        return dict(mapping=dict(self.mapping), held_mapping=dict(self.held_mapping),
                    start=self.value(fields.NGAY_BAT_DAU), end=self.value(fields.NGAY_KET_THUC),
                    ref=self.value(fields.NGAY_CHOT_SI_SO), hk2=self.value(fields.NGAY_BAT_DAU_HK2))

    def value(self, key: str) -> str | None:
        return self.query_one(f"#r-{key}", Input).value.strip() or None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self._key_of(event.input) == fields.NAM_HOC:
            self.target_name = event.input.value.strip()
        self.refresh_preview()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        old = str(event.row_key.value)

        def after(result) -> None:
            if result is None:
                return
            promoted, held = result
            if promoted:
                self.mapping[old] = promoted
            else:
                self.mapping.pop(old, None)
            if held:
                self.held_mapping[old] = held
            self._fill_table()
            self.refresh_preview()

        self.app.push_screen(MappingForm(old, self.mapping.get(old, ""),
                                         self.held_mapping.get(old, "")), after)

    def refresh_preview(self) -> None:
        self._preview(self.target_name, self.options())

    @db_work(group="rollover_preview")
    def _preview(self, target_name: str, options: dict) -> None:
        from db import rollover_plan

        try:
            plan = rollover_plan.rollover_preview(self.source_year_id, target_name, **options)
            lines = plan.summary()
        except SisoError as err:
            plan, lines = None, [err.message]
        self.app.call_from_thread(self._show_preview, plan, lines)

    def _show_preview(self, plan, lines: list[str]) -> None:
        self.plan = plan
        self.query_one("#preview", Static).update("\n".join(lines))

    def submit(self) -> None:
        self.clear_errors()
        self._check(self.target_name, self.options())

    @db_work(group="rollover_write")
    def _check(self, target_name: str, options: dict) -> None:
        """Ahead of the old year's end, ask first; otherwise write."""
        from db import rollover_plan

        try:
            plan = rollover_plan.rollover_preview(self.source_year_id, target_name, **options)
            warning = plan.early_warning if plan.ok else ""
        except SisoError as err:
            self.app.call_from_thread(self._failed, err)
            return
        if warning:
            self.app.call_from_thread(self._ask, target_name, options, warning)
        else:
            self._write_now(target_name, options, False)

    def _ask(self, target_name: str, options: dict, warning: str) -> None:
        from tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(target_name, options, True)
            else:
                self.busy = False

        self.app.push_screen(ConfirmScreen(_("{warning}\nVẫn chuyển năm bây giờ?").format(warning=warning)),
                             answered)

    @db_work(group="rollover_write")
    def _write(self, target_name: str, options: dict, before_end: bool) -> None:
        self._write_now(target_name, options, before_end)

    def _write_now(self, target_name: str, options: dict, before_end: bool) -> None:
        from db import rollover

        try:
            batch = rollover.rollover(self.source_year_id, target_name, before_end=before_end, **options)
            batch_id = batch.id
            notes = rollover.homeroom_notes(batch)  # homeroom teachers carried, or left for the clerk
            if notes:
                self.app.call_from_thread(self.app.notify, "\n".join(notes), timeout=20)
        except SisoError as err:
            self.app.call_from_thread(self._failed, err)
            return
        self.app.call_from_thread(self._done, batch_id)

    def _failed(self, err: SisoError) -> None:
        """The message beside the field it names (``SisoError.field``), else under the form."""
        self.failed()
        self.show_errors([(err.field, err.message)])

    def _done(self, batch_id: int) -> None:
        self.post_message(DataChanged())
        self.dismiss(batch_id)

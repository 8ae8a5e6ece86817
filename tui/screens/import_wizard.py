"""Import wizard: pick a file, check the column mapping, see the dry run, import.

``app.push_screen(ImportWizard())``. The year is ``app.year`` when the app has one, else
``db.school.current_year()``. All the work is in ``exports.importer`` (reading, mapping,
parsing) and ``db.imports`` (dry run, the import, undo); this screen only collects
choices and shows results. Reading, checking and importing run in thread workers.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    ContentSwitcher,
    DirectoryTree,
    Footer,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
)
from textual.worker import get_current_worker

from db import imports, school
from db.errors import SisoError
from exports import importer
from tui.i18n import N_, _
from tui.screens.base import SisoScreen, db_work

SUFFIXES = {".xlsx", ".xlsm", ".ods", ".csv"}


class ListFileTree(DirectoryTree):
    """Folders, and only the files the importer reads."""

    def filter_paths(self, paths):
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in SUFFIXES)]


class ImportWizard(SisoScreen):
    DEFAULT_CSS = """
    ImportWizard #steps { height: 1fr; }
    ImportWizard ListFileTree { height: 1fr; border: round $panel; }
    ImportWizard .maprow { height: auto; }
    ImportWizard .maprow Label { width: 40; padding: 1 1 0 0; }
    ImportWizard .maprow Select { width: 40; }
    ImportWizard #options { height: auto; }
    ImportWizard #options Input { width: 24; }
    ImportWizard #options Select { width: 44; }
    ImportWizard .buttons { height: auto; padding-top: 1; }
    ImportWizard #status { height: auto; color: $warning; }
    ImportWizard #report { height: 1fr; border: round $panel; }
    """
    BINDINGS = [
        Binding("escape", "back", N_("Quay lại"), id="import_back"),
        Binding("ctrl+r", "read_file", N_("Đọc tệp"), id="import_read", show=False),
    ]

    def __init__(self, start: str | Path | None = None) -> None:
        super().__init__()
        self.start = Path(start) if start else Path.home()
        self.table: importer.Table | None = None
        self.plan: importer.ImportPlan | None = None
        self.review: imports.Review | None = None
        self.mapping: dict[int, str] = {}
        self.result: imports.ImportResult | None = None
        self.busy = False

    # ---- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(_("Nhập danh sách học sinh từ tệp (xlsx, ods, csv)"), classes="title")
        yield Static("", id="status")
        with ContentSwitcher(initial="step-file", id="steps"):
            with Vertical(id="step-file"):
                yield Label(_("Đường dẫn tệp (gõ hoặc chọn trong cây thư mục, Enter để đọc):"))
                yield Input(placeholder=_("ví dụ D:\\danh_sach_6A1.xlsx"), id="path")
                yield ListFileTree(str(self.start), id="tree")
                with Horizontal(classes="buttons"):
                    yield Button(_("Đọc tệp"), id="read", variant="primary", compact=True)
            with Vertical(id="step-map"):
                yield Label("", id="map-title")
                yield VerticalScroll(id="map-rows")
                with Horizontal(id="options"):
                    yield Input(placeholder=_("Lớp cho cả danh sách (nếu tệp không có cột Lớp)"), id="klass")
                    yield Input(placeholder=_("Ngày nhập học dd/mm/yyyy"), id="day")
                    yield Select([(_("Học sinh có thể trùng: hỏi (dừng lại)"), imports.ASK),
                                  (_("Học sinh có thể trùng: vẫn nhập"), imports.ACCEPT),
                                  (_("Học sinh có thể trùng: bỏ qua"), imports.SKIP)],
                                 value=imports.ASK, allow_blank=False, id="dups")
                with Horizontal(classes="buttons"):
                    yield Button(_("Kiểm tra (chạy thử)"), id="check", variant="primary", compact=True)
                    yield Button(_("Chọn tệp khác"), id="to-file", compact=True)
            with Vertical(id="step-review"):
                yield VerticalScroll(Static("", id="report-text"), id="report")
                with Horizontal(classes="buttons"):
                    yield Button(_("Nhập"), id="import", variant="warning", compact=True, disabled=True)
                    yield Button(_("Sửa cách gán cột"), id="to-map", compact=True)
            with Vertical(id="step-progress"):
                yield Label(_("Đang nhập…"))
                yield ProgressBar(total=100, show_eta=False, id="progress")
            with Vertical(id="step-done"):
                yield Static("", id="done-text")
                with Horizontal(classes="buttons"):
                    yield Button(_("Đóng"), id="close", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    # ---- helpers ---------------------------------------------------------------------------

    def _year(self):
        year = getattr(self.app, "year", None)
        if year is None:
            year = school.current_year()
        if year is None:
            raise SisoError(_("Chưa có năm học nào: tạo năm học trước khi nhập danh sách."), "nam_hoc")
        return year

    def _status(self, message: str) -> None:
        self.query_one("#status", Static).update(message)

    def _show(self, step: str) -> None:
        self.query_one("#steps", ContentSwitcher).current = step

    def _fail(self, err: SisoError) -> None:
        self.busy = False
        self._status(err.message)
        self.notify(err.message, title=_("Không thực hiện được"), severity="error", timeout=8)

    # ---- step 1: the file ------------------------------------------------------------------

    @on(DirectoryTree.FileSelected)
    def file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#path", Input).value = str(event.path)
        self.action_read_file()

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#read")
    def action_read_file(self) -> None:
        path = self.query_one("#path", Input).value.strip().strip('"')
        if not path:
            self._status(_("Chọn một tệp trong cây thư mục hoặc gõ đường dẫn."))
            return
        if self.busy:
            return
        self.busy = True
        self._status(_("Đang đọc tệp…"))
        self._read(path)

    @db_work
    def _read(self, path: str) -> None:
        try:
            year = self._year()
            table = importer.read_table(path)
            plan = importer.make_plan(table, ref_date=year.start)
        except SisoError as err:
            self.app.call_from_thread(self._fail, err)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._file_read, table, plan)

    def _file_read(self, table, plan) -> None:
        self.busy = False
        self.table, self.plan = table, plan
        self.mapping = dict(plan.mapping)
        self._status("")
        self._build_mapping()
        self._show("step-map")

    # ---- step 2: the mapping ---------------------------------------------------------------

    def _build_mapping(self) -> None:
        plan = self.plan
        name = Path(plan.table.path).name
        sheet = f" — {_('trang')} «{plan.table.sheet}»" if plan.table.sheet else ""
        self.query_one("#map-title", Label).update(
            _("Tệp {name}{sheet}: kiểm tra cột nào là trường nào.").format(name=name, sheet=sheet))
        box = self.query_one("#map-rows", VerticalScroll)
        box.remove_children()
        options = [(label, key) for key, label in importer.FIELDS.items()]
        options.append((_("(bỏ qua cột này)"), importer.IGNORE))
        first = plan.table.rows[plan.header.first_data][1] if plan.header.first_data < len(plan.table.rows) else []
        rows = []
        for i, title in enumerate(plan.titles):
            if not title:
                continue
            sample = importer._cell_text(first[i]) if i < len(first) else ""
            label = f"{title}" + (f"  ({sample[:20]})" if sample else "")
            rows.append(Horizontal(Label(label), Select(options, value=self.mapping.get(i, importer.IGNORE),
                                                        allow_blank=False, id=f"col-{i}", compact=True),
                                   classes="maprow"))
        box.mount_all(rows)
        if plan.errors:
            self._status("\n".join(p.line() for p in plan.errors if p.row is None))

    @on(Select.Changed)
    def mapping_changed(self, event: Select.Changed) -> None:
        sid = event.select.id or ""
        if sid.startswith("col-"):
            self.mapping[int(sid[4:])] = event.value

    @on(Button.Pressed, "#to-file")
    def to_file(self) -> None:
        self._show("step-file")

    @on(Button.Pressed, "#check")
    def check(self) -> None:
        if self.table is None or self.busy:
            return
        self.busy = True
        self._status(_("Đang kiểm tra…"))
        self._check(dict(self.mapping), self._options())

    def _options(self) -> dict:
        return {"klass": self.query_one("#klass", Input).value.strip() or None,
                "day": self.query_one("#day", Input).value.strip() or None,
                "duplicates": self.query_one("#dups", Select).value}

    @db_work
    def _check(self, mapping: dict, options: dict) -> None:
        try:
            year = self._year()
            plan = importer.make_plan(self.table, mapping=mapping, ref_date=year.start)
            rv = imports.review(plan, year, **options)
        except SisoError as err:
            self.app.call_from_thread(self._fail, err)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._checked, plan, rv)

    def _checked(self, plan, rv) -> None:
        self.busy = False
        self.plan, self.review = plan, rv
        self._status("")
        self.query_one("#report-text", Static).update(rv.report())
        button = self.query_one("#import", Button)
        button.disabled = not rv.ok
        button.label = _("Nhập {n} học sinh").format(n=len(rv.rows)) if rv.ok else _("Nhập")
        self._show("step-review")
        (button if rv.ok else self.query_one("#to-map", Button)).focus()

    # ---- step 3: dry run, then the import --------------------------------------------------

    @on(Button.Pressed, "#to-map")
    def to_map(self) -> None:
        self._show("step-map")

    @on(Button.Pressed, "#import")
    def start_import(self) -> None:
        if self.review is None or not self.review.ok or self.busy:
            return
        self.busy = True
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=len(self.review.rows), progress=0)
        self._show("step-progress")
        self._import(self.plan, self._options())

    @db_work(group="import")
    def _import(self, plan, options: dict) -> None:
        bar = self.query_one("#progress", ProgressBar)

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, total=total, progress=done)

        try:
            result = imports.run_import(plan, self._year(), progress=progress, **options)
        except SisoError as err:
            self.app.call_from_thread(self._import_failed, err)
            return
        self.app.call_from_thread(self._imported, result)

    def _import_failed(self, err: SisoError) -> None:
        self._fail(err)
        self._show("step-review")

    def _imported(self, result: imports.ImportResult) -> None:
        self.busy = False
        self.result = result
        extra = (_(", tạo {n} lớp mới: {names}").format(n=len(result.classes), names=", ".join(result.classes))
                 if result.classes else "")
        self.query_one("#done-text", Static).update(
            _("Đã nhập {n} học sinh{extra}.\nLần nhập số {b}: hoàn tác được bằng «siso import undo {b}» "
              "khi chưa có thay đổi nào khác.").format(n=result.count, extra=extra, b=result.batch.id))
        self._show("step-done")
        self.query_one("#close", Button).focus()
        changed = getattr(self.app, "data_changed", None)
        if callable(changed):
            changed()

    # ---- leaving ---------------------------------------------------------------------------

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.dismiss(self.result.count if self.result else None)

    def action_back(self) -> None:
        if self.busy:
            return
        current = self.query_one("#steps", ContentSwitcher).current
        back = {"step-map": "step-file", "step-review": "step-map"}.get(current)
        if back:
            self._show(back)
        else:
            self.go_back(self.result.count if self.result else None)

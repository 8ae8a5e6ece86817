"""Import wizard: pick a file, check the column mapping, see the dry run, import; and the
list of past imports, where one can be undone.

``app.push_screen(ImportWizard())``. The year is ``app.year`` when the app has one, else
``db.school.current_year()``. All the work is in ``exports`` (``readers``: reading;
``headers``, ``importer``: mapping, parsing) and ``db.imports`` (dry run, the import, undo); this screen only collects
choices and shows results. Reading, checking, importing and undoing run in thread workers.

Layout: the title and a status line at the top, the current step in the middle (it
scrolls), and one row of buttons for that step at the bottom, above the key hints, so the
buttons are on screen whatever the terminal's size.
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
    OptionList,
    ProgressBar,
    Select,
    Static,
)
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from db import fields, import_plan, imports, school
from db.errors import SisoError
from exports import importer, readers
from tui.glyphs import wants_plain
from tui.changes import DataChanged
from tui.i18n import N_, _
from tui.screens.base import SisoScreen, db_work

SUFFIXES = {".xlsx", ".xlsm", ".ods", ".csv"}


class ListFileTree(DirectoryTree):
    """Folders, and only the files the importer reads."""

    PLAIN_ICONS = ("- ", "+ ", "  ")  # expanded folder, folder, file

    def __init__(self, *args, plain: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if plain:
            self.ICON_NODE_EXPANDED, self.ICON_NODE, self.ICON_FILE = self.PLAIN_ICONS

    def filter_paths(self, paths):
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in SUFFIXES)]


class ImportWizard(SisoScreen):
    DEFAULT_CSS = """
    ImportWizard #steps { height: 1fr; }
    ImportWizard #steps > Vertical { height: 1fr; }
    ImportWizard #status { height: auto; max-height: 4; color: $warning; padding: 0 1; }
    ImportWizard .step-label { padding: 0 1; }
    ImportWizard #path { margin: 0 1; background: $boost; }
    ImportWizard ListFileTree { height: 1fr; border: round $panel; }
    ImportWizard #map-body { height: 1fr; padding: 0 1; }
    ImportWizard #map-title { width: 100%; }
    ImportWizard #map-rows { height: auto; }
    ImportWizard .maprow { height: 1; }
    ImportWizard .maprow .source { width: 1fr; max-width: 46; }
    ImportWizard .maprow .arrow { width: 3; content-align: center middle; }
    ImportWizard .maprow Select { width: 36; }
    ImportWizard .optrow { height: 1; margin-top: 1; }
    ImportWizard .optrow Label { width: 24; }
    ImportWizard .optrow Input { width: 1fr; background: $boost; }
    ImportWizard .optrow Select { width: 1fr; }
    ImportWizard #report { height: 1fr; border: round $panel; }
    ImportWizard #history { height: 1fr; border: round $panel; }
    ImportWizard #bar { height: 1; margin: 0 1; }
    ImportWizard #bar Button { margin-right: 2; min-width: 8; }
    """
    BINDINGS = [
        Binding("escape", "back", N_("Quay lại"), id="import_back"),
        Binding("ctrl+r", "read_file", N_("Đọc tệp"), id="import_read", show=False),
        Binding("f5", "history", N_("Các lần nhập"), id="import_history"),
    ]

    def __init__(self, start: str | Path | None = None) -> None:
        super().__init__()
        self.start = Path(start) if start else Path.home()
        self.table: readers.Table | None = None
        self.plan: importer.ImportPlan | None = None
        self.review: imports.Review | None = None
        self.mapping: dict[int, str] = {}
        self.result: imports.ImportResult | None = None
        self.undone = 0  # students removed by undoing imports from this screen
        self.busy = False
        self.came_from = "step-file"  # the step the list of past imports goes back to

    # ---- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(_("Nhập danh sách học sinh từ tệp (xlsx, ods, csv)"), classes="title")
        yield Static("", id="status")
        with ContentSwitcher(initial="step-file", id="steps"):
            with Vertical(id="step-file"):
                yield Label(_("Đường dẫn tệp (gõ hoặc chọn trong cây thư mục, Enter để đọc):"),
                            classes="step-label")
                yield Input(placeholder=_("ví dụ D:\\danh_sach_6A1.xlsx"), id="path", compact=True)
                yield ListFileTree(str(self.start), id="tree", plain=wants_plain(self.app))
            with Vertical(id="step-map"):
                with VerticalScroll(id="map-body"):
                    yield Label("", id="map-title")
                    yield Vertical(id="map-rows")
                    with Horizontal(classes="optrow"):
                        yield Label(_("Lớp cho cả danh sách:"))
                        yield Input(placeholder=_("khi tệp không có cột Lớp, ví dụ 6A1"), id=fields.LOP,
                                    compact=True)
                    with Horizontal(classes="optrow"):
                        yield Label(_("Ngày nhập học:"))
                        yield Input(placeholder=_("dd/mm/yyyy (trống: hôm nay)"), id=fields.NGAY_VAO,
                                    compact=True)
                    with Horizontal(classes="optrow"):
                        yield Label(_("Học sinh có thể trùng:"))
                        yield Select([(_("hỏi (dừng lại)"), imports.ASK),
                                      (_("vẫn nhập"), imports.ACCEPT),
                                      (_("bỏ qua"), imports.SKIP)],
                                     value=imports.ASK, allow_blank=False, id="dups", compact=True)
            with Vertical(id="step-review"):
                yield VerticalScroll(Static("", id="report-text"), id="report")
            with Vertical(id="step-progress"):
                yield Label(_("Đang nhập…"), classes="step-label")
                yield ProgressBar(total=100, show_eta=False, id="progress")
            with Vertical(id="step-done"):
                yield Static("", id="done-text", classes="step-label")
            with Vertical(id="step-history"):
                yield Label(_("Các lần nhập của năm học, mới nhất trước (Enter: hoàn tác lần đã chọn):"),
                            classes="step-label")
                yield OptionList(id="history")
        with Horizontal(id="bar"):
            yield Button(_("Đọc tệp"), id="read", variant="primary", compact=True,
                         classes="step-file")
            yield Button(_("Kiểm tra"), id="check", variant="primary", compact=True, classes="step-map")
            yield Button(_("Chọn tệp khác"), id="to-file", compact=True, classes="step-map step-review")
            yield Button(_("Nhập"), id="import", variant="warning", compact=True, disabled=True,
                         classes="step-review")
            yield Button(_("Sửa cách gán cột"), id="to-map", compact=True, classes="step-review")
            yield Button(_("Hoàn tác"), id="undo", variant="warning", compact=True,
                         classes="step-history step-done")
            yield Button(_("Các lần nhập"), id="to-history", compact=True, classes="step-file step-done")
            yield Button(_("Quay lại"), id="from-history", compact=True, classes="step-history")
            yield Button(_("Đóng"), id="close", compact=True,
                         classes="step-file step-map step-review step-done step-history")
        yield Footer()

    def on_mount(self) -> None:
        self._show("step-file")
        self.query_one("#path", Input).focus()

    # ---- helpers ---------------------------------------------------------------------------

    def _year(self):
        year = getattr(self.app, "year", None)
        if year is None:
            year = school.current_year()
        if year is None:
            raise SisoError(_("Chưa có năm học nào: tạo năm học trước khi nhập danh sách."), fields.NAM_HOC)
        return year

    def _status(self, message: str) -> None:
        self.query_one("#status", Static).update(message)

    def _step(self) -> str:
        return self.query_one("#steps", ContentSwitcher).current or "step-file"

    def _show(self, step: str) -> None:
        self.query_one("#steps", ContentSwitcher).current = step
        for button in self.query("#bar Button").results(Button):
            button.display = button.has_class(step)

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
        if self._step() != "step-file":
            return
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
            table = readers.read_table(path)
            plan = importer.make_plan(table, ref_date=year.start)
        except SisoError as err:
            self.app.call_from_thread(self._fail, err)
            return
        except Exception as err:  # an error of the program: the wizard goes on
            from tui import crashlog

            log = crashlog.write(err, "siso import (đọc tệp)")
            self.app.call_from_thread(self._fail, SisoError(_(
                "Không đọc được tệp do lỗi của chương trình; chưa ghi gì. Chi tiết đã ghi vào "
                "{path}. Chọn tệp khác hoặc lưu lại tệp bằng Excel rồi thử lại.").format(
                    path=log or "?")))
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
        self.query_one("#check", Button).focus()

    # ---- step 2: the mapping ---------------------------------------------------------------

    def _build_mapping(self) -> None:
        plan = self.plan
        name = Path(plan.table.path).name
        sheet = f" — {_('trang')} «{plan.table.sheet}»" if plan.table.sheet else ""
        self.query_one("#map-title", Label).update(
            _("Tệp {name}{sheet}: mỗi cột của tệp (bên trái) được nhập vào trường bên phải.")
            .format(name=name, sheet=sheet))
        box = self.query_one("#map-rows", Vertical)
        box.remove_children()
        options = [(label, key) for key, label in import_plan.FIELDS.items()]
        options.append((_("(bỏ qua cột này)"), import_plan.IGNORE))
        first = plan.table.rows[plan.header.first_data][1] if plan.header.first_data < len(plan.table.rows) else []
        rows = []
        for i, title in enumerate(plan.titles):
            if not title:
                continue
            sample = importer.cell_text(first[i]) if i < len(first) else ""
            label = f"{title}" + (f"  ({sample[:20]})" if sample else "")
            rows.append(Horizontal(Label(label, classes="source"), Static("→", classes="arrow"),
                                   Select(options, value=self.mapping.get(i, import_plan.IGNORE),
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
        self.query_one("#path", Input).focus()

    @on(Button.Pressed, "#check")
    def check(self) -> None:
        if self.table is None or self.busy:
            return
        self.busy = True
        self._status(_("Đang kiểm tra…"))
        self._check(dict(self.mapping), self._options())

    def _options(self) -> dict:
        return {"klass": self.query_one(f"#{fields.LOP}", Input).value.strip() or None,
                "day": self.query_one(f"#{fields.NGAY_VAO}", Input).value.strip() or None,
                "duplicates": self.query_one("#dups", Select).value,
                "hints": imports.TUI_HINTS}

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
        self.query_one("#check", Button).focus()

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
            _("Đã nhập {n} học sinh{extra}.\nLần nhập số {b}: nút «Hoàn tác» xoá cả lần nhập này, "
              "khi chưa có thay đổi nào khác (các lần nhập trước: F5).").format(
                n=result.count, extra=extra, b=result.batch.id))
        self._show("step-done")
        self.query_one("#close", Button).focus()
        self._changed()

    def _changed(self) -> None:
        self.post_message(DataChanged())

    # ---- past imports, and undoing one -----------------------------------------------------

    @on(Button.Pressed, "#to-history")
    def action_history(self) -> None:
        if self.busy or self._step() in ("step-history", "step-progress"):
            return
        self.came_from = self._step()
        self._load_history()

    @db_work(group="history")
    def _load_history(self, message: str = "") -> None:
        try:
            rows = imports.list_imports(self._year())
        except SisoError as err:
            self.app.call_from_thread(self._fail, err)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_history, rows, message)

    def _show_history(self, rows: list[dict], message: str = "") -> None:
        box = self.query_one("#history", OptionList)
        box.clear_options()
        for r in rows:
            state = (_("đã hoàn tác {at}").format(at=r["hoan_tac"]) if r["hoan_tac"]
                     else _("{n} học sinh").format(n=r["so_hs"]))
            box.add_option(Option(f"{r['id']:>3}  {r['luc']}  {r['nguoi']}  {r['mo_ta']}  ({state})",
                                  id=str(r["id"]), disabled=bool(r["hoan_tac"])))
        self._show("step-history")
        self._status(message or ("" if rows else _("Năm học này chưa có lần nhập nào.")))
        first = next((i for i, r in enumerate(rows) if not r["hoan_tac"]), None)
        if first is not None:
            box.highlighted = first
        if rows:
            box.focus()

    @on(Button.Pressed, "#from-history")
    def from_history(self) -> None:
        self._status("")
        self._show(self.came_from)

    @on(OptionList.OptionSelected, "#history")
    def history_chosen(self, event: OptionList.OptionSelected) -> None:
        self._ask_undo(int(event.option.id))

    @on(Button.Pressed, "#undo")
    def undo_pressed(self) -> None:
        if self._step() == "step-done":
            if self.result is not None:
                self._ask_undo(self.result.batch.id)
            return
        box = self.query_one("#history", OptionList)
        option = box.highlighted_option
        if option is None or option.disabled:
            self._status(_("Chọn một lần nhập chưa hoàn tác trong danh sách."))
            return
        self._ask_undo(int(option.id))

    def _ask_undo(self, batch_id: int) -> None:
        if self.busy:
            return
        from tui.screens.confirm import ConfirmScreen

        question = _("Hoàn tác lần nhập số {b}? Mọi học sinh của lần nhập này bị xoá (cùng các lớp "
                     "chỉ lần nhập này tạo ra). Chỉ làm được khi chưa có thay đổi nào khác với họ.").format(
            b=batch_id)

        def answered(yes: bool | None) -> None:
            if yes:
                self.busy = True
                self._status(_("Đang hoàn tác…"))
                self._undo(batch_id)

        self.app.push_screen(ConfirmScreen(question, yes=_("Hoàn tác (C)")), answered)

    @db_work(group="import")
    def _undo(self, batch_id: int) -> None:
        try:
            n = imports.undo_import(batch_id)
        except SisoError as err:
            self.app.call_from_thread(self._fail, err)
            return
        self.app.call_from_thread(self._undone, batch_id, n)

    def _undone(self, batch_id: int, n: int) -> None:
        self.busy = False
        self.undone += n
        if self.result is not None and self.result.batch.id == batch_id:
            self.result = None
        message = _("Đã hoàn tác lần nhập số {b}: xoá {n} học sinh.").format(b=batch_id, n=n)
        self.notify(message, title=_("Nhập danh sách"))
        self._changed()
        if self._step() == "step-done":
            self.came_from = "step-file"
        self._load_history(message)

    # ---- leaving ---------------------------------------------------------------------------

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        if not self.busy:
            self.dismiss(self.result.count if self.result else None)

    def action_back(self) -> None:
        if self.busy:
            return
        back = {"step-map": "step-file", "step-review": "step-map",
                "step-history": self.came_from}.get(self._step())
        if back:
            self._status("")
            self._show(back)
        else:
            self.go_back(self.result.count if self.result else None)

"""First run on an empty database: create the school and its first school year, or open
the demo school instead."""

from __future__ import annotations

import importlib.util

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, LoadingIndicator, Select, Static

from db import fields, school
from db.dates import fmt_date
from db.errors import SisoError
from tui.changes import DemoOpened, SchoolReady
from tui.i18n import N_, _
from tui.screens.base import FormFields, SisoScreen, db_work

# field (db.fields: the widget ``#w-{field}``, its message ``#e-{field}``) -> label (msgid)
SCHOOL_FIELDS = [
    (fields.TEN_TRUONG, N_("Tên trường")),
    (fields.CAP_HOC, N_("Cấp học")),
    (fields.CO_QUAN_QUAN_LY, N_("Cơ quan quản lý")),
    (fields.DIA_DANH, N_("Địa danh trên biểu mẫu")),
]
YEAR_FIELDS = [
    (fields.NAM_HOC, N_("Năm học")),
    (fields.NGAY_BAT_DAU, N_("Ngày bắt đầu")),
    (fields.NGAY_KET_THUC, N_("Ngày kết thúc")),
    (fields.NGAY_CHOT_SI_SO, N_("Ngày chốt sĩ số đầu năm")),
]
LEVEL_NAMES = {
    "TH": N_("Tiểu học"), "THCS": N_("Trung học cơ sở"), "THPT": N_("Trung học phổ thông"),
    "TH-THCS": N_("Tiểu học và THCS"), "THCS-THPT": N_("THCS và THPT"),
}


def demo_available() -> bool:
    return importlib.util.find_spec("db.demo") is not None


class WelcomeScreen(FormFields, SisoScreen):
    """Shown instead of the overview while the database has no school year."""

    FIELD_PREFIX = "w-"

    DEFAULT_CSS = """
    WelcomeScreen #welcome { padding: 1 2; }
    """

    BINDINGS = [
        Binding("ctrl+s", "create", N_("Tạo trường"), id="create"),
        Binding("f8", "demo", N_("Mở trường mẫu"), id="demo"),
    ]

    def compose(self) -> ComposeResult:
        name, start, end, ref, _hk2 = school.proposed_year(self.siso.today)
        defaults = {fields.NAM_HOC: name, fields.NGAY_BAT_DAU: fmt_date(start),
                    fields.NGAY_KET_THUC: fmt_date(end), fields.NGAY_CHOT_SI_SO: fmt_date(ref)}
        with VerticalScroll(id="welcome", classes="form"):
            yield Static(_("Chào mừng đến với siso"), classes="form-title")
            yield Static(_("Cơ sở dữ liệu còn trống. Nhập thông tin trường và năm học đầu tiên "
                           "(Ctrl+S để tạo), hoặc F8 để mở một trường mẫu mà xem thử."),
                         classes="hint")
            for key, label in SCHOOL_FIELDS + YEAR_FIELDS:
                with Horizontal(classes="field"):
                    yield Label(_(label), classes="field-label wide")
                    if key == fields.CAP_HOC:
                        yield Select([(f"{k} — {_(v)}", k) for k, v in LEVEL_NAMES.items()],
                                     id=f"w-{key}", value="THCS", allow_blank=False,
                                     compact=True)
                    else:
                        yield Input(defaults.get(key, ""), id=f"w-{key}", compact=True)
                yield Static("", id=f"e-{key}", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Tạo trường (Ctrl+S)"), id="create", variant="primary",
                             compact=True)
                if demo_available():
                    yield Button(_("Mở trường mẫu (F8)"), id="demo", compact=True)
            yield Static("", id="e-form", classes="field-error")
        yield LoadingIndicator(id="welcome-busy")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#welcome-busy").display = False
        self.query_one(f"#w-{fields.TEN_TRUONG}", Input).focus()

    def value(self, key: str) -> str:
        widget = self.query_one(f"#w-{key}")
        return str(widget.value) if not isinstance(widget, Select) else str(widget.value)

    def show_error(self, field: str | None, message: str) -> None:
        self.set_busy(False)
        self.show_errors([(field, message)])

    def work_failed(self, error: BaseException) -> None:
        self.set_busy(False)  # the app says what went wrong; the form is back

    def set_busy(self, busy: bool) -> None:
        self.query_one("#welcome-busy").display = busy
        self.query_one("#welcome").display = not busy

    @on(Button.Pressed, "#create")
    def action_create(self) -> None:
        self.clear_errors()
        settings = {key: self.value(key) for key, _label in SCHOOL_FIELDS}
        year = {key: self.value(key) for key, _label in YEAR_FIELDS}
        errors = school.setup_errors(settings, year[fields.NAM_HOC], year[fields.NGAY_BAT_DAU],
                                     year[fields.NGAY_KET_THUC], ref=year[fields.NGAY_CHOT_SI_SO])
        if errors:  # all of them at once, the cursor on the first
            self.show_errors(errors)
            return
        self.set_busy(True)
        self.create(settings, year)

    @db_work(group="welcome")
    def create(self, settings: dict, year: dict) -> None:
        try:
            school.setup_school(settings, year[fields.NAM_HOC], year[fields.NGAY_BAT_DAU],
                                year[fields.NGAY_KET_THUC], ref=year[fields.NGAY_CHOT_SI_SO])
        except SisoError as err:
            self.app.call_from_thread(self.show_error, err.field, err.message)
            return
        self.post_message(SchoolReady())

    @on(Button.Pressed, "#demo")
    def action_demo(self) -> None:
        if not demo_available():
            self.app.notify(_("Bản cài đặt này không có trường mẫu."), severity="warning")
            return
        self.clear_errors()
        self.set_busy(True)
        self.build_demo()

    @db_work(group="welcome")
    def build_demo(self) -> None:
        """Open the demo school's own file (``db.demo.demo_path``), building it when empty;
        the app then works on that file and the school's file stays as it was."""
        from db.demo import demo_path, open_demo  # optional module: imported only when asked for
        from db.models import database

        real = database.obj
        target = demo_path()
        try:
            open_demo(target, today=self.siso.today)
        except BaseException as err:
            database.initialize(real)  # back to the school's file
            if isinstance(err, SisoError):
                self.app.call_from_thread(self.show_error, err.field, err.message)
                return
            raise
        self.post_message(DemoOpened(real, target))

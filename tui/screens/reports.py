"""Reports: pick a form and a period, see it as a table at once, export it.

Push with ``app.push_screen(ReportsScreen())`` (optionally ``ReportsScreen(form="bo-hoc")``).
The school year is ``app.year`` when the app has one, else ``db.school.current_year()``;
"today" is ``app.today`` when present. The numbers come from ``db.reports.build`` and the
table from ``exports.forms.tables_of`` (the same tables as the xlsx file), computed in a
thread worker. F4 (or Ctrl+E outside a text box) opens ``ExportDialog``; the file is written in a thread
worker by ``exports.files.write_form``. An F1 form that does not balance is shown with
the students who break it, and its export is refused.
"""

from __future__ import annotations

from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from db.errors import SisoError
from tui.i18n import N_, _
from tui.screens.base import SisoScreen
from tui.screens.export_dialog import ExportDialog

FORM_CHOICES = ((N_("F1 Sĩ số"), "si-so"), (N_("F2 Bỏ học"), "bo-hoc"),
                (N_("F3 Chuyển trường"), "chuyen-truong"), (N_("F4 Lên lớp, lưu ban"), "len-lop"),
                (N_("F5 Chỉ tiêu"), "chi-tieu"))
CUSTOM = "custom"


def period_label(key: str, label: str) -> str:
    """A period of ``db.reports.periods`` in the interface language (``2026-11`` → «Tháng
    11/2026», "November 2026" …)."""
    if len(key) == 7 and key[4] == "-":
        return _("Tháng {month}/{year}").format(month=int(key[5:]), year=key[:4])
    return _(label)


def app_year(app):
    """The app's school year (``app.year``), else the current one from the database."""
    year = getattr(app, "year", None)
    if year is None:
        from db.school import current_year

        year = current_year(app_today(app))
    return year


def app_today(app) -> date:
    return getattr(app, "today", None) or date.today()


def _close_thread_connection() -> None:
    from db.models import database

    if database.obj is not None and not database.is_closed() and not database.in_transaction():
        database.close()


class ReportsScreen(SisoScreen):
    DEFAULT_CSS = """
    ReportsScreen #report-controls { height: 1; padding: 0 1; margin-bottom: 1; }
    ReportsScreen #report-controls Select { margin-right: 1; }
    ReportsScreen #report-form { width: 24; }
    ReportsScreen #report-period { width: 18; }
    ReportsScreen #report-controls Input { width: 12; margin-right: 1; background: $boost; }
    ReportsScreen #report-controls Label { padding: 0 1 0 0; color: $text-muted; }
    ReportsScreen #report-status { height: auto; max-height: 8; padding: 0 1; }
    ReportsScreen #report-status.bad { color: $error; text-style: bold; }
    ReportsScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("f5", "refresh", N_("Xem"), id="report_refresh"),
        Binding("f4", "export", N_("Xuất tệp"), id="report_export"),
        Binding("ctrl+e", "export", N_("Xuất tệp"), show=False, id="report_export2"),
        Binding("escape", "back", N_("Quay lại"), id="report_back"),
    ]

    def __init__(self, form: str = "si-so") -> None:
        super().__init__()
        self.form_name = form
        self.form: dict | None = None
        self.tables = []
        self._filling = False

    # ---- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        year = app_year(self.app)
        from db.reports import periods

        self.period_list = periods(year, app_today(self.app)) if year else []
        current = self._current_period()
        yield Header()
        with Horizontal(id="report-controls"):
            yield Select([(_(label), value) for label, value in FORM_CHOICES], value=self.form_name,
                         allow_blank=False, id="report-form", compact=True)
            yield Select([(period_label(key, label), key) for key, label, *_rest in self.period_list]
                         + [(_("Tùy chọn"), CUSTOM)],
                         value=current[0] if current else CUSTOM, allow_blank=False, id="report-period",
                         compact=True)
            yield Label(_("Từ"))
            yield Input(current[2].strftime("%d/%m/%Y") if current else "", id="report-from",
                        compact=True)
            yield Label(_("đến"))
            yield Input(current[3].strftime("%d/%m/%Y") if current else "", id="report-to",
                        compact=True)
        yield Static("", id="report-status")
        yield DataTable(id="report-table", zebra_stripes=True, cursor_type="row",
                        fixed_columns=2)  # STT and Lớp stay when scrolling right
        yield Footer()

    def _current_period(self):
        today = app_today(self.app)
        months = [p for p in self.period_list if len(p[0]) == 7]
        for p in months:
            if p[2] <= today <= p[3]:
                return p
        if months:
            return months[-1] if today > months[-1][3] else months[0]
        return None

    def on_mount(self) -> None:
        if app_year(self.app) is None:
            self._status(_("Chưa có năm học nào."), bad=True)
            return
        self.query_one("#report-table", DataTable).focus()
        self.action_refresh()

    # ---- choices ---------------------------------------------------------------------------

    @on(Select.Changed, "#report-form")
    def form_changed(self, event: Select.Changed) -> None:
        self.form_name = str(event.value)
        self.action_refresh()

    @on(Select.Changed, "#report-period")
    def period_changed(self, event: Select.Changed) -> None:
        for key, _label, start, end in self.period_list:
            if key == event.value:
                self._filling = True
                self.query_one("#report-from", Input).value = start.strftime("%d/%m/%Y")
                self.query_one("#report-to", Input).value = end.strftime("%d/%m/%Y")
                self._filling = False
                self.action_refresh()
                return

    @on(Input.Changed, "#report-from")
    @on(Input.Changed, "#report-to")
    def dates_typed(self) -> None:
        if self._filling:
            return
        period = self.query_one("#report-period", Select)
        typed = (self.query_one("#report-from", Input).value.strip(),
                 self.query_one("#report-to", Input).value.strip())
        for key, _label, start, end in self.period_list:
            if key == period.value and typed == (start.strftime("%d/%m/%Y"), end.strftime("%d/%m/%Y")):
                return  # still the chosen period (the inputs' first Changed, or typed back)
        period.value = CUSTOM

    @on(Input.Submitted)
    def dates_submitted(self) -> None:
        self.action_refresh()

    # ---- compute ---------------------------------------------------------------------------

    def action_refresh(self) -> None:
        year = app_year(self.app)
        if year is None:
            return
        start = self.query_one("#report-from", Input).value
        end = self.query_one("#report-to", Input).value
        self._status(_("Đang tính…"))
        self.compute(self.form_name, year, start, end)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def compute(self, name: str, year, start: str, end: str) -> None:
        from db.dates import parse_date
        from db.reports import build
        from exports.forms import tables_of

        try:
            as_of = parse_date(end, "đến ngày")
            form = build(name, year, as_of, start or None)
            tables = tables_of(form, tr=_)  # on screen in the interface language
        except SisoError as err:
            self.app.call_from_thread(self._status, err.message, True)
            return
        finally:
            _close_thread_connection()
        self.app.call_from_thread(self.show, form, tables)

    def show(self, form: dict, tables) -> None:
        from db.reports import describe_lech
        from exports.forms import display

        self.form, self.tables = form, tables
        table = self.query_one("#report-table", DataTable)
        table.clear(columns=True)
        rows = []
        for t in tables:
            rows.append((t, None))
            for values, style in zip(t.rows, t.styles):
                rows.append((t, (values, style)))
            for extra in t.below:
                rows.append((extra, None))
                rows.extend((extra, (v, s)) for v, s in zip(extra.rows, extra.styles))
        main = tables[0]
        width = max(len(t.columns) for t, _ in rows)
        headers = list(main.short_headers) + [""] * (width - len(main.columns))
        lines_out = []
        for t, item in rows:
            if item is None:
                if t is main:
                    continue
                lines_out.append([f"— {t.title} —"] + [""] * (width - 1))
                lines_out.append(list(t.short_headers) + [""] * (width - len(t.columns)))
                continue
            values, style = item
            cells = [display(v, c.kind) for v, c in zip(values, t.columns)]
            if style in ("sub", "total", "group"):
                from rich.text import Text

                cells = [Text(c, style="bold") for c in cells]
            lines_out.append(cells + [""] * (width - len(cells)))
        # fixed widths from the content: auto-width columns of a refilled DataTable can keep
        # the first frame's narrow rendering (Textual 8)
        from rich.cells import cell_len

        labels = [_(h) for h in headers]
        widths = [cell_len(h) for h in labels]
        for line in lines_out:
            for i, cell in enumerate(line):
                widths[i] = max(widths[i], min(40, cell_len(str(cell))))
        for label, w in zip(labels, widths):
            table.add_column(label, width=w)
        for line in lines_out:
            table.add_row(*line)
        lines = [main.title, *main.lines, *([f"({main.legend})"] if main.legend else [])]
        if form.get("form") == "si-so" and not form.get("can_bang", True):
            self._status(_("SỐ LIỆU KHÔNG CÂN ĐỐI — không xuất được:") + "\n" + describe_lech(form), bad=True)
        else:
            self._status(" · ".join(lines))

    def _status(self, message: str, bad: bool = False) -> None:
        box = self.query_one("#report-status", Static)
        box.update(message)
        box.set_class(bad, "bad")

    # ---- export ----------------------------------------------------------------------------

    def action_export(self) -> None:
        if self.form is None:
            self.notify(_("Chưa có số liệu để xuất."), severity="warning")
            return
        from exports.files import check_exportable, default_filename

        try:
            check_exportable(self.form)
        except SisoError as err:
            self.notify(err.message, title=_("Không xuất được"), severity="error", timeout=10)
            return
        form = self.form

        def chosen(result) -> None:
            if result:
                path, fmt = result
                self.notify(_("Đang ghi {path}…").format(path=path), timeout=2)
                self.export(form, path, fmt)

        self.app.push_screen(ExportDialog(default_filename(form, "xlsx")), chosen)

    @work(thread=True, group="export", exit_on_error=False)
    def export(self, form: dict, path: str, fmt: str) -> None:
        from exports.files import write_form

        try:
            written = write_form(form, path, fmt)
        except SisoError as err:
            self.app.call_from_thread(self.notify, err.message, title=_("Không xuất được"),
                                      severity="error", timeout=10)
            return
        except Exception as err:  # noqa: BLE001 - shown to the user, never silently lost
            self.app.call_from_thread(self.notify, f"{type(err).__name__}: {err}",
                                      title=_("Lỗi chương trình"), severity="error", timeout=10)
            return
        finally:
            _close_thread_connection()
        self.last_export = str(written)
        self.app.call_from_thread(self.notify, _("Đã ghi {path}").format(path=written),
                                  title=_("Xuất tệp"), timeout=6)

    def action_back(self) -> None:
        self.go_back()

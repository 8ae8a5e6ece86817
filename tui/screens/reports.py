"""Reports: pick a form and a period, see it as a table at once, export it.

Push with ``app.push_screen(ReportsScreen())`` (optionally ``ReportsScreen(form="bo-hoc")``).
The school year is ``app.year`` when the app has one, else ``db.school.current_year()``;
the default report day is ``db.clock.default_day(year)`` (today, clamped into the year and
its summer). The numbers come from ``db.reports.build`` and the tables from
``exports.forms.tables_of`` (the same tables as the xlsx file), computed in a thread worker.

A form is shown one view at a time, each narrow enough for the terminal (80 columns and
up): the row's key columns (STT, Lớp or Họ và tên) and as many column groups as fit;
←/→ switch views. F1 opens on a compact view (``exports.forms_f1_f5.compact_si_so``). F4 (or
Ctrl+E outside a text box) opens ``ExportDialog``, which asks before replacing a file; the
file is written in a thread worker by ``exports.files.write_form``. An F1 form that does
not balance is shown with the students who break it, and its export is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from db.errors import SisoError
from tui.i18n import N_, _
from tui.screens.base import SisoScreen, db_work
from tui.screens.export_dialog import ExportDialog
from db import fields

FORM_CHOICES = ((N_("F1 Sĩ số"), "si-so"), (N_("F2 Bỏ học"), "bo-hoc"),
                (N_("F3 Chuyển trường"), "chuyen-truong"), (N_("F4 Lên lớp, lưu ban"), "len-lop"),
                (N_("F5 Chỉ tiêu"), "chi-tieu"), (N_("F6 Độ tuổi"), "do-tuoi"),
                (N_("F7 Năm sinh, địa bàn"), "nam-sinh"), (N_("F8 Sổ đăng bộ"), "dang-bo"),
                (N_("F11 Theo thôn/làng"), "theo-lang"), (N_("F12 Huy động ra lớp"), "huy-dong"))
CUSTOM = "custom"


def period_label(key: str, label: str) -> str:
    """A period of ``db.report_common.periods`` in the interface language (``2026-11`` → «Tháng
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
    from db.clock import today

    return today()


CELL_CAP = 40  # a text cell wider than this is cut on screen (the file keeps it whole)


@dataclass
class View:
    """One screen's worth of a table: ``cols`` (indices into ``table.columns``), the first
    ``keys`` of them being the row's key columns, kept in every view of the table."""

    name: str
    table: object
    cols: list[int]
    keys: int


def _key_columns(table) -> list[int]:
    """The columns that name a row (``Col.key``: STT, Lớp, Họ và tên …), else the first."""
    return [i for i, c in enumerate(table.columns) if c.key] or [0]


def _label_row(values, style) -> bool:
    """A row whose only text is in its second cell (merged across the row in the xlsx)."""
    return style in ("group", "sub", "total") and all(v in ("", None) for v in values[2:])


def _col_widths(table) -> list[int]:
    from rich.cells import cell_len

    from exports.table import display

    widths = [cell_len(h) for h in table.short_headers]
    for values, style in zip(table.rows, table.styles):
        if _label_row(values, style):
            continue
        for i, (v, c) in enumerate(zip(values, table.columns)):
            widths[i] = max(widths[i], min(CELL_CAP, cell_len(display(v, c.kind))))
    return widths


def table_views(table, room: int) -> list[View]:
    """Split ``table`` into views that fit ``room`` cells: the key columns, then whole
    column groups (columns sharing a top header) as long as they fit."""
    widths = [w + 2 for w in _col_widths(table)]  # a DataTable cell pads one each side
    keys = _key_columns(table)
    base = sum(widths[i] for i in keys)
    units: list[list[int]] = []
    for i, col in enumerate(table.columns):
        if i in keys:
            continue
        if units and col.group is not None and table.columns[units[-1][-1]].group == col.group:
            units[-1].append(i)
        else:
            units.append([i])
    views: list[list[int]] = []
    used = room + 1
    for unit in units:
        w = sum(widths[i] for i in unit)
        if views and used + w <= room:
            views[-1].extend(unit)
            used += w
        else:
            views.append(list(unit))
            used = base + w
    if not views:
        views = [[]]
    out = []
    for cols in views:
        groups = list(dict.fromkeys(table.columns[i].group or table.columns[i].label for i in cols))
        if len(views) == 1:
            name = table.title
        elif len(groups) <= 3:
            name = ", ".join(groups)
        else:
            name = f"{groups[0]} … {groups[-1]}"
        out.append(View(name, table, keys + cols, len(keys)))
    return out


def form_views(form: dict, tables, room: int) -> list[View]:
    """Every view of a form: F1's compact view first, then each table (and the tables
    below it) split to fit ``room``."""
    from exports.forms_f1_f5 import compact_si_so

    views = []
    if form.get("bieu_mau") == "si-so":
        compact = compact_si_so(form, tr=_)
        views.append(View(N_("Tóm tắt"), compact, list(range(len(compact.columns))),
                          len(_key_columns(compact))))
    for t in tables:
        for sub in (t, *t.below):
            part = table_views(sub, room)
            if sub is not tables[0]:  # a further table: say which
                title = sub.title[:1] + sub.title[1:].lower()  # sentence case on the status line
                for v in part:
                    v.name = title if len(part) == 1 else f"{title}: {v.name}"
            views.extend(part)
    return views


class ReportTable(DataTable):
    """The report's table: ←/→ switch views (each view fits the screen's width)."""

    BINDINGS = [Binding("left", "screen.view(-1)", N_("Bảng trước"), show=False),
                Binding("right", "screen.view(1)", N_("Bảng sau"), show=False)]


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
    ReportsScreen #report-view { height: auto; max-height: 4; padding: 0 1; color: $text-muted; }
    ReportsScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("f5", "refresh", N_("Xem"), id="report_refresh"),
        Binding("f4", "export", N_("Xuất tệp"), id="report_export"),
        Binding("ctrl+e", "export", N_("Xuất tệp"), show=False, id="report_export2"),
        Binding("f7", "record_sent", N_("Ghi đã gửi"), id="report_sent"),
        Binding("escape", "back", N_("Quay lại"), id="report_back"),
    ]

    def __init__(self, form: str = "si-so") -> None:
        super().__init__()
        self.form_name = form
        self.form: dict | None = None
        self.tables = []
        self.views: list[View] = []
        self.view_index = 0
        self._filling = False

    # ---- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        year = app_year(self.app)
        from db.report_common import periods

        self.period_list = periods(year) if year else []
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
        yield Static("", id="report-view")
        yield ReportTable(id="report-table", zebra_stripes=True, cursor_type="row")
        yield Footer()

    def _current_period(self):
        from db.clock import default_day

        year = app_year(self.app)
        if year is None:
            today = app_today(self.app)
        elif year is getattr(self.app, "year", None) and hasattr(self.app, "day"):
            today = self.app.day  # the app's value: db.clock.default_day of its year
        else:
            today = default_day(year)
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
        from db.reports import AS_OF_ONLY

        self.query_one("#report-from", Input).disabled = self.form_name in AS_OF_ONLY
        self.query_one("#report-table", DataTable).focus()
        self.action_refresh()

    # ---- choices ---------------------------------------------------------------------------

    @on(Select.Changed, "#report-form")
    def form_changed(self, event: Select.Changed) -> None:
        from db.reports import AS_OF_ONLY

        self.form_name = str(event.value)
        self.query_one("#report-from", Input).disabled = self.form_name in AS_OF_ONLY  # one day
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

    @db_work(group="report")
    def compute(self, name: str, year, start: str, end: str) -> None:
        from db.dates import parse_date
        from db.reports import AS_OF_ONLY, build
        from exports.forms import tables_of

        try:
            as_of = parse_date(end, "đến ngày", fields.DEN_NGAY)
            form = build(name, year, as_of, None if name in AS_OF_ONLY else start or None)
            tables = tables_of(form, tr=_)  # on screen in the interface language
        except SisoError as err:
            self.app.call_from_thread(self._status, err.message, True)
            return
        self.app.call_from_thread(self.show, form, tables)

    def show(self, form: dict, tables) -> None:
        from db.si_so import describe_lech

        self.form, self.tables = form, tables
        self.views = form_views(form, tables, self._room())
        self.view_index = 0
        self._draw()
        main = tables[0]
        lines = [main.title, *main.lines]
        if form.get("bieu_mau") == "si-so" and not form.get("can_bang", True):
            self._status(_("SỐ LIỆU KHÔNG CÂN ĐỐI — không xuất được:") + "\n" + describe_lech(form), bad=True)
        else:
            self._status(" · ".join(lines))

    def _room(self) -> int:
        return max(40, (self.size.width or self.app.size.width) - 4)  # less the scroll bar

    def on_resize(self) -> None:
        if self.form is not None and self.views:
            index = self.view_index
            self.views = form_views(self.form, self.tables, self._room())
            self.view_index = min(index, len(self.views) - 1)
            self._draw()

    def action_view(self, step: int) -> None:
        if not self.views:
            return
        self.view_index = (self.view_index + step) % len(self.views)
        self._draw()

    def _draw(self) -> None:
        from rich.cells import cell_len
        from rich.text import Text

        from exports.table import display

        view = self.views[self.view_index]
        t = view.table
        table = self.query_one("#report-table", DataTable)
        row_key = table.cursor_row
        table.clear(columns=True)
        headers = t.short_headers
        lines_out = []
        for values, style in zip(t.rows, t.styles):
            cells = [display(values[i], t.columns[i].kind) for i in view.cols]
            if _label_row(values, style):
                # the label of a merged row goes in the last key column (Lớp or Họ và tên)
                cells = [""] * len(view.cols)
                cells[max(0, view.keys - 1)] = str(values[1])
                right = [False] * len(view.cols)
            else:
                right = [t.columns[i].kind in ("int", "pct") for i in view.cols]
            bold = "bold" if style in ("sub", "total", "group") else ""
            lines_out.append([Text(c, style=bold, justify="right" if r else "left")
                              for c, r in zip(cells, right)])
        # fixed widths from the content: auto-width columns of a refilled DataTable can keep
        # the first frame's narrow rendering (Textual 8)
        widths = [cell_len(_(headers[i])) for i in view.cols]
        for line in lines_out:
            for j, cell in enumerate(line):
                widths[j] = max(widths[j], min(CELL_CAP, cell_len(cell.plain)))
        for i, w in zip(view.cols, widths):
            table.add_column(_(headers[i]), width=w)
        for line in lines_out:
            table.add_row(*line)
        table.fixed_columns = view.keys
        if lines_out:
            table.move_cursor(row=min(row_key, len(lines_out) - 1))
        from exports.table import GROUP_SHORT

        groups = {t.columns[i].group for i in view.cols}
        legend = t.note or "; ".join(f"{short} = {_(g)}" for g, short in GROUP_SHORT.items() if g in groups)
        n = len(self.views)
        text = _("Bảng {i}/{n}: {name}").format(i=self.view_index + 1, n=n, name=_(view.name))
        if n > 1:
            text += " — " + _("←/→: bảng khác")
        if legend:
            text += "\n" + _(legend)
        self.query_one("#report-view", Static).update(text)

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
        self._export_period = self.query_one("#report-period", Select).value

        def chosen(result) -> None:
            if result:
                path, fmt, overwrite = result
                self.notify(_("Đang ghi {path}…").format(path=path), timeout=2)
                self.export(form, path, fmt, overwrite)

        self.app.push_screen(ExportDialog(default_filename(form, "xlsx")), chosen)

    @db_work(group="export", exclusive=False)
    def export(self, form: dict, path: str, fmt: str, overwrite: bool = False) -> None:
        from exports.files import write_form

        try:
            written = write_form(form, path, fmt, overwrite=overwrite)
        except SisoError as err:
            self.app.call_from_thread(self.notify, err.message, title=_("Không xuất được"),
                                      severity="error", timeout=10)
            return
        except Exception as err:  # shown to the user, never silently lost
            self.app.call_from_thread(self.notify, f"{type(err).__name__}: {err}",
                                      title=_("Lỗi chương trình"), severity="error", timeout=10)
            return
        self.last_export = str(written)
        self.last_export_form = (form.get("bieu_mau"), getattr(self, "_export_period", None))
        self.app.call_from_thread(self.notify, _("Đã ghi {path}").format(path=written),
                                  title=_("Xuất tệp"), timeout=6)

    async def action_record_sent(self) -> None:
        """F7: record that the file just exported was sent (the reporting calendar)."""
        from tui.screens.calendar import open_submission_form, period_of_report

        path = getattr(self, "last_export", None)
        if not path:
            self.notify(_("Xuất tệp (F4) trước, rồi ghi nhận tệp đó đã gửi (F7)."), severity="warning")
            return
        form, period = getattr(self, "last_export_form", (self.form_name, None))
        await open_submission_form(self.app, form=form or self.form_name,
                                   period=period_of_report(period), path=path)

    def action_back(self) -> None:
        self.go_back()

"""The reporting calendar: the year's deadlines with their state today, the forms sent, and
the forms to record a submission (the exact file, from the reports screen's export or a
path typed in) or to change a deadline's days. The rules are ``db.deadlines``'s; this
screen only shows them and collects input.

``watch_text(w)`` is the short text the overview and the vice-principal's cards show
(``db.deadlines.watch``): due in the next 7 days, late, sent.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, DirectoryTree, Footer, Header, Input, Label, Select, Static

from db import fields
from db.dates import fmt_date
from db.errors import SisoError
from tui.i18n import N_, _
from tui.screens.base import FormFields, SisoModal, SisoScreen, db_work, read_first
from tui.screens.reports import app_year

STATE_LABELS = {"chua_den": N_("Chưa đến hạn"), "den_han": N_("Đang đến hạn"), "qua_han": N_("Quá hạn"),
                "da_gui": N_("Đã gửi"), "gui_muon": N_("Gửi muộn")}
# the inputs of the submission form (s-) and the deadline form (d-): prefix + field (db.fields);
# a message shows on ``#e-{id}``
S_FORM, S_PERIOD, S_FILE, S_RECIPIENT, S_DATE = (
    f"s-{field}" for field in (fields.BIEU_MAU, fields.KY, fields.TEP, fields.NOI_NHAN, fields.NGAY))
D_FORM, D_PERIOD, D_FROM, D_TO = (
    f"d-{field}" for field in (fields.BIEU_MAU, fields.KY, fields.TU_NGAY, fields.DEN_NGAY))
HINTS = {S_PERIOD: "YYYY-MM, HK1, HK2, CN", D_PERIOD: "YYYY-MM, HK1, HK2, CN",
         S_FILE: N_("đường dẫn tới tệp đã gửi, Ctrl+F: chọn trong thư mục"), S_DATE: "dd/mm/yyyy", D_FROM: "dd/mm/yyyy",
         D_TO: "dd/mm/yyyy"}


def _hint(key: str) -> str:
    hint = HINTS.get(key, "")
    return _(hint) if hint else ""


SHOWN = 2  # deadlines named on the overview's line per kind; the rest are counted


def _dm(day: date) -> str:
    return day.strftime("%d/%m")


def watch_text(w: dict) -> str:
    """Two short lines (each fits 80 columns when it names at most two deadlines of one
    period each): what is due in the next 7 days with its last day; what is late, and how
    many forms were sent in the last 30 days (the latest named)."""
    from db.deadlines import short

    def names(rows, day_key, fmt):
        out = [fmt.format(name=short(r), day=_dm(r[day_key])) for r in rows[:SHOWN]]
        if len(rows) > SHOWN:
            out.append(_("+{n} nữa").format(n=len(rows) - SHOWN))
        return ", ".join(out) or "—"

    first = _("Sắp đến hạn (7 ngày): {due}").format(
        due=names(w["sap_den_han"], "den_ngay", _("{name} hạn {day}")))
    sent = w["da_gui"]
    second = _("Quá hạn: {late}").format(late=names(w["qua_han"], "den_ngay", "{name}"))
    second += "  ·  " + _("Đã gửi 30 ngày: {n}").format(n=len(sent))
    if sent:
        second += ", " + _("mới nhất {name} {day}").format(name=short(sent[0]),
                                                          day=_dm(sent[0]["ngay_gui"]))
    return f"{first}\n{second}"


def period_of_report(key: str | None) -> str:
    """The submission period of a period of the reports screen (``db.report_common.periods``):
    a month stays ``YYYY-MM``; ``hk1`` → ``HK1``, ``hk2`` → ``HK2``, ``nam`` → ``CN``."""
    if not key:
        return ""
    return {"hk1": "HK1", "hk2": "HK2", "nam": "CN"}.get(str(key), str(key) if len(str(key)) == 7 else "")


# ---- the screen -----------------------------------------------------------------------------

class CalendarScreen(SisoScreen):
    """Deadlines of the app's year (state today) and the forms sent."""

    DEFAULT_CSS = """
    CalendarScreen #cal-deadlines { height: 1fr; }
    CalendarScreen #cal-sent { height: 1fr; }
    CalendarScreen .cal-title { height: 1; padding: 0 1; text-style: bold; }
    """
    BINDINGS = [
        Binding("f2", "submit", N_("Ghi đã gửi"), id="cal_submit"),
        Binding("f4", "edit", N_("Sửa hạn"), id="cal_edit"),
        Binding("ctrl+t", "add", N_("Thêm hạn"), id="cal_add"),
        Binding("f5", "refresh", N_("Tải lại"), id="cal_refresh", show=False),
        Binding("escape", "back", N_("Quay lại"), id="cal_back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.deadlines: list[dict] = []
        self.sent: list[dict] = []
        self._shown_once = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="cal-info", classes="info")
        table = DataTable(id="cal-deadlines", cursor_type="row", zebra_stripes=True)
        table.add_columns(_("Biểu mẫu"), _("Kỳ"), _("Từ ngày"), _("Đến ngày"), _("Trạng thái"),
                          _("Ngày gửi"))
        yield table
        yield Static(_("Đã gửi"), classes="cal-title")
        sent = DataTable(id="cal-sent", cursor_type="row", zebra_stripes=True)
        sent.add_columns(_("Số"), _("Biểu mẫu"), _("Kỳ"), _("Ngày gửi"), _("Nơi nhận"), _("Ghi chú"))
        yield sent
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#cal-deadlines", DataTable).focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        year = app_year(self.app)
        if year is None:
            self.query_one("#cal-info", Static).update(_("Chưa có năm học nào."))
            return
        from db.clock import today

        self.query_one("#cal-info", Static).update(
            _("Lịch báo cáo năm học {year} — hôm nay {day}").format(year=year.name, day=fmt_date(today())))
        self.load(year)

    @db_work(group="calendar")
    def load(self, year) -> None:
        from db import deadlines

        rows = deadlines.list_deadlines(year)
        sent = deadlines.list_submissions(year)
        self.app.call_from_thread(self.show, rows, sent)

    def show(self, rows: list[dict], sent: list[dict]) -> None:
        self.deadlines, self.sent = rows, sent
        table = self.query_one("#cal-deadlines", DataTable)
        cursor = table.cursor_row
        table.clear()
        for r in rows:
            table.add_row(r["bieu_mau"], self._period(r["ky"]), fmt_date(r["tu_ngay"]),
                          fmt_date(r["den_ngay"]), _(STATE_LABELS[r["trang_thai"]]),
                          fmt_date(r["ngay_gui"]))
        if rows and not self._shown_once:  # first the deadline to act on: late, due, next
            order = {"qua_han": 0, "den_han": 1, "chua_den": 2}
            todo = [(order[r["trang_thai"]], i) for i, r in enumerate(rows) if r["trang_thai"] in order]
            cursor = min(todo)[1] if todo else 0
        self._shown_once = True
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        box = self.query_one("#cal-sent", DataTable)
        box.clear()
        for s in reversed(sent):  # newest first
            box.add_row(str(s["id"]), s["bieu_mau"], self._period(s["ky"]), fmt_date(s["ngay_gui"]),
                        s["noi_nhan"], self._note(s))

    @staticmethod
    def _period(period: str) -> str:
        if len(period) == 7 and period[4] == "-":
            return f"{period[5:]}/{period[:4]}"
        return period

    @staticmethod
    def _note(s: dict) -> str:
        parts = []
        if s["muon"]:
            parts.append(_("gửi muộn"))
        if s["thay_cho"]:
            parts.append(_("thay số {n}").format(n=s["thay_cho"]))
        if s["bi_thay_boi"]:
            parts.append(_("đã thay bằng số {n}").format(n=s["bi_thay_boi"]))
        return ", ".join(parts)

    def _selected(self) -> dict | None:
        table = self.query_one("#cal-deadlines", DataTable)
        if not self.deadlines or table.cursor_row is None or table.cursor_row >= len(self.deadlines):
            return None
        return self.deadlines[table.cursor_row]

    def _after(self, result) -> None:
        if result:
            self.action_refresh()

    async def action_submit(self) -> None:
        row = self._selected()
        await open_submission_form(self.app, self._after, form=row["bieu_mau"] if row else "si-so",
                             period=row["ky"] if row else "")

    def action_edit(self) -> None:
        row = self._selected()
        if row is not None:
            self.app.push_screen(DeadlineForm(row), self._after)

    def action_add(self) -> None:
        self.app.push_screen(DeadlineForm(None), self._after)

    def action_back(self) -> None:
        self.go_back()


# ---- the forms ------------------------------------------------------------------------------

_FORM_CSS = """
{cls} {{ align: center middle; }}
{cls} > Vertical {{ width: 76; max-width: 100%; height: auto; max-height: 100%;
                   border: thick $primary; background: $surface; padding: 0 1; }}
{cls} .field-label {{ width: 16; }}
{cls} .field-error {{ padding-left: 18; }}
"""


REPORT_SUFFIXES = {".xlsx", ".ods", ".csv", ".json", ".docx", ".pdf", ".xls", ".zip"}


class ReportFileTree(DirectoryTree):
    """Folders, and the files a report is sent as."""

    def filter_paths(self, paths):
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in REPORT_SUFFIXES)]


class FilePicker(SisoModal[str | None]):
    """Pick the file that was sent: a folder tree from ``folder``; Enter on a file chooses it,
    Esc cancels."""

    DEFAULT_CSS = """
    FilePicker { align: center middle; }
    FilePicker > Vertical { width: 76; max-width: 100%; height: 20; max-height: 100%;
                            border: thick $primary; background: $surface; padding: 0 1; }
    FilePicker ReportFileTree { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "cancel", N_("Hủy"), id="cancel")]

    def __init__(self, folder) -> None:
        super().__init__()
        self.folder = folder

    def compose(self) -> ComposeResult:
        from tui.glyphs import wants_plain

        with Vertical():
            yield Static(_("Chọn tệp đã gửi (Enter: chọn, Esc: hủy)"), classes="form-title")
            tree = ReportFileTree(str(self.folder), id="pick-tree")
            if wants_plain(self.app):
                from tui.screens.import_wizard import ListFileTree

                tree.ICON_NODE_EXPANDED, tree.ICON_NODE, tree.ICON_FILE = ListFileTree.PLAIN_ICONS
            yield tree

    def on_mount(self) -> None:
        self.query_one("#pick-tree").focus()

    @on(DirectoryTree.FileSelected)
    def chosen(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(str(event.path))

    def action_cancel(self) -> None:
        self.dismiss(None)


async def open_submission_form(app, callback=None, **given) -> None:
    """Read the recipient offered (the school's managing office, a setting) in a worker of the
    screen in sight (``read_first``: keys typed meanwhile wait for it), then open the form:
    ``given`` are ``SubmissionForm``'s form, period and path."""
    from db.school import get_settings

    recipient = await read_first(app.screen, lambda: get_settings().get("co_quan_quan_ly", ""))
    if recipient is not None:
        app.push_screen(SubmissionForm(**given, recipient=recipient), callback)


class SubmissionForm(FormFields, SisoModal[int | None]):
    """Record a form sent: form, period, the file, recipient, date. Dismisses with the new
    submission's id, or None."""

    DEFAULT_CSS = _FORM_CSS.format(cls="SubmissionForm")
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Lưu"), id="save", priority=True),
        Binding("ctrl+f", "pick", N_("Chọn tệp"), id="pick"),
        Binding("escape", "cancel", N_("Hủy"), id="cancel"),
    ]
    FIELD_PREFIX, ERROR_PREFIX = "s-", "e-s-"

    def __init__(self, form: str = "si-so", period: str = "", path: str = "",
                 recipient: str | None = None) -> None:
        """``recipient``: the recipient offered, read by the opener in a worker
        (``open_submission_form``); without it the form reads it here, once, when it is
        created."""
        super().__init__()
        self.form, self.period, self.path = form, period, path
        if recipient is None:
            from db.school import get_settings

            recipient = get_settings().get("co_quan_quan_ly", "")
        self.recipient = recipient

    def compose(self) -> ComposeResult:
        from db.clock import today
        from db.deadlines import forms

        recipient = self.recipient
        with Vertical():
            yield Static(_("Ghi nhận báo cáo đã gửi"), classes="form-title")
            with Horizontal(classes="field"):
                yield Label(_("Biểu mẫu"), classes="field-label")
                yield Select([(code, code) for code in forms()], value=self.form if self.form in forms()
                             else "si-so", allow_blank=False, id=S_FORM, compact=True)
            yield Static("", id=f"e-{S_FORM}", classes="field-error")
            for key, label, value in (
                    (S_PERIOD, _("Kỳ báo cáo"), self.period),
                    (S_FILE, _("Tệp đã gửi"), self.path),
                    (S_RECIPIENT, _("Nơi nhận"), recipient),
                    (S_DATE, _("Ngày gửi"), fmt_date(today()))):
                with Horizontal(classes="field"):
                    yield Label(label, classes="field-label")
                    yield Input(value, id=key, compact=True, placeholder=_hint(key))
                yield Static("", id=f"e-{key}", classes="field-error")
            yield Static("", id="e-form", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Lưu (Ctrl+S)"), id="save", variant="primary", compact=True)
                yield Button(_("Hủy (Esc)"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#{S_FILE}" if self.period else f"#{S_PERIOD}", Input).focus()

    def action_pick(self) -> None:
        """Ctrl+F: pick the file in a folder tree (from the typed file's folder, else the
        documents folder)."""
        from pathlib import Path

        from tui.screens.export_dialog import documents_dir

        typed = Path(self.query_one(f"#{S_FILE}", Input).value.strip() or ".").expanduser()
        folder = typed if typed.is_dir() else typed.parent
        if not str(self.query_one(f"#{S_FILE}", Input).value.strip()) or not folder.is_dir():
            folder = documents_dir() if documents_dir().is_dir() else Path.home()

        def picked(path: str | None) -> None:
            if path:
                box = self.query_one(f"#{S_FILE}", Input)
                box.value = path
                box.focus()

        self.app.push_screen(FilePicker(folder), picked)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.clear_errors()
        values = {k: self.query_one(f"#{k}", Input).value for k in (S_PERIOD, S_FILE, S_RECIPIENT,
                                                                   S_DATE)}
        values[S_FORM] = str(self.query_one(f"#{S_FORM}", Select).value)
        self.save(values)

    @db_work(group="save")
    def save(self, v: dict) -> None:
        from db import deadlines

        try:
            sub = deadlines.submit(v[S_FORM], v[S_PERIOD], v[S_FILE], v[S_RECIPIENT],
                                   sent_on=v[S_DATE])
        except SisoError as err:
            self.app.call_from_thread(self.show_errors, [(err.field, err.message)])
            return
        self.app.call_from_thread(self.saved, sub.id, sub.form, sub.period, sub.replaces_id)

    def saved(self, sid: int, form: str, period: str, replaces: int | None) -> None:
        text = _("Đã ghi lần gửi số {n}: {form} kỳ {period}.").format(n=sid, form=form, period=period)
        if replaces:
            text += " " + _("Thay cho lần gửi số {n}.").format(n=replaces)
        self.app.notify(text, title=_("Lịch báo cáo"))
        self.dismiss(sid)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.discard(None)


class DeadlineForm(FormFields, SisoModal[int | None]):
    """Change a deadline's days (``DeadlineForm(row)``), or add one (``DeadlineForm(None)``)."""

    DEFAULT_CSS = _FORM_CSS.format(cls="DeadlineForm")
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Lưu"), id="save", priority=True),
        Binding("escape", "cancel", N_("Hủy"), id="cancel"),
    ]
    FIELD_PREFIX, ERROR_PREFIX = "d-", "e-d-"

    def __init__(self, row: dict | None) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        from db.deadlines import forms

        row = self.row
        title = (_("Sửa hạn nộp {form} kỳ {period}").format(form=row["bieu_mau"], period=row["ky"])
                 if row else _("Thêm hạn nộp"))
        with Vertical():
            yield Static(title, classes="form-title")
            with Horizontal(classes="field"):
                yield Label(_("Biểu mẫu"), classes="field-label")
                yield Select([(code, code) for code in forms()], value=row["bieu_mau"] if row else "bo-hoc",
                             allow_blank=False, id=D_FORM, compact=True, disabled=bool(row))
            yield Static("", id=f"e-{D_FORM}", classes="field-error")
            for key, label, value in (
                    (D_PERIOD, _("Kỳ báo cáo"), row["ky"] if row else "CN"),
                    (D_FROM, _("Từ ngày"), fmt_date(row["tu_ngay"]) if row else ""),
                    (D_TO, _("Đến ngày"), fmt_date(row["den_ngay"]) if row else "")):
                with Horizontal(classes="field"):
                    yield Label(label, classes="field-label")
                    yield Input(value, id=key, compact=True, disabled=bool(row) and key == D_PERIOD,
                                placeholder=_hint(key))
                yield Static("", id=f"e-{key}", classes="field-error")
            yield Static("", id="e-form", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Lưu (Ctrl+S)"), id="save", variant="primary", compact=True)
                yield Button(_("Hủy (Esc)"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#{D_FROM}" if self.row else f"#{D_PERIOD}", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.clear_errors()
        values = {k: self.query_one(f"#{k}", Input).value for k in (D_PERIOD, D_FROM, D_TO)}
        values[D_FORM] = str(self.query_one(f"#{D_FORM}", Select).value)
        self.save(app_year(self.app), values)

    @db_work(group="save")
    def save(self, year, v: dict) -> None:
        from db import deadlines

        try:
            if self.row:
                d = deadlines.edit_deadline(year, v[D_FORM], v[D_FROM], v[D_TO], v[D_PERIOD])
            else:
                d = deadlines.add_deadline(year, v[D_FORM], v[D_FROM], v[D_TO], v[D_PERIOD])
        except SisoError as err:
            self.app.call_from_thread(self.show_errors, [(err.field, err.message)])
            return
        self.app.call_from_thread(self.saved, d.id)

    def saved(self, did: int) -> None:
        self.app.notify(_("Đã lưu hạn nộp."), title=_("Lịch báo cáo"))
        self.dismiss(did)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.discard(None)

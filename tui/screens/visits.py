"""Keeping a student in school, on the student screen: the at-risk case and the home visits.

- ``CaseForm``: open a case (causes, sponsor, date) — ``db.risk.open_case``.
- ``VisitForm``: record a home visit (every field of the minutes) — ``db.risk.add_visit``.
- ``close_choices`` / ``visit_choices``: the items of the pickers that close a case and
  choose the visit whose minutes are exported.
- ``risk_lines``: the case and the visits as text for the student screen.

Each form is one line per field (fits 80×24), Ctrl+S records, Esc cancels; a refused value
shows the service's message under the form and writes nothing.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from db import fields, risk
from db.dates import fmt_date
from db.errors import SisoError
from tui.changes import DataChanged
from tui.i18n import N_, _
from tui.screens.base import FormModal, db_work

CASE_RESULT_LABELS = {"returned": N_("Đã trở lại lớp"), "dropped": N_("Bỏ học"),
                      "transferred": N_("Chuyển trường"), "died": N_("Chết / mất")}
VISIT_RESULT_LABELS = {"returned": N_("Học sinh đã trở lại lớp"),
                       "promised": N_("Gia đình hứa cho con đi học"),
                       "refused": N_("Gia đình chưa đồng ý cho con đi học"),
                       "nobody": N_("Không gặp được ai ở nhà")}


class _Form(FormModal[object]):
    """A one-line-per-field form. ``FIELDS``: (id, label msgid); ``select_options`` gives
    the choices of a Select field."""

    DEFAULT_CSS = """
    _Form { align: center middle; }
    _Form > Vertical { width: 78; max-width: 100%; height: auto; max-height: 100%;
                       border: thick $primary; background: $surface; padding: 0 1; }
    _Form #vf-title { text-style: bold; color: $accent; }
    _Form VerticalScroll { height: auto; }
    _Form .vf-row { height: 1; margin-top: 1; }
    _Form .vf-label { width: 24; color: $text-muted; }
    _Form .vf-row Input, _Form .vf-row Select { width: 1fr; }
    _Form .vf-row Input { background: $boost; }
    _Form #e-form { color: $error; height: auto; }
    _Form #vf-buttons { height: 1; margin-top: 1; }
    _Form #vf-hint { width: 1fr; color: $text-muted; }
    _Form Button { margin-left: 2; }
    """
    BINDINGS = [Binding("ctrl+s", "submit", N_("Ghi"), id="visit_form.submit"),
                Binding("escape", "cancel", N_("Hủy bỏ"), id="visit_form.cancel")]
    FIELDS: list[tuple[str, str]] = []
    PLACEHOLDERS: dict[str, str] = {}
    TITLE = ""

    def __init__(self, student, defaults: dict[str, str]) -> None:
        super().__init__()
        self.student = student
        self.defaults = defaults

    def select_options(self, field_id: str) -> list[tuple[str, str]] | None:
        return None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"{_(self.TITLE)} — {self.student.full_name} ({self.student.code})",
                         id="vf-title")
            with VerticalScroll():
                for field_id, label in self.FIELDS:
                    options = self.select_options(field_id)
                    if options is not None:
                        widget = Select(options, id=field_id, prompt=_("Chọn"), compact=True,
                                        value=self.defaults.get(field_id, Select.NULL))
                    else:
                        widget = Input(self.defaults.get(field_id, ""), id=field_id, compact=True,
                                       placeholder=_(self.PLACEHOLDERS.get(field_id, "")))
                    with Horizontal(classes="vf-row"):
                        yield Label(_(label), classes="vf-label")
                        yield widget
            yield Static("", id="e-form")  # a message naming no field (FormFields)
            with Horizontal(id="vf-buttons"):
                yield Static(_("Tab: chuyển ô · Ctrl+S: ghi · Esc: hủy"), id="vf-hint")
                yield Button(_("Ghi (Ctrl+S)"), id="save", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#{self.FIELDS[0][0]}").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    def value(self, field_id: str) -> str:
        w = self.query_one(f"#{field_id}")
        if isinstance(w, Select):
            return "" if w.is_blank() else str(w.value)
        return w.value.strip()

    def submit(self) -> None:
        self.query_one("#e-form", Static).update("")
        self._save({fid: self.value(fid) for fid, _label in self.FIELDS})

    def record(self, values: dict):
        raise NotImplementedError

    @db_work(group="visit_form")
    def _save(self, values: dict) -> None:
        try:
            result = self.record(values).id
        except SisoError as err:
            self.app.call_from_thread(self._refused, err)
            return
        self.app.call_from_thread(self._saved, result)

    def _refused(self, err: SisoError) -> None:
        """The message under the form, the cursor on the field at fault (``show_errors``)."""
        self.failed()
        self.show_errors([(err.field, err.message)])

    def _saved(self, result) -> None:
        self.post_message(DataChanged())
        self.dismiss(result)


class CaseForm(_Form):
    """Open an at-risk case; dismisses with the case id."""

    TITLE = N_("Mở hồ sơ nguy cơ bỏ học")
    FIELDS = [(fields.NGUYEN_NHAN, N_("Nguyên nhân (mã)")), (fields.DO_DAU, N_("Người đỡ đầu")),
              (fields.NGAY, N_("Ngày mở"))]
    PLACEHOLDERS = {fields.NGUYEN_NHAN: N_("mã lý do bỏ học, ví dụ 01, 03")}

    def record(self, values: dict):
        return risk.open_case(self.student, values[fields.NGUYEN_NHAN], sponsor=values[fields.DO_DAU],
                              day=values[fields.NGAY])


class VisitForm(_Form):
    """Record a home visit; dismisses with the visit id. «Người đi»: «Họ tên:vai trò»,
    several separated by «;»."""

    TITLE = N_("Ghi buổi vận động học sinh ra lớp")
    FIELDS = [(fields.NGAY, N_("Ngày vận động")), (fields.NGUOI_DI, N_("Người đi (tên:vai trò)")),
              (fields.NGUOI_GAP, N_("Người trong gia đình")), (fields.TINH_HINH, N_("Tình hình")),
              (fields.CAM_KET, N_("Gia đình cam kết")), (fields.KET_QUA, N_("Kết quả")),
              (fields.NGUOI_KY, N_("Người ký biên bản"))]
    PLACEHOLDERS = {fields.NGUOI_DI: N_("Họ tên:vai trò; Họ tên:vai trò"),
                    fields.NGUOI_KY: N_("cha, mẹ, người giám hộ hoặc hàng xóm")}

    def select_options(self, field_id: str):
        if field_id == fields.KET_QUA:
            return [(_(label), key) for key, label in VISIT_RESULT_LABELS.items()]
        return None

    def record(self, values: dict):
        people = [p for p in values[fields.NGUOI_DI].split(";") if p.strip()]
        return risk.add_visit(self.student, values[fields.NGAY], people, values[fields.NGUOI_GAP],
                              values[fields.TINH_HINH], values[fields.CAM_KET], values[fields.KET_QUA],
                              values[fields.NGUOI_KY])


def close_choices() -> list[tuple[str, str, str, str]]:
    return [("", _(CASE_RESULT_LABELS[key]), key, "") for key in risk.CLOSABLE]


def visit_choices(visits: list[dict]) -> list[tuple[str, str, int, str]]:
    """Non-voided visits, newest first: «Lần 2 — 12/10/2024»."""
    from datetime import date

    return [("", _("Lần {n} — {day}").format(n=v["lan"], day=fmt_date(date.fromisoformat(v["ngay"]))),
             v["id"], "") for v in reversed(visits) if not v["da_huy"]]


def risk_lines(cases: list[dict], visits: list[dict]) -> Text:
    """The student's cases and visits, for the student screen."""
    from datetime import date

    out = Text()
    for case in cases:
        if out:
            out.append("\n")
        opened = fmt_date(date.fromisoformat(case["ngay_mo"]))
        if case["ngay_dong"]:
            out.append(_("Hồ sơ nguy cơ bỏ học: {a} → {b}, {result}").format(
                a=opened, b=fmt_date(date.fromisoformat(case["ngay_dong"])),
                result=_(CASE_RESULT_LABELS.get(case["ket_qua"], case["ket_qua"] or ""))), style="dim")
        else:
            out.append(_("Đang có nguy cơ bỏ học từ {day}").format(day=opened), style="bold red")
        details = [_("nguyên nhân {codes}").format(codes=", ".join(case["nguyen_nhan"]))]
        if case["do_dau"]:
            details.append(_("đỡ đầu: {name}").format(name=case["do_dau"]))
        out.append("  (" + "; ".join(details) + ")")
    for v in visits:
        if out:
            out.append("\n")
        line = Text()
        line.append(f"{fmt_date(date.fromisoformat(v['ngay']))}  ", style="bold")
        line.append(_("Vận động lần {n}").format(n=v["lan"]), style="bold")
        people = ", ".join(p["ho_ten"] for p in v["nguoi_di"])
        line.append(f"  {people}: {_(VISIT_RESULT_LABELS.get(v['ket_qua'], v['ket_qua']))}")
        if v["da_huy"]:
            line.stylize("strike dim")
            line.append("  " + _("[ĐÃ HỦY: {why}]").format(why=v["ly_do_huy"] or ""), style="bold red")
        out.append(line)
    if not out:
        out = Text(_("Chưa có hồ sơ nguy cơ bỏ học hay buổi vận động nào."), style="dim")
    return out


def visit_defaults(student, klass_homeroom: str, day) -> dict[str, str]:
    """The visit form's first values: the app's day, the homeroom teacher, the guardian."""
    return {"ngay": fmt_date(day),
            "nguoi_di": f"{klass_homeroom}:Giáo viên chủ nhiệm" if klass_homeroom else "",
            "nguoi_gap": student.guardian or "", "nguoi_ky": student.guardian or ""}


__all__ = ["CaseForm", "VisitForm", "close_choices", "visit_choices", "risk_lines",
           "visit_defaults"]

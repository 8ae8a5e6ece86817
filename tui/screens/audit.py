"""The audit log on screen: who did what and when, before → after (``db.audit_log``), with
filters by day, person, action and student. The clerk and the principal read every line,
everyone else their own (the rule is in ``db.audit_log``).

    app.push_screen(AuditScreen())

F10 → «Nhật ký» opens it; Enter in a filter applies the filters; F5 reloads; Esc goes back.
"""

from __future__ import annotations

import json

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Input, Label, Static

from tui.i18n import N_, _
from tui.screens.base import SisoScreen, db_work

LIMIT = 2000  # lines shown at once (the newest); the CLI lists every line


def _cell(value, width: int = 60) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    from db.text import visible

    text = visible(text)
    return text if len(text) <= width else text[:width - 1] + "…"


class AuditScreen(SisoScreen):
    DEFAULT_CSS = """
    AuditScreen #title { text-style: bold; color: $accent; padding: 0 1; }
    AuditScreen #filters { height: 1; padding: 0 1; }
    AuditScreen #filters Input { width: 12; background: $boost; }
    AuditScreen #filters Label { color: $text-muted; }
    AuditScreen #lines { height: 1fr; }
    AuditScreen #err { color: $error; padding: 0 1; height: auto; }
    AuditScreen #status { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("f5", "reload", N_("Tải lại"), id="audit.reload"),
        Binding("escape", "back", N_("Quay lại"), id="audit.back"),
    ]
    FILTERS = (("tu", N_("Từ"), "dd/mm/yyyy"), ("den", N_("đến"), "dd/mm/yyyy"),
               ("nguoi", N_("Người"), ""), ("viec", N_("Việc"), ""), ("hs", N_("Mã HS"), ""))

    def compose(self) -> ComposeResult:
        from db import users

        actor = users.known_actor()
        whole = actor is None or actor.has(*users.ADMINS)
        yield Static(_("Nhật ký: ai làm gì, lúc nào") + ("" if whole else " — " + _("chỉ việc của bạn")),
                     id="title")
        with Horizontal(id="filters"):
            for key, label, hint in self.FILTERS:
                if key == "nguoi" and not whole:
                    continue
                yield Label(_(label) + " ")
                yield Input(id=key, placeholder=hint, compact=True)
        yield Static("", id="err")
        yield DataTable(id="lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in (_("Lúc"), _("Người"), _("Việc"), _("Đối tượng"), _("Trước"), _("Sau")):
            table.add_column(label)
        self.action_reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_reload()

    def _value(self, key: str) -> str | None:
        found = self.query(f"#{key}")
        return (found.first(Input).value.strip() or None) if found else None

    def action_reload(self) -> None:
        self.query_one("#err", Static).update("")
        self._load({key: self._value(key) for key, _l, _h in self.FILTERS})

    def action_back(self) -> None:
        self.go_back()

    @db_work(group="audit")
    def _load(self, filters: dict) -> None:
        from db import audit_log, fields
        from db.dates import parse_date
        from db.errors import SisoError

        try:
            start = parse_date(filters["tu"], _("Từ ngày"), fields.TU_NGAY) if filters["tu"] else None
            end = parse_date(filters["den"], _("Đến ngày"), fields.DEN_NGAY) if filters["den"] else None
            rows = audit_log.lines(start, end, by=filters["nguoi"], action=filters["viec"],
                                   student=filters["hs"], limit=LIMIT + 1)
        except SisoError as err:
            self.app.call_from_thread(self._show_error, err.message)
            return
        self.app.call_from_thread(self._show, rows)

    def _show_error(self, message: str) -> None:
        self.query_one("#err", Static).update(message)

    def _show(self, rows: list[dict]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for r in rows[:LIMIT]:
            table.add_row(r["luc"].replace("T", " "), _cell(r["nguoi"], 20), r["viec"],
                          _cell(r["doi_tuong"], 30), _cell(r["truoc"]), _cell(r["sau"]))
        more = len(rows) > LIMIT
        self.query_one("#status", Static).update(
            _("{n} dòng mới nhất (còn nữa: thu hẹp bộ lọc, hoặc «siso audit»)").format(n=LIMIT) if more
             else _("{n} dòng").format(n=len(rows)))
        table.focus()

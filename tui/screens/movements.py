"""The movement register (sổ theo dõi biến động): the events of a period, filtered by kind
and class, with void.

    app.push_screen(MovementsScreen(year_id, start=None, end=None, klass_id=None))

A full screen; Escape goes back (dismisses with None). ``v`` voids the event under the
cursor through :class:`VoidForm` (a modal asking the reason; it dismisses with True when
the event was voided, None when cancelled).
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Input, Label, Select, Static

from db import kinds
from db.dates import fmt_date
from db.errors import SisoError
from db.models import Event, SchoolYear
from tui.changes import DataChanged
from tui.i18n import N_, _
from tui.screens.base import FormModal, SisoScreen, db_work

ALL_KINDS = "*"


class EventTable(DataTable):
    """The register's table: Home/End go to the first/last event (a DataTable's own Home/End
    scroll sideways)."""

    BINDINGS = [
        Binding("home", "scroll_top", N_("Đầu danh sách"), show=False),
        Binding("end", "scroll_bottom", N_("Cuối danh sách"), show=False),
    ]


class VoidForm(FormModal[bool | None]):
    """Ask the reason, then void event ``event_id`` (db.movements.void_event)."""

    DEFAULT_CSS = """
    VoidForm { align: center middle; }
    VoidForm > Vertical { width: 72; height: auto; border: thick $error; background: $surface;
                          padding: 0 1; }
    VoidForm .error { color: $error; height: auto; }
    VoidForm #buttons { height: auto; align: right middle; margin-top: 1; }
    VoidForm Button { margin-left: 1; }
    """
    ERROR_PREFIX = "err-"
    ERROR_CLASS = "error"
    BINDINGS = [
        Binding("ctrl+s", "submit", N_("Hủy sự kiện"), id="void.submit"),
        Binding("escape", "cancel", N_("Thôi"), id="void.cancel"),
    ]

    def __init__(self, event_id: int) -> None:
        super().__init__()
        self.event_id = event_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="question")  # filled by ``_read_question`` (a worker)
            yield Static(_("Sự kiện vẫn giữ trong lịch sử, được đánh dấu đã hủy, và không còn được "
                           "tính ở đâu."))
            yield Label(_("Lý do hủy"))
            yield Input(id="ly_do_huy")
            yield Static("", id="e-form", classes="error")
            with Horizontal(id="buttons"):
                yield Button(_("Hủy sự kiện (Ctrl+S)"), id="ok", variant="error")
                yield Button(_("Thôi (Esc)"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#ly_do_huy", Input).focus()
        self._read_question()

    @db_work(group="void_question")
    def _read_question(self) -> None:
        from db.movements import describe

        ev = Event.get_by_id(self.event_id)
        question = _("Hủy sự kiện {what} của học sinh {name} ({code})?").format(
            what=describe(ev), name=ev.student.full_name, code=ev.student.code)
        self.app.call_from_thread(self.query_one("#question", Static).update, question)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_submit()

    def submit(self) -> None:
        self.clear_errors()
        self._void(self.query_one("#ly_do_huy", Input).value)

    def _failed(self, message: str, field: str | None = None) -> None:
        self.busy = False
        self.show_errors([(field, message)])

    def _done(self) -> None:
        self.post_message(DataChanged())
        self.dismiss(True)

    @db_work(group="void")
    def _void(self, reason: str) -> None:
        from db.movements import void_event

        try:
            void_event(self.event_id, reason)
        except SisoError as err:
            self.app.call_from_thread(self._failed, err.message, err.field)
            return
        self.app.call_from_thread(self._done)


class MovementsScreen(SisoScreen):
    """Events of ``year_id`` from ``start`` to ``end`` (default: the whole year and summer)."""

    DEFAULT_CSS = """
    MovementsScreen #title { text-style: bold; color: $accent; padding: 0 1; }
    MovementsScreen #filters { height: 1; padding: 0 1; }
    MovementsScreen #events { height: 1fr; }
    MovementsScreen #err { padding: 0 1; min-height: 1; }
    MovementsScreen #status { padding: 0 1; }
    MovementsScreen #filters Input { width: 12; background: $boost; }
    MovementsScreen #filters Label { color: $text-muted; }
    MovementsScreen #filters Select { margin-left: 1; }
    MovementsScreen #loai { width: 26; }
    MovementsScreen #lop { width: 14; }
    MovementsScreen #status { height: 1; color: $text-muted; }
    MovementsScreen .error { color: $error; height: auto; }
    """
    BINDINGS = [
        Binding("v", "void", N_("Hủy sự kiện"), id="movements.void"),
        Binding("f5", "reload", N_("Tải lại"), id="movements.reload"),
        Binding("escape", "back", N_("Quay lại"), id="movements.back"),
    ]

    def __init__(self, year_id: int, start: date | None = None, end: date | None = None,
                 klass_id: int | None = None) -> None:
        super().__init__()
        self.year_id = year_id
        self.start = start
        self.end = end
        self.klass_id = klass_id
        self.rows = []

    def compose(self) -> ComposeResult:
        kind_options = [(_("Các biến động"), ALL_KINDS)] + [
            (_(kinds.LABELS[k]), k) for k in kinds.ALL]
        # the year's name, dates and classes come from ``_read_start`` (a worker)
        yield Static("", id="title")
        with Horizontal(id="filters"):
            yield Label(_("Từ "))
            yield Input(fmt_date(self.start) if self.start else "", id="tu_ngay",
                        placeholder="dd/mm/yyyy", compact=True)
            yield Label(_(" đến "))
            yield Input(fmt_date(self.end) if self.end else "", id="den_ngay",
                        placeholder="dd/mm/yyyy", compact=True)
            yield Select(kind_options, id="loai", value=ALL_KINDS, allow_blank=False, compact=True)
            yield Select([], id="lop", prompt=_("Mọi lớp"), compact=True)
        yield Static("", id="err", classes="error")
        table = EventTable(id="events", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in (_("Số"), _("Ngày"), _("Biến động"), _("Mã HS"), _("Họ và tên"), _("Lớp"),
                      _("Kỳ"), _("Lý do / nơi chuyển"), _("Số văn bản"), _("Ghi chú"), _("Trạng thái")):
            table.add_column(label)
        table.focus()
        self._read_start()

    @db_work(group="movements_start")
    def _read_start(self) -> None:
        """The year's name, its first day and the end of its summer (the filter's default
        dates) and its classes, then the list."""
        from db import school
        from db.events import summer_end

        year = SchoolYear.get_by_id(self.year_id)
        classes = [(c.name, c.id) for c in school.list_classes(year)]
        self.app.call_from_thread(self._started, year.name, year.start, summer_end(year), classes)

    def _started(self, name: str, start: date, end: date, classes: list) -> None:
        self.query_one("#title", Static).update(
            _("Sổ theo dõi biến động — năm học {name}").format(name=name))
        self.query_one("#tu_ngay", Input).value = fmt_date(self.start or start)
        self.query_one("#den_ngay", Input).value = fmt_date(self.end or end)
        lop = self.query_one("#lop", Select)
        lop.set_options(classes)
        if self.klass_id:
            lop.value = self.klass_id
        self.action_reload()

    # ---- filters -----------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_reload()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.action_reload()

    def filters(self) -> dict:
        kind = self.query_one("#loai", Select).value
        klass = self.query_one("#lop", Select)
        return {
            "start": self.query_one("#tu_ngay", Input).value.strip() or None,
            "end": self.query_one("#den_ngay", Input).value.strip() or None,
            "kind": None if kind in (ALL_KINDS, Select.NULL) else kind,
            "klass": None if klass.is_blank() else klass.value,
        }

    def action_reload(self) -> None:
        self.query_one("#err", Static).update("")
        self._load(self.filters())

    def reload(self) -> None:  # called by the app after any write
        self.action_reload()

    @db_work(group="movements")
    def _load(self, f: dict) -> None:
        from db import movement_register

        try:
            rows = movement_register.list_events(self.year_id, f["start"], f["end"], kind=f["kind"],
                                                 klass=f["klass"])
            texts = [movement_register.reason_text(r, _) for r in rows]
        except SisoError as err:
            self.app.call_from_thread(self.query_one("#err", Static).update, err.message)
            return
        self.app.call_from_thread(self._show, rows, texts)

    def _show(self, rows, texts) -> None:
        keep = self.selected_event_id  # the cursor stays on its event across reloads
        first = not getattr(self, "_shown", False)
        self._shown = True
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for r, reason in zip(rows, texts):
            where = reason or ", ".join(x for x in (r.school, r.district, r.province) if x)
            klass = f"{r.from_klass} → {r.klass}" if r.from_klass else r.klass
            table.add_row(str(r.id), fmt_date(r.date), _(r.label), r.code, r.name, klass,
                          _(kinds.SEMESTER_LABELS[r.semester]) if r.semester in kinds.SEMESTER_LABELS
                          else (r.semester or ""), where,
                          r.doc_no, r.note,
                          _("Đã hủy: {why}").format(why=r.void_reason) if r.voided else "",
                          key=str(r.id))
        ids = [r.id for r in rows]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        elif first and rows:
            table.move_cursor(row=len(rows) - 1)  # the latest event: the one usually voided
        valid = sum(1 for r in rows if not r.voided)
        self.query_one("#status", Static).update(
            _("{n} sự kiện ({v} đã hủy). V: hủy sự kiện đang chọn.").format(n=valid, v=len(rows) - valid))

    # ---- actions -----------------------------------------------------------------------------

    @property
    def selected_event_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row].id

    def action_void(self) -> None:
        eid = self.selected_event_id
        if eid is None:
            return
        row = next(r for r in self.rows if r.id == eid)
        if row.voided:
            self.notify(_("Sự kiện này đã bị hủy."), severity="warning")
            return

        def after(result) -> None:
            if result:
                self.notify(_("Đã hủy sự kiện số {id}.").format(id=eid))
                self.action_reload()

        self.app.push_screen(VoidForm(eid), after)

    def action_back(self) -> None:
        self.go_back()

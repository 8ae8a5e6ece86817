"""Whole-school student search, accent-insensitive, as you type (a top-level mode)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from db import roster
from tui.i18n import N_, _
from tui.screens.base import SisoScreen, db_work
from tui.screens.roster import ListNavigation, student_cells, student_columns
from tui.widgets.vlist import LazyRows, VirtualList


class SearchScreen(ListNavigation, SisoScreen):
    """Every student of the school year. The year's list is loaded once (one query, in a
    worker); each keystroke filters it in memory (a few ms for 60,000 students)."""

    BINDINGS = [
        Binding("escape", "back", N_("Quay lại"), id="back"),
        Binding("f2", "add_student", N_("Thêm HS"), id="add_student"),
        Binding("f4", "edit_student", N_("Sửa HS"), id="edit_student"),
        Binding("f7", "record_event", N_("Ghi biến động"), id="record_event"),
        *ListNavigation.NAV_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result_query: str | None = None  # the query the list shows the answer to
        self._rows: list[roster.Row] = []
        self._search_keys: list[str] | None = None  # roster.search_key of each row, once loaded
        self._year_name = ""

    @property
    def selected_student_id(self) -> int | None:
        return self.query_one(VirtualList).cursor_key

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="search-info", classes="info")
        yield Input(placeholder=_("Tìm học sinh toàn trường: tên hoặc mã, không cần dấu…"),
                    id="search", compact=True)
        yield VirtualList(student_columns(with_class=True),
                          empty=_("Không tìm thấy học sinh nào."), id="results")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#search", Input).focus()
        self.reload()

    def reload(self) -> None:
        year = self.siso.year
        if year is not None:
            self.query_one("#search-info", Static).update(_("Đang tìm…"))
            self.load(year, self.siso.day)

    def run_search(self, query: str) -> None:
        if self._search_keys is not None:
            self.show_rows(query)

    @db_work(group="search")
    def load(self, year, day) -> None:
        rows = roster.roster_rows(year, day)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.loaded, rows, year.name)

    def loaded(self, rows: list[roster.Row], year_name: str) -> None:
        self._rows, self._year_name = rows, year_name
        self._search_keys = [roster.search_key(r) for r in rows]
        self.show_rows(self.query_one("#search", Input).value)

    def show_rows(self, query: str) -> None:
        rows = self._rows
        found = roster.filter_rows(self._search_keys or [], query)
        self.result_query = query
        self.query_one(VirtualList).set_rows(
            LazyRows(found, lambda pos, i: student_cells(pos + 1, rows[i], with_class=True)),
            keys=[rows[i].id for i in found], dim=[rows[i].status != "dang_hoc" for i in found])
        self.query_one("#search-info", Static).update(
            _("{n} học sinh — năm học {year}").format(n=len(found), year=self._year_name))

    @on(Input.Changed, "#search")
    def query_changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @on(Input.Submitted, "#search")
    def submitted(self) -> None:
        if self.selected_student_id is not None:
            self.siso.open_student(self.selected_student_id)

    @on(VirtualList.Selected, "#results")
    def row_selected(self, event: VirtualList.Selected) -> None:
        self.siso.open_student(event.key)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.siso.open_overview()

    def action_add_student(self) -> None:
        self.siso.add_student()

    def action_edit_student(self) -> None:
        if self.selected_student_id is not None:
            self.siso.edit_student(self.selected_student_id)

    def action_record_event(self) -> None:
        if self.selected_student_id is not None:
            self.siso.record_event(self.selected_student_id)

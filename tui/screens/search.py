"""Whole-school student search, accent-insensitive, as you type (a top-level mode)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from db import roster
from tui.i18n import N_, _
from tui.navigation import AddStudent, EditStudent, OpenOverview, OpenStudent, RecordEvent
from tui.screens.base import SisoScreen, db_work
from tui.screens.roster import ListNavigation, student_cells, student_columns
from tui.widgets.footer import KeysFooter
from tui.widgets.vlist import LazyRows, Subset, VirtualList


def read_index(year, day) -> tuple[roster.RosterIndex, bytes]:
    """The year's whole-school list as the search screen keeps it: the narrow index and a
    dim flag (1: the student has left) per row."""
    index = roster.roster_index(year, day)
    return index, bytes(status != "dang_hoc" for status in index.status)


class SearchScreen(ListNavigation, SisoScreen):
    """Every student of the school year. The year's list is loaded once, narrow (a
    ``roster.RosterIndex``: ids, search keys, classes and statuses, in a worker); each
    keystroke filters it in memory (a few ms for 60,000 students) and the rows shown are
    read a page at a time (one query per page of rows shown)."""

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
        self._index: roster.RosterIndex | None = None  # the year's list, once loaded
        self._dim = b""  # 1 for each row of the index whose student has left
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
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        search = self.query_one("#search", Input)
        search.focus()
        # filtered as the value changes, not on Input.Changed: the list then reaches the
        # terminal in the same frame as the typed letter (one frame less per keystroke)
        self.watch(search, "value", self.run_search, init=False)
        self.reload()

    def on_screen_resume(self) -> None:
        """F3 again: the previous search is selected, so that typing starts a new one."""
        search = self.query_one("#search", Input)
        if search.value:
            search.select_all()

    def reload(self) -> None:
        year = self.siso.year
        if year is not None:
            # the list read in the background after start-up, already there and nothing
            # written since: shown in the screen's first frame, without a worker
            ready = self.siso.whole_list.take(year, self.siso.day, wait=False)
            if ready is not None:
                self.loaded(*ready, year.name)
                return
            self.query_one("#search-info", Static).update(_("Đang tìm…"))
            self.load(year, self.siso.day)

    def run_search(self, query: str) -> None:
        if self._index is not None:
            self.show_rows(query)

    @db_work(group="search")
    def load(self, year, day) -> None:
        # the list read in the background after start-up, when nothing was written since
        index, dim = self.siso.whole_list.take(year, day) or read_index(year, day)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.loaded, index, dim, year.name)

    def loaded(self, index: roster.RosterIndex, dim: bytes, year_name: str) -> None:
        self._index, self._dim, self._year_name = index, dim, year_name
        self.show_rows(self.query_one("#search", Input).value)

    def show_rows(self, query: str) -> None:
        index = self._index
        found = roster.filter_rows(index.keys, query) if query.strip() else range(len(index))
        page = index.PAGE

        def cells(pos: int, i: int) -> tuple:
            # the rows about to be drawn below this one come in the same query
            return student_cells(pos + 1, index.row(i, found[pos + 1:pos + page]),
                                 with_class=True)

        self.result_query = query
        self.query_one(VirtualList).set_rows(
            LazyRows(found, cells), keys=Subset(index.ids, found), dim=Subset(self._dim, found))
        self.query_one("#search-info", Static).update(
            _("{n} học sinh — năm học {year}").format(n=len(found), year=self._year_name),
            layout=False)  # one line whatever it says: no layout per keystroke

    @on(Input.Submitted, "#search")
    def submitted(self) -> None:
        if self.selected_student_id is not None:
            self.post_message(OpenStudent(self.selected_student_id))

    @on(VirtualList.Selected, "#results")
    def row_selected(self, event: VirtualList.Selected) -> None:
        self.post_message(OpenStudent(event.key))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.post_message(OpenOverview())

    def action_add_student(self) -> None:
        self.post_message(AddStudent())

    def action_edit_student(self) -> None:
        if self.selected_student_id is not None:
            self.post_message(EditStudent(self.selected_student_id))

    def action_record_event(self) -> None:
        if self.selected_student_id is not None:
            self.post_message(RecordEvent(self.selected_student_id))

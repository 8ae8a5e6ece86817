"""The siso Textual app: state (database, school year, day) and navigation, nothing else.

``make_app(db=None, lang=None)`` is the one factory (CLI: ``siso``; tests: Pilot). It opens
the database (``--db``/``SISO_DB``/default file) and chooses the language (``--lang``, else
the school's ``ngon_ngu`` setting). Screens live in ``tui/screens/`` (one file each),
widgets in ``tui/widgets/``, the app's CSS in ``tui/app.tcss``.

Hooks for new screens (events, reports, import …):

* Top-level sections are **modes** in ``SisoApp.MODES`` (``"overview"``, ``"search"``);
  add one there (name -> screen class) and a binding that calls ``switch_mode``.
* Navigation goes through the app's methods, so any screen can reach any other:
  ``open_overview()``, ``open_roster(klass_id=None, grade=None)``, ``open_student(id)``,
  ``open_search()``, ``add_student(klass_id=None)``, ``edit_student(id)``,
  ``choose_year()``, ``open_settings()``, ``show_help()``. After a write, call
  ``app.data_changed()``: every open screen that has a ``reload()`` reloads.
* The selected student: ``RosterScreen.selected_student_id``,
  ``StudentScreen.selected_student_id`` and ``SearchScreen.selected_student_id``
  (``app.selected_student_id`` asks the active screen). A screen that records an event
  for "the student under the cursor" reads that and binds a key (e.g. on RosterScreen).
* State: ``app.year`` (the SchoolYear shown; ``app.year_id``), ``app.day`` (the day the
  counts are taken: today, clamped into the school year), ``app.today``.
* Database work that may take longer than a frame: decorate a screen method with
  ``tui.screens.base.db_work`` (a thread worker; the latest call wins); an uncaught
  ``SisoError`` becomes a notification in ``on_worker_state_changed`` here.
* Modals return typed results: ``tui.screens.confirm.ConfirmScreen`` (typed confirmation),
  ``StudentForm`` (the student id or None), ``YearScreen`` (a year id or None).
"""

from __future__ import annotations

from datetime import date

from textual.app import App
from textual.binding import Binding
from textual.worker import WorkerState

from db import school
from db.connection import open_database
from db.errors import SisoError
from db.models import SchoolYear
from tui.i18n import N_, _, set_language, translate_bindings
from tui.screens.help import HelpScreen
from tui.screens.overview import OverviewScreen
from tui.screens.roster import RosterScreen
from tui.screens.search import SearchScreen
from tui.screens.settings import SettingsScreen
from tui.screens.student import StudentScreen
from tui.screens.student_form import StudentForm
from tui.screens.welcome import WelcomeScreen
from tui.screens.years import YearScreen
class SisoApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "siso"
    ENABLE_COMMAND_PALETTE = False

    MODES = {"overview": OverviewScreen, "search": SearchScreen}

    BINDINGS = [
        Binding("f1", "show_help", N_("Trợ giúp"), id="help"),
        Binding("question_mark", "show_help", N_("Trợ giúp"), show=False, id="help2"),
        Binding("f3", "open_search", N_("Tìm HS"), id="search"),
        Binding("f6", "choose_year", N_("Năm học"), id="year"),
        Binding("f9", "open_settings", N_("Cài đặt"), id="settings"),
        Binding("ctrl+q", "quit", N_("Thoát"), id="quit", priority=True, show=False),
    ]

    def __init__(self, db_target: str | None = None, lang: str = "vi",
                 today: date | None = None) -> None:
        super().__init__()
        self.db_target = db_target
        self.lang = lang
        self.today = today or date.today()
        translate_bindings(self)
        current = school.current_year(self.today)
        self.year_id: int | None = current.id if current else None
        self.title = school.get_settings().get("ten_truong") or "siso"

    # ---- state ---------------------------------------------------------------------------

    @property
    def year(self) -> SchoolYear | None:
        return SchoolYear.get_by_id(self.year_id) if self.year_id else None

    @property
    def day(self) -> date:
        """The day counts and statuses are taken: today, clamped into the school year."""
        year = self.year
        if year is None:
            return self.today
        return min(max(self.today, year.start), year.end)

    @property
    def selected_student_id(self) -> int | None:
        return getattr(self.screen, "selected_student_id", None)

    def set_year(self, year_id: int) -> None:
        self.year_id = year_id
        self.refresh_title()
        self.data_changed()

    def refresh_title(self) -> None:
        self.title = school.get_settings().get("ten_truong") or "siso"
        year = self.year
        self.sub_title = f"{_('Năm học')} {year.name}" if year else ""

    def data_changed(self) -> None:
        """Something was written: every open screen with a ``reload()`` reloads."""
        for stack in self._screen_stacks.values():
            for screen in stack:
                reload = getattr(screen, "reload", None)
                if reload is not None:
                    reload()

    # ---- start ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.refresh_title()
        if self.year_id is None:
            self.push_screen(WelcomeScreen())
        else:
            self.switch_mode("overview")

    def school_ready(self) -> None:
        """The welcome screen created the school (or the demo): show its current year."""
        current = school.current_year(self.today)
        self.year_id = current.id if current else None
        self.refresh_title()
        self.switch_mode("overview")

    # ---- navigation (the hooks other screens use) ----------------------------------------

    def open_overview(self) -> None:
        self.switch_mode("overview")

    def open_search(self) -> None:
        if self.year_id is not None:
            self.switch_mode("search")

    def open_roster(self, klass_id: int | None = None, grade: int | None = None) -> None:
        self.push_screen(RosterScreen(klass_id=klass_id, grade=grade))

    def open_student(self, student_id: int) -> None:
        self.push_screen(StudentScreen(student_id))

    def add_student(self, klass_id: int | None = None) -> None:
        if self.year_id is not None:
            self.push_screen(StudentForm(klass_id=klass_id), self._student_saved)

    def edit_student(self, student_id: int) -> None:
        self.push_screen(StudentForm(student_id=student_id), self._student_saved)

    def _student_saved(self, student_id: int | None) -> None:
        if student_id is not None:
            self.data_changed()

    def choose_year(self) -> None:
        if self.year_id is None:
            return

        def chosen(year_id: int | None) -> None:
            if year_id is not None and year_id != self.year_id:
                while len(self.screen_stack) > 1:
                    self.pop_screen()
                self.set_year(year_id)

        self.push_screen(YearScreen(), chosen)

    def open_settings(self) -> None:
        def saved(changed: bool | None) -> None:
            if changed:
                self.refresh_title()

        self.push_screen(SettingsScreen(), saved)

    def show_help(self) -> None:
        from textual.screen import Screen

        from tui.widgets.vlist import VirtualList

        # siso's own keys: the app's, the screen's and the lists' (not the stock widgets')
        stock = {"focus_next": _("Sang ô sau"), "focus_previous": _("Về ô trước")}
        keys = [(b.binding.key_display or self.get_key_display(b.binding),
                 stock.get(b.binding.action, b.binding.description))
                for b in self.screen.active_bindings.values()
                if b.binding.description and b.enabled
                and isinstance(b.node, (App, Screen, VirtualList))]
        self.push_screen(HelpScreen(keys))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Year-bound actions are hidden until the school has a school year."""
        if action in ("open_search", "choose_year") and self.year_id is None:
            return False
        return True

    # binding actions
    def action_show_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.show_help()

    def action_open_search(self) -> None:
        self.open_search()

    def action_choose_year(self) -> None:
        if not isinstance(self.screen, YearScreen):
            self.choose_year()

    def action_open_settings(self) -> None:
        if not isinstance(self.screen, SettingsScreen):
            self.open_settings()

    # ---- the one worker-error handler ----------------------------------------------------

    def on_worker_state_changed(self, event) -> None:
        if event.state != WorkerState.ERROR:
            return
        err = event.worker.error
        if isinstance(err, SisoError):
            self.notify(err.message, title=_("Không thực hiện được"), severity="error", timeout=8)
        else:
            self.log.error(err)
            self.notify(f"{type(err).__name__}: {err}", title=_("Lỗi chương trình"),
                        severity="error", timeout=12)


def make_app(db: str | None = None, lang: str | None = None, today: date | None = None) -> SisoApp:
    """Open the database and build the app (the CLI and the tests both come through here).

    ``lang``: ``vi`` or ``en``; None → the school's ``ngon_ngu`` setting (default ``vi``).
    Raises SisoError when the database cannot be opened (the CLI prints it).
    """
    open_database(db)
    if lang is None:
        lang = school.get_settings().get("ngon_ngu") or "vi"
    lang = set_language(lang)
    return SisoApp(db_target=db, lang=lang, today=today)

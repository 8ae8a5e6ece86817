"""The siso Textual app: state (database, school year, day) and navigation, nothing else.

``make_app(db=None, lang=None)`` is the one factory (CLI: ``siso``; tests: Pilot). It opens
the database (``--db``/``SISO_DB``/default file) and chooses the language (``--lang``, else
the school's ``ngon_ngu`` setting). Screens live in ``tui/screens/`` (one file each),
widgets in ``tui/widgets/``, the app's CSS in ``tui/app.tcss``.

Hooks for new screens (events, reports, import …):

* Top-level sections are **modes** in ``SisoApp.MODES`` (``"overview"``, ``"search"``);
  add one there (name -> screen class) and a binding that calls ``switch_mode``.
* Navigation is by messages (``tui/navigation.py``): a screen posts ``OpenStudent(id)``,
  ``OpenRoster(klass_id=None, grade=None)``, ``OpenSearch()``, ``OpenOverview()``,
  ``OpenMovements()``, ``OpenAttendance(klass_id)`` (F12 «Điểm danh»), ``AddStudent(klass_id)``,
  ``EditStudent(id)``, ``EditClass(klass_id)``, ``RecordEvent(student_id, kind, klass_id)``
  or ``VoidEvents(id)``, and the app's handler (section «navigation» below) opens the
  screen. The app's keys and the menu's entries are bindings to the same methods
  (``action_open_search`` is F3's action and the handler of ``OpenSearch``). After a write,
  call ``app.data_changed()``: every open screen that has a ``reload()`` reloads.
* The selected student: ``RosterScreen.selected_student_id``,
  ``StudentScreen.selected_student_id`` and ``SearchScreen.selected_student_id``
  (``app.selected_student_id`` asks the active screen). A screen that records an event
  for "the student under the cursor" reads that and binds a key (e.g. on RosterScreen).
* State: ``app.year`` (the SchoolYear shown; ``app.year_id``), ``app.day`` (the day the
  counts are taken: ``db.clock.default_day``, today clamped to the year's first day and the
  end of its summer, as in the CLI), ``app.today`` (``db.clock.today()``). The year and the
  day are values the app holds, read when the year is chosen and after each write
  (``data_changed``), never a query per access: a screen reads them on the UI thread freely
  and passes them to its ``db_work`` workers.
* Database work that may take longer than a frame: decorate a screen method with
  ``tui.screens.base.db_work`` (a thread worker; the latest call wins); an uncaught
  ``SisoError`` becomes a notification in ``worker_failed`` here (any other error too, its
  traceback written to the log of ``tui.crashlog``); an error outside a worker closes the
  app with one line naming that log (``_handle_exception``), never a traceback screen.
* Sections (modes): ``action_open_movements`` (F8), ``action_open_reports`` (Ctrl+R),
  ``action_open_dashboard`` (Ctrl+G); pushed screens: ``action_open_import`` (Ctrl+O),
  ``action_open_year_end`` (Ctrl+Y), ``action_open_rollover`` (Ctrl+N); F10 opens
  ``tui.screens.menu.MainMenu`` and Ctrl+P the command palette, both listing all of them
  (by action name). Movements: ``RecordEvent`` (F7 on a roster, the student and the search
  screens: a chooser, then the event form; no student = a new student transferring in) and
  ``VoidEvents``.
* Keys take effect in typed order however fast they come (``tui.keys.InOrderKeys``): a key
  is delivered once the previous one has settled, including the database work a screen
  started for it; work that runs in the background goes in ``KEYS_DO_NOT_WAIT_FOR``.
* Forms mix in ``tui.screens.base.FormFields`` (``FormModal`` does): every refusal at once,
  the cursor on the first wrong field, messages cleared on change, Esc asks when filled in.
* Modals return typed results: ``tui.screens.confirm.ConfirmScreen`` (typed confirmation),
  ``StudentForm`` (the student id or None), ``YearScreen`` (a year id or None).
"""

from __future__ import annotations

import gc
from datetime import date
from functools import partial

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.worker import WorkerState

from db import clock, school
from db.connection import open_database
from db.errors import SisoError
from db.models import SchoolYear, database
from tui import navigation as nav
from tui.i18n import N_, _, describe, set_language, translate_bindings
from tui.keys import InOrderKeys
from tui.later import Later
from tui.preload import WholeList, preload
from tui.styling import styled
from tui.textual_private import mode_is_open, open_screens
from tui.screens.overview import OverviewScreen


HelpScreen = Later("tui.screens.help", "HelpScreen")
RosterScreen = Later("tui.screens.roster", "RosterScreen")
SearchScreen = Later("tui.screens.search", "SearchScreen")
SettingsScreen = Later("tui.screens.settings", "SettingsScreen")
StudentScreen = Later("tui.screens.student", "StudentScreen")
open_settings = Later("tui.screens.settings", "open_settings")
open_student_form = Later("tui.screens.student_form", "open_student_form")
WelcomeScreen = Later("tui.screens.welcome", "WelcomeScreen")
YearScreen = Later("tui.screens.years", "YearScreen")


class SisoApp(InOrderKeys, App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "siso"
    ENABLE_COMMAND_PALETTE = True

    # every screen gets the class "-short" below 30 rows and "-narrow" below 80 columns
    # (the event form's DEFAULT_CSS: a compact form)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]

    MODES = {"overview": styled(OverviewScreen), "search": styled(SearchScreen)}
    SECTIONS = ("movements", "reports", "dashboard")  # modes added per app (they need the year)
    # keys typed ahead wait for other work (tui/keys.py), but not for the background preload
    # nor for the year-end screen's mark loop (it lives as long as the screen and writes the
    # marks in key order itself), nor for a backup made from the settings (F2: a full copy
    # and its check, reported by a notification)
    KEYS_DO_NOT_WAIT_FOR = ("preload", "year_end_mark", "backup")

    BINDINGS = [
        Binding("f1", "show_help", N_("Trợ giúp"), id="help"),
        Binding("question_mark", "show_help", N_("Trợ giúp"), show=False, id="help2"),
        Binding("f3", "open_search", N_("Tìm HS"), id="search", show=False),
        Binding("f6", "choose_year", N_("Năm học"), id="year", show=False),
        Binding("f9", "open_settings", N_("Cài đặt"), id="settings", show=False),
        Binding("f8", "open_movements", N_("Sổ biến động"), id="movements", show=False),
        Binding("f10", "show_menu", N_("Chức năng"), id="menu"),
        Binding("ctrl+r", "open_reports", N_("Báo cáo"), id="reports", show=False),
        Binding("ctrl+g", "open_dashboard", N_("Theo dõi khối"), id="dashboard", show=False),
        Binding("ctrl+o", "open_import", N_("Nhập danh sách"), id="import", show=False),
        Binding("ctrl+y", "open_year_end", N_("Kết quả cuối năm"), id="year_end", show=False),
        Binding("ctrl+n", "open_rollover", N_("Chuyển năm học"), id="rollover", show=False),
        Binding("ctrl+p", "command_palette", N_("Lệnh"), id="palette", show=False,
                priority=True),
        Binding("ctrl+q", "quit", N_("Thoát"), id="quit", priority=True, show=False),
    ]

    def __init__(self, db_target: str | None = None, lang: str = "vi",
                 today: date | None = None) -> None:
        super().__init__()
        self.db_target = db_target
        self.lang = lang
        if today is not None:  # tests fix the day for the whole program, not the app alone
            clock.set_today(today)
        translate_bindings(self)
        current = school.current_year()
        self.year_id: int | None = current.id if current else None
        self._year: SchoolYear | None = current  # app.year: read once, not per access
        self.title = school.get_settings().get("ten_truong") or "siso"
        for mode in self.SECTIONS:
            self.add_mode(mode, styled(self._section_factory(mode)))
        self._preloading = False
        self._day: tuple[tuple, date] | None = None  # ((year id, today), app.day)
        self.whole_list = WholeList()  # the whole-school list read in the background
        self._hold_day()  # read here, with the year, not by the first screen that asks

    # ---- state ---------------------------------------------------------------------------

    @property
    def year(self) -> SchoolYear | None:
        """The school year shown, a value the app holds: read when the year is chosen
        (``set_year``, ``school_ready``) and again after every write (``data_changed``),
        never on a screen's access."""
        year = self._year
        if year is None or year.id != self.year_id:
            year = self._year = self._read_year()
        return year

    def _read_year(self) -> SchoolYear | None:
        return SchoolYear.get_by_id(self.year_id) if self.year_id else None

    @property
    def today(self) -> date:
        return clock.today()

    @property
    def day(self) -> date:
        """The day counts and statuses are taken: ``db.clock.default_day`` (the CLI's rule).
        Kept until the year, today or the data change (the end of the summer depends on the
        next year's first day: one query saved on every screen that asks)."""
        return self._hold_day()

    def _hold_day(self) -> date:
        """``day``, read now when the year, today or the data changed since."""
        today = clock.today()
        key = (self.year_id, today)
        if self._day is None or self._day[0] != key:
            year = self.year
            if year is None:
                return today
            self._day = (key, clock.default_day(year))
        return self._day[1]

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
        from db import connection

        if connection.state.read_only:
            self.sub_title = " — ".join(filter(None, (self.sub_title, _("CHỈ ĐỌC"))))

    def data_changed(self) -> None:
        """Something was written: every open screen with a ``reload()`` reloads."""
        self.whole_list.drop()  # read before the write: not used
        self._year = self._read_year()  # its dates or name may have changed
        self._day = None  # a year added or changed may move the end of a summer
        self._hold_day()  # read now, once, not by the first screen that asks
        for screen in open_screens(self):
            reload = getattr(screen, "reload", None)
            if reload is not None:
                reload()

    # ---- start ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.set_timer(1.0, gc.enable)  # at the latest (cli.app_door turned it off)
        self.screen_change_signal.subscribe(self, self._place_read_only_bar)
        # SQLite's quick check of the file, in the background (a write waits for it)
        self.run_worker(self._open_check, thread=True, group="open-check", exit_on_error=False)
        self.refresh_title()
        if self.year_id is None:
            self.push_screen(WelcomeScreen())
        else:
            self.switch_mode("overview")

    def on_virtual_list_highlighted(self) -> None:
        """The first list has been filled (the overview's classes): the screen is usable.
        The list screens are imported then, in the background, so that F3 or Enter on a
        class does not wait for their import."""
        if not self._preloading:
            self._preloading = True
            gc.enable()  # off while the program started (cli.app_door)
            year = self.year
            whole_list = self.whole_list.start(year, self.day) if year is not None else None
            self.run_worker(partial(preload, year, self.day, whole_list),
                            thread=True, group="preload", exit_on_error=False)
            # the day's backup (db.backup_daily), after the first screen; a write waits for it
            self.run_worker(self._daily_backup, thread=True, group="backup", exit_on_error=False)

    def _open_check(self) -> None:
        from db import connection

        connection.run_open_check()
        if connection.state.read_only:
            self.call_from_thread(self.show_read_only)

    def show_read_only(self) -> None:
        """A damaged file or a folder siso may not write to: a fixed red bar at the top of
        every screen (``tui.widgets.read_only_bar``) naming the problem, the last backup and
        ``siso restore``, for as long as the file is open read-only; the title says «chỉ
        đọc»."""
        from db import backup_copies, connection

        self.refresh_title()
        state = connection.state
        found = backup_copies.copies(state.path) if state.path else []
        lines = [f"{_('CHỈ ĐỌC')}: {_(state.read_only or '')} {_('Mọi việc ghi đều bị từ chối.')}"]
        if state.damage:
            lines.append(_("Bản sao lưu gần nhất: {name}. Khôi phục: F9 → Khôi phục, hoặc "
                           "«siso restore {name}».").format(name=found[-1].path.name)
                         if found else _("Chưa có bản sao lưu nào của tệp này: khôi phục từ một "
                                         "bản sao đã chép đi nơi khác bằng «siso restore TỆP»."))
        self.read_only_text = "\n".join(lines)
        for screen in open_screens(self):
            self._place_read_only_bar(screen)

    read_only_text: str | None = None  # the red bar's text while the file is read-only

    def _place_read_only_bar(self, screen) -> None:
        """Put the red read-only bar on ``screen`` (a screen becoming current: every screen
        shows it), or take it away once the file is writable again."""
        from tui.widgets.read_only_bar import BAR_ID, ReadOnlyBar

        if screen is None or not screen.is_attached:
            return
        bars = screen.query(f"#{BAR_ID}")
        if self.read_only_text is None:
            bars.remove()
        elif bars:
            bars.first().update(self.read_only_text)
        else:
            screen.mount(ReadOnlyBar(self.read_only_text))

    def _daily_backup(self) -> None:
        from db import backup_daily

        backup_daily.ensure_daily()
        if backup_daily.last_error:
            self.call_from_thread(self.notify, backup_daily.last_error, title=_("Chưa sao lưu được"),
                                  severity="warning", timeout=10)

    def database_replaced(self) -> None:
        """The whole database was replaced (a restore): the overview of the current year,
        every section built afresh, every open screen reloaded."""
        self.read_only_text = None  # the damaged file's red bar no longer applies
        for screen in open_screens(self):
            self._place_read_only_bar(screen)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._reset_sections()
        self.school_ready()
        self.data_changed()

    def school_ready(self) -> None:
        """The welcome screen created the school (or the demo): show its current year."""
        current = school.current_year()
        self.year_id = current.id if current else None
        self._year, self._day = current, None
        self.refresh_title()
        self.switch_mode("overview")

    def demo_opened(self, previous, target: str) -> None:
        """The welcome screen opened the demo school in its own file: work on it from now on
        (``previous``, the school's own database, is closed untouched)."""
        from db.connection import shown

        if previous is not None and previous is not database.obj:
            previous.close()
        self.db_target = target
        self.school_ready()
        self.notify(_("Đang dùng trường mẫu trong tệp riêng {path}; dữ liệu của trường không "
                      "thay đổi.").format(path=shown(target)), title=_("Trường mẫu"), timeout=10)

    # ---- navigation: the messages screens post (tui/navigation.py), the keys, the menu ----
    # One method per destination. It handles the screens' message (``@on``); when a key or
    # the F10 menu opens it too, it is that key's action (``action_…``), the binding's own.

    @on(nav.OpenOverview)
    def action_open_overview(self) -> None:
        self.switch_mode("overview")

    @on(nav.OpenSearch)
    def action_open_search(self) -> None:
        if self.year_id is not None:
            self.switch_mode("search")

    @on(nav.OpenRoster)
    def open_roster(self, message: nav.OpenRoster) -> None:
        self.push_screen(RosterScreen(klass_id=message.klass_id, grade=message.grade))

    @on(nav.OpenStudent)
    def open_student(self, message: nav.OpenStudent) -> None:
        self.push_screen(StudentScreen(message.student_id))

    @on(nav.OpenAttendance)
    def action_open_attendance(self, message: nav.OpenAttendance | None = None) -> None:
        """F12 «Điểm danh» of a class (the roster's, or the overview's class under the cursor);
        from the menu (no message): the class of the screen on top."""
        from tui.screens.attendance import AttendanceScreen

        klass_id = message.klass_id if message is not None else None
        if klass_id is None:
            klass_id = getattr(self.screen, "klass_id", None)
        if klass_id is None and hasattr(self.screen, "class_under_cursor"):
            klass_id = self.screen.class_under_cursor()
        if klass_id is None:
            self.notify(_("Chọn một lớp (trong danh sách lớp hoặc danh sách học sinh của lớp) "
                          "rồi nhấn F12 để điểm danh."), title=_("Điểm danh"))
            return
        self.push_screen(AttendanceScreen(klass_id))

    @on(nav.AddStudent)
    async def add_student(self, message: nav.AddStudent) -> None:
        if self.year_id is not None:
            await open_student_form(self, self._student_saved, klass_id=message.klass_id)

    @on(nav.EditClass)
    async def edit_class(self, message: nav.EditClass) -> None:
        """Add a class to the year (None) or change a class's GVCN."""
        from tui.screens.class_form import open_class_form

        if self.year_id is not None:
            await open_class_form(self, lambda saved: saved and self.data_changed(), message.klass_id)

    def action_add_class(self) -> None:
        """The menu's «Thêm lớp»: the class form of a new class."""
        self.post_message(nav.EditClass(None))

    @on(nav.EditStudent)
    async def edit_student(self, message: nav.EditStudent) -> None:
        await open_student_form(self, self._student_saved, student_id=message.student_id)

    def _student_saved(self, student_id: int | None) -> None:
        if student_id is not None:
            self.data_changed()

    def action_choose_year(self) -> None:
        if self.year_id is None or isinstance(self.screen, YearScreen):
            return

        def chosen(year_id: int | None) -> None:
            if year_id is not None and year_id != self.year_id:
                while len(self.screen_stack) > 1:
                    self.pop_screen()
                self.set_year(year_id)
                self._reset_sections()

        self.push_screen(YearScreen(), chosen)

    async def action_open_settings(self) -> None:
        if isinstance(self.screen, SettingsScreen):
            return

        def saved(changed: bool | None) -> None:
            if changed:
                self.refresh_title()

        await open_settings(self, saved)

    def action_show_help(self) -> None:
        from textual.screen import Screen

        from tui.widgets.vlist import VirtualList

        if isinstance(self.screen, HelpScreen):
            return
        # siso's own keys: the app's, the screen's and the lists' (not the stock widgets'),
        # in the interface language; the Command key (super+…) never reaches a terminal
        keys = [(b.binding.key_display or self.get_key_display(b.binding),
                 describe(b.binding.description))
                for key, b in self.screen.active_bindings.items()
                if b.binding.description and b.enabled and not key.startswith("super+")
                and isinstance(b.node, (App, Screen, VirtualList))]
        self.push_screen(HelpScreen(keys))

    def action_help_quit(self) -> None:
        """Ctrl+C outside a text selection: say how to quit (Textual says it in English)."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                shown = "+".join(part.capitalize() if len(part) > 1 else part.upper()
                                 for part in key.split("+"))
                self.notify(_("Nhấn {key} để thoát chương trình.").format(key=shown),
                            title=_("Muốn thoát?"))
                return

    # ---- sections and movements (F7, F8, F10, Ctrl+…) -----------------------------------

    def _section_factory(self, mode: str):
        def make():
            if mode == "movements":
                from tui.screens.movements import MovementsScreen
                return MovementsScreen(self.year_id)
            if mode == "reports":
                from tui.screens.reports import ReportsScreen
                return ReportsScreen()
            from tui.screens.dashboard import DashboardScreen
            return DashboardScreen()
        return make

    def _reset_sections(self) -> None:
        """Another school year: the sections are built afresh the next time they open."""
        if self.current_mode in self.SECTIONS:
            self.switch_mode("overview")
        for mode in self.SECTIONS:
            if mode_is_open(self, mode):
                self.remove_mode(mode)
                self.add_mode(mode, styled(self._section_factory(mode)))

    @on(nav.OpenMovements)
    def action_open_movements(self) -> None:
        self.switch_mode("movements")

    def action_open_reports(self) -> None:
        self.switch_mode("reports")

    def action_open_dashboard(self) -> None:
        self.switch_mode("dashboard")

    def action_open_import(self) -> None:
        from tui.screens.import_wizard import ImportWizard

        self.push_screen(ImportWizard(), self._imported)

    def _imported(self, count: int | None) -> None:
        if count:
            self.notify(_("Đã nhập {n} học sinh.").format(n=count), title=_("Nhập danh sách"))

    def action_open_year_end(self) -> None:
        from tui.screens.year_end import YearEndScreen

        self.push_screen(YearEndScreen(self.year_id, klass_id=getattr(self.screen, "klass_id",
                                                                      None)))

    def action_open_calendar(self) -> None:
        from tui.screens.calendar import CalendarScreen

        if self.year_id is not None:
            self.push_screen(CalendarScreen())

    def action_open_rollover(self) -> None:
        from tui.screens.rollover import RolloverScreen

        def done(batch_id: int | None) -> None:
            if batch_id is not None:
                self.notify(_("Đã chuyển năm học (lần chuyển số {b}). F6 để chọn năm học mới.")
                            .format(b=batch_id), title=_("Chuyển năm học"), timeout=10)

        self.push_screen(RolloverScreen(self.year_id), done)

    def action_open_cohort(self) -> None:
        """«Trẻ vào lớp đầu cấp»: the year's expected children and their matches (db.cohort)."""
        from tui.screens.cohort import CohortScreen

        if not isinstance(self.screen, CohortScreen):
            self.push_screen(CohortScreen(self.year_id))

    def action_open_audit(self) -> None:
        from tui.screens.audit import AuditScreen

        if not isinstance(self.screen, AuditScreen):
            self.push_screen(AuditScreen())

    @on(nav.RecordEvent)
    def record_event(self, message: nav.RecordEvent) -> None:
        from tui.screens.event_chooser import record_event_flow

        record_event_flow(self, message.student_id, message.kind, message.klass_id)

    def action_transfer_in(self) -> None:
        """The menu's «Chuyển đến»: a new student transferring in (into the shown class)."""
        self.post_message(nav.RecordEvent(None, klass_id=getattr(self.screen, "klass_id", None)))

    @on(nav.VoidEvents)
    def void_events_of(self, message: nav.VoidEvents) -> None:
        from tui.screens.event_chooser import void_event_flow

        void_event_flow(self, message.student_id)

    def action_show_menu(self) -> None:
        from tui.screens.menu import MainMenu

        def chosen(action: str | None) -> None:
            if action:
                self.call_later(self.run_action, action)

        self.push_screen(MainMenu(_("Chức năng")), chosen)

    def get_system_commands(self, screen):
        """The command palette (Ctrl+P): the menu's commands, in the interface language."""
        from tui.screens.menu import COMMANDS

        for _key, action, label, shown in COMMANDS:
            if self.check_action(action, ()):
                yield SystemCommand(_(label), shown,
                                    lambda action=action: self.call_later(self.run_action, action))
        yield SystemCommand(_("Thoát"), "Ctrl+Q", self.exit)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from tui.screens.menu import SisoCommands

        if self.year_id is not None and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(providers=[SisoCommands],
                                            placeholder=_("Tìm chức năng…"),
                                            id="--command-palette"))

    YEAR_ACTIONS = ("open_search", "choose_year", "open_movements", "open_reports",
                    "open_dashboard", "open_import", "open_year_end", "open_rollover",
                    "transfer_in", "add_class", "show_menu", "command_palette",
                    "open_attendance", "open_cohort")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Year-bound actions are hidden until the school has a school year, and the
        sections do not open from under a modal (a form, a chooser)."""
        if action in self.YEAR_ACTIONS and self.year_id is None:
            return False
        from tui.roles import may

        if not may(action):  # hidden from a role that may not use it (db/ refuses it anyway)
            return False
        if action in self.YEAR_ACTIONS[2:] and isinstance(self.screen, ModalScreen) \
                and not type(self.screen).__name__ == "CommandPalette":
            return False
        return True

    # ---- the one worker-error handler, and the last resort ---------------------------------

    def on_worker_state_changed(self, event) -> None:
        if event.state == WorkerState.ERROR:
            self.worker_failed(event.worker)

    def worker_failed(self, worker) -> None:
        """A worker failed: the app's own, or a screen's (``tui.screens.base.WorkerErrors``)."""
        err = worker.error
        if isinstance(err, SisoError):
            self.notify(err.message, title=_("Không thực hiện được"), severity="error", timeout=8)
        else:  # the program's own error: the traceback goes to the log, the app goes on
            from tui import crashlog

            path = crashlog.write(err, f"siso worker {worker.name}")
            self.log.error(err)
            from db import connection

            if connection.state.damage:  # a value of the damaged file, not the program
                self.notify(_("Việc này không làm được vì tệp cơ sở dữ liệu bị hỏng; chưa ghi gì. "
                              "Chi tiết đã ghi vào {path}.").format(path=path or "?"),
                            title=_("Cơ sở dữ liệu chỉ đọc"), severity="error", timeout=20)
                return
            self.notify(_("Việc này không làm được do lỗi của chương trình; chưa ghi gì. "
                          "Chi tiết đã ghi vào {path}.").format(path=path or "?"),
                        title=_("Lỗi chương trình"), severity="error", timeout=20)

    crashed: str | None = None  # the last resort's line, once the app has stopped on an error

    def _handle_exception(self, error: Exception) -> None:
        """An error the program did not expect, outside a worker: Textual would stop on a
        traceback screen. The traceback goes to the log file instead, and the app closes;
        ``crashed`` is then one line (in the interface language) naming that file, which
        ``siso`` prints once the terminal is restored; exit status 70."""
        from tui import crashlog

        path = crashlog.write(error, "siso (giao diện)")
        self.crashed = (_("Lỗi chương trình: siso phải đóng lại. Chi tiết đã ghi vào {path}; "
                          "hãy gửi tệp này cho người hỗ trợ. Dữ liệu đã lưu trước đó không bị "
                          "ảnh hưởng.").format(path=path or "?"))
        self._return_code = crashlog.INTERNAL_ERROR
        if self.is_headless and self._exception is None:  # Pilot tests still see the error
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()  # as Textual's own handler, without the traceback


def make_app(db: str | None = None, lang: str | None = None, today: date | None = None,
             app_class: type[SisoApp] | None = None) -> SisoApp:
    """Open the database and build the app (the CLI and the tests both come through here).

    ``lang``: ``vi`` or ``en``; None → the school's ``ngon_ngu`` setting (default ``vi``).
    ``today``: fixes ``db.clock.today()`` (tests); None leaves the calendar's.
    ``app_class``: a subclass (``tui.web.session.ServedApp``, a browser tab of ``siso serve``).
    Raises SisoError when the database cannot be opened (the CLI prints it).
    """
    open_database(db, check=False)  # the quick check runs in a worker once the app is up
    if lang is None:
        lang = school.get_settings().get("ngon_ngu") or "vi"
    lang = set_language(lang)
    return (app_class or SisoApp)(db_target=db, lang=lang, today=today)

"""The siso Textual app: its state (database, school year, day) and its start.

``make_app(db=None, lang=None)`` is the one factory (CLI: ``siso``; tests: Pilot). It opens
the database (``--db``/``SISO_DB``/default file) and chooses the language (``--lang``, else
the school's ``ngon_ngu`` setting). Screens live in ``tui/screens/`` (one file each),
widgets in ``tui/widgets/``, the app's CSS in ``tui/app.tcss``.

``SisoApp`` is made of one class per responsibility, each in a module of its own:

* ``tui/app_sections.py`` (``Sections``): the modes — overview, search (F3), movements
  (F8), reports (Ctrl+R), dashboard (Ctrl+G) — and their rebuilding for another year.
* ``tui/app_screens.py`` (``OpenScreens``): the handlers of the navigation messages that
  screens post (``tui/navigation.py``), which are also the actions of the keys and the menu
  entries that open the same screens (``action_open_search`` is F3's action and the handler
  of ``OpenSearch``).
* ``tui/app_menu.py`` (``Menu``): F10's menu, Ctrl+P's command palette and
  ``check_action`` (what is offered without a year, to a role, under a modal).
* ``tui/app_changes.py`` (``Changes``): the handlers of the messages screens post when
  something changed (``tui/changes.py``): after a write (``DataChanged``) every open screen
  that has a ``reload()`` reloads; a new school, the demo, a restored database.
* ``tui/app_read_only.py`` (``ReadOnly``): the start-up check of the file and the red bar
  of a file open read-only.
* ``tui/app_errors.py`` (``Errors``): the one handler of failed workers and the last resort.

Here:

* State: ``app.year`` (the SchoolYear shown; ``app.year_id``), ``app.day`` (the day the
  counts are taken: ``db.clock.default_day``, today clamped to the year's first day and the
  end of its summer, as in the CLI), ``app.today`` (``db.clock.today()``). The year and the
  day are values the app holds, read when the year is chosen and after each write
  (``data_changed``), never a query per access: a screen reads them on the UI thread freely
  and passes them to its ``db_work`` workers.
* The selected student: ``RosterScreen.selected_student_id``,
  ``StudentScreen.selected_student_id`` and ``SearchScreen.selected_student_id``
  (``app.selected_student_id`` asks the active screen). A screen that records an event
  for "the student under the cursor" reads that and binds a key (e.g. on RosterScreen).
* The start (``on_mount``, then ``on_virtual_list_highlighted`` once the first list is
  filled): the background preload (``tui/preload.py``) and the day's backup.
* Keys take effect in typed order however fast they come (``tui.keys.InOrderKeys``): a key
  is delivered once the previous one has settled, including the database work a screen
  started for it; work that runs in the background goes in ``KEYS_DO_NOT_WAIT_FOR``.
* Database work that may take longer than a frame: decorate a screen method with
  ``tui.screens.base.db_work`` (a thread worker; the latest call wins).
* Forms mix in ``tui.screens.base.FormFields`` (``FormModal`` does): every refusal at once,
  the cursor on the first wrong field, messages cleared on change, Esc asks when filled in.
"""

from __future__ import annotations

import gc
from datetime import date
from functools import partial

from textual.app import App
from textual.binding import Binding

from db import clock, school
from db.connection import open_database
from db.models import SchoolYear
from tui.app_changes import Changes
from tui.app_errors import Errors
from tui.app_menu import Menu
from tui.app_read_only import ReadOnly
from tui.app_screens import OpenScreens
from tui.app_sections import Sections
from tui.i18n import N_, _, set_language, translate_bindings
from tui.keys import InOrderKeys
from tui.later import Later
from tui.modes import ShownAtOnce
from tui.preload import WholeList, preload
from tui.styling import styled

WelcomeScreen = Later("tui.screens.welcome", "WelcomeScreen")


class SisoApp(ShownAtOnce, InOrderKeys, ReadOnly, Changes, Sections, OpenScreens, Menu, Errors, App[int]):
    """The app: its state (the database, the school year, the day) and its start; what it
    does is cut by responsibility into the classes it is made of (see the module)."""

    CSS_PATH = "app.tcss"
    TITLE = "siso"
    ENABLE_COMMAND_PALETTE = True

    # every screen gets the class "-short" below 30 rows and "-narrow" below 80 columns
    # (the event form's DEFAULT_CSS: a compact form)
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]

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

    def _daily_backup(self) -> None:
        from db import backup_daily

        backup_daily.ensure_daily()
        if backup_daily.last_error:
            self.call_from_thread(self.notify, backup_daily.last_error, title=_("Chưa sao lưu được"),
                                  severity="warning", timeout=10)


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
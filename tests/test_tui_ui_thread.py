"""No database reads on the UI thread while the main screens open: a screen reads in a
``db_work`` worker (or gets plain values from whoever opens it), and ``app.year`` /
``app.day`` are values the app holds, not a query per access.

Every statement the database runs is recorded with the thread it ran on (the database's
``execute_sql`` wrapped); opening each screen from the overview must run none on the main
thread, except the allowances named in ``ALLOWED``.
"""

import threading
from datetime import date

import pytest
from conftest import demo_file

from db import clock
from db.connection import close_database, open_database
from db.demo import build_demo
from db import school
from db.models import Event, RiskCase, SchoolClass, Student, database

TODAY = date(2026, 11, 30)

# (name, keys typed on the overview, the screen expected)
SCREENS = [
    ("roster", ["enter"], "RosterScreen"),
    ("student", ["enter", "enter"], "StudentScreen"),
    ("event_chooser", ["enter", "f7"], "EventChooser"),
    ("event_form", ["enter", "f7", "b"], "EventForm"),
    ("void_chooser", ["enter", "enter", "v"], "ChoiceModal"),
    ("reports", ["ctrl+r"], "ReportsScreen"),
    ("dashboard", ["ctrl+g"], "DashboardScreen"),
    ("import_wizard", ["ctrl+o"], "ImportWizard"),
    ("year_end", ["ctrl+y"], "YearEndScreen"),
    ("movements", ["f8"], "MovementsScreen"),
    ("attendance", ["f12"], "AttendanceScreen"),
    ("years", ["f6"], "YearScreen"),
    ("rollover", ["ctrl+n"], "RolloverScreen"),
    ("search", ["f3"], "SearchScreen"),
    ("transfer_in_form", ["enter", "f7", "d"], "EventForm"),
    ("add_student", ["enter", "f2"], "StudentForm"),
    ("edit_student", ["enter", "f4"], "StudentForm"),
    ("add_class", ["ctrl+l"], "ClassForm"),
    ("settings", ["f9"], "SettingsScreen"),
]

# statements allowed on the UI thread while a screen opens, and why
ALLOWED = {
    # the report periods end with the year's summer, which the next year's first day
    # decides: read once when the section is built (db.reports.periods)
    "reports": 1,
    # the whole-school list (up to 60,000 rows) keeps only its keys; the rows on screen
    # are read a page at a time as they are drawn (roster.RosterIndex.row)
    "search": 1,
}


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    return demo_file(tmp_path_factory.mktemp("uithread"), 60, TODAY)


def record_ui_thread_queries(db) -> list[str]:
    """The SQL of every statement ``db`` runs on the main thread from now on."""
    seen: list[str] = []
    run = db.execute_sql

    def execute_sql(sql, params=None, *args, **kwargs):
        if threading.current_thread() is threading.main_thread():
            seen.append(sql)
        return run(sql, params, *args, **kwargs)

    db.execute_sql = execute_sql
    return seen


@pytest.mark.parametrize(("name", "keys", "screen"), SCREENS, ids=[s[0] for s in SCREENS])
async def test_opening_a_screen_reads_nothing_on_the_ui_thread(demo_path, name, keys, screen):
    from tui_wait import overview_ready, record_notes, settle, wait_for

    from tui.app import make_app

    app = make_app(db=demo_path, lang="vi", today=TODAY)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await overview_ready(pilot)
            await settle(pilot)
            notes = record_notes(app)
            seen = record_ui_thread_queries(database.obj)
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            await wait_for(pilot, lambda: type(app.screen).__name__ == screen)
            await settle(pilot)
            del database.obj.execute_sql  # the class's own again
            assert len(seen) <= ALLOWED.get(name, 0), seen
            # the screen's own reads ran (in its workers) and did not fail
            assert not [n for n in notes if n.severity == "error"], notes
    finally:
        close_database()


async def test_app_year_and_day_are_held_not_read_per_access(demo_path):
    """``app.year`` and ``app.day`` read nothing once the app is built; a write
    (``data_changed``) reads them again, once, and a renamed year is seen."""
    from tui.app import make_app

    app = make_app(db=demo_path, lang="vi", today=TODAY)
    try:
        async with app.run_test(size=(80, 24)):
            seen = record_ui_thread_queries(database.obj)
            for _ in range(5):
                assert app.year is not None and app.day is not None
            assert seen == []
            from db.models import SchoolYear

            old = app.year.name
            SchoolYear.update(name="2026-2027x").where(SchoolYear.id == app.year_id).execute()
            seen.clear()
            app.data_changed()
            reads = len(seen)
            assert app.year.name == "2026-2027x" and app.day is not None
            assert len(seen) == reads  # nothing more on access
            SchoolYear.update(name=old).where(SchoolYear.id == app.year_id).execute()
            del database.obj.execute_sql
    finally:
        close_database()


# What a form's keys read or write, once the form is open: (name, keys to the form, the
# screen, keys counted, what must hold after them). Saves run in ``db_work`` workers; the
# checks a form makes while typing need no database.
ACTIONS = [
    # Ctrl+S on a new class: the grade checked against the level the opener read
    ("add_class_save", ["ctrl+l"], "ClassForm",
     [*"7a9", "tab", "7", "ctrl+s"], lambda app: SchoolClass.get_or_none(SchoolClass.name == "7A9")),
    # typing in the student form: each field checked as the cursor leaves it
    ("student_form_typing", ["enter", "f2"], "StudentForm",
     [*"nguyen van lam", "tab", *"01/02/2013", "tab"], lambda app: True),
    # a new student saved: checked on the UI thread without the database, saved in a worker
    ("add_student_save", ["enter", "f2"], "StudentForm",
     [*"nguyen van lam", "tab", *"01/02/2013", "tab", "enter", "down", "enter", "ctrl+s"],
     lambda app: Student.get_or_none(Student.given == "Lam") is not None),
    # the school's details saved
    ("settings_save", ["f9"], "SettingsScreen", ["end", *" xyz", "ctrl+s"],
     lambda app: school.get_settings()["ten_truong"].endswith(" xyz")),
    # an event recorded: saved in a worker, then the notice «Đã ghi …» read in another
    ("event_saved_notice", ["enter", "enter", "f7", "k"], "EventForm",
     ["tab", *"chuyen nha", "ctrl+s"],
     lambda app: Event.get_or_none(Event.kind == "other_decrease") is not None),
    # the student screen: a case opened (O), a visit form (A), the case closed (C, Enter: the
    # first result), each written in a worker
    ("case_open_visit_close", ["enter", "enter"], "StudentScreen",
     ["o", "0", "1", "ctrl+s", "a", "escape", "c", "enter"],
     lambda app: RiskCase.get(RiskCase.student == app.screen.student_id).closed is not None),
    # the calendar's «Ghi đã gửi»: the recipient offered read by the opener
    ("submission_form", ["f10", "p"], "CalendarScreen", ["f2"], lambda app: True),
]


# Left on the UI thread, and why:
ACTION_ALLOWED = {
    # after the school's details are saved, the app's title is read again with the school's
    # name (SisoApp.refresh_title, one query per save; the app module is being cut apart)
    "settings_save": 1,
}
# (The student screen's «Vận động» (A) defaults come from what the screen read in its worker;
# the minutes (B) read the school's settings in the worker that writes the file.)


@pytest.mark.parametrize(("name", "opening", "screen", "keys", "check"), ACTIONS,
                         ids=[a[0] for a in ACTIONS])
async def test_a_forms_keys_read_nothing_on_the_ui_thread(tmp_path, name, opening, screen, keys,
                                                          check):
    from tui_wait import overview_ready, record_notes, settle, wait_for

    from tui.app import make_app

    path = tmp_path / "demo.sqlite3"  # (a copy per test: these write)
    with clock.fixed(TODAY):
        open_database(str(path))
        build_demo(students=30, seed=1, today=TODAY)
        close_database()
    app = make_app(db=str(path), lang="vi", today=TODAY)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await overview_ready(pilot)
            for key in opening:
                await pilot.press(key)
                await settle(pilot)
            await wait_for(pilot, lambda: type(app.screen).__name__ == screen)
            await settle(pilot)
            notes = record_notes(app)
            seen = record_ui_thread_queries(database.obj)
            # (after a write the app reads its year and day again, once: what
            # test_app_year_and_day_are_held_not_read_per_access pins; not counted here)
            rereads = []

            def not_counted(read):
                def reread(*args, **kwargs):
                    before = len(seen)
                    result = read(*args, **kwargs)
                    rereads.extend(seen[before:])
                    del seen[before:]
                    return result
                return reread

            app._read_year, app._hold_day = not_counted(app._read_year), not_counted(app._hold_day)
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            await settle(pilot)
            del database.obj.execute_sql
            assert len(seen) <= ACTION_ALLOWED.get(name, 0), seen
            assert not [n for n in notes if n.severity == "error"], notes
            assert check(app)
            if name == "event_saved_notice":
                assert [n for n in notes if n.title == "Đã ghi biến động"], notes
            if name == "submission_form":
                assert type(app.screen).__name__ == "SubmissionForm"
    finally:
        close_database()

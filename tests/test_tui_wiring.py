"""Pilot tests of the wiring: every section and movement form reachable by keyboard from the
real app (overview → roster → F7 chooser → event form; F8 movements and void; reports,
dashboard, import, year end, rollover, the F10 menu)."""

from datetime import date

import pytest
from textual.widgets import Input, OptionList, Select, Static

from db import kinds, movements
from db.models import Event, SchoolYear
from db.school import add_class
from db.students import add_student
from tui.app import make_app
from tui.navigation import RecordEvent
from tui.screens.confirm import ConfirmScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.event_chooser import ChoiceModal, EventChooser
from tui.screens.event_form import EventForm
from tui.screens.import_wizard import ImportWizard
from tui.screens.menu import MainMenu
from tui.screens.movements import MovementsScreen, VoidForm
from tui.screens.overview import OverviewScreen
from tui.screens.reports import ReportsScreen
from tui.screens.rollover import RolloverScreen
from tui.screens.roster import RosterScreen
from tui.screens.student import StudentScreen
from tui.screens.year_end import YearEndScreen
from tui.screens.years import YearScreen
from tui.widgets.vlist import VirtualList

from home_visits import THREE, visits
from tui_wait import record_notes, wait_for

TODAY = date(2024, 11, 20)


@pytest.fixture
def school(year):
    """6A1: Nguyễn Văn An, Trần Thị Dung, Phạm Văn Đức; 6A2: Hoàng Văn Bình."""
    a1 = add_class("6A1", 6, year, homeroom="Hà Thị Lan")
    a2 = add_class("6A2", 6, year)

    def add(name, dob, gender, klass, code):
        return add_student({"name": name, "dob": dob, "gender": gender, "code": code}, year, klass,
                           day=year.start)

    s = {
        "an": add("Nguyễn Văn An", "05/05/2013", "nam", a1, "HS1"),
        "dung": add("Trần Thị Dung", "02/02/2013", "nữ", a1, "HS2"),
        "duc": add("Phạm Văn Đức", "03/03/2013", "nam", a1, "HS3"),
        "binh": add("Hoàng Văn Bình", "06/06/2013", "nam", a2, "HS4"),
    }
    return year, (a1, a2), s


def app_for(year, lang="vi"):
    return make_app(db=year._meta.database.obj.database, lang=lang, today=TODAY)


async def open_roster_of_6a1(app, pilot):
    overview = app.screen
    await wait_for(pilot, lambda: overview.query_one(VirtualList).row_count > 0)
    await pilot.press("enter")  # the first line is 6A1
    await wait_for(pilot, lambda: isinstance(app.screen, RosterScreen))
    roster = app.screen
    await wait_for(pilot, lambda: roster.query_one(VirtualList).row_count == 3)
    return roster


def status_of(roster: RosterScreen, code: str) -> str:
    return next(row[-1] for row in roster.query_one(VirtualList).rows if row[1] == code)


async def test_dropout_from_the_roster_in_a_handful_of_keystrokes(school):
    year, (a1, a2), s = school
    visits(s["dung"], *THREE)  # the dropout rule: 3 home visits before the dropout
    app = app_for(year)
    notes = record_notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        roster = await open_roster_of_6a1(app, pilot)
        await pilot.press("down")  # An, then Dung (Vietnamese order by given name)
        assert roster.selected_student_id == s["dung"].id
        assert status_of(roster, "HS2") == "Đang học"

        keys = ["f7", "b",              # Ghi biến động → Bỏ học
                "tab", "enter", "0", "2", "enter",  # the reason: open, type its code, pick
                "ctrl+s"]               # record (the date is today)
        await pilot.press(*keys[:1])
        await wait_for(pilot, lambda: isinstance(app.screen, EventChooser))
        assert "Trần Thị Dung (HS2)" in str(app.screen.query_one("#choice-title", Static).render())
        await pilot.press(*keys[1:2])
        await wait_for(pilot, lambda: isinstance(app.screen, EventForm))
        form = app.screen
        assert form.kind == kinds.DROPOUT and form.student_id == s["dung"].id
        await pilot.press(*keys[2:7])
        assert form.query_one("#ly_do", Select).value == "02"
        await pilot.press(*keys[7:])
        await wait_for(pilot, lambda: app.screen is roster)
        await wait_for(pilot, lambda: status_of(roster, "HS2") == "Bỏ học")

    ev = Event.get((Event.student == s["dung"].id) & (Event.kind == kinds.DROPOUT))
    assert (ev.date, ev.reason, ev.voided_at) == (TODAY, "02", None)
    assert any("Đã ghi «Bỏ học» ngày 20/11/2024 cho Trần Thị Dung" in str(n.message)
               for n in notes)


async def test_event_form_error_is_visible_and_nothing_is_written(school):
    year, (a1, a2), s = school
    app = app_for(year)
    async with app.run_test(size=(80, 24)) as pilot:
        roster = await open_roster_of_6a1(app, pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, EventChooser))
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, EventForm))
        await pilot.press("ctrl+s")  # no reason chosen
        box = app.screen.query_one("#err-ly_do", Static)
        await wait_for(pilot, lambda: "lý do" in str(box.render()))
        assert box.display and box.region.height > 0  # shown beside the field, not hidden
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is roster)
    assert Event.select().where(Event.kind == kinds.DROPOUT).count() == 0


async def test_return_and_class_change_from_the_student_screen_then_void_there(school):
    year, (a1, a2), s = school
    movements.record_dropout(s["duc"], year, "04/11/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    app = app_for(year)
    async with app.run_test(size=(80, 24)) as pilot:
        roster = await open_roster_of_6a1(app, pilot)
        assert status_of(roster, "HS3") == "Bỏ học"
        await pilot.press("ctrl+end")  # Đức is last (End itself moves in the filter box)
        assert roster.selected_student_id == s["duc"].id
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StudentScreen))
        student = app.screen
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, EventChooser))
        await pilot.press("h")  # Đi học lại
        await wait_for(pilot, lambda: isinstance(app.screen, EventForm))
        await pilot.press("ctrl+s")  # today, into the old class
        await wait_for(pilot, lambda: app.screen is student)
        await wait_for(pilot, lambda: status_of(roster, "HS3") == "Đang học")

        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, EventChooser))
        await pilot.press("l")  # Chuyển lớp
        await wait_for(pilot, lambda: isinstance(app.screen, EventForm))
        form = app.screen
        form.query_one("#ngay", Input).value = "21/11/2024"  # tomorrow: asks first
        form.query_one("#lop", Select).value = a2.id
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen is student)
        change = Event.get((Event.student == s["duc"].id) & (Event.kind == kinds.CLASS_CHANGE))
        assert (change.from_klass_id, change.klass_id) == (a1.id, a2.id)

        await pilot.press("v")  # void: the latest event comes first
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceModal))
        assert app.screen.items[0][2] == change.id
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VoidForm))
        await pilot.press(*"nham lop", "enter")
        await wait_for(pilot, lambda: app.screen is student)
    assert Event.get_by_id(change.id).void_reason == "nham lop"


async def test_movements_section_voids_with_confirmation(school):
    year, (a1, a2), s = school
    movements.record_transfer_out(s["an"], year, "01/10/2024", school="THCS Kim Đồng", scope="01")
    drop = movements.record_dropout(s["dung"], year, "05/11/2024", "03", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    app = app_for(year)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, MovementsScreen))
        screen = app.screen
        assert app.current_mode == "movements"
        await wait_for(pilot, lambda: len(screen.rows) >= 2)
        assert screen.selected_event_id == drop.id  # the cursor starts on the latest event
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, VoidForm))
        await pilot.press("escape")  # changed my mind: nothing voided
        await wait_for(pilot, lambda: app.screen is screen)
        assert Event.get_by_id(drop.id).voided_at is None
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, VoidForm))
        await pilot.press(*"ghi nham", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen and any(r.voided for r in screen.rows))
        assert screen.selected_event_id == drop.id  # the cursor stays on it
        await pilot.press("escape")  # a section goes back to the overview
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
    assert Event.get_by_id(drop.id).void_reason == "ghi nham"


async def test_sections_and_wizards_open_from_their_keys(school, tmp_path):
    year, (a1, a2), s = school
    app = app_for(year)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        for key, kind, mode in (("ctrl+r", ReportsScreen, "reports"),
                                ("ctrl+g", DashboardScreen, "dashboard"),
                                ("f8", MovementsScreen, "movements")):
            await pilot.press(key)
            await wait_for(pilot, lambda kind=kind: isinstance(app.screen, kind))
            assert app.current_mode == mode
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        for key, kind in (("ctrl+o", ImportWizard), ("ctrl+y", YearEndScreen),
                          ("ctrl+n", RolloverScreen)):
            await pilot.press(key)
            await wait_for(pilot, lambda kind=kind: isinstance(app.screen, kind))
            await pilot.pause()
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))

        # the F10 menu: one letter per section
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, MainMenu))
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen))
        report = app.screen
        await wait_for(pilot, lambda: report.form is not None)
        assert report.form["bieu_mau"] == "si-so"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))

        # year end from a roster opens on that roster's class
        await pilot.press("down", "enter")  # 6A2
        await wait_for(pilot, lambda: isinstance(app.screen, RosterScreen))
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: isinstance(app.screen, YearEndScreen))
        assert app.screen.klass_id == a2.id


async def test_sections_do_not_open_from_under_a_form(school):
    year, (a1, a2), s = school
    app = app_for(year)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_roster_of_6a1(app, pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, EventChooser))
        await pilot.press("f8", "ctrl+r", "f10")
        await pilot.pause()
        assert isinstance(app.screen, EventChooser)
        assert app.current_mode == "overview"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, RosterScreen))


async def test_transfer_in_of_a_new_student_from_the_overview(school):
    year, (a1, a2), s = school
    app = app_for(year)
    async with app.run_test(size=(80, 30)) as pilot:
        overview = app.screen
        await wait_for(pilot, lambda: overview.query_one(VirtualList).row_count > 0)
        await pilot.press("down", "f7")  # on 6A2: the new student goes there
        await wait_for(pilot, lambda: isinstance(app.screen, EventForm))
        form = app.screen
        assert form.student_id is None and form.kind == kinds.TRANSFER_IN
        assert form.query_one("#lop", Select).value == a2.id
        await pilot.press(*"Lê Thị Mai", "tab", *"09/09/2013")
        form.query_one("#gioi_tinh", Select).value = "nu"
        form.query_one("#truong", Input).value = "THCS Lê Lợi"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is overview)
        await wait_for(pilot, lambda: any(r[0] == "6A2" and r[3] == "2"
                                          for r in overview.query_one(VirtualList).rows))
    ev = Event.get(Event.kind == kinds.TRANSFER_IN)
    assert (ev.student.full_name, ev.klass_id, ev.school) == ("Lê Thị Mai", a2.id, "THCS Lê Lợi")


async def test_another_year_rebuilds_the_sections(school):
    year, (a1, a2), s = school
    other = SchoolYear.create(name="2023-2024", start=date(2023, 9, 5), end=date(2024, 5, 31),
                              hk2_start=date(2024, 1, 15), ref_date=date(2023, 9, 30))
    app = app_for(year)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, MovementsScreen))
        assert app.screen.year_id == year.id
        await pilot.press("f6")  # another year, chosen as the user does
        await wait_for(pilot, lambda: isinstance(app.screen, YearScreen)
                       and app.screen.query_one("#years", OptionList).option_count == 2)
        years = app.screen.query_one("#years", OptionList)
        years.highlighted = years.get_option_index(str(other.id))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.year_id == other.id)
        await pilot.pause()
        assert app.current_mode == "overview"
        await pilot.press("f8")
        await wait_for(pilot, lambda: isinstance(app.screen, MovementsScreen))
        assert app.screen.year_id == other.id


async def test_chooser_and_menu_in_english(school):
    year, (a1, a2), s = school
    app = app_for(year, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_roster_of_6a1(app, pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, EventChooser))
        labels = [label for _k, label, _v, _h in app.screen.items]
        assert labels[:2] == ["Transferred out", "Dropout"]
        await pilot.press("escape", "f10")
        await wait_for(pilot, lambda: isinstance(app.screen, MainMenu))
        assert "Reports and forms" in [label for _k, label, _v, _h in app.screen.items]


async def test_command_palette_finds_sections_without_accents(school):
    year, (a1, a2), s = school
    app = app_for(year)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        await pilot.press(*"bao cao")
        await wait_for(pilot, lambda: app.screen.query_one(OptionList).option_count > 0)  # the commands found
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen))
        assert app.current_mode == "reports"


def test_menu_letters_match_the_ctrl_shortcuts():
    """F10's letter for an action with a Ctrl shortcut is that shortcut's letter (N is the
    rollover, as Ctrl+N), every letter is used once, and the shown key is the app's binding."""
    from tui.app import SisoApp
    from tui.screens.menu import COMMANDS

    ctrl = {b.action: b.key.split("+")[1] for b in SisoApp.BINDINGS + OverviewScreen.BINDINGS
            if b.key.startswith("ctrl+") and len(b.key) == 6}
    letters = {action: letter for letter, action, _label, _shown in COMMANDS}
    assert len(set(letters.values())) == len(COMMANDS)
    assert {action: letters[action] for action in ctrl if action in letters} == {
        action: key for action, key in ctrl.items() if action in letters}
    assert len(ctrl) >= 6  # Ctrl+R, G, O, Y, N, L …
    assert letters["open_rollover"] == "n" and letters["open_import"] == "o"
    for letter, _action, _label, shown in COMMANDS:
        if shown.startswith("Ctrl+"):
            assert shown == f"Ctrl+{letter.upper()}"


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_the_event_forms_fit_a_small_terminal(school, size):
    """F7's chooser and forms (the longest: a new student transferring in) stay inside the
    screen; the fields scroll, the buttons stay visible, and Tab reaches the last field."""
    from textual.containers import VerticalScroll
    from textual.widgets import Button

    year, (a1, a2), s = school
    app = app_for(year)
    width, height = size

    def inside(widget, box) -> bool:
        r = widget.region
        return r.width > 0 and r.height > 0 and box.contains_region(r)

    async with app.run_test(size=size) as pilot:
        await open_roster_of_6a1(app, pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, EventChooser))
        screen_box = app.screen.region
        assert screen_box.size == size
        assert inside(app.screen.query_one("#choices"), screen_box)
        await pilot.press("escape")
        for kind, student_id in (("transfer-out", s["an"].id), ("transfer-in", None)):
            app.post_message(RecordEvent(student_id, kind))
            await wait_for(pilot, lambda: isinstance(app.screen, EventForm))
            form = app.screen
            await pilot.pause()
            dialog = form.query_one("Vertical")
            assert inside(dialog, screen_box)
            for button in form.query(Button):
                assert inside(button, dialog.region), (kind, button.id)
            fields = form.query_one(VerticalScroll)
            assert inside(fields, dialog.region)
            last = form.query_one("#ghi_chu")
            for _ in range(40):  # every field of a new student, then the movement's
                if app.focused is last:
                    break
                await pilot.press("tab")
            assert app.focused is last
            await pilot.pause()
            assert inside(last, fields.region), kind
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, EventForm))

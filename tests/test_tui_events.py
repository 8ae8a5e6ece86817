"""Pilot tests of the event form, the movement register, the year-end and rollover screens,
pushed on a tiny App of the test's own."""

from datetime import date

import pytest
from textual import on
from textual.app import App
from textual.widgets import Input, Select

from db import clock, kinds, movements, yearend
from db.models import Event, SchoolYear
from db.roster import class_counts
from tui.changes import DataChanged
from db.school import add_class
from db.students import add_student
from tui.screens.confirm import ConfirmScreen
from tui.screens.event_form import EventForm
from tui.screens.movements import MovementsScreen, VoidForm
from tui.screens.rollover import RolloverScreen
from tui.screens.year_end import YearEndScreen

from home_visits import THREE, visits
from tui_wait import wait_for as _wait


class Host(App):
    def __init__(self):
        super().__init__()
        clock.set_today(date(2024, 11, 20))  # the forms' default date comes from db.clock
        self.results = []
        self.changed = 0

    @on(DataChanged)  # a screen tells the app it wrote (tui/changes.py)
    def data_changed(self):
        self.changed += 1


@pytest.fixture
def school(year):
    a = add_class("6A1", 6, year)
    b = add_class("6A2", 6, year)
    s1 = add_student({"name": "Nguyễn Văn An", "dob": "01/01/2013", "gender": "nam", "code": "HS1"}, year, a,
                     day=year.start)
    s2 = add_student({"name": "Trần Thị Bình", "dob": "02/02/2013", "gender": "nữ", "code": "HS2"}, year, a,
                     day=year.start)
    return year, a, b, s1, s2


async def test_dropout_in_a_handful_of_keystrokes(school):
    year, a, b, s1, s2 = school
    app = Host()
    visits(s1, *THREE)  # the dropout rule: 3 home visits before the dropout
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(EventForm(s1.id, "dropout", year.id), app.results.append)
        await pilot.pause()
        form = app.screen
        assert form.query_one("#ngay", Input).value == "20/11/2024"  # today, inside the year
        # date: select all and type over it
        # (a date before today: one after it needs a confirmation, see the next test)
        await pilot.press(*"13/11/2024")  # the date is selected on focus: typing replaces it
        await pilot.press("tab")  # to the reason Select
        await pilot.press("enter", "down", "down", "enter")  # open, pick the 2nd reason
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: app.results)
        await _wait(pilot, lambda: app.changed == 1)  # the form posted DataChanged
    ev = Event.get_by_id(app.results[0])
    assert (ev.kind, ev.date, ev.reason, ev.student_id) == (kinds.DROPOUT, date(2024, 11, 13), "02", s1.id)
    assert app.changed == 1


async def test_a_date_after_today_is_recorded_only_when_confirmed(school):
    from tui.screens.confirm import ConfirmScreen

    year, a, b, s1, s2 = school
    app = Host()  # today: 20/11/2024
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(EventForm(s1.id, "dropout", year.id), app.results.append)
        await pilot.pause()
        form = app.screen
        form.query_one("#ngay", Input).value = "03/12/2024"
        form.query_one("#ly_do", Select).value = "01"
        form.query_one("#khong_van_dong", Input).value = "gia đình đi làm ăn xa"  # no visits
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Ngày 03/12/2024 sau hôm nay (20/11/2024)" in app.screen.question
        await pilot.press("n")  # not confirmed: back to the form, the message beside the date
        await _wait(pilot, lambda: app.screen is form)
        await _wait(pilot, lambda: "sau hôm nay" in str(form.query_one("#err-ngay").render()))
        assert Event.select().where(Event.kind == kinds.DROPOUT).count() == 0
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("c")  # confirmed: recorded on that date
        await _wait(pilot, lambda: app.results)
    ev = Event.get_by_id(app.results[0])
    assert (ev.kind, ev.date, ev.student_id) == (kinds.DROPOUT, date(2024, 12, 3), s1.id)


async def test_refusal_shows_the_message_beside_the_field_and_writes_nothing(school):
    year, a, b, s1, s2 = school
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(EventForm(s1.id, "dropout", year.id), app.results.append)
        await pilot.pause()
        await pilot.press("ctrl+s")  # no reason picked
        form = app.screen
        await _wait(pilot, lambda: str(form.query_one("#err-ly_do").render()).strip())
        assert "lý do" in str(form.query_one("#err-ly_do").render())
        form.query_one("#ngay", Input).value = "01/08/2024"
        form.query_one("#ly_do", Select).value = "01"
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: "ngoài năm học" in str(form.query_one("#err-ngay").render()))
        assert app.screen is form
        await pilot.press("escape")  # the form was filled in: Esc asks before closing it
        await _wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("c")
        await pilot.pause()
    assert app.results == [None]
    assert Event.select().where(Event.kind == kinds.DROPOUT).count() == 0


async def test_transfer_in_of_a_new_student_from_the_form(school):
    year, a, b, s1, s2 = school
    app = Host()
    async with app.run_test(size=(100, 50)) as pilot:
        app.push_screen(EventForm(None, "transfer-in", year.id), app.results.append)
        await pilot.pause()
        form = app.screen
        form.query_one("#ho_ten", Input).value = "Lê Thị Hoa"
        form.query_one("#ngay_sinh", Input).value = "03/03/2013"
        form.query_one("#gioi_tinh", Select).value = "nu"
        form.query_one("#lop", Select).value = b.id
        form.query_one("#truong", Input).value = "THCS Lê Lợi"
        form.query_one("#pham_vi", Select).value = "02"
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: app.results)
    ev = Event.get_by_id(app.results[0])
    assert (ev.kind, ev.klass_id, ev.school, ev.scope, ev.date) == (
        kinds.TRANSFER_IN, b.id, "THCS Lê Lợi", "02", date(2024, 11, 20))
    assert ev.student.full_name == "Lê Thị Hoa"


async def test_movements_screen_lists_filters_and_voids(school):
    year, a, b, s1, s2 = school
    drop = movements.record_dropout(s1, year, "10/10/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    movements.record_class_change(s2, year, "11/10/2024", b)
    app = Host()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = MovementsScreen(year.id)
        app.push_screen(screen)
        await _wait(pilot, lambda: len(screen.rows) == 2)
        screen.query_one("#loai", Select).value = kinds.DROPOUT
        await _wait(pilot, lambda: [r.id for r in screen.rows] == [drop.id])
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, VoidForm)
        await pilot.press("ctrl+s")  # no reason: refused, nothing written
        await _wait(pilot, lambda: "lý do" in str(app.screen.query_one("#e-form").render()))
        assert Event.get_by_id(drop.id).voided_at is None
        await pilot.press(*"ghi nham", "enter")
        await _wait(pilot, lambda: app.screen is screen and screen.rows and screen.rows[0].voided)
    assert Event.get_by_id(drop.id).void_reason == "ghi nham"
    assert {c.name: c.now for c in class_counts(year, year.end)} == {"6A1": 1, "6A2": 1}


async def test_movements_home_and_end_go_to_the_first_and_last_event(school):
    """README: Home/End go to the first/last row (a DataTable's own Home/End scroll sideways)."""
    year, a, b, s1, s2 = school
    movements.record_dropout(s1, year, "10/10/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    movements.record_class_change(s2, year, "11/10/2024", b)
    movements.record_return(s1, year, "12/10/2024")
    app = Host()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = MovementsScreen(year.id)
        app.push_screen(screen)
        await _wait(pilot, lambda: len(screen.rows) == 3)
        table = screen.query_one("#events")
        await _wait(pilot, lambda: table.cursor_row == 2)  # opens on the latest event
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("end")
        assert table.cursor_row == 2


async def test_year_end_keys_mark_outcomes(school):
    year, a, b, s1, s2 = school
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = YearEndScreen(year.id, a.id)
        app.push_screen(screen)
        await _wait(pilot, lambda: len(screen.rows) == 2)
        assert [r.outcome for r in screen.rows] == [kinds.PROMOTED, kinds.PROMOTED]
        assert not any(r.explicit for r in screen.rows)
        await pilot.press("b")  # first student (An) held back; cursor moves on
        await _wait(pilot, lambda: screen.rows[0].explicit)
        await pilot.press("t")  # second student (Bình) pending
        await _wait(pilot, lambda: screen.rows[1].explicit)
        await pilot.press("up", "h")  # completed is refused for grade 6
        await _wait(pilot, lambda: "khối cuối cấp (khối 9" in str(screen.query_one("#err").render()))
    out = {o.code: o.outcome for o in yearend.outcomes_for_class(a)}
    assert out == {"HS1": kinds.HELD_BACK, "HS2": kinds.PENDING}


async def test_rollover_wizard_previews_edits_and_writes(school):
    year, a, b, s1, s2 = school
    yearend.set_outcome(s2, year, "held-back")
    app = Host()
    clock.set_today(date(2025, 6, 15))  # after the year's end: the rollover asks nothing first
    async with app.run_test(size=(140, 45)) as pilot:
        app.push_screen(RolloverScreen(year.id), app.results.append)
        await pilot.pause()
        screen = app.screen
        await _wait(pilot, lambda: screen.plan is not None)
        assert screen.plan.promoted == 1 and screen.plan.held_back == 1
        await pilot.press("enter")  # edit 6A1's mapping
        await pilot.pause()
        await pilot.press(*"7B", "enter", "enter")
        await _wait(pilot, lambda: screen.plan is not None and "7B" in screen.plan.classes)
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: app.results)
    new = SchoolYear.get(SchoolYear.name == "2025-2026")
    assert {c.name: c.now for c in class_counts(new, new.start)} == {"6A1": 1, "7B": 1}


async def test_a_tick_box_shows_its_state_by_its_glyph_not_only_its_colour():
    """On 16 colours (TERM=xterm, PuTTY) Textual's X in two greys looked alike: unticked is
    now blank, ticked an X."""
    from tui.widgets.tick import Tick

    class One(App):
        def compose(self):
            yield Tick("Chuyển đi học nghề", id="t")

    app = One()
    async with app.run_test(size=(40, 5)) as pilot:
        tick = app.query_one(Tick)
        assert tick.render().plain.startswith("▐ ▌")
        tick.focus()
        await pilot.press("space")
        assert tick.value is True
        assert tick.render().plain.startswith("▐X▌")


async def test_the_vocational_tick_of_a_transfer_out_is_a_tick_box(school):
    from tui.widgets.tick import Tick

    year, a, b, s1, s2 = school
    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        app.push_screen(EventForm(s1.id, "transfer-out", year.id), app.results.append)
        await pilot.pause()
        assert isinstance(app.screen.query_one("#hoc_nghe"), Tick)

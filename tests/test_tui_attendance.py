"""Pilot: the «Điểm danh» screen (F12 from a class roster), keys counted; the flag on the
overview («Cần chú ý») and on the roster («!» before the name)."""

from datetime import date

from db import attendance as att, attendance_flag
from db.models import Absence, AttendanceTaken, Student
from db.school import add_class
from db.students import add_student
from tui.app import make_app
from tui.screens.attendance import AttendanceScreen
from tui.screens.roster import RosterScreen
from tui.widgets.vlist import VirtualList
from tui_wait import overview_ready, wait_for

TODAY = date(2024, 11, 20)  # a Wednesday


# 45 given names in Vietnamese order: row n of the class is NAMES[n - 1]
NAMES = [c.upper() + v for c in "bcdghklmn" for v in "aeiou"]


def class_of_45(year):
    klass = add_class("6A1", 6, year, homeroom="Hà Thị Lan")
    for given in NAMES:
        add_student({"name": f"Học Sinh {given}", "dob": "05/09/2013", "gender": "nam"},
                    year, klass, day=year.start)
    return klass


async def test_three_absences_in_a_class_of_45_under_15_keys(year):
    klass = class_of_45(year)
    app = make_app(db=year._meta.database.database, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_ready(pilot)
        keys = ["enter", "f12",  # the roster of 6A1 (cursor on it), then «Điểm danh»
                "7", "k",  # row 7: unexcused, whole day
                "2", "3", "p",  # row 23: excused
                "4", "1", "n"]  # row 41: half a day (morning, unexcused)
        await pilot.press(*keys[:2])
        await wait_for(pilot, lambda: isinstance(app.screen, AttendanceScreen)
                       and app.screen.query_one(VirtualList).row_count == 45)
        await pilot.press(*keys[2:])
        await wait_for(pilot, lambda: Absence.select().count() == 3)
        assert len(keys) < 15
        rows = {Student.get_by_id(a.student_id).given: (a.excused, a.session, a.date)
                for a in Absence.select()}
        assert rows == {NAMES[6]: (False, None, TODAY), NAMES[22]: (True, None, TODAY),
                        NAMES[40]: (False, "sang", TODAY)}
        assert att.is_taken(klass.id, TODAY)
        # the row shows it; N again: the afternoon; X clears (voided, kept)
        screen = app.screen
        assert screen.query_one(VirtualList).rows[40][2] == "K sáng"
        await pilot.press("n")
        await wait_for(pilot, lambda: screen.query_one(VirtualList).rows[40][2] == "K chiều")
        await pilot.press("x")
        await wait_for(pilot, lambda: screen.query_one(VirtualList).rows[40][2] == "")
        assert Absence.select().count() == 3
        assert Absence.select().where(Absence.voided_at.is_null()).count() == 2
        # ← the school day before (Tuesday 19), Ctrl+S: taken with nobody absent
        await pilot.press("left")
        await wait_for(pilot, lambda: screen.day == date(2024, 11, 19))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: att.is_taken(klass.id, date(2024, 11, 19)))
        await pilot.press("left", "left")  # Monday 18, then Friday 15 (the weekend skipped)
        await wait_for(pilot, lambda: screen.day == date(2024, 11, 15))
        await pilot.press("right", "right", "right", "right")  # never after today
        await wait_for(pilot, lambda: screen.day == TODAY)
        assert AttendanceTaken.select().count() == 2
        # keys typed quickly are handled in order: row 3 is marked on this day, then → moves
        await pilot.press("left", "3", "k", "right")
        await wait_for(pilot, lambda: screen.day == TODAY)
        assert [a.date for a in Absence.select().where(
            Absence.student == Student.get(Student.given == NAMES[2]).id)] == [date(2024, 11, 19)]


async def test_flag_on_overview_and_roster(year):
    class_of_45(year)
    other = add_class("6A2", 6, year)
    st = Student.get(Student.given == NAMES[4])
    from db import clock

    with clock.fixed(TODAY):
        att.add_absences(st.code, date(2024, 11, 14), date(2024, 11, 19), excused=True)  # Thu–Tue
    app = make_app(db=year._meta.database.database, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_ready(pilot)
        vlist = app.screen.query_one(VirtualList)
        # the counts come first, the «Cần chú ý» column when it is computed
        await wait_for(pilot, lambda: vlist.rows[0][-1] != "")
        rows = vlist.rows
        assert rows[0][0] == "6A1" and rows[0][-1] == "1"  # Thu, Fri, Mon, Tue: 4 > 3
        assert rows[1][0] == "6A2" and rows[1][-1] == ""
        assert rows[-1][-1] == "1"  # the school
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RosterScreen)
                       and app.screen.query_one(VirtualList).row_count == 45)
        names = [r[2] for r in app.screen.query_one(VirtualList).rows]
        assert names[4] == f"! Học Sinh {NAMES[4]}" and names[5] == f"Học Sinh {NAMES[5]}"
    assert other.id


async def test_a_key_updates_its_row_and_flag_as_a_full_reread_would(year):
    """After each key only that student is read again: the row, its «!» and the screen's
    marks and flags stay what reading the whole class would give."""
    klass = class_of_45(year)
    app = make_app(db=year._meta.database.database, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await overview_ready(pilot)
        await pilot.press("enter", "f12")
        await wait_for(pilot, lambda: isinstance(app.screen, AttendanceScreen)
                       and app.screen.query_one(VirtualList).row_count == 45)
        screen = app.screen
        vlist = screen.query_one(VirtualList)

        def as_read_whole():
            return (screen.marks == att.day_marks(klass.id, screen.day)
                    and screen.flagged == attendance_flag.flagged_students(year, screen.day, [klass.id]))

        # row 5 absent Friday 15, Monday 18, Tuesday 19 and today (Wednesday 20): 4 > 3
        await pilot.press("left", "left", "left")
        await wait_for(pilot, lambda: screen.day == date(2024, 11, 15))
        for day in (15, 18, 19, 20):
            await wait_for(pilot, lambda day=day: screen.day == date(2024, 11, day))
            await pilot.press("5", "k")
            await wait_for(pilot, lambda: vlist.rows[4][2] == "K")
            assert as_read_whole()
            assert vlist.rows[4][3] == ("!" if day == 20 else "")
            if day != 20:
                await pilot.press("right")
        await pilot.press("x")  # cleared: no longer flagged
        await wait_for(pilot, lambda: vlist.rows[4][2] == "")
        assert vlist.rows[4][3] == "" and as_read_whole()
        await pilot.press("p")  # excused, whole day: the run counts again
        await wait_for(pilot, lambda: vlist.rows[4][2] == "P")
        assert vlist.rows[4][3] == "!" and as_read_whole()

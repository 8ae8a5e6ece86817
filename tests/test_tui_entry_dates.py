"""F2 "Nhập học" in the app: dated today by default, and a date that changes the
start-of-year count already taken is saved only once the user confirms it."""

from datetime import date

from textual.widgets import Input, Select

from db import kinds
from db.models import Event, Student
from db.roster import class_counts
from db.school import add_class
from db.students import add_student
from tui.app import make_app
from tui.navigation import AddStudent
from tui.screens.confirm import ConfirmScreen
from tui.screens.student_form import StudentForm
from tui_wait import wait_for

TODAY = date(2024, 11, 30)  # the reference date (30/09/2024) has passed


def entry_date(given):
    st = Student.get(Student.given == given)
    return Event.get((Event.student == st.id) & Event.kind.in_(kinds.ENTRIES)).date


async def _open_form(app, pilot, klass):
    from tui.screens.overview import OverviewScreen

    await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
    app.post_message(AddStudent(klass_id=klass.id))
    await wait_for(pilot, lambda: isinstance(app.screen, StudentForm))
    form = app.screen
    await wait_for(pilot, lambda: form.query("#f-ho_ten"))
    form.query_one("#f-ho_ten", Input).value = "Lê Thị Mai"
    form.query_one("#f-ngay_sinh", Input).value = "01/01/2013"
    form.query_one("#f-gioi_tinh", Select).value = "nu"
    return form


async def test_f2_dates_an_admission_today_and_the_start_of_year_count_stays(db, year):
    a = add_class("6A1", 6, year)
    add_student({"name": "Nguyễn Văn An", "dob": "01/01/2013", "gender": "nam"}, year, a,
                day=year.start)
    app = make_app(db=db.database, lang="vi", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(app, pilot, a)
        assert form.query_one("#f-ngay_vao", Input).value == "30/11/2024"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not form)
        assert not isinstance(app.screen, ConfirmScreen)
    assert entry_date("Mai") == TODAY
    (count,) = class_counts(year, TODAY)
    assert (count.start, count.now) == (1, 2)  # the start-of-year count as it was reported


async def test_f2_asks_before_a_date_that_changes_the_start_of_year_count(db, year):
    a = add_class("6A1", 6, year)
    app = make_app(db=db.database, lang="vi", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(app, pilot, a)
        form.query_one("#f-ngay_vao", Input).value = "05/09/2024"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = app.screen.question
        assert "30/09/2024" in question and "sĩ số đầu năm" in question
        await pilot.press("n")  # not now: nothing written, the warning beside the date
        await wait_for(pilot, lambda: app.screen is form)
        assert "sĩ số đầu năm" in form.errors.get("ngay_vao", "")
        assert Student.select().count() == 0
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen is not form and Student.select().count() == 1)
    assert entry_date("Mai") == date(2024, 9, 5)


async def test_f2_transfer_in_after_today_is_saved_once_confirmed(db, year):
    a = add_class("6A1", 6, year)
    app = make_app(db=db.database, lang="vi", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(app, pilot, a)
        form.query_one("#f-cach_vao", Select).value = kinds.TRANSFER_IN
        form.query_one("#f-truong", Input).value = "THCS Lê Lợi"
        form.query_one("#f-ngay_vao", Input).value = "02/12/2024"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "sau hôm nay (30/11/2024)" in app.screen.question
        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen is not form and Student.select().count() == 1)
    assert entry_date("Mai") == date(2024, 12, 2)

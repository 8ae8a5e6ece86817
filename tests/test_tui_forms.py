"""What every form does after a refusal and on Esc (Pilot): all messages at once, the cursor
on the first wrong field with its text selected (typing replaces it), a message cleared as
soon as its field changes; Esc closes an untouched form at once and asks before throwing
away what was typed. F3 comes back with the previous search selected."""

from datetime import date

import pytest

from db import clock
from textual.widgets import Input, Select, Static

from db.models import Event, SchoolClass, SchoolYear, Student
from db.school import add_class
from db.students import add_student
from tui.app import make_app
from tui.navigation import AddStudent
from tui.screens.class_form import ClassForm
from tui.screens.confirm import ConfirmScreen
from tui.screens.event_form import EventForm
from tui.screens.overview import OverviewScreen
from tui.screens.search import SearchScreen
from tui.screens.student_form import StudentForm
from tui.screens.welcome import WelcomeScreen
from tui.widgets.vlist import VirtualList
from tui_wait import wait_for

TODAY = date(2024, 11, 20)


@pytest.fixture
def school(year):
    a1 = add_class("6A1", 6, year)
    # admitted on the year's first day (an admission with no date is dated today)
    add_student({"name": "Nguyễn Văn An", "dob": "05/05/2013", "gender": "nam"}, year, a1, day=year.start)
    add_student({"name": "Trần Thị Bình", "dob": "06/06/2013", "gender": "nữ"}, year, a1, day=year.start)
    return year, a1


def message(screen, selector: str) -> str:
    label = screen.query_one(selector, Static)
    return str(label.render()).strip() if label.has_class("shown") else ""


def selected(field: Input) -> str:
    start, end = sorted(field.selection)
    return field.value[start:end]


async def test_welcome_shows_every_error_and_the_cursor_goes_to_the_first(db):
    app = make_app(db=db.database, lang="vi", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        screen = app.screen
        screen.query_one("#w-ten_truong", Input).value = "THCS Kim Đồng"
        screen.query_one("#w-nam_hoc", Input).value = "2024-2026"
        screen.query_one("#w-ngay_bat_dau", Input).value = "31/02/2024"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: message(screen, "#e-nam_hoc"))
        # both at once (before: one per save), and nothing written
        assert "2024-2025" in message(screen, "#e-nam_hoc")
        assert "31/02/2024" in message(screen, "#e-ngay_bat_dau")
        assert SchoolYear.select().count() == 0
        # the cursor on the first wrong field, its text selected: typing replaces it
        year_name = screen.query_one("#w-nam_hoc", Input)
        await wait_for(pilot, lambda: app.focused is year_name)
        assert selected(year_name) == "2024-2026"
        await pilot.press(*"2024-2025")
        assert year_name.value == "2024-2025"
        # its message went when it changed; the other one stays until its field changes
        assert message(screen, "#e-nam_hoc") == ""
        assert message(screen, "#e-ngay_bat_dau")
        await pilot.press("tab")  # to the start date: selected, so the new one replaces it
        start = screen.query_one("#w-ngay_bat_dau", Input)
        await wait_for(pilot, lambda: app.focused is start)
        await pilot.press(*"05/09/2024")
        assert start.value == "05/09/2024" and message(screen, "#e-ngay_bat_dau") == ""
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
    assert SchoolYear.get().name == "2024-2025"


async def test_welcome_refused_while_saving_puts_the_cursor_back_on_the_field(db):
    """Refused by the service (the form was hidden while it saved): the next keys go to the
    field at fault, not to a button where they were lost."""
    app = make_app(db=db.database, lang="vi", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        screen = app.screen
        screen.query_one("#w-ten_truong", Input).value = "THCS Kim Đồng"
        start = screen.query_one("#w-ngay_bat_dau", Input)
        start.value = "05/09/2023"  # a real date, but not in 2024-2025
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: message(screen, "#e-ngay_bat_dau"))
        await wait_for(pilot, lambda: app.focused is start)
        assert selected(start) == "05/09/2023"
        await pilot.press(*"05/09/2024", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
    assert SchoolYear.get().start == date(2024, 9, 5)


async def test_a_corrected_date_replaces_the_wrong_one(school):
    """The database refuses the date (outside the year): the cursor goes back to it with
    the date selected, so the corrected one is not appended to it."""
    from home_visits import THREE, visits

    year, a1 = school
    st = Student.get(Student.given == "An")
    clock.set_today(TODAY)
    visits(st, *THREE)  # the dropout rule's three home visits, before the dropout
    app = make_app(db=year._meta.database.obj.database, lang="vi", today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        app.push_screen(EventForm(st.id, "dropout", year.id))
        await wait_for(pilot, lambda: isinstance(app.screen, EventForm) and app.screen.query("#ngay"))
        form = app.screen
        day = form.query_one("#ngay", Input)
        form.query_one("#ly_do", Select).value = "01"
        day.value = "15/11/2026"
        form.query_one("#so_van_ban", Input).focus()
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: message(form, "#err-ngay"))
        await wait_for(pilot, lambda: app.focused is day)
        assert selected(day) == "15/11/2026"
        await pilot.press(*"15/11/2024")
        assert day.value == "15/11/2024"  # (before: 15/11/202615/11/2024)
        assert message(form, "#err-ngay") == ""
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, EventForm))
    assert Event.get(Event.kind == "dropout").date == date(2024, 11, 15)


async def test_transfer_in_form_reports_every_missing_field_at_once(school):
    year, a1 = school
    app = make_app(db=year._meta.database.obj.database, lang="vi", today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        app.push_screen(EventForm(None, "transfer_in", year.id))
        await wait_for(pilot, lambda: isinstance(app.screen, EventForm) and app.screen.query("#ngay"))
        form = app.screen
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: message(form, "#err-ho_ten"))
        for field in ("ho_ten", "ngay_sinh", "gioi_tinh", "lop", "truong"):
            assert message(form, f"#err-{field}"), field
        await wait_for(pilot, lambda: app.focused is form.query_one("#ho_ten"))
        await pilot.press(*"Lê Văn Tám")
        assert message(form, "#err-ho_ten") == "" and message(form, "#err-truong")
    assert Event.select().where(Event.kind == "transfer_in").count() == 0


async def test_student_form_reports_every_field_and_the_class_at_once(school):
    year, a1 = school
    app = make_app(db=year._meta.database.obj.database, lang="vi", today=TODAY)
    async with app.run_test(size=(80, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        app.post_message(AddStudent())
        await wait_for(pilot, lambda: isinstance(app.screen, StudentForm) and app.screen.query("#f-ngay_vao"))
        form = app.screen
        form.query_one("#f-dien_thoai", Input).value = "12345"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form.errors)
        assert set(form.errors) >= {"ho_ten", "ngay_sinh", "gioi_tinh", "dien_thoai", "lop"}
        await wait_for(pilot, lambda: app.focused is form.query_one("#f-ho_ten"))
        form.query_one("#f-dien_thoai", Input).value = "0912345678"
        await pilot.pause()
        assert "dien_thoai" not in form.errors and "ho_ten" in form.errors
    assert Student.select().count() == 2


async def test_class_form_reports_name_and_grade_at_once(school):
    year, a1 = school
    app = make_app(db=year._meta.database.obj.database, lang="vi", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, ClassForm))
        form = app.screen
        form.query_one("#c-lop", Input).value = "6A1!"
        form.query_one("#c-khoi", Input).value = "13"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: message(form, "#e-c-lop"))
        assert "6A1!" in message(form, "#e-c-lop") and "13" in message(form, "#e-c-khoi")
        name = form.query_one("#c-lop", Input)
        await wait_for(pilot, lambda: app.focused is name)
        assert selected(name) == "6A1!"
    assert SchoolClass.select().count() == 1


async def test_esc_closes_an_untouched_form_and_asks_before_discarding_a_filled_one(school):
    year, a1 = school
    app = make_app(db=year._meta.database.obj.database, lang="vi", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await wait_for(pilot, lambda: app.screen.query_one(VirtualList).row_count > 0)
        await pilot.press("ctrl+l", "escape")  # nothing typed: closes at once
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("ctrl+l", *"7A1", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # keep typing: the form and what was typed are still there
        await wait_for(pilot, lambda: isinstance(app.screen, ClassForm))
        assert app.screen.query_one("#c-lop", Input).value == "7A1"
        await pilot.press("escape", "c")  # discard
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
    assert SchoolClass.select().count() == 1


async def test_f3_comes_back_with_the_previous_search_selected(school):
    year, a1 = school
    app = make_app(db=year._meta.database.obj.database, lang="vi", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        search = app.screen.query_one("#search", Input)
        await pilot.press(*"binh")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        await wait_for(pilot, lambda: app.focused is search)
        assert selected(search) == "binh"
        await pilot.press(*"an")
        assert search.value == "an"  # a new search, not "binhan"


async def test_student_form_warns_of_a_duplicate_and_adds_only_when_confirmed(school):
    year, a1 = school
    app = make_app(db=year._meta.database.obj.database, lang="vi", today=TODAY)
    async with app.run_test(size=(80, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        app.post_message(AddStudent(klass_id=a1.id))
        await wait_for(pilot, lambda: isinstance(app.screen, StudentForm) and app.screen.query("#f-ngay_vao"))
        form = app.screen
        # the import's rule: the same name (without tones or case) and date of birth
        form.query_one("#f-ho_ten", Input).value = "nguyen van an"
        form.query_one("#f-ngay_sinh", Input).value = "05/05/2013"
        form.query_one("#f-gioi_tinh", Select).value = "nam"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Có thể trùng học sinh đã có Nguyễn Văn An" in app.screen.question
        await pilot.press("n")  # not confirmed: nothing written, the warning beside the name
        await wait_for(pilot, lambda: isinstance(app.screen, StudentForm) and "ho_ten" in form.errors)
        assert "cùng họ tên và ngày sinh" in form.errors["ho_ten"]
        assert Student.select().count() == 2
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")  # confirmed: another student of the same name
        await wait_for(pilot, lambda: Student.select().count() == 3)
    assert Student.select().where(Student.given == "An").count() == 2

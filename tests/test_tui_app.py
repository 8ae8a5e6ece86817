"""Pilot tests of the app: welcome, overview, roster, student, form, search, language."""

from datetime import date

import pytest
from textual.widgets import Input, Select, Static

from db import movements
from db.models import SchoolYear, Setting, Student
from db.school import add_class
from db.villages import add_village
from db.students import add_student
from tui import i18n
from tui.app import make_app
from tui.navigation import AddStudent, OpenRoster, OpenStudent
from tui.screens.overview import OverviewScreen
from tui.screens.roster import RosterScreen
from tui.screens.search import SearchScreen
from tui.screens.student import StudentScreen
from tui.screens.student_form import StudentForm
from tui.screens.welcome import WelcomeScreen
from tui.widgets.vlist import VirtualList
from tui_wait import wait_for

TODAY = date(2024, 11, 20)


@pytest.fixture
def school(year):
    """6A1: four students (one Thái girl, one who transferred out on 01/11/2024);
    6A2: one student; 7A1: one girl. Ref date 30/09/2024."""
    a1 = add_class("6A1", 6, year, homeroom="Hà Thị Lan")
    a2 = add_class("6A2", 6, year)
    b1 = add_class("7A1", 7, year)

    def add(name, dob, gender, klass, ethnic="Kinh", code=None):
        return add_student({"name": name, "dob": dob, "gender": gender, "ethnic": ethnic,
                            "code": code}, year, klass, day=year.start)

    s = {
        "duc": add("Phạm Văn Đức", "03/03/2013", "nam", a1, code="HS4"),
        "dung": add("Trần Thị Dung", "02/02/2013", "nữ", a1, ethnic="Thái", code="HS3"),
        "an2": add("Lê Văn Ân", "01/01/2013", "nam", a1, code="HS2"),
        "an": add("Nguyễn Văn An", "05/05/2013", "nam", a1, code="HS1"),
        "binh": add("Hoàng Văn Bình", "06/06/2013", "nam", a2, code="HS5"),
        "cuc": add("Nguyễn Thị Cúc", "07/07/2012", "nữ", b1, code="HS6"),
    }
    movements.record_transfer_out(s["an2"], year, "01/11/2024", school="THCS Kim Đồng",
                                  scope="01")
    return year, (a1, a2, b1), s


def app_for(db, lang="vi"):
    return make_app(db=db.database, lang=lang, today=TODAY)


def names(vlist: VirtualList, col: int) -> list[str]:
    return [row[col] for row in vlist.rows]


async def test_welcome_creates_school_and_year(db):
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        name = app.screen.query_one("#w-ten_truong", Input)
        name.value = "Trường THCS Tơ Tung"
        app.screen.query_one("#w-nam_hoc", Input).value = "2024-2025"
        app.screen.query_one("#w-ngay_bat_dau", Input).value = "05/09/2024"
        app.screen.query_one("#w-ngay_ket_thuc", Input).value = "31/05/2025"
        app.screen.query_one("#w-ngay_chot_si_so", Input).value = "30/09/2024"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
    year = SchoolYear.get()
    assert (year.name, year.start, year.end, year.ref_date) == (
        "2024-2025", date(2024, 9, 5), date(2025, 5, 31), date(2024, 9, 30))
    assert Setting.get_by_id("ten_truong").value == "Trường THCS Tơ Tung"
    assert Setting.get_by_id("cap_hoc").value == "THCS"
    assert app.year_id == year.id


async def test_welcome_refuses_bad_year_and_writes_nothing(db):
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#w-ten_truong", Input).value = "Trường THCS Tơ Tung"
        app.screen.query_one("#w-ngay_ket_thuc", Input).value = "31/13/2025"
        await pilot.press("ctrl+s")
        error = app.screen.query_one("#e-ngay_ket_thuc", Static)
        await wait_for(pilot, lambda: error.has_class("shown"))
        assert "31/13/2025" in str(error.content)
        assert isinstance(app.screen, WelcomeScreen)
    assert SchoolYear.select().count() == 0
    assert Setting.select().count() == 0


async def test_overview_shows_classes_and_counts(school):
    year, (a1, a2, b1), s = school
    app = app_for(year._meta.database.obj)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        vlist = app.screen.query_one(VirtualList)
        await wait_for(pilot, lambda: vlist.row_count > 0)
        # class, GVCN, start of year, now, female, minority, change, «cần chú ý» (no
        # attendance taken: none) — counted by hand:
        # 6A1 had 4 on 30/09, Ân left on 01/11 → 3 now, Dung is female and Thái.
        assert vlist.rows == [
            ("6A1", "Hà Thị Lan", "4", "3", "1", "1", "-1", ""),
            ("6A2", "", "1", "1", "0", "0", "0", ""),
            ("Khối 6", "2 lớp", "5", "4", "1", "1", "-1", ""),
            ("7A1", "", "1", "1", "1", "0", "0", ""),
            ("Khối 7", "1 lớp", "1", "1", "1", "0", "0", ""),
            ("Toàn trường", "3 lớp", "6", "5", "2", "1", "-1", ""),
        ]


async def test_roster_in_vietnamese_order_filter_and_student(school):
    year, (a1, a2, b1), s = school
    app = app_for(year._meta.database.obj)
    async with app.run_test(size=(80, 24)) as pilot:
        overview = app.screen
        await wait_for(pilot, lambda: overview.query_one(VirtualList).row_count > 0)
        await pilot.press("enter")  # the cursor is on 6A1
        await wait_for(pilot, lambda: isinstance(app.screen, RosterScreen))
        roster = app.screen
        vlist = roster.query_one(VirtualList)
        await wait_for(pilot, lambda: vlist.row_count == 4)
        # given name first; An < Ân (a before â) < Dung < Đức (d before đ)
        assert names(vlist, 2) == ["Nguyễn Văn An", "Lê Văn Ân", "Trần Thị Dung", "Phạm Văn Đức"]
        assert vlist.rows[1][-1] == "Đã chuyển đi"
        assert roster.selected_student_id == s["an"].id
        await pilot.press(*"duc")  # typing filters, accents not needed
        assert names(vlist, 2) == ["Phạm Văn Đức"]
        assert roster.selected_student_id == s["duc"].id
        await pilot.press("backspace", "backspace", "backspace")
        assert vlist.row_count == 4
        assert roster.selected_student_id == s["duc"].id  # the cursor stays on its student
        await pilot.press("up", "up", "enter")  # Lê Văn Ân
        await wait_for(pilot, lambda: isinstance(app.screen, StudentScreen))
        student = app.screen
        assert student.selected_student_id == s["an2"].id
        timeline = student.query_one("#timeline", Static)
        await wait_for(pilot, lambda: "Chuyển đi" in str(timeline.content))
        text = str(timeline.content)
        assert "05/09/2024  Nhập học  lớp 6A1" in text
        assert "01/11/2024  Chuyển đi" in text and "THCS Kim Đồng" in text
        await pilot.press("escape")
        assert app.screen is roster


async def test_student_screen_marks_voided_events(school):
    year, (a1, a2, b1), s = school
    ev = movements.record_dropout(s["dung"], year, "15/11/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    movements.void_event(ev.id, "ghi nhầm học sinh")
    app = app_for(year._meta.database.obj)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(OpenStudent(s["dung"].id))
        await wait_for(pilot, lambda: isinstance(app.screen, StudentScreen))
        timeline = app.screen.query_one("#timeline", Static)
        await wait_for(pilot, lambda: "Bỏ học" in str(timeline.content))
        lines = str(timeline.content).splitlines()
        assert lines[0].startswith("05/09/2024  Nhập học")
        assert lines[1].startswith("15/11/2024  Bỏ học") and "ĐÃ HỦY" in lines[1]
        assert "ghi nhầm học sinh" in lines[1]


async def test_add_student_bad_date_shows_field_message_and_writes_nothing(school):
    year, (a1, a2, b1), s = school
    before = Student.select().count()
    app = app_for(year._meta.database.obj)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(OpenRoster(klass_id=a2.id))
        await wait_for(pilot, lambda: isinstance(app.screen, RosterScreen))
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, StudentForm))
        form = app.screen
        assert form.query_one("#f-lop", Select).value == a2.id
        await pilot.press(*"Lê Thị Mai")
        await pilot.press("tab", *"31/02/2013")
        form.query_one("#f-gioi_tinh", Select).value = "nu"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert set(form.errors) == {"ngay_sinh"}
        assert "31/02/2013" in form.errors["ngay_sinh"] and "Ngày sinh" in form.errors["ngay_sinh"]
        assert app.screen is form
        # fix the date: saved, the form closes and the roster reloads
        form.query_one("#f-ngay_sinh", Input).value = "28/02/2013"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not form)
        await pilot.pause()
    assert Student.select().count() == before + 1
    st = Student.get(Student.given == "Mai")
    assert (st.full_name, st.dob, st.female) == ("Lê Thị Mai", date(2013, 2, 28), True)


async def test_add_student_before_any_write_checks_unique_code(school):
    year, (a1, a2, b1), s = school
    before = Student.select().count()
    app = app_for(year._meta.database.obj)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(AddStudent(klass_id=a1.id))
        await wait_for(pilot, lambda: isinstance(app.screen, StudentForm))
        form = app.screen
        form.query_one("#f-ho_ten", Input).value = "Lê Thị Mai"
        form.query_one("#f-ngay_sinh", Input).value = "01/01/2013"
        form.query_one("#f-gioi_tinh", Select).value = "nu"
        form.query_one("#f-ma", Input).value = "HS1"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "ma" in form.errors)
        assert form.errors["ma"] == "Mã học sinh HS1 đã có."
    assert Student.select().count() == before


async def test_search_finds_accented_names_from_plain_letters(school):
    year, (a1, a2, b1), s = school
    app = app_for(year._meta.database.obj)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        search = app.screen
        vlist = search.query_one(VirtualList)
        await wait_for(pilot, lambda: vlist.row_count == 6)
        await pilot.press(*"nguyen")
        await wait_for(pilot, lambda: search.result_query == "nguyen")
        assert names(vlist, 2) == ["Nguyễn Văn An", "Nguyễn Thị Cúc"]
        assert [row[4] for row in vlist.rows] == ["6A1", "7A1"]
        await pilot.press("space", *"thi")
        await wait_for(pilot, lambda: search.result_query == "nguyen thi")
        assert names(vlist, 2) == ["Nguyễn Thị Cúc"]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StudentScreen))
        assert app.selected_student_id == s["cuc"].id


async def test_search_shows_the_list_read_after_start_in_its_first_frame(school, monkeypatch):
    """F3 once the background read of the whole-school list has finished: the search screen
    shows it as it opens, without a worker of its own (one thread and one frame less)."""
    year, (a1, a2, b1), s = school
    started = []
    load = SearchScreen.load
    monkeypatch.setattr(SearchScreen, "load", lambda self, *a: (started.append(a), load(self, *a)))
    app = app_for(year._meta.database.obj)
    async with app.run_test(size=(80, 24)) as pilot:
        vlist = app.screen.query_one(VirtualList)
        await wait_for(pilot, lambda: vlist.row_count > 0)
        await wait_for(pilot, lambda: app.whole_list.ready)
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        search = app.screen
        assert search.query_one("#results", VirtualList).row_count == 6  # at once, no wait
        assert str(search.query_one("#search-info", Static).render()).startswith("6 học sinh")
        assert started == []
        assert not app.whole_list.held  # taken


async def test_english_labels(school):
    year, (a1, a2, b1), s = school
    app = app_for(year._meta.database.obj, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        vlist = app.screen.query_one(VirtualList)
        await wait_for(pilot, lambda: vlist.row_count > 0)
        assert [c.label for c in vlist.columns][:4] == ["Class", "Homeroom", "Start", "Now"]
        assert vlist.rows[2][0] == "Grade 6"
        descriptions = {b.binding.action: b.binding.description
                        for b in app.screen.active_bindings.values()}
        assert descriptions["open_search"] == "Search"
        assert descriptions["add_student"] == "Add student"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RosterScreen))
        roster_list = app.screen.query_one(VirtualList)
        await wait_for(pilot, lambda: roster_list.row_count == 4)
        assert roster_list.rows[1][-1] == "Transferred out"
        assert roster_list.columns[2].label == "Full name"


async def test_language_from_the_school_setting(school):
    year, _classes, _s = school
    Setting.create(key="ngon_ngu", value="en")
    app = make_app(db=year._meta.database.obj.database, today=TODAY)
    assert app.lang == "en"
    assert i18n._("Lớp") == "Class"


async def test_help_lists_the_keys_of_the_screen(school):
    year, _classes, _s = school
    app = app_for(year._meta.database.obj)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        from tui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        keys = dict((d, k) for k, d in app.screen.keys)
        assert keys["Thêm HS"] == "f2" and keys["Tìm HS"] == "f3"
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)


async def test_switch_year(school):
    from db.school import add_year

    year, _classes, _s = school
    older = add_year("2023-2024", "05/09/2023", "31/05/2024")
    app = app_for(year._meta.database.obj)
    async with app.run_test(size=(80, 24)) as pilot:
        vlist = app.screen.query_one(VirtualList)
        await wait_for(pilot, lambda: vlist.row_count == 6)
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("down", "enter")  # the list is newest first
        await wait_for(pilot, lambda: app.year_id == older.id)
        await wait_for(pilot, lambda: vlist.row_count == 0)
        assert "2023-2024" in app.sub_title


async def test_edit_student_from_the_student_screen(school):
    year, _classes, s = school
    app = app_for(year._meta.database.obj)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(OpenStudent(s["binh"].id))
        await wait_for(pilot, lambda: isinstance(app.screen, StudentScreen))
        student = app.screen
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, StudentForm))
        form = app.screen
        assert form.query_one("#f-ho_ten", Input).value == "Hoàng Văn Bình"
        assert form.query_one("#f-ngay_sinh", Input).value == "06/06/2013"
        add_village("Làng Kon Mahar")  # a student is put in a village the school has
        form.query_one("#f-thon", Input).value = "Làng Kon Mahar"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is student)
        await wait_for(pilot, lambda: student.student is not None
                       and student.student.village == "Làng Kon Mahar")
    assert Student.get_by_id(s["binh"].id).village == "Làng Kon Mahar"


async def test_settings_saves_and_names_the_field_at_fault(school):
    year, _classes, _s = school
    app = app_for(year._meta.database.obj)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#s-cap_hoc", Input).value = "ABC"
        screen.query_one("#s-ten_truong", Input).value = "Trường THCS Kim Đồng"
        await pilot.press("ctrl+s")
        error = screen.query_one("#e-cap_hoc", Static)
        await wait_for(pilot, lambda: error.has_class("shown"))
        assert "ABC" in str(error.content)
        assert Setting.get_or_none(Setting.key == "ten_truong") is None  # nothing written
        screen.query_one("#s-cap_hoc", Input).value = "THCS"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not screen)
        assert app.title == "Trường THCS Kim Đồng"
    assert Setting.get_by_id("ten_truong").value == "Trường THCS Kim Đồng"


async def test_welcome_f8_opens_the_demo_in_its_own_file(tmp_path, monkeypatch):
    """F8 on the welcome screen builds the demo in demo.sqlite3 (the data folder), never in
    the --db file; the app then works on the demo, and the school's file stays empty."""
    import db.connection
    from db.connection import close_database, open_database
    from db.models import database

    monkeypatch.setattr(db.connection, "default_db_path", lambda: tmp_path / "data" / "siso.sqlite3")
    real = tmp_path / "truong.sqlite3"
    app = make_app(db=str(real), today=TODAY)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, WelcomeScreen)
            await pilot.press("f8")
            await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen), timeout=30)
            demo = tmp_path / "data" / "demo.sqlite3"
            assert app.db_target == str(demo)
            assert database.obj.database == str(demo)
            assert app.year is not None and app.year.name == "2024-2025"
    finally:
        close_database()
    open_database(str(demo))
    assert Student.select().count() == 600 and SchoolYear.select().count() == 1
    close_database()
    open_database(str(real))
    assert Student.select().count() == 0 and SchoolYear.select().count() == 0
    close_database()
    # a later start on the school's file still asks for the school
    app = make_app(db=str(real), today=TODAY)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, WelcomeScreen)
    finally:
        close_database()


async def test_welcome_f8_refuses_a_demo_file_holding_a_real_school(tmp_path, monkeypatch):
    import db.connection
    from db.connection import close_database, open_database
    from db.models import database
    from db.school import add_year

    monkeypatch.setattr(db.connection, "default_db_path", lambda: tmp_path / "siso.sqlite3")
    open_database(str(tmp_path / "demo.sqlite3"))
    add_year("2024-2025", "05/09/2024", "31/05/2025")
    close_database()
    real = tmp_path / "truong.sqlite3"
    app = make_app(db=str(real), today=TODAY)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("f8")
            error = app.screen.query_one("#e-form", Static)
            await wait_for(pilot, lambda: error.has_class("shown"))
            assert "không phải trường mẫu" in str(error.content)
            assert isinstance(app.screen, WelcomeScreen)
            assert database.obj.database == str(real)  # still on the school's file
            assert SchoolYear.select().count() == 0
    finally:
        close_database()

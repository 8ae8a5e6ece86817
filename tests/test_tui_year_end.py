"""The year-end screen (Ctrl+Y) at a clerk's speed, and the rollover screen's dates and its
warning ahead of the year's end."""

from datetime import date

import pytest
from textual.app import App
from textual.widgets import DataTable, Input, Select, Static

from db import clock, kinds, yearend
from db.models import Event, SchoolYear
from db.roster import class_counts
from db.school import add_class
from db.students import add_student
from tui.screens.confirm import ConfirmScreen
from tui.screens.rollover import RolloverScreen
from tui.screens.year_end import YearEndScreen
from tui_wait import wait_for as _wait


class Host(App):
    def __init__(self):
        super().__init__()
        self.results = []


@pytest.fixture
def today():
    yield clock.set_today
    clock.set_today(None)


def _add(name, code, year, klass, dob="01/01/2013"):
    return add_student({"name": name, "dob": dob, "gender": "nam", "code": code}, year, klass)


@pytest.fixture
def school(year):
    a = add_class("6A1", 6, year)
    k9 = add_class("9A1", 9, year)
    six = [_add(n, f"HS{i}", year, a) for i, n in enumerate(
        ("Nguyễn Văn An", "Trần Văn Bình", "Lê Văn Cường", "Phạm Văn Dũng"), 1)]
    nine = _add("Hồ Văn Em", "HS9", year, k9, dob="01/01/2010")
    return year, a, k9, six, nine


def _text(screen, sel):
    return str(screen.query_one(sel, Static).render())


async def test_keys_typed_quickly_mark_one_student_each_and_say_so(school, today):
    year, a, k9, six, nine = school
    today(date(2025, 5, 31))
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = YearEndScreen(year.id, a.id)
        app.push_screen(screen)
        await _wait(pilot, lambda: len(screen.rows) == 4)
        assert "con trỏ tự xuống học sinh kế tiếp" in _text(screen, "#status")
        events = Event.select().count()
        await pilot.press("b", "t", "l")  # no pause: a clerk typing three results
        await _wait(pilot, lambda: Event.select().count() == events + 3)
        await _wait(pilot, lambda: [r.explicit for r in screen.rows] == [True, True, True, False])
        assert screen.query_one(DataTable).cursor_row == 3
        # the line under the table confirms the last key's student, written last
        await _wait(pilot, lambda: "Đã ghi: 3. Lê Văn Cường — Lên lớp" in _text(screen, "#done"))
    out = {r.code: r.outcome for r in yearend.outcomes_for_class(a) if r.explicit}
    assert out == {"HS1": kinds.HELD_BACK, "HS2": kinds.PENDING, "HS3": kinds.PROMOTED}


async def test_each_mark_is_confirmed_on_screen(school, today):
    year, a, k9, six, nine = school
    today(date(2025, 5, 31))
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = YearEndScreen(year.id, a.id)
        app.push_screen(screen)
        await _wait(pilot, lambda: len(screen.rows) == 4)
        await pilot.press("down", "b")
        await _wait(pilot, lambda: "Đã ghi: 2. Trần Văn Bình — Lưu ban (ngày 31/05/2025)."
                    in _text(screen, "#done"))
        assert screen.query_one(DataTable).cursor_row == 2
        await pilot.press("h")  # refused in grade 6: the message names the student
        await _wait(pilot, lambda: "Chưa ghi cho 3. Lê Văn Cường" in _text(screen, "#err"))
        # the cursor goes back to the student refused
        await _wait(pilot, lambda: screen.query_one(DataTable).cursor_row == 2)


async def test_the_blank_class_entry_leaves_nothing_to_mark(school, today):
    year, a, k9, six, nine = school
    today(date(2025, 5, 31))
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = YearEndScreen(year.id, a.id)
        app.push_screen(screen)
        await _wait(pilot, lambda: len(screen.rows) == 4)
        events = Event.select().count()
        screen.query_one("#lop", Select).clear()  # the blank entry
        await _wait(pilot, lambda: screen.query_one(DataTable).row_count == 0)
        await pilot.press("l")
        await _wait(pilot, lambda: "Chọn lớp trước" in _text(screen, "#err"))
        await pilot.pause(0.1)
        assert Event.select().count() == events and screen.klass_id is None


async def test_a_grade9_retest_passed_in_the_summer_is_marked_completed(school, today):
    year, a, k9, six, nine = school
    today(date(2025, 6, 2))
    yearend.set_outcome(nine, year, "pending")
    today(date(2025, 7, 18))
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = YearEndScreen(year.id, k9.id)
        app.push_screen(screen)
        await _wait(pilot, lambda: len(screen.rows) == 1)
        await pilot.press("l")  # no grade 10 in a THCS school
        await _wait(pilot, lambda: "không có khối 10" in _text(screen, "#err"))
        await pilot.press("h")
        await _wait(pilot, lambda: "Hồ Văn Em — Tốt nghiệp THCS (ngày 18/07/2025)" in _text(screen, "#done"))
    ev = yearend.latest_outcomes(year)[nine.id]
    assert (ev.kind, ev.date) == (kinds.COMPLETED, date(2025, 7, 18))


async def test_rollover_ahead_of_the_year_end_asks_first(school, today):
    year, a, k9, six, nine = school
    today(date(2025, 5, 20))  # the year ends on 31/05/2025
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(RolloverScreen(year.id), app.results.append)
        await pilot.pause()
        screen = app.screen
        await _wait(pilot, lambda: screen.plan is not None)
        # the new year's dates: same day and month as 2024-2025's (30/09, 13/01)
        assert screen.query_one("#r-ngay_chot_si_so", Input).value == "30/09/2025"
        assert screen.query_one("#r-ngay_bat_dau_hk2", Input).value == "13/01/2026"
        assert "Cảnh báo: Năm học 2024-2025 chưa kết thúc" in str(screen.query_one("#preview").render())
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Vẫn chuyển năm bây giờ?" in str(app.screen.query_one(Static).render())
        await pilot.press("n")
        await _wait(pilot, lambda: app.screen is screen)
        await pilot.pause(0.1)
        assert SchoolYear.select().count() == 1 and not app.results
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("c")
        await _wait(pilot, lambda: app.results)
    new = SchoolYear.get(SchoolYear.name == "2025-2026")
    assert (new.ref_date, new.hk2_start) == (date(2025, 9, 30), date(2026, 1, 13))
    # An, Bình, Cường, Dũng go up to 7A1; Em (grade 9) completes and leaves
    assert {c.name: c.now for c in class_counts(new, new.start)} == {"7A1": 4}


async def test_rollover_after_the_year_end_writes_without_asking(school, today):
    year, a, k9, six, nine = school
    today(date(2025, 7, 1))
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(RolloverScreen(year.id), app.results.append)
        await pilot.pause()
        screen = app.screen
        await _wait(pilot, lambda: screen.plan is not None)
        screen.query_one("#r-ngay_chot_si_so", Input).value = "01/10/2025"
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: app.results)
    assert SchoolYear.get(SchoolYear.name == "2025-2026").ref_date == date(2025, 10, 1)


async def test_a_bad_date_in_the_rollover_form_is_refused_beside_its_field(school, today):
    year, a, k9, six, nine = school
    today(date(2025, 7, 1))
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(RolloverScreen(year.id), app.results.append)
        await pilot.pause()
        screen = app.screen
        await _wait(pilot, lambda: screen.plan is not None)
        end = screen.query_one("#r-ngay_ket_thuc", Input)
        screen.focus_field(end)
        await pilot.press(*"31/02/2026", "ctrl+s")
        await _wait(pilot, lambda: _text(screen, "#e-ngay_ket_thuc"))
        assert _text(screen, "#e-ngay_ket_thuc") == (
            "Ngày kết thúc «31/02/2026» không có trên lịch (ngày 31, tháng 2, năm 2026).")
        assert _text(screen, "#e-form") == "" and _text(screen, "#e-ngay_bat_dau") == ""
        assert screen.query_one("#e-ngay_ket_thuc").has_class("shown")
        assert screen.focused is end and not app.results
        await pilot.press(*"31/05/2026")  # typing in the field takes its message away
        assert _text(screen, "#e-ngay_ket_thuc") == ""
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: app.results)
    assert SchoolYear.get(SchoolYear.name == "2025-2026").end == date(2026, 5, 31)


async def test_keys_1_to_5_record_a_graduate_and_where_they_went(year, today):
    today(date(2025, 5, 31))
    k9 = add_class("9A1", 9, year)
    kids = [_add(n, f"G{i}", year, k9, dob="01/01/2010") for i, n in enumerate(
        ("Nguyễn Văn An", "Trần Văn Bình", "Lê Văn Cường", "Phạm Văn Dũng", "Hồ Văn Em"), 1)]
    k6 = add_class("6A1", 6, year)
    _add("Vũ Văn Giang", "S6", year, k6)
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = YearEndScreen(year.id, k9.id)
        app.push_screen(screen)
        await _wait(pilot, lambda: len(screen.rows) == 5)
        assert screen.query_one("#dest-hint", Static).display  # the school's top grade
        await pilot.press("1", "2", "3", "4", "5")
        await _wait(pilot, lambda: all(r.explicit for r in screen.rows))
        await _wait(pilot, lambda: "Đã ghi: 5. Hồ Văn Em — Tốt nghiệp THCS — Không rõ" in _text(screen, "#done"))
        table = screen.query_one(DataTable)
        await _wait(pilot, lambda: str(table.get_row_at(0)[5]) == "Tốt nghiệp THCS — THPT")
        # grade 6 is not the top grade: no hint, and a destination key is refused, naming why
        screen.query_one("#lop", Select).value = k6.id
        await _wait(pilot, lambda: len(screen.rows) == 1)
        assert not screen.query_one("#dest-hint", Static).display
        events = Event.select().count()
        await pilot.press("1")
        await _wait(pilot, lambda: "chỉ ghi cho khối cuối" in _text(screen, "#err"))
        assert Event.select().count() == events
    went = {e.student.code: e.destination for e in Event.select().where(Event.kind == kinds.COMPLETED)}
    assert went == {"G1": "thpt", "G2": "gdtx", "G3": "nghe", "G4": "lam_viec", "G5": "khong_ro"}
    assert len(kids) == 5

"""Each rule about a class name or a school year is written once, in ``db.school``, and every
door reads it from there: a class name's clean-up and its grade, a year's name, and the dates
a new year is proposed with. The expected values below are worked out by hand."""

from datetime import date

import pytest
from textual.widgets import Input

from db import fields, rollover_plan
from db.errors import SisoError
from db.school import (
    add_class,
    add_year,
    default_dates,
    grade_in_name,
    normalize_class_name,
    parse_year_name,
    proposed_year,
)
from exports.import_fields import parse_class
from tui.app import make_app
from tui.screens.class_form import ClassForm
from tui.screens.overview import OverviewScreen
from tui.screens.welcome import WelcomeScreen
from tui_wait import wait_for

# ---- class names ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, stored", [
    ("6a1", "6A1"), ("6a 1", "6A1"), ("  9c ", "9C"), ("10 / 2", "10/2"), ("6đ", "6Đ"),
    ("a1", "A1"), ("", ""), (None, ""),
])
def test_normalize_class_name(typed, stored):
    assert normalize_class_name(typed) == stored


@pytest.mark.parametrize("name, grade", [
    ("6A1", 6), ("10/2", 10), ("12C3", 12), ("6a 1", 6), (" 7 b", 7), ("9", 9),
    ("A1", None), ("", None), (None, None), ("Lớp 6", None),
])
def test_grade_in_name(name, grade):
    assert grade_in_name(name) == grade


def test_the_import_and_the_rollover_read_a_class_name_the_same_way():
    assert parse_class({"klass": "6a 1"}, {"klass": 0}, "Khối") == ("6A1", 6, [])
    assert parse_class({"klass": "10 b"}, {"klass": 0}, "Khối") == ("10B", 10, [])
    assert rollover_plan.next_class_name("6A1", 6) == "7A1"
    assert rollover_plan.next_class_name("10/2", 10) == "11/2"
    assert rollover_plan.next_class_name("A1", 6) == "7A1"  # no grade in front: it gets one


def test_a_rollover_mapping_is_cleaned_up_on_both_sides(year):
    """«6a 1=7b 1»: the old class is found (6A1), the new one named 7B1."""
    add_class("6A1", 6, year)
    plan = rollover_plan.rollover_preview(year, mapping={"6a 1": "7b 1"})
    assert plan.mapping == {"6A1": "7B1"}


async def test_the_class_form_guesses_the_grade_by_the_same_rule(db, year):
    app = make_app(db=db.database, lang="vi", today=date(2024, 11, 20))
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("ctrl+l")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ClassForm))
        await pilot.press(*"06a 1")
        assert app.screen.query_one("#c-khoi", Input).value == "6"


# ---- school years ------------------------------------------------------------------------------


@pytest.mark.parametrize("name, years", [
    ("2024-2025", (2024, 2025)), (" 2024 - 2025 ", (2024, 2025)), ("1900-1901", (1900, 1901)),
])
def test_parse_year_name(name, years):
    assert parse_year_name(name) == years


@pytest.mark.parametrize("name, says", [
    ("2024-2026", "hai năm liền nhau"), ("2024/2025", "cần dạng 2024-2025"),
    ("năm nay", "cần dạng 2024-2025"), ("", "cần dạng 2024-2025"),
    ("1899-1900", "từ năm 1900"),
])
def test_a_bad_year_name_is_refused_naming_the_field(name, says):
    with pytest.raises(SisoError, match=says) as exc:
        parse_year_name(name)
    assert exc.value.field == fields.NAM_HOC


def test_a_rollover_into_a_badly_named_year_is_refused_at_once(year):
    with pytest.raises(SisoError, match="hai năm liền nhau") as exc:
        rollover_plan.rollover_preview(year, "2025-2027")
    assert exc.value.field == fields.NAM_HOC
    plan = rollover_plan.rollover_preview(year, " 2025 - 2026 ")
    assert plan.target_name == "2025-2026"


@pytest.mark.parametrize("first, hk2", [
    (2024, date(2025, 1, 13)),  # 12/01/2025 is a Sunday
    (2025, date(2026, 1, 12)),  # 12/01/2026 is a Monday
    (2026, date(2027, 1, 18)),  # 12/01/2027 is a Tuesday
])
def test_default_dates(first, hk2):
    assert default_dates(first) == (date(first, 9, 5), date(first + 1, 5, 31),
                                    date(first, 9, 30), hk2)


Y2026 = ("2026-2027", date(2026, 9, 5), date(2027, 5, 31), date(2026, 9, 30), date(2027, 1, 18))
Y2027 = ("2027-2028", date(2027, 9, 5), date(2028, 5, 31), date(2027, 9, 30),
         date(2028, 1, 17))  # 12/01/2028 is a Wednesday


@pytest.mark.parametrize("today, proposed", [
    (date(2026, 9, 5), Y2026), (date(2026, 11, 22), Y2026), (date(2027, 1, 1), Y2026),
    (date(2027, 7, 1), Y2026),  # its summer still belongs to it
    (date(2027, 9, 4), Y2026), (date(2027, 9, 5), Y2027),
])
def test_proposed_year(today, proposed):
    assert proposed_year(today) == proposed


def test_a_new_year_without_its_semester_ii_start_takes_the_default(db):
    y = add_year("2025-2026", "05/09/2025", "31/05/2026")
    assert y.hk2_start == date(2026, 1, 12)


def test_a_rollover_proposes_the_default_dates(year):
    plan = rollover_plan.rollover_preview(year)
    assert (plan.target_name, plan.start, plan.end) == ("2025-2026", date(2025, 9, 5),
                                                         date(2026, 5, 31))


async def test_the_welcome_screen_proposes_the_same_year(db):
    """In the summer the year just ended is proposed, as the demo is built on it."""
    app = make_app(db=db.database, lang="vi", today=date(2026, 8, 15))
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        shown = [app.screen.query_one(f"#w-{key}", Input).value
                 for key in (fields.NAM_HOC, fields.NGAY_BAT_DAU, fields.NGAY_KET_THUC,
                             fields.NGAY_CHOT_SI_SO)]
    assert shown == ["2025-2026", "05/09/2025", "31/05/2026", "30/09/2025"]

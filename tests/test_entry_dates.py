"""The date a student enters on, and dates that cannot be meant yet.

* An admission without a date is dated today, clamped to the school year — never back-dated
  to the first day, which would change a start-of-year count already reported.
* A date on or before the reference date, once that date has passed, is taken as given with
  a warning (the CLI on stderr, the TUI asks first).
* An event dated after today is refused unless confirmed (``future=True``, CLI ``--future``);
  admissions, a rollover's enrolments and year outcomes are not.
"""

from datetime import date

import pytest

from db import clock, kinds, movements, rollover, rollover_plan, yearend
from db.clock import FutureDate
from db.errors import SisoError
from db.models import Event, SchoolYear, Student
from db.roster import class_counts
from db.school import add_class
from db.students import add_student, start_count_warning

AN = {"name": "Nguyễn Văn An", "dob": "01/01/2013", "gender": "nam"}
BINH = {"name": "Trần Thị Bình", "dob": "02/02/2013", "gender": "nữ"}


def entry_of(st):
    return Event.get((Event.student == st.id) & Event.kind.in_(kinds.ENTRIES))


# ---- the default date of an admission ------------------------------------------------------

def test_an_admission_without_a_date_is_dated_today_not_the_first_day(year):
    """30/11: the start-of-year count taken on 30/09 stays as it was reported."""
    a = add_class("6A1", 6, year)
    add_student(AN, year, a, day=year.start)
    clock.set_today(date(2024, 11, 30))
    before = class_counts(year, year.ref_date)[0].start
    st = add_student(BINH, year, a)
    assert entry_of(st).date == date(2024, 11, 30)
    assert class_counts(year, date(2024, 11, 30))[0].start == before == 1
    assert class_counts(year, date(2024, 11, 30))[0].now == 2


@pytest.mark.parametrize("today, expected", [
    (date(2024, 8, 20), date(2024, 9, 5)),    # the summer before: the year's first day
    (date(2025, 7, 1), date(2025, 5, 31)),    # the summer after: the year's last day
    (date(2024, 10, 15), date(2024, 10, 15)),
])
def test_the_default_is_clamped_to_the_school_year(year, today, expected):
    a = add_class("6A1", 6, year)
    clock.set_today(today)
    st = add_student(AN, year, a)
    assert entry_of(st).date == expected
    assert clock.admission_day(year) == expected


def test_an_admission_in_august_for_the_coming_year_is_not_a_future_date(year):
    a = add_class("6A1", 6, year)
    clock.set_today(date(2024, 8, 20))
    assert entry_of(add_student(AN, year, a)).date == year.start
    # an explicit first day too: the class lists are entered before the year starts
    assert entry_of(add_student(BINH, year, a, day="05/09/2024")).date == year.start


def test_start_count_warning_only_once_the_reference_date_has_passed(year):
    # reference date 30/09/2024
    clock.set_today(date(2024, 9, 20))
    assert start_count_warning(year, "05/09/2024") is None  # not taken yet
    clock.set_today(date(2024, 11, 30))
    msg = start_count_warning(year, "05/09/2024")
    assert "30/09/2024" in msg and "sĩ số đầu năm" in msg and "thay đổi" in msg
    assert start_count_warning(year, "30/09/2024") is not None  # on the reference date
    assert start_count_warning(year, "01/10/2024") is None  # after it: a later increase


# ---- dates after today -----------------------------------------------------------------------

@pytest.fixture
def school(year):
    a = add_class("6A1", 6, year)
    b = add_class("6A2", 6, year)
    s1 = add_student(AN, year, a, day=year.start)
    s2 = add_student(BINH, year, a, day=year.start)
    clock.set_today(date(2024, 11, 20))
    return year, a, b, s1, s2


@pytest.mark.parametrize("kind, fields", [
    ("dropout", {"reason": "01", "without_visits": "gia đình đi làm ăn xa, chưa gặp được"}),
    ("transfer-out", {"school": "THCS Kim Đồng", "scope": "01"}),
    ("class-change", {"klass": "6A2"}),
    ("death", {}),
    ("other-decrease", {"reason": "Đi nước ngoài cùng gia đình"}),
])
def test_an_event_after_today_is_refused_unless_confirmed(school, kind, fields):
    year, a, b, s1, s2 = school
    n = Event.select().count()
    with pytest.raises(FutureDate) as exc:
        movements.record(kind, s1, year, "21/11/2024", **fields)
    assert exc.value.message.startswith("Ngày 21/11/2024 sau hôm nay (20/11/2024): «")
    assert exc.value.field == "ngay"
    assert Event.select().count() == n
    # today itself is fine; after today only when confirmed
    ev = movements.record(kind, s2, year, "20/11/2024", **fields)
    assert ev.date == date(2024, 11, 20)
    ev = movements.record(kind, s1, year, "21/11/2024", future=True, **fields)
    assert ev.date == date(2024, 11, 21)


def test_returns_and_transfers_in_after_today_need_confirming_too(school):
    year, a, b, s1, s2 = school
    movements.record_dropout(s1, year, "01/11/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    with pytest.raises(FutureDate):
        movements.record_return(s1, year, "25/11/2024")
    movements.record_return(s1, year, "25/11/2024", future=True)
    new = {"name": "Lê Thị Hoa", "dob": "03/03/2013", "gender": "nữ"}
    with pytest.raises(FutureDate):
        movements.record_transfer_in(year, "22/11/2024", a, data=new, school="THCS Lê Lợi")
    with pytest.raises(FutureDate):  # the same rule through add_student
        add_student(new, year, a, entry=kinds.TRANSFER_IN, day="22/11/2024")
    assert Student.select().where(Student.family == "Lê").count() == 0
    ev = movements.record_transfer_in(year, "22/11/2024", a, data=new, school="THCS Lê Lợi",
                                      future=True)
    assert ev.date == date(2024, 11, 22)


def test_a_date_outside_the_year_says_so_before_it_says_future(school):
    year, a, b, s1, s2 = school
    with pytest.raises(SisoError) as exc:
        movements.record_dropout(s1, year, "01/10/2025", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    assert not isinstance(exc.value, FutureDate) and "ngoài năm học" in exc.value.message


def test_outcomes_and_the_rollover_are_not_future_checked(school):
    """On 20/11 the clerk may prepare the year end: outcomes default to the year's end
    (31/05/2025, after today). In June the rollover's enrolments are dated the next year's
    first day (05/09/2025, after today)."""
    year, a, b, s1, s2 = school
    add_class("7A1", 7, year)
    for st in (s1, s2):
        ev = yearend.set_outcome(st, year, "promoted")
        assert ev.date == year.end
    nxt = SchoolYear.create(name="2025-2026", start=date(2025, 9, 5), end=date(2026, 5, 31),
                            ref_date=date(2025, 9, 30), hk2_start=date(2026, 1, 12))
    add_class("7A1", 7, nxt)
    clock.set_today(date(2025, 6, 15))
    plan = rollover_plan.rollover_preview(year, "2025-2026", mapping={"6A1": "7A1"})
    assert plan.ok, plan.problems
    rollover.rollover(year, "2025-2026", mapping={"6A1": "7A1"})
    assert Event.select().where((Event.year == nxt.id) & (Event.kind == kinds.ENROLL)).count() == 2


# ---- the CLI -----------------------------------------------------------------------------

@pytest.fixture
def cli_school(cli):
    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025",
               "--ref", "30/09/2024")[0] == 0
    assert cli("class", "add", "6A1", "--grade", "6")[0] == 0
    return cli


_GIVEN = {"HS1": "An", "HS2": "Bình", "HS9": "Chín"}  # one student per code (not duplicates)


def _add(cli, code, *extra):
    return cli("student", "add", "--class", "6A1", "--name", f"Nguyễn Văn {_GIVEN[code]}", "--dob",
               "01/01/2013", "--gender", "nam", "--ethnic", "01", "--code", code, *extra)


def test_cli_student_add_defaults_to_today_and_warns_for_an_explicit_early_date(cli_school):
    cli = cli_school
    clock.set_today(date(2024, 11, 30))
    rc, out, err = _add(cli, "HS1")
    assert (rc, out, err) == (0, "HS1\n", "")
    assert entry_of(Student.get(Student.code == "HS1")).date == date(2024, 11, 30)
    rc, out, err = _add(cli, "HS2", "--date", "05/09/2024")
    assert (rc, out) == (0, "HS2\n")  # taken as given …
    assert entry_of(Student.get(Student.code == "HS2")).date == date(2024, 9, 5)
    assert err.startswith("Cảnh báo: Ngày vào 05/09/2024") and "sĩ số đầu năm" in err  # … said
    assert err.count("\n") == 1


def test_cli_event_add_refuses_a_future_date_without_future(cli_school):
    cli = cli_school
    assert _add(cli, "HS1", "--date", "05/09/2024")[0] == 0
    clock.set_today(date(2024, 11, 20))
    n = Event.select().count()
    rc, out, err = cli("event", "add", "--student", "HS1", "--kind", "dropout",
                       "--date", "03/12/2024", "--reason", "01", "--without-visits", "gia đình đi làm ăn xa, chưa gặp được")
    assert (rc, out) == (2, "")
    assert err == ("Lỗi: Ngày 03/12/2024 sau hôm nay (20/11/2024): «Bỏ học» chỉ ghi khi đã xảy "
                   "ra. Nếu đúng là ngày đó, ghi lại với --future.\n")
    assert Event.select().count() == n
    rc, out, err = cli("event", "add", "--student", "HS1", "--kind", "dropout",
                       "--date", "03/12/2024", "--reason", "01", "--without-visits", "gia đình đi làm ăn xa, chưa gặp được", "--future")
    assert rc == 0, err
    assert Event.get_by_id(int(out)).date == date(2024, 12, 3)


def test_cli_student_add_transfer_in_after_today_needs_future(cli_school):
    cli = cli_school
    clock.set_today(date(2024, 11, 20))
    rc, out, err = _add(cli, "HS9", "--entry", "transfer-in", "--from-school", "THCS Lê Lợi",
                        "--date", "25/11/2024")
    assert rc == 2 and "sau hôm nay (20/11/2024)" in err and "--future" in err
    assert Student.select().count() == 0
    rc, out, err = _add(cli, "HS9", "--entry", "transfer-in", "--from-school", "THCS Lê Lợi",
                        "--date", "25/11/2024", "--future")
    assert (rc, out) == (0, "HS9\n")

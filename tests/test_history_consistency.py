"""A change earlier in a student's history can never leave a later event counted in the wrong
class, a dead student re-enrolled, or a rolled-over year out of step with the old one."""

import sqlite3
from datetime import date

import pytest

from db import kinds, movements, rollover, yearend
from db.errors import SisoError
from db.models import MODELS, Audit, Event, Span
from db.si_so import report_si_so
from db.school import add_class, add_year
from db.students import add_student


def dump():
    return {m.__name__: sorted(map(repr, m.select().tuples())) for m in MODELS}


def refused(fn, match):
    before = dump()
    with pytest.raises(SisoError, match=match):
        fn()
    assert dump() == before


@pytest.fixture
def school(year):
    a = add_class("6A1", 6, year)
    b = add_class("6A2", 6, year)
    st = add_student({"name": "Nguyễn Văn An", "dob": "05/09/2013", "gender": "nam"}, year, a,
                     day=year.start)
    return year, a, b, st


def test_a_class_change_before_a_later_exit_is_refused(school):
    year, a, b, st = school
    movements.record_transfer_out(st, year, "15/10/2024", school="Trường THCS Lê Lợi", scope="01")
    refused(lambda: movements.record_class_change(st, year, "01/10/2024", b), "6A1")
    form = report_si_so(year, date(2024, 10, 31))
    assert form["can_bang"] is True


def test_voiding_a_class_change_that_a_later_dropout_sits_on_is_refused(school):
    year, a, b, st = school
    cc = movements.record_class_change(st, year, "01/10/2024", b)
    drop = movements.record_dropout(st, year, "01/11/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    refused(lambda: movements.void_event(cc.id, "ghi nhầm"), f"số {drop.id}")
    # void the dropout first, then the class change: allowed, and the report balances
    movements.void_event(drop.id, "ghi nhầm")
    movements.void_event(cc.id, "ghi nhầm")
    form = report_si_so(year, date(2024, 11, 30), date(2024, 11, 1))
    assert form["can_bang"] is True
    assert [r["hien_co"]["ts"] for r in form["lop"]] == [1, 0]


def test_a_second_class_change_inserted_before_an_existing_one_is_refused(school):
    year, a, b, st = school
    c = add_class("6A3", 6, year)
    movements.record_class_change(st, year, "01/11/2024", b)
    refused(lambda: movements.record_class_change(st, year, "01/10/2024", c), "6A1")


def test_no_entry_after_death_this_year_or_later(school):
    year, a, b, st = school
    movements.record_decrease(st, year, "10/10/2024", kinds.DEATH, reason="Tai nạn")
    refused(lambda: movements.record_transfer_in(year, "20/10/2024", b, student=st, school="Trường X"),
            "đã mất")
    nxt = add_year("2025-2026", "05/09/2025", "31/05/2026")
    k = add_class("7A1", 7, nxt)
    refused(lambda: movements.record_transfer_in(nxt, "10/09/2025", k, student=st, school="Trường X"),
            "đã mất")


def test_old_year_changes_after_a_rollover_are_refused(school):
    year, a, b, st = school
    other = add_student({"name": "Lê Thị Bình", "dob": "01/02/2013", "gender": "nu"}, year, a,
                        day=year.start)
    rollover.rollover(year)
    refused(lambda: movements.record_transfer_out(st, year, "15/07/2025", school="Trường Y", scope="01"),
            "hoàn tác chuyển năm")
    refused(lambda: yearend.set_outcome(other, year, "held-back"), "hoàn tác chuyển năm")
    rollover.undo_rollover("2025-2026")
    movements.record_transfer_out(st, year, "15/07/2025", school="Trường Y", scope="01")


def test_overlapping_years_and_admissions_after_the_year_are_refused(school):
    year, a, b, st = school
    refused(lambda: add_year("2025-2026", "01/01/2025", "31/05/2026"), "trùng thời gian")
    refused(lambda: add_student({"name": "Trần Văn Cường", "dob": "01/01/2013", "gender": "nam"},
                                year, a, day="15/07/2025"), "chỉ ghi trong năm học")


def test_a_locked_database_gives_a_vietnamese_message_and_writes_nothing(db, tmp_path):
    db.execute_sql("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(str(tmp_path / "test.sqlite3"))
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(SisoError, match="đang bận"):
            add_year("2024-2025", "05/09/2024", "31/05/2025")
    finally:
        other.rollback()
        other.close()
    assert Audit.select().count() == 0
    assert Event.select().count() == Span.select().count() == 0

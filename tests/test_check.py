"""``siso check``: clean on a sound database, and it finds what was broken behind its back."""

from datetime import date, datetime

import pytest

from db import kinds
from db.check import check_database
from db.connection import close_database, open_database
from db.demo import build_demo
from db.models import Event, SchoolClass, Span, Student, database
from cli import main

TODAY = date(2026, 11, 22)


@pytest.fixture
def demo(db):
    return build_demo(120, seed=2, today=TODAY)


def test_clean_demo_has_no_problem(demo):
    assert check_database() == []


def test_command_is_clean_then_fails_after_a_span_is_corrupted(tmp_path, capsys):
    path = str(tmp_path / "c.sqlite3")
    open_database(path)
    build_demo(60, seed=1, today=TODAY)
    close_database()
    assert main(["--db", path, "check"]) == 0
    assert "không có lỗi" in capsys.readouterr().out

    open_database(path)
    span = Span.select().order_by(Span.id).first()
    code = Student.get_by_id(span.student_id).code
    Span.update(end=date(2026, 10, 1)).where(Span.id == span.id).execute()
    close_database()
    rc = main(["--db", path, "check"])
    err = capsys.readouterr().err
    close_database()
    assert rc != 0
    assert code in err and "không khớp" in err and "Có 1 lỗi" in err


def test_missing_and_orphan_spans_are_found(demo):
    first, second = list(Student.select().order_by(Student.id).limit(2))
    Span.delete().where(Span.student == first.id).execute()
    # a span for a student whose events say nothing about this year
    other = Student.create(code="HS900001", family="Lê", middle="Văn", given="Bình",
                           dob=date(2013, 1, 1), sort_key="x", name_folded="le van binh")
    other.refresh_derived()
    other.save()
    ev = Event.select().where(Event.student == second.id).first()
    Span.create(student=other, year=demo, klass=ev.klass_id, start=demo.start, start_event=ev)
    problems = check_database()
    assert len(problems) == 2
    assert first.code in problems[0] and "không có đoạn nào" in problems[0]
    assert "HS900001" in problems[1] and "không có biến động" in problems[1]


def test_an_event_that_does_not_replay_is_reported(demo):
    st = Student.select().order_by(Student.id).first()
    ev = Event.select().where(Event.student == st.id).first()
    # a return without a dropout, written behind the services' back
    Event.create(student=st, year=demo, kind=kinds.RETURN, date=date(2026, 10, 5),
                 klass=ev.klass_id, recorded_by="x")
    problems = check_database()
    assert len(problems) == 1
    assert st.code in problems[0] and "biến động không hợp lệ" in problems[0]


def test_voided_events_count_nowhere(demo):
    from db.movements import void_event

    st = Student.select().order_by(Student.id.desc()).first()
    klass = SchoolClass.get(SchoolClass.name == "6A1")
    from db.movements import record_dropout

    ev = record_dropout(st, demo, date(2026, 11, 2), "02", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    assert check_database() == []
    void_event(ev.id, "Ghi nhầm")
    assert check_database() == []
    # a voided event that would not replay is ignored as well
    Event.create(student=st, year=demo, kind=kinds.RETURN, date=date(2026, 11, 3), klass=klass,
                 recorded_by="x", voided_at=datetime(2026, 11, 4), voided_by="x")
    assert check_database() == []


def test_a_stale_sort_key_is_reported(demo):
    st = Student.select().order_by(Student.id).first()
    Student.update(given="Zzz").where(Student.id == st.id).execute()
    problems = check_database()
    assert len(problems) == 1 and st.code in problems[0] and "khóa sắp xếp" in problems[0]


def test_sqlite_foreign_key_problems_are_reported(demo):
    database.execute_sql("PRAGMA foreign_keys=0")
    st = Student.select().first()
    Span.insert(student=st.id, year=demo.id, klass=99999, start=demo.start,
                start_event=Event.select().first().id).execute()
    database.execute_sql("PRAGMA foreign_keys=1")
    problems = check_database()
    assert any("school_class" in p and "không tồn tại" in p for p in problems)

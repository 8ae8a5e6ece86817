"""The demo school: deterministic, realistic, valid histories, spans equal to a rebuild."""

import json
from collections import Counter
from datetime import date

import pytest

from db import codes, kinds, text
from db.connection import close_database, open_database
from db.demo import build_demo
from db.errors import SisoError
from db.events import rebuild_spans
from db.models import Event, SchoolClass, SchoolYear, Setting, Span, Student, database
from db.roster import class_counts
from db.school import get_settings, proposed_year
from db.students import check_fields, check_name
from cli import main

TODAY = date(2026, 11, 22)


@pytest.fixture
def demo(db):
    return build_demo(600, seed=1, today=TODAY)


def _span_rows():
    return sorted(Span.select(Span.student, Span.year, Span.klass, Span.start, Span.end,
                              Span.start_event, Span.end_event).tuples())


def test_year_and_settings(demo):
    assert (demo.name, demo.start, demo.end, demo.ref_date) == (
        "2026-2027", date(2026, 9, 5), date(2027, 5, 31), date(2026, 9, 30))
    assert demo.hk2_start.weekday() == 0 and demo.hk2_start.month == 1
    s = get_settings()
    assert s["ten_truong"] == "Trường THCS Tơ Tung"
    assert s["co_quan_quan_ly"] == "UBND xã Tơ Tung"
    assert s["tinh"] == "Gia Lai" and s["dia_danh"] == "Tơ Tung" and s["hieu_truong"]


def test_year_bounds_follow_today():
    assert proposed_year(date(2026, 11, 22))[0] == "2026-2027"
    assert proposed_year(date(2027, 7, 1))[0] == "2026-2027"  # summer still belongs to it
    assert proposed_year(date(2026, 9, 4))[0] == "2025-2026"


def test_school_shape(demo):
    classes = list(SchoolClass.select())
    assert len(classes) == 16
    assert Counter(c.grade for c in classes) == {6: 4, 7: 4, 8: 4, 9: 4}
    assert all(c.homeroom for c in classes)
    assert Student.select().count() == 600
    per_class = Counter(s.klass_id for s in Span.select(Span.klass).where(Span.start == demo.start))
    assert 20 <= min(per_class.values()) and max(per_class.values()) <= 55


def test_names_villages_and_ethnic_groups_are_realistic(demo):
    students = list(Student.select())
    ethnic = Counter(s.ethnic for s in students)
    for code in ("01", "13", "10", "12", "14", "08", "02", "03"):  # Kinh, Ba Na, Gia Rai, Ê Đê…
        assert ethnic[code] > 0, codes.ethnic_name(code)
    assert ethnic["13"] > ethnic["01"]  # a Ba Na commune
    assert any(s.village.startswith("Làng") for s in students)
    assert any(s.village.startswith("Thôn") for s in students)
    families = {s.family for s in students}
    assert {"Ksor", "Siu", "Đinh", "Nguyễn"} <= families
    assert any(s.given.startswith("H'") for s in students)
    # every student has a father and a mother; a few also a guardian (grandparents …)
    assert all(s.father and s.mother for s in students)
    assert 0 < sum(1 for s in students if s.guardian) < 120
    # the register: 1 … 600 in the order the students first entered the school
    assert sorted(s.so_dang_bo for s in students) == list(range(1, 601))
    for s in students:
        # every name is exactly what the add-student form would store
        assert check_name(s.full_name) == (s.family, s.middle, s.given)
        assert s.sort_key == text.sort_key(s.family, s.middle, s.given, s.dob)
        assert s.name_folded == text.fold(s.full_name)
        data = {"dob": s.dob, "national_id": s.national_id or "", "phone": s.phone,
                "ethnic": s.ethnic, "disability": s.disability or ""}
        ok = check_fields(data, year=demo)
        assert ok["national_id"] == s.national_id and ok["phone"] == s.phone
        assert ok["disability"] == s.disability
        assert 11 <= demo.start.year - s.dob.year <= 16  # on age, or one or two years over
    assert len({s.national_id for s in students if s.national_id}) == sum(
        1 for s in students if s.national_id)


def test_events_are_a_school_year_of_changes(demo):
    events = list(Event.select())
    kinds_seen = Counter(e.kind for e in events)
    for k in (kinds.ADMIT, kinds.ENROLL, kinds.TRANSFER_IN, kinds.TRANSFER_OUT, kinds.DROPOUT,
              kinds.RETURN, kinds.CLASS_CHANGE):
        assert kinds_seen[k] > 0, k
    assert all(demo.start <= e.date <= TODAY for e in events)
    late = [e for e in events if e.kind not in (kinds.ADMIT, kinds.ENROLL) or e.date > demo.start]
    assert len({(e.date.year, e.date.month) for e in late}) >= 3  # September to November
    assert any(e.date <= demo.ref_date for e in late) and any(e.date > demo.ref_date for e in late)
    reasons = codes.dropout_reasons()
    for e in events:
        if e.kind == kinds.DROPOUT:
            assert e.reason in reasons
        if e.kind in (kinds.TRANSFER_IN, kinds.TRANSFER_OUT):
            assert e.school and e.province and e.scope in kinds.SCOPES
        if e.kind == kinds.CLASS_CHANGE:
            assert e.klass.grade == e.from_klass.grade and e.klass_id != e.from_klass_id
        assert e.semester == "HK1"


def test_spans_equal_a_rebuild_from_events(demo):
    stored = _span_rows()
    assert len(stored) >= 600
    with database.atomic():
        for (sid,) in Student.select(Student.id).tuples():
            rebuild_spans(sid, demo.id)
    assert _span_rows() == stored


def test_counts_agree_with_a_hand_count_of_the_events(demo):
    """Enrolled on a day, counted by walking each student's events here in the test."""
    def enrolled_on(day):
        last = {}
        for e in Event.select().order_by(Event.date, Event.id):
            if e.date <= day:
                last[e.student_id] = e
        return sum(1 for e in last.values()
                   if e.kind in kinds.ENTRIES or e.kind == kinds.CLASS_CHANGE)

    got = class_counts(demo, TODAY)
    assert sum(c.start for c in got) == enrolled_on(demo.ref_date)
    assert sum(c.now for c in got) == enrolled_on(TODAY)
    assert enrolled_on(TODAY) != enrolled_on(demo.ref_date)


def _fingerprint():
    students = [(s.code, s.full_name, s.dob, s.ethnic, s.village, s.guardian, s.national_id)
                for s in Student.select().order_by(Student.id)]
    events = [(e.student.code, e.kind, e.date, e.klass.name, e.reason, e.school)
              for e in Event.select().order_by(Event.id)]
    return students, events


def test_the_same_seed_gives_the_same_school(tmp_path):
    prints = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        open_database(str(tmp_path / f"{name}.sqlite3"))
        build_demo(150, seed=seed, today=TODAY)
        prints.append(_fingerprint())
        close_database()
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


@pytest.mark.parametrize("today, n", [(date(2026, 9, 5), 30), (date(2027, 7, 20), 200),
                                      (date(2027, 3, 1), 1)])
def test_any_day_and_size(db, today, n):
    year = build_demo(n, seed=3, today=today)
    assert Student.select().count() == n
    assert all(e.date <= today for e in Event.select())
    stored = _span_rows()
    for (sid,) in Student.select(Student.id).tuples():
        rebuild_spans(sid, year.id)
    assert _span_rows() == stored


def test_refuses_a_database_that_has_a_school(year):
    with pytest.raises(SisoError, match="đã có dữ liệu"):
        build_demo(10, today=TODAY)
    assert Student.select().count() == 0 and Setting.select().count() == 0


def test_build_is_one_audited_transaction(demo):
    from db.models import Audit

    rows = list(Audit.select())
    assert [a.action for a in rows] == ["demo.build"]
    detail = json.loads(rows[0].detail)
    assert detail["so_hoc_sinh"] == 600 and detail["nam_hoc"] == "2026-2027"  # Vietnamese keys (db.audit.KEYS)


# ---- the command ---------------------------------------------------------------------------

def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    close_database()
    return rc, out, err


def test_demo_command_builds_reuses_and_resets(tmp_path, capsys):
    path = str(tmp_path / "demo.sqlite3")
    rc, out, err = run(capsys, "demo", "--db", path, "--students", "80", "--no-open")
    assert rc == 0 and "80 học sinh" in out and err == ""
    rc, out, _ = run(capsys, "--db", path, "demo", "--no-open")
    assert rc == 0 and "Dùng lại" in out
    open_database(path)
    assert Student.select().count() == 80
    close_database()
    rc, out, _ = run(capsys, "demo", "--db", path, "--students", "40", "--reset", "--no-open")
    assert rc == 0 and "40 học sinh" in out
    open_database(path)
    assert Student.select().count() == 40 and SchoolYear.select().count() == 1
    close_database()
    rc, out, _ = run(capsys, "--db", path, "check")
    assert rc == 0


def test_demo_command_never_touches_a_real_school(tmp_path, capsys):
    path = str(tmp_path / "real.sqlite3")
    assert run(capsys, "--db", path, "year", "add", "2024-2025", "--start", "05/09/2024",
               "--end", "31/05/2025")[0] == 0
    for extra in ([], ["--reset"]):
        rc, out, err = run(capsys, "demo", "--db", path, "--no-open", *extra)
        assert rc == 2 and "không phải trường mẫu" in err
    open_database(path)
    assert SchoolYear.select().count() == 1 and Student.select().count() == 0


def test_demo_uses_its_own_file_by_default(tmp_path, capsys, monkeypatch):
    import db.connection

    monkeypatch.setattr(db.connection, "default_db_path", lambda: tmp_path / "siso.sqlite3")
    monkeypatch.setenv("SISO_DB", str(tmp_path / "real.sqlite3"))
    rc, out, _ = run(capsys, "demo", "--students", "20", "--no-open")
    assert rc == 0
    assert (tmp_path / "demo.sqlite3").exists()
    assert not (tmp_path / "real.sqlite3").exists() and not (tmp_path / "siso.sqlite3").exists()


@pytest.mark.parametrize("argv, word", [(["--students", "abc"], "--students"),
                                        (["--students", "0"], "--students"),
                                        (["--seed", "x"], "--seed")])
def test_demo_command_errors(tmp_path, capsys, argv, word):
    rc, out, err = run(capsys, "demo", "--db", str(tmp_path / "d.sqlite3"), "--no-open", *argv)
    assert rc == 2 and err.startswith("Lỗi: ") and word in err and len(err.splitlines()) == 1

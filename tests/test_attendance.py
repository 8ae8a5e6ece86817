"""School days, absences and the flag «nghỉ học quá 3 ngày», against calendars worked out by
hand (November 2024: Friday 1, Monday 4, 11, 18, 25; the year 2024-2025 starts on Thursday
05/09/2024), and a property test against a day-by-day reading of the rules written here."""

import random
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db import attendance as att, attendance_days, attendance_flag, attendance_rates, chuyen_can
from db import clock, movements, school
from db.models import MODELS, Absence, AttendanceTaken, Audit, Holiday, SchoolYear
from db.students import add_student
from refusals import refused

D = lambda d, m=11, y=2024: date(y, m, d)  # a day of November 2024 by default


@pytest.fixture
def school_6a1(year):
    clock.set_today(date(2024, 12, 20))
    klass = school.add_class("6A1", 6, year)
    students = [add_student({"name": name, "dob": "05/09/2013", "gender": "nam"}, year, klass,
                            day=year.start)
                for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")]
    return year, klass, students


def flagged(year, day, student):
    return student.id in attendance_flag.flagged_students(year, day)


def settings_nm(n, m):
    school.set_settings({"nghi_lien_tiep_toi_da": str(n), "khong_phep_30_ngay_toi_da": str(m)})


# ---- school days ---------------------------------------------------------------------------

def test_school_days_weekdays_and_holidays(school_6a1):
    year, _k, _s = school_6a1
    # 4–10/11/2024: Monday … Sunday
    assert attendance_days.school_days(year, D(4), D(10)) == [D(4), D(5), D(6), D(7), D(8)]
    attendance_days.add_holiday(D(5), "Nghỉ", end=D(6))
    assert attendance_days.school_days(year, D(4), D(10)) == [D(4), D(7), D(8)]
    assert "Nghỉ" in attendance_days.not_school_day(year, D(6))
    assert "Chủ nhật" in attendance_days.not_school_day(year, D(10))
    attendance_days.set_school_days(year, "2-7")
    assert attendance_days.school_days(year, D(4), D(10)) == [D(4), D(7), D(8), D(9)]
    assert SchoolYear.get_by_id(year.id).ngay_hoc == "2-7"
    assert attendance_days.last_school_day(year, D(10)) == D(9)


def test_year_add_takes_school_days(db):
    y = school.add_year("2024-2025", "05/09/2024", "31/05/2025", school_days="2-7")
    assert y.ngay_hoc == "2-7"
    refused(school.add_year, "2025-2026", "05/09/2025", "31/05/2026", school_days="3-7",
            match="2-6")


# ---- the run rule (a) ----------------------------------------------------------------------

@pytest.mark.parametrize("weekdays, run", [("2-6", 4), ("2-7", 5)])
def test_thursday_to_next_tuesday_is_4_or_5_school_days(school_6a1, weekdays, run):
    year, _k, (an, binh, _c) = school_6a1
    attendance_days.set_school_days(year, weekdays)
    ids, skipped = att.add_absences(an.code, D(7), D(12), excused=True)  # excused: rule (b) is out
    assert len(ids) == run
    assert [d for d, _why in skipped] == ([D(9), D(10)] if weekdays == "2-6" else [D(10)])
    settings_nm(run - 1, 3)  # a run of `run` days is longer than run - 1 …
    assert flagged(year, D(12), an) and not flagged(year, D(12), binh)
    settings_nm(run, 3)  # … and not longer than run
    assert not flagged(year, D(12), an)
    settings_nm(3, 3)
    assert flagged(year, D(12), an)
    assert not flagged(year, D(11), an) or weekdays == "2-7"  # Thu–Mon: 3 days (2-6), 4 (2-7)


def test_a_holiday_neither_breaks_nor_extends_a_run(school_6a1):
    year, _k, (an, _b, _c) = school_6a1
    attendance_days.add_holiday(D(11), "Nghỉ bù")
    att.add_absences(an.code, D(7), D(8), excused=True)
    att.add_absences(an.code, D(12), D(13), excused=True)
    assert flagged(year, D(13), an)  # Thu, Fri, (Mon holiday), Tue, Wed: 4 school days
    assert not flagged(year, D(12), an)  # 3 days: not more than 3
    assert not flagged(year, D(11), an)  # the holiday takes Friday's flag (a run of 2)


def test_a_half_day_breaks_a_run_and_both_sessions_make_a_whole_day(school_6a1):
    year, _k, (an, binh, _c) = school_6a1
    for who in (an, binh):
        att.add_absences(who.code, D(7), D(8), excused=True)
        att.add_absences(who.code, D(11), excused=True, session="sang")
        att.add_absences(who.code, D(12), D(13), excused=True)
    att.add_absences(binh.code, D(11), excused=True, session="chieu")  # not an overlap
    assert not flagged(year, D(13), an)  # Monday was half a day: the run is Tue–Wed
    assert flagged(year, D(13), binh)  # both sessions: a whole day, 5 in a row


def test_flag_on_a_non_school_day_is_the_last_school_days(school_6a1):
    year, _k, (an, _b, _c) = school_6a1
    att.add_absences(an.code, D(12), D(15), excused=True)  # Tue–Fri
    assert flagged(year, D(15), an)
    assert flagged(year, D(16), an) and flagged(year, D(17), an)  # Saturday, Sunday
    assert not flagged(year, D(18), an)  # Monday: present


def test_a_student_not_enrolled_on_the_day_is_not_flagged(school_6a1):
    year, _k, (an, _b, _c) = school_6a1
    att.add_absences(an.code, D(11), D(14), excused=True)
    movements.record_dropout(an, year, D(14), "01", without_visits="Gia đình chuyển đi xa")
    assert not flagged(year, D(14), an)  # left at the end of Thursday's … not enrolled then
    assert flagged(year, D(13), an) is False  # Mon–Wed: 3 days


# ---- the unexcused rule (b) and its 30-day window -------------------------------------------

def test_unexcused_in_30_days_window_edges_and_half_days(school_6a1):
    year, _k, (an, _b, _c) = school_6a1
    # single unexcused days (never a run): Wed 30/10, Thu 31/10, Tue 05/11, Thu 14/11
    for d in (D(30, 10), D(31, 10), D(5), D(14)):
        att.add_absences(an.code, d)
    # Friday 29/11: D-29 = 31/10 is in, 30/10 is out -> 3, not more than 3
    assert not flagged(year, D(29), an)
    # Thursday 28/11: the window starts 30/10 -> 4
    assert flagged(year, D(28), an)
    att.add_absences(an.code, D(20), session="sang")  # +0.5 -> 3.5 on 29/11
    assert flagged(year, D(29), an)
    # an excused half day does not count
    settings_nm(3, 4)
    assert flagged(year, D(28), an)  # 4.5 > 4
    assert not flagged(year, D(29), an)  # 3.5
    att.add_absences(an.code, D(21), session="chieu", excused=True)
    assert not flagged(year, D(29), an)


def test_threshold_zero(school_6a1):
    year, _k, (an, binh, _c) = school_6a1
    settings_nm(0, 0)
    att.add_absences(an.code, D(20), session="sang")  # 0.5 unexcused > 0
    att.add_absences(binh.code, D(20), excused=True)  # a run of 1 > 0
    assert attendance_flag.flagged_students(year, D(20)) == {an.id, binh.id}


def test_settings_must_be_whole_numbers(db):
    for bad in ("-1", "2.5", "ba", "", "²"):
        refused(school.set_settings, {"nghi_lien_tiep_toi_da": bad})
    school.set_settings({"khong_phep_30_ngay_toi_da": " 05 "})
    assert school.get_settings()["khong_phep_30_ngay_toi_da"] == "5"
    assert attendance_flag.thresholds() == (3, 5)


# ---- voids and edits -----------------------------------------------------------------------

def test_a_voided_absence_counts_nowhere_and_stays(school_6a1):
    year, _k, (an, _b, _c) = school_6a1
    ids, _ = att.add_absences(an.code, D(11), D(14), excused=True)
    assert flagged(year, D(14), an)
    att.void_absence(ids[1], "Ghi nhầm ngày")
    assert not flagged(year, D(14), an)
    assert Absence.select().count() == 4
    assert Audit.get(Audit.action == "absence.void").user
    refused(att.void_absence, ids[1], "lại", match="đã bị hủy")
    refused(att.void_absence, ids[2], "  ", match="lý do")
    # the day is free again
    att.add_absences(an.code, D(12), excused=True)
    assert flagged(year, D(14), an)


def test_set_mark_cycles_and_clears(school_6a1):
    year, klass, (an, _b, _c) = school_6a1
    att.set_mark(an.id, D(12), "K")
    assert att.day_marks(klass.id, D(12))[an.id][0][1:] == (False, None)
    assert att.is_taken(klass.id, D(12))
    att.set_mark(an.id, D(12), "P")
    att.set_mark(an.id, D(12), "half")
    assert att.day_marks(klass.id, D(12))[an.id][0][1:] == (True, "sang")
    att.set_mark(an.id, D(12), "half")
    assert att.day_marks(klass.id, D(12))[an.id][0][1:] == (True, "chieu")
    att.set_mark(an.id, D(12), "half")
    assert att.day_marks(klass.id, D(12))[an.id][0][1:] == (True, None)
    att.set_mark(an.id, D(12), "clear")
    assert att.day_marks(klass.id, D(12)) == {}
    assert Absence.select().count() == 1  # voided, never deleted


# ---- refusals ------------------------------------------------------------------------------

def test_refusals_write_nothing(school_6a1):
    year, klass, (an, binh, _c) = school_6a1
    attendance_days.add_holiday(D(20), "Ngày Nhà giáo Việt Nam")
    refused(att.add_absences, an.code, D(9), match="thứ Bảy 09/11/2024")
    refused(att.add_absences, an.code, D(20), match="Ngày Nhà giáo")
    refused(att.add_absences, an.code, D(16), D(17), match="không có ngày học")
    refused(att.add_absences, an.code, date(2024, 9, 4), match="không thuộc năm học")
    refused(att.add_absences, an.code, D(21, 12), match="sau hôm nay")
    refused(att.add_absences, "KHONGCO", D(12), match="Không có học sinh")
    refused(att.add_absences, an.code, D(12), session="toi", match="Buổi")
    att.add_absences(an.code, D(12), session="sang")
    refused(att.add_absences, an.code, D(12), match="đã có lượt vắng")  # whole day over a session
    refused(att.add_absences, an.code, D(11), D(13), match="12/11/2024")  # a range over it
    att.add_absences(an.code, D(12), session="chieu")  # the other session is not an overlap
    att.add_absences(binh.code, D(13))
    refused(att.add_absences, binh.code, D(13), session="chieu", match="đã có lượt vắng")
    refused(attendance_days.add_holiday, D(13), "Nghỉ", match="13/11/2024 \\(HS")
    refused(attendance_days.add_holiday, D(1, 6, 2025), "Hè", match="không thuộc năm học")
    att.add_absences(binh.code, D(15))
    movements.record_transfer_out(binh, year, D(18), school="THCS B", scope="01")
    refused(att.add_absences, binh.code, D(19), match="không đang học")
    # a change of teaching weekdays over days that hold absences
    attendance_days.set_school_days(year, "2-7")
    att.add_absences(an.code, D(16), excused=True)
    refused(attendance_days.set_school_days, year, "2-6", match="16/11/2024")
    refused(att.mark_taken, klass, D(17), match="Chủ nhật")


def test_cli_absence_commands(cli):
    clock.set_today(date(2024, 11, 29))
    cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025")
    cli("class", "add", "6A1", "--grade", "6")
    rc, out, err = cli("student", "add", "--class", "6A1", "--name", "Nguyễn Văn An",
                       "--dob", "01/02/2013", "--gender", "nam", "--date", "05/09/2024")
    code = out.strip()
    rc, out, err = cli("absence", "add", "--student", code, "--date", "07/11/2024",
                       "--to", "12/11/2024", "--note", "Ốm")
    assert rc == 0 and len(out.split()) == 4 and "Chủ nhật 10/11/2024" in err
    before = [m.select().count() for m in MODELS]
    for argv in (["absence", "add", "--student", code, "--date", "09/11/2024"],
                 ["absence", "add", "--student", code, "--date", "08/11/2024", "--session", "sang"],
                 ["holiday", "add", "11/11/2024", "--name", "Nghỉ bù"],
                 ["absence", "void", "999", "--reason", "x"]):
        rc, out, err = cli(*argv)
        assert rc == 2 and err.startswith("Lỗi:") and out == ""
    assert [m.select().count() for m in MODELS] == before
    rc, out, err = cli("absence", "list", "--class", "6A1", "--from", "08/11/2024", "--format", "json")
    import json

    rows = json.loads(out)
    assert [r["ngay"] for r in rows] == ["2024-11-08", "2024-11-11", "2024-11-12"]
    assert set(rows[0]) == {"id", "ma", "ho_ten", "lop", "ngay", "loai", "buoi", "ghi_chu", "da_huy"}
    assert rows[0]["loai"] == "K" and rows[0]["buoi"] is None and rows[0]["ghi_chu"] == "Ốm"
    assert cli("absence", "void", str(rows[0]["id"]), "--reason", "Ghi nhầm")[0] == 0
    assert cli("absence", "taken", "--class", "6A1", "--date", "25/11/2024", "--to", "29/11/2024")[0] == 0
    assert AttendanceTaken.select().count() == 4 + 5
    assert cli("holiday", "add", "20/11/2024", "--name", "Ngày Nhà giáo")[0] == 0
    assert Holiday.select().count() == 1
    assert cli("year", "edit", "2024-2025", "--school-days", "2-7")[0] == 0


# ---- "Cần chú ý hôm nay" and the chronic-absence rate -----------------------------------------

def test_attention_uses_each_class_last_taken_day(school_6a1):
    year, klass, (an, binh, _c) = school_6a1
    k2 = school.add_class("6A2", 6, year)
    cuong = add_student({"name": "Lê Thị Dung", "dob": "05/09/2013", "gender": "nu"}, year, k2,
                        day=year.start)
    att.add_absences(an.code, D(11), D(14), excused=True)  # flagged on Thu 14 only
    att.add_absences(cuong.code, D(11), D(14), excused=True)
    att.mark_taken(k2, D(15))  # 6A2 took Friday: Dung was present, no longer flagged
    assert attendance_flag.attention(year, D(18)) == {klass.id: {an.id}}  # 6A1's last taken day: Thu 14
    assert attendance_flag.attention(year, D(13)) == {}  # by Wed 13, 6A1 had a run of 3
    assert attendance_flag.attention_students(year, D(18)) == {an.id}


def test_absence_rate_by_hand(school_6a1):
    year, klass, (an, binh, cuong) = school_6a1
    # school days 05/09 (Thu) … 30/09: Sept 2024 has 19 weekdays from the 5th (5,6, 9-13,
    # 16-20, 23-27, 30) = 2 + 5 + 5 + 5 + 1 = 18
    assert len(attendance_days.school_days(year, last=date(2024, 9, 30))) == 18
    att.add_absences(an.code, date(2024, 9, 9), date(2024, 9, 10))  # 2 days
    att.add_absences(an.code, date(2024, 9, 11), session="sang", excused=True)  # 0.5
    rates = attendance_rates.absence_rates(year, date(2024, 9, 30))
    assert rates[an.id] == 13.9  # 2.5 / 18 = 13.888…
    assert rates[binh.id] == 0.0
    assert attendance_rates.chronic_level(rates[an.id]) == "chronic"
    assert attendance_rates.chronic_level(5.0) == "approaching" and attendance_rates.chronic_level(4.9) is None
    # fewer than 10 enrolled school days: no rate (5,6,9,10,11,12,13,16,17 = 9 days)
    assert attendance_rates.absence_rates(year, date(2024, 9, 17))[an.id] is None
    assert attendance_rates.ty_le_vang(an.code, year, date(2024, 9, 18)) == round(250 / 10, 1)
    # half up: 1 day in 16 days = 6.25 -> 6.3 (Binh, to 26/09: 16 school days)
    att.add_absences(binh.code, date(2024, 9, 12))
    assert len(attendance_days.school_days(year, last=date(2024, 9, 26))) == 16
    assert attendance_rates.absence_rates(year, date(2024, 9, 26))[binh.id] == 6.3
    # a student who left: only the days enrolled count (left at the end of 20/09 … 12 days)
    movements.record_transfer_out(cuong, year, date(2024, 9, 20), school="THCS B", scope="01")
    att.add_absences(cuong.code, date(2024, 9, 19))
    assert attendance_rates.absence_rates(year, date(2024, 9, 30))[cuong.id] == round(100 / 11, 1)


# ---- property: the flag equals a day-by-day reading of the rules ---------------------------

def reference_flags(year, days, records, n, m, day):
    """The rules of docs/domain.md read literally over a list of school days and the active
    records {(student, date): [(excused, session)]}."""
    school = [d for d in days if d <= day]
    if not school:
        return set()
    d = school[-1]
    out = set()
    students = {s for s, _ in records}
    for s in students:
        run = 0
        for x in reversed(school):
            recs = records.get((s, x), [])
            whole = any(sess is None for _e, sess in recs) or len({sess for _e, sess in recs}) == 2
            if not whole:
                break
            run += 1
        halves = sum(2 if sess is None else 1
                     for x in school if d - timedelta(days=29) <= x <= d
                     for e, sess in records.get((s, x), []) if not e)
        if run > n or halves > 2 * m:
            out.add(s)
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), n=st.integers(0, 4), m=st.integers(0, 3))
def test_flags_equal_the_rules_and_void_then_readd_changes_nothing(tmp_path_factory, seed, n, m):
    from db.connection import close_database, open_database

    path = tmp_path_factory.mktemp("prop") / "p.sqlite3"
    open_database(str(path))
    try:
        clock.set_today(date(2024, 12, 20))
        year = school.add_year("2024-2025", "05/09/2024", "31/05/2025")
        klass = school.add_class("6A1", 6, year)
        studs = [add_student({"name": f"Học Sinh {c}", "dob": "05/09/2013", "gender": "nam"},
                             year, klass, day=year.start) for c in "ABCD"]
        rng = random.Random(seed)
        attendance_days.add_holiday(D(20), "Nhà giáo")
        settings_nm(n, m)
        days = attendance_days.school_days(year, D(1), D(29))
        records: dict = {}
        ids = []
        for s in studs:
            for x in days:
                if rng.random() < 0.35:
                    sess = rng.choice([None, None, "sang", "chieu", "both"])
                    excused = rng.random() < 0.5
                    for one in (["sang", "chieu"] if sess == "both" else [sess]):
                        ids += att.add_absences(s.id, x, excused=excused, session=one)[0]
                        records.setdefault((s.id, x), []).append((excused, one))
        check_days = [D(k) for k in range(4, 31)]
        expected = {x: reference_flags(year, days, records, n, m, x) for x in check_days}
        got = {x: attendance_flag.flagged_students(year, x) for x in check_days}
        assert got == expected
        # F10 over 04/11 … 29/11: the students flagged on at least one of its school days
        form = chuyen_can.report_chuyen_can(year, D(29), D(4))
        ever = set().union(*(expected[x] for x in attendance_days.school_days(year, D(4), D(29))))
        assert form["toan_truong"]["so_hs_canh_bao"] == len(ever)
        # void one absence and record it again: every flag as it was
        if ids:
            a = Absence.get_by_id(rng.choice(ids))
            att.void_absence(a.id, "thử")
            att.add_absences(a.student_id, a.date, excused=a.excused, session=a.session)
            assert {x: attendance_flag.flagged_students(year, x) for x in check_days} == got
    finally:
        clock.set_today(None)
        close_database()


def test_migration_from_v1_gives_every_year_monday_to_friday(tmp_path):
    import sqlite3
    from pathlib import Path

    from db.connection import SCHEMA_VERSION, close_database, open_database, schema_version

    path = tmp_path / "v1.sqlite3"
    dump = Path(__file__).with_name("schemas") / "v1.sql"
    with sqlite3.connect(path) as con:
        con.executescript(dump.read_text(encoding="utf-8"))
        years = con.execute("SELECT name FROM school_year ORDER BY name").fetchall()
    db = open_database(str(path))
    try:
        assert schema_version(db) == SCHEMA_VERSION
        assert [(y.name, y.ngay_hoc) for y in SchoolYear.select().order_by(SchoolYear.name)] == \
            [(name, "2-6") for (name,) in years]
        assert Absence.select().count() == Holiday.select().count() == 0
        assert AttendanceTaken.select().count() == 0
        year = SchoolYear.select().order_by(SchoolYear.start.desc()).first()
        day = attendance_days.school_days(year)[3]
        with clock.fixed(year.end):
            from db.models import Span

            sid = Span.select(Span.student).where((Span.year == year.id) & (Span.start <= day)
                                                  & (Span.end.is_null() | (Span.end > day))).scalar()
            ids, _ = att.add_absences(sid, day, excused=True)
        assert att.list_absences(year)[0]["id"] == ids[0]
    finally:
        close_database()

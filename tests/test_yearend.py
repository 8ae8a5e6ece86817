"""Year-end outcomes, the rollover and its undo."""

from datetime import date

import pytest

from db import kinds, movements, rollover, rollover_plan, yearend
from db.errors import SisoError
from db.events import rebuild_spans, status_on
from db.models import MODELS, Audit, Batch, Event, SchoolClass, SchoolYear, Span, Student
from db.roster import class_counts
from db.school import add_class, add_year, get_year, set_setting
from db.students import add_student


def add(name, code, year, klass, dob="01/01/2013"):
    return add_student({"name": name, "dob": dob, "gender": "nam", "code": code}, year, klass,
                       day=year.start)


@pytest.fixture
def school(year):
    k = {n: add_class(n, int(n[0]), year) for n in ("6A1", "6A2", "8A1", "9A1")}
    st = {
        "an": add("Nguyễn Văn An", "HS1", year, k["6A1"]),
        "binh": add("Trần Văn Bình", "HS2", year, k["6A1"]),
        "cuong": add("Lê Văn Cường", "HS3", year, k["6A2"]),
        "dung": add("Phạm Văn Dũng", "HS4", year, k["8A1"], dob="01/01/2011"),
        "em": add("Hồ Văn Em", "HS5", year, k["9A1"], dob="01/01/2010"),
        "giang": add("Vũ Văn Giang", "HS6", year, k["9A1"], dob="01/01/2010"),
    }
    return year, k, st


def dump():
    """Every row of every table but Batch and Audit, as plain tuples."""
    out = {}
    for m in MODELS:
        if m in (Batch, Audit):
            continue
        out[m.__name__] = sorted(tuple(str(v) for v in r) for r in m.select().tuples())
    return out


def test_outcomes_default_record_replace_and_resolve(school):
    year, k, st = school
    rows = yearend.outcomes_for_class(k["9A1"])
    assert [(r.code, r.outcome, r.explicit) for r in rows] == [
        ("HS5", kinds.COMPLETED, False), ("HS6", kinds.COMPLETED, False)]  # top grade of THCS
    assert rows[0].label == "Tốt nghiệp THCS"
    assert [r.outcome for r in yearend.outcomes_for_class(k["6A1"])] == [kinds.PROMOTED] * 2
    ev = yearend.set_outcome(st["an"], year, "pending")
    assert (ev.kind, ev.date) == (kinds.PENDING, year.end)
    # the same date again replaces (voids) it
    ev2 = yearend.set_outcome(st["an"], year, "held-back", day=year.end, klass="6A1")
    assert Event.get_by_id(ev.id).voided_at is not None
    assert yearend.outcomes_for_class(k["6A1"])[0].outcome == kinds.HELD_BACK
    yearend.set_outcome(st["an"], year, "pending")
    assert Event.get_by_id(ev2.id).voided_at is not None
    # resolved in the summer
    res = yearend.set_outcome(st["an"], year, "promoted", day="10/07/2025")
    assert res.date == date(2025, 7, 10)
    assert yearend.latest_outcomes(year)[st["an"].id].kind == kinds.PROMOTED
    # the pending stays in the history
    assert Event.select().where((Event.kind == kinds.PENDING) & Event.voided_at.is_null()).count() == 1


def test_outcome_rules(school):
    year, k, st = school
    before = (Event.select().count(), Audit.select().count())
    for args, words in [
        ((st["an"], year, "completed"), r"khối cuối cấp \(khối 9 của trường\)"),
        ((st["an"], year, "graduated"), "không hợp lệ"),
        ((st["an"], year, "promoted", "30/04/2025"), "từ ngày kết thúc năm học"),
        ((st["an"], year, "held-back", "10/07/2025"), "chờ thi lại"),
    ]:
        with pytest.raises(SisoError, match=words):
            yearend.set_outcome(*args)
    with pytest.raises(SisoError, match="không phải lớp 6A2"):
        yearend.set_outcome(st["an"], year, "promoted", klass="6A2")
    movements.record_dropout(st["binh"], year, "10/10/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    with pytest.raises(SisoError, match="không đang học"):
        yearend.set_outcome(st["binh"], year, "promoted")
    assert (Event.select().count(), Audit.select().count()) == (before[0] + 1, before[1] + 1)
    assert yearend.set_outcome(st["em"], year, "completed").kind == kinds.COMPLETED


def test_rollover_places_students_and_undo_restores_everything(school):
    year, k, st = school
    movements.record_class_change(st["binh"], year, "01/12/2024", k["6A2"])
    movements.record_dropout(st["cuong"], year, "10/03/2025", "02", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    yearend.set_outcome(st["dung"], year, "held-back")
    yearend.set_outcome(st["giang"], year, "held-back")
    before = dump()
    plan = rollover_plan.rollover_preview(year, mapping={"6A2": "7A5"})
    # by hand: An 6A1→7A1, Bình (now 6A2)→7A5, Cường dropped out, Dũng stays 8A1, Em leaves,
    # Giang stays in 9A1
    assert plan.ok, plan.problems
    assert (plan.promoted, plan.held_back, plan.completers) == (2, 2, 1)
    assert {n: (c.promoted, c.held_back) for n, c in plan.classes.items()} == {
        "7A1": (1, 0), "7A5": (1, 0), "8A1": (0, 1), "9A1": (0, 1)}
    assert dump() == before  # the preview writes nothing
    batch = rollover.rollover(year, mapping={"6A2": "7A5"})
    new = get_year("2025-2026")
    assert (new.start, new.end) == (date(2025, 9, 5), date(2026, 5, 31))
    assert {c.name: c.now for c in class_counts(new, new.start)} == {
        "7A1": 1, "7A5": 1, "8A1": 1, "9A1": 1}
    assert status_on(st["binh"].id, new.start, new)[1].name == "7A5"
    # four enrolments in the new year, and the outcomes the rollover gave the students who had
    # none recorded (An and Bình promoted, Em completed), recorded in the old year so that F4
    # counts them like any other outcome
    assert Event.select().where((Event.batch == batch.id) & (Event.year == new.id)).count() == 4
    given = {(e.student_id, e.kind, e.date) for e in Event.select().where(
        (Event.batch == batch.id) & (Event.year == year.id))}
    assert given == {(st["an"].id, "promoted", year.end), (st["binh"].id, "promoted", year.end),
                     (st["em"].id, "completed", year.end)}
    # spans equal a full rebuild
    spans = sorted(Span.select(Span.student, Span.klass, Span.start, Span.end).where(Span.year == new.id).tuples())
    for s in st.values():
        rebuild_spans(s.id, new.id)
    assert sorted(Span.select(Span.student, Span.klass, Span.start, Span.end)
                  .where(Span.year == new.id).tuples()) == spans
    # a second rollover into the same year is refused
    with pytest.raises(SisoError, match="Đã chuyển năm"):
        rollover.rollover(year)
    undone = rollover.undo_rollover("2025-2026")
    assert undone.undone_at is not None
    assert dump() == before


def test_undo_is_refused_once_the_new_year_has_events(school):
    year, k, st = school
    rollover.rollover(year)
    new = get_year("2025-2026")
    d = movements.record_dropout(st["an"], new, "01/10/2025", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    before = dump()
    with pytest.raises(SisoError, match=f"số {d.id}"):
        rollover.undo_rollover(new)
    assert dump() == before
    # once the event is voided (it counts nowhere) the undo goes through, as its message says
    movements.void_event(d.id, "nhầm")
    rollover.undo_rollover(new)
    assert Event.select().where(Event.id == d.id).count() == 0
    assert SchoolYear.get_or_none(SchoolYear.name == "2025-2026") is None


def test_pending_stops_the_rollover_unless_told(school):
    year, k, st = school
    yearend.set_outcome(st["an"], year, "pending")
    before = dump()
    with pytest.raises(SisoError, match="Nguyễn Văn An"):
        rollover.rollover(year)
    assert dump() == before
    plan = rollover_plan.rollover_preview(year, pending_as="held-back")
    assert plan.ok and plan.held_back == 1 and plan.classes["6A1"].held_back == 1


def test_rollover_into_an_existing_year_keeps_its_classes(school):
    year, k, st = school
    new = add_year("2025-2026", "08/09/2025", "30/05/2026")
    grade6 = add_class("6A1", 6, new)
    fresh = add("Đỗ Văn Hải", "HS9", new, grade6)  # admitted to grade 6 before the rollover
    yearend.set_outcome(st["dung"], year, "held-back")
    before = dump()
    rollover.rollover(year, "2025-2026")
    assert {c.name: c.now for c in class_counts(new, new.start)} == {
        "6A1": 1, "7A1": 2, "7A2": 1, "8A1": 1}
    rollover.undo_rollover(new)  # the earlier admission does not block the undo
    assert dump() == before
    assert SchoolYear.get_or_none(SchoolYear.name == "2025-2026") is not None
    assert status_on(fresh.id, new.start, new)[0] == "dang_hoc"


def test_combined_school_carries_grade5_completers_on(year):
    set_setting("cap_hoc", "TH-THCS")
    k5 = add_class("5A", 5, year)
    a = add("Nguyễn Văn An", "HS1", year, k5, dob="01/01/2014")
    yearend.set_outcome(a, year, "completed")
    plan = rollover_plan.rollover_preview(year)
    assert plan.completers == 0 and plan.classes["6A"].promoted == 1
    assert rollover_plan.next_class_name("6/2", 6) == "7/2"
    assert SchoolClass.select().count() == 1 and Student.select().count() == 1


# ---- a pending result resolved in the summer, the top grade, and the level ------------------

@pytest.fixture
def today():
    """``today(d)`` fixes db.clock's today for the rest of the test."""
    from db import clock

    yield clock.set_today
    clock.set_today(None)


def _f4(year, day):
    from db.len_lop import report_len_lop

    rep = report_len_lop(year, day)
    keys = ("len_lop", "thi_lai", "luu_ban", "hoan_thanh")
    rows = {r["lop"]: (r["tong_so"], *(r[k]["sl"] for k in keys)) for r in rep["lop"]}
    school = rep["toan_truong"]
    return rows, (school["tong_so"], *(school[k]["sl"] for k in keys)), school


def test_grade9_retest_passed_in_summer_graduates_and_the_rollover_counts_right(year, today):
    # THCS (the default level): grade 9 is the top grade, there is no grade 10
    k8, k9 = add_class("8A1", 8, year), add_class("9A1", 9, year)
    a = add("Nguyễn Văn An", "HS1", year, k8, dob="01/01/2011")   # retest, passes → 9A1
    b = add("Trần Văn Bình", "HS2", year, k8, dob="01/01/2011")   # retest, fails → stays 8A1
    c = add("Lê Văn Cường", "HS3", year, k8, dob="01/01/2011")    # promoted → 9A1
    d = add("Phạm Văn Dũng", "HS4", year, k9, dob="01/01/2010")   # retest, passes → graduates
    e = add("Hồ Văn Em", "HS5", year, k9, dob="01/01/2010")       # graduates
    f = add("Vũ Văn Giang", "HS6", year, k9, dob="01/01/2010")    # retest, fails → stays 9A1
    today(date(2025, 6, 2))  # the day after the year's end (31/05/2025)
    for st, result in ((a, "pending"), (b, "pending"), (c, "promoted"), (d, "pending"),
                       (e, "completed"), (f, "pending")):
        assert yearend.set_outcome(st, year, result).date == date(2025, 5, 31)
    # nobody in grade 9 can be "promoted": the school has no grade 10
    with pytest.raises(SisoError, match=r"không có khối 10.*hoàn thành chương trình \(Tốt nghiệp THCS\)"):
        yearend.set_outcome(d, year, "promoted")
    with pytest.raises(SisoError, match="Phạm Văn Dũng"):
        rollover.rollover(year)  # four results still pending
    # by hand, at the year's end: 8A1 = 3 (1 promoted, 2 pending), 9A1 = 3 (2 pending, 1 completed)
    rows, school, _ = _f4(year, date(2025, 5, 31))
    assert rows == {"8A1": (3, 1, 2, 0, 0), "9A1": (3, 0, 2, 0, 1)}
    assert school == (6, 1, 4, 0, 1)

    today(date(2025, 7, 20))  # the retests are marked
    resolved = {st.code: yearend.set_outcome(st, year, result) for st, result in (
        (a, "promoted"), (b, "held-back"), (d, "completed"), (f, "held-back"))}
    assert {ev.date for ev in resolved.values()} == {date(2025, 7, 20)}  # today, in the summer
    assert resolved["HS4"].kind == kinds.COMPLETED
    # by hand, on 31/07: 8A1 = 2 promoted + 1 held back; 9A1 = 2 completed + 1 held back
    rows, school, totals = _f4(year, date(2025, 7, 31))
    assert rows == {"8A1": (3, 2, 0, 1, 0), "9A1": (3, 0, 0, 1, 2)}
    assert school == (6, 2, 0, 2, 2)
    assert totals["hoan_thanh"]["ty_le"] == 33.3  # 2 of 6
    # the year-end figures stay as they were that day
    assert _f4(year, date(2025, 5, 31))[1] == (6, 1, 4, 0, 1)

    plan = rollover_plan.rollover_preview(year)
    assert plan.ok, plan.problems
    assert not plan.before_end
    assert (plan.promoted, plan.held_back, plan.completers) == (2, 2, 2)
    rollover.rollover(year)
    new = get_year("2025-2026")
    # An and Cường go up to 9A1, where Giang stays; Bình stays in 8A1; Dũng and Em leave
    assert {c.name: c.now for c in class_counts(new, new.start)} == {"8A1": 1, "9A1": 3}
    for st in (d, e):
        assert status_on(st.id, new.start, new)[0] != "dang_hoc"
    assert status_on(a.id, new.start, new)[1].name == "9A1"
    # the new year's reference date and semester II start: same day and month as the old year's
    assert (new.ref_date, new.hk2_start) == (date(2025, 9, 30), date(2026, 1, 13))


def test_pending_as_promoted_in_the_top_grade_means_completed(year, today):
    k9 = add_class("9A1", 9, year)
    d = add("Phạm Văn Dũng", "HS4", year, k9, dob="01/01/2010")
    today(date(2025, 6, 2))
    yearend.set_outcome(d, year, "pending")
    plan = rollover_plan.rollover_preview(year, pending_as="promoted")
    assert plan.ok and plan.completers == 1 and plan.classes == {}


def test_promoted_already_recorded_in_the_top_grade_is_named_by_the_rollover(year, today):
    from db.events import record_event

    k9 = add_class("9A1", 9, year)
    d = add("Phạm Văn Dũng", "HS4", year, k9, dob="01/01/2010")
    record_event(d, year, kinds.PROMOTED, year.end)  # as an older version allowed
    today(date(2025, 6, 2))
    plan = rollover_plan.rollover_preview(year)
    assert plan.problems == ["1 học sinh lớp 9A1 được ghi lên lớp nhưng trường không có khối trên: "
                             "ghi lại kết quả hoàn thành chương trình hoặc lưu ban."]
    yearend.set_outcome(d, year, "completed")  # same date: replaces it
    assert rollover_plan.rollover_preview(year).completers == 1


@pytest.mark.parametrize("level, grade, completes, promotes, goes_on", [
    ("TH", 5, True, False, False),
    ("THCS", 9, True, False, False),
    ("THPT", 12, True, False, False),
    ("THPT", 11, False, True, True),
    ("TH-THCS", 5, True, True, True),     # completes primary, goes on to the school's grade 6
    ("TH-THCS", 9, True, False, False),
    ("THCS-THPT", 9, True, True, True),   # graduates THCS, goes on to the school's grade 10
    ("THCS-THPT", 12, True, False, False),
])
def test_completion_and_promotion_follow_the_level(year, today, level, grade, completes, promotes,
                                                     goes_on):
    set_setting("cap_hoc", level)
    k = add_class(f"{grade}A", grade, year)
    st = add("Nguyễn Văn An", "HS1", year, k, dob="01/01/2008")
    today(date(2025, 6, 2))
    if promotes:
        assert yearend.set_outcome(st, year, "promoted").kind == kinds.PROMOTED
    else:
        with pytest.raises(SisoError, match=f"không có khối {grade + 1}"):
            yearend.set_outcome(st, year, "promoted")
    if completes:
        yearend.set_outcome(st, year, "completed")
        plan = rollover_plan.rollover_preview(year)
        assert plan.ok, plan.problems
        assert (plan.completers, plan.promoted) == ((0, 1) if goes_on else (1, 0))
    else:
        with pytest.raises(SisoError, match="khối cuối cấp"):
            yearend.set_outcome(st, year, "completed")


def test_outcome_at_a_year_end_still_ahead_and_a_rollover_before_the_end(school, today):
    year, k, st = school
    today(date(2025, 4, 20))  # before the year's end (31/05/2025)
    # the year-end result is dated the year's end even though that is still ahead
    assert yearend.set_outcome(st["an"], year, "pending").date == date(2025, 5, 31)
    # resolving it on a summer day that has not come yet needs confirming
    with pytest.raises(SisoError, match="chưa đến"):
        yearend.set_outcome(st["an"], year, "promoted", day="10/07/2025")
    assert yearend.set_outcome(st["an"], year, "promoted", day="10/07/2025",
                               future=True).date == date(2025, 7, 10)
    yearend.set_outcome(st["binh"], year, "pending")
    with pytest.raises(SisoError, match="muộn nhất ngày 31/08/2025"):
        yearend.set_outcome(st["binh"], year, "held-back", day="10/09/2025", future=True)
    yearend.set_outcome(st["binh"], year, "held-back", day="31/05/2025")
    plan = rollover_plan.rollover_preview(year)
    assert plan.ok and plan.before_end and "chưa kết thúc" in plan.early_warning
    before = dump()
    with pytest.raises(SisoError, match="Năm học 2024-2025 chưa kết thúc"):
        rollover.rollover(year)
    assert dump() == before
    batch = rollover.rollover(year, before_end=True)
    new = get_year("2025-2026")
    # its enrolments are dated the new year's first day, months ahead of today, and the
    # outcomes it gives students who had none the old year's end, also ahead of today
    dates = {(e.kind in kinds.OUTCOMES, e.date) for e in Event.select().where(Event.batch == batch.id)}
    assert {d for outcome, d in dates if not outcome} == {new.start}
    assert {d for outcome, d in dates if outcome} <= {year.end}


def test_new_year_dates_follow_the_old_year_unless_given(year):
    plan = rollover_plan.rollover_preview(year, start="04/09/2025")
    assert (plan.ref, plan.hk2) == (date(2025, 9, 30), date(2026, 1, 13))
    plan = rollover_plan.rollover_preview(year, start="04/09/2025", ref="15/10/2025", hk2="19/01/2026")
    assert (plan.ref, plan.hk2) == (date(2025, 10, 15), date(2026, 1, 19))
    # a start after the old reference day moves the default reference date to the start
    plan = rollover_plan.rollover_preview(year, start="01/10/2025")
    assert plan.ref == date(2025, 10, 1)


# ---- the grades a school's level allows ------------------------------------------------------

def test_class_grade_must_fit_the_school_level(year):
    with pytest.raises(SisoError, match=r"Khối 12 không thuộc cấp học của trường: trường THCS "
                                        r"\(trung học cơ sở\) chỉ có khối 6 đến khối 9") as err:
        add_class("12A1", 12, year)
    assert err.value.field == "khoi"
    with pytest.raises(SisoError, match="khối 6 đến khối 9"):
        add_class("5A", 5, year)
    assert SchoolClass.select().count() == 0
    set_setting("cap_hoc", "TH-THCS")  # a combined school spans both levels
    assert add_class("5A", 5, year).grade == 5 and add_class("9A", 9, year).grade == 9
    with pytest.raises(SisoError, match=r"TH-THCS \(liên cấp tiểu học và trung học cơ sở\) chỉ có "
                                        "khối 1 đến khối 9"):
        add_class("10A", 10, year)


def test_level_change_that_leaves_out_existing_classes_is_refused(year, today):
    from db.school import get_settings

    today(date(2024, 10, 1))
    add_class("6A1", 6, year)
    add_class("9A1", 9, year)
    before = dump()
    with pytest.raises(SisoError, match=r"Không đổi cấp học thành THPT .*6A1 \(khối 6, năm học "
                                        r"2024-2025\), 9A1 \(khối 9") as err:
        set_setting("cap_hoc", "THPT")
    assert err.value.field == "cap_hoc"
    assert dump() == before and get_settings()["cap_hoc"] == "THCS"
    assert set_setting("cap_hoc", "THCS-THPT") == "THCS-THPT"  # still has grades 6–9
    # a past year's classes keep the level they had
    today(date(2025, 10, 1))
    add_year("2025-2026", "05/09/2025", "31/05/2026")
    assert set_setting("cap_hoc", "THPT") == "THPT"


def test_rollover_does_not_create_a_class_outside_the_level(year, today):
    # an older database holding a grade-10 class in a THCS school
    SchoolClass.create(name="10A1", grade=10, year=year, homeroom="")
    k9 = add_class("9A1", 9, year)
    add("Phạm Văn Dũng", "HS4", year, k9, dob="01/01/2010")
    today(date(2025, 6, 2))
    plan = rollover_plan.rollover_preview(year)
    assert any(p.startswith("Lớp mới 10A1: Khối 10 không thuộc cấp học") for p in plan.problems)


def test_rollover_carries_homeroom_teachers_and_names_those_left(school):
    from db import users
    from db.models import UserRole

    year, k, st = school
    yearend.set_outcome(st["em"], year, "completed")
    yearend.set_outcome(st["giang"], year, "completed")
    clerk = users.add_user("vt", "Văn Thư", [("clerk", None)])
    users.set_current_actor(clerk)
    users.add_user("lan", "Cô Lan", [("homeroom", "6A1")], system_account="lan")
    users.add_user("ha", "Cô Hà", [("homeroom", "9A1")], system_account="ha")
    before = dump()
    batch = rollover.rollover(year)
    new = get_year("2025-2026")
    lan = users.actor_of("lan")
    # 6A1 maps to 7A1: Lan keeps 6A1 (last year) and gains 7A1; 9A1 graduates: Hà is left
    assert {SchoolClass.get_by_id(i).name for i in lan.class_ids} == {"6A1", "7A1"}
    assert lan.scope(new).class_ids == {SchoolClass.get(SchoolClass.year == new, SchoolClass.name == "7A1").id}
    assert users.actor_of("ha").class_ids == {k["9A1"].id}
    notes = rollover.homeroom_notes(batch)
    assert notes[0].endswith(": 1.") and "ha (9A1)" in notes[1]
    rollover.undo_rollover("2025-2026")
    assert dump() == before and UserRole.select().count() == 3

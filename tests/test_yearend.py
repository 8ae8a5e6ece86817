"""Year-end outcomes, the rollover and its undo."""

from datetime import date

import pytest

from db import kinds, movements, yearend
from db.errors import SisoError
from db.events import rebuild_spans, status_on
from db.models import MODELS, Audit, Batch, Event, SchoolClass, SchoolYear, Span, Student
from db.roster import class_counts
from db.school import add_class, add_year, get_year, set_setting
from db.students import add_student


def add(name, code, year, klass, dob="01/01/2013"):
    return add_student({"name": name, "dob": dob, "gender": "nam", "code": code}, year, klass)


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
        ((st["an"], year, "completed"), "khối 5, 9 hoặc 12"),
        ((st["an"], year, "graduated"), "không hợp lệ"),
        ((st["an"], year, "promoted", "30/04/2025"), "từ ngày kết thúc năm học"),
        ((st["an"], year, "held-back", "10/07/2025"), "chờ thi lại"),
    ]:
        with pytest.raises(SisoError, match=words):
            yearend.set_outcome(*args)
    with pytest.raises(SisoError, match="không phải lớp 6A2"):
        yearend.set_outcome(st["an"], year, "promoted", klass="6A2")
    movements.record_dropout(st["binh"], year, "10/10/2024", "01")
    with pytest.raises(SisoError, match="không đang học"):
        yearend.set_outcome(st["binh"], year, "promoted")
    assert (Event.select().count(), Audit.select().count()) == (before[0] + 1, before[1] + 1)
    assert yearend.set_outcome(st["em"], year, "completed").kind == kinds.COMPLETED


def test_rollover_places_students_and_undo_restores_everything(school):
    year, k, st = school
    movements.record_class_change(st["binh"], year, "01/12/2024", k["6A2"])
    movements.record_dropout(st["cuong"], year, "10/03/2025", "02")
    yearend.set_outcome(st["dung"], year, "held-back")
    yearend.set_outcome(st["giang"], year, "held-back")
    before = dump()
    plan = yearend.rollover_preview(year, mapping={"6A2": "7A5"})
    # by hand: An 6A1→7A1, Bình (now 6A2)→7A5, Cường dropped out, Dũng stays 8A1, Em leaves,
    # Giang stays in 9A1
    assert plan.ok, plan.problems
    assert (plan.promoted, plan.held_back, plan.completers) == (2, 2, 1)
    assert {n: (c.promoted, c.held_back) for n, c in plan.classes.items()} == {
        "7A1": (1, 0), "7A5": (1, 0), "8A1": (0, 1), "9A1": (0, 1)}
    assert dump() == before  # the preview writes nothing
    batch = yearend.rollover(year, mapping={"6A2": "7A5"})
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
        yearend.rollover(year)
    undone = yearend.undo_rollover("2025-2026")
    assert undone.undone_at is not None
    assert dump() == before


def test_undo_is_refused_once_the_new_year_has_events(school):
    year, k, st = school
    yearend.rollover(year)
    new = get_year("2025-2026")
    d = movements.record_dropout(st["an"], new, "01/10/2025", "01")
    before = dump()
    with pytest.raises(SisoError, match=f"số {d.id}"):
        yearend.undo_rollover(new)
    assert dump() == before
    # once the event is voided (it counts nowhere) the undo goes through, as its message says
    movements.void_event(d.id, "nhầm")
    yearend.undo_rollover(new)
    assert Event.select().where(Event.id == d.id).count() == 0
    assert SchoolYear.get_or_none(SchoolYear.name == "2025-2026") is None


def test_pending_stops_the_rollover_unless_told(school):
    year, k, st = school
    yearend.set_outcome(st["an"], year, "pending")
    before = dump()
    with pytest.raises(SisoError, match="Nguyễn Văn An"):
        yearend.rollover(year)
    assert dump() == before
    plan = yearend.rollover_preview(year, pending_as="held-back")
    assert plan.ok and plan.held_back == 1 and plan.classes["6A1"].held_back == 1


def test_rollover_into_an_existing_year_keeps_its_classes(school):
    year, k, st = school
    new = add_year("2025-2026", "08/09/2025", "30/05/2026")
    grade6 = add_class("6A1", 6, new)
    fresh = add("Đỗ Văn Hải", "HS9", new, grade6)  # admitted to grade 6 before the rollover
    yearend.set_outcome(st["dung"], year, "held-back")
    before = dump()
    yearend.rollover(year, "2025-2026")
    assert {c.name: c.now for c in class_counts(new, new.start)} == {
        "6A1": 1, "7A1": 2, "7A2": 1, "8A1": 1}
    yearend.undo_rollover(new)  # the earlier admission does not block the undo
    assert dump() == before
    assert SchoolYear.get_or_none(SchoolYear.name == "2025-2026") is not None
    assert status_on(fresh.id, new.start, new)[0] == "dang_hoc"


def test_combined_school_carries_grade5_completers_on(year):
    set_setting("cap_hoc", "TH-THCS")
    k5 = add_class("5A", 5, year)
    a = add("Nguyễn Văn An", "HS1", year, k5, dob="01/01/2014")
    yearend.set_outcome(a, year, "completed")
    plan = yearend.rollover_preview(year)
    assert plan.completers == 0 and plan.classes["6A"].promoted == 1
    assert yearend.next_class_name("6/2", 6) == "7/2"
    assert SchoolClass.select().count() == 1 and Student.select().count() == 1

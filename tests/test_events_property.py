"""Property: for random valid histories (with voids) of a small school, every class's count
on every date of the year equals its start-of-year count plus the increases minus the
decreases, all computed here from the events alone; and voiding an event gives the same
counts as never recording it."""

import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db import kinds, movements
from db.connection import close_database, open_database
from db.errors import SisoError
from db.events import summer_end
from db.models import Event, SchoolClass, Span
from db.roster import class_counts
from db.school import add_class, add_year
from db.students import add_student

START = date(2024, 9, 5)
REF = date(2024, 9, 30)
CLASSES = [("6A1", 6), ("6A2", 6), ("7A1", 7)]
STUDENTS = [  # name, class index, admission day offset
    ("Nguyễn Văn An", 0, 0), ("Trần Thị Bình", 0, 0), ("Lê Văn Cường", 1, 0),
    ("Phạm Thị Dung", 2, 0), ("Hồ Văn Em", 1, 40),  # Em is admitted after the reference date
]
OPS = ["dropout", "return", "transfer_out", "transfer_in", "class_change", "death",
       "other_decrease", "void", "void"]


def setup_school(path: Path):
    open_database(str(path))
    year = add_year("2024-2025", "05/09/2024", "31/05/2025", ref="30/09/2024", hk2="13/01/2025")
    classes = [add_class(n, g, year) for n, g in CLASSES]
    students = [add_student({"name": n, "dob": "01/01/2012", "gender": "nam"}, year, classes[k],
                            day=START + timedelta(days=off)) for n, k, off in STUDENTS]
    return year, classes, students


def apply(op, year, classes, students, s, day, p):
    """Record one operation through the services (raises SisoError when refused)."""
    stu = students[s]
    if op == "dropout":
        return movements.record_dropout(stu, year, day, f"{p + 1:02d}", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    if op == "return":
        return movements.record_return(stu, year, day)
    if op == "transfer_out":
        return movements.record_transfer_out(stu, year, day, school="THCS Khác", scope="01")
    if op == "transfer_in":
        return movements.record_transfer_in(year, day, classes[p], student=stu, school="THCS Khác")
    if op == "class_change":
        return movements.record_class_change(stu, year, day, classes[p])
    if op == "death":
        return movements.record_decrease(stu, year, day, kinds.DEATH)
    if op == "other_decrease":
        return movements.record_decrease(stu, year, day, kinds.OTHER_DECREASE, reason="Khác")
    raise AssertionError(op)


def model(events):
    """Per-class counts at the end of each day, by walking the events (no database)."""
    where = {}
    changes = []  # (date, class, +1/-1)
    for e in sorted(events, key=lambda e: (e["date"], e["seq"])):
        old = where.get(e["student"])
        if e["kind"] in kinds.ENTRIES:
            where[e["student"]] = e["klass"]
            changes.append((e["date"], e["klass"], +1))
        elif e["kind"] in kinds.EXITS:
            where[e["student"]] = None
            changes.append((e["date"], old, -1))
        elif e["kind"] == kinds.CLASS_CHANGE:
            where[e["student"]] = e["klass"]
            changes += [(e["date"], old, -1), (e["date"], e["klass"], +1)]
    return changes


def count_at(changes, klass, day):
    return sum(d for when, k, d in changes if k == klass and when <= day)


def span_counts(year, days):
    """Direct span count per (class name, day) from the Span table."""
    spans = list(Span.select(SchoolClass.name, Span.start, Span.end).join(SchoolClass).where(
        Span.year == year.id).tuples())
    return {(k, d): sum(1 for n, s, e in spans if n == k and s <= d and (e is None or e > d))
            for k, _ in CLASSES for d in days}


op_strategy = st.tuples(st.sampled_from(OPS), st.integers(0, len(STUDENTS) - 1),
                        st.integers(0, 359), st.integers(0, 2))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op_strategy, min_size=1, max_size=14))
def test_counts_balance_and_voids_count_nowhere(ops):
    with tempfile.TemporaryDirectory() as tmp:
        year, classes, students = setup_school(Path(tmp) / "a.sqlite3")
        last_day = summer_end(year)
        names = {c.id: c.name for c in classes}
        events = []  # what was recorded: the test's own list
        for i, s in enumerate(students):
            e = Event.get(Event.student == s.id)
            events.append(dict(id=e.id, seq=len(events), student=i, kind=e.kind, date=e.date,
                               klass=names[e.klass_id], call=None, voided=False))
        for op, s, off, p in ops:
            day = START + timedelta(days=off)
            if day > last_day:
                continue
            if op == "void":
                live = [e for e in events if not e["voided"] and e["call"] is not None]
                if not live:
                    continue
                target = live[p % len(live)]
                try:
                    movements.void_event(target["id"], "ghi nhầm")
                except SisoError:
                    continue
                target["voided"] = True
                continue
            try:
                ev = apply(op, year, classes, students, s, day, p)
            except SisoError:
                continue
            events.append(dict(id=ev.id, seq=len(events), student=s, kind=ev.kind, date=ev.date,
                               klass=names[ev.klass_id] if ev.klass_id else None,
                               call=(op, s, day, p), voided=False))
        valid = [e for e in events if not e["voided"]]
        changes = model(valid)
        days = [START + timedelta(days=n) for n in range((last_day - START).days + 1)]
        observed = span_counts(year, days)
        for k, _ in CLASSES:
            start = count_at(changes, k, REF)
            for d in days:
                assert observed[(k, d)] == count_at(changes, k, d), (k, d)
                if d > REF:
                    window = [e for e in valid if REF < e["date"] <= d]
                    inc = sum(1 for e in window if e["klass"] == k and
                              (e["kind"] in kinds.ENTRIES or e["kind"] == kinds.CLASS_CHANGE))
                    dec = sum(1 for when, kk, delta in changes if kk == k and delta < 0
                              and REF < when <= d)
                    assert observed[(k, d)] == start + inc - dec, (k, d)
        # the SQL counting path agrees on the dates where something happened
        for d in sorted({e["date"] for e in events} | {REF, year.end}):
            got = {c.name: (c.start, c.now) for c in class_counts(year, d)}
            assert got == {k: (observed[(k, REF)], observed[(k, d)]) for k, _ in CLASSES}
        first_spans = sorted(Span.select(Span.student, SchoolClass.name, Span.start, Span.end)
                             .join(SchoolClass).tuples())
        close_database()

        # a second database where the voided events were never recorded
        year2, classes2, students2 = setup_school(Path(tmp) / "b.sqlite3")
        try:
            for e in valid:
                if e["call"] is not None:
                    apply(e["call"][0], year2, classes2, students2, *e["call"][1:])
            second_spans = sorted(Span.select(Span.student, SchoolClass.name, Span.start, Span.end)
                                  .join(SchoolClass).tuples())
            assert second_spans == first_spans
            assert span_counts(year2, days) == observed
        finally:
            close_database()

"""Writing the demo school: the plan of ``db.demo_plan`` into the open database.

``write_demo`` runs inside ``build_demo``'s transaction and writes the plan in a fixed order
(settings, the year, its classes, students, villages, events, their spans, register
numbers, then the parts planned and written by their own modules: at-risk cases and visits,
absences, expected children, the reporting calendar; the targets last), so the same plan
always gives the same rows and ids. Built with bulk inserts (``bulk_insert``) so that 60,000
students take seconds, not minutes. The spans are computed here directly from the planned
histories, which are valid by construction; ``tests/test_demo.py`` proves they equal
``events.rebuild_spans``.
"""

from __future__ import annotations

from datetime import date, datetime
from operator import itemgetter

from peewee import (BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField,
                    TextField, chunked)

from . import audit, kinds, register
from .demo_attendance import build_attendance
from .demo_calendar import build_calendar
from .demo_cohort import add_expected_children
from .demo_plan import DemoPlan
from .demo_visits import add_cases_and_visits
from .errors import SisoError
from .events import semester_of
from .models import Event, SchoolClass, SchoolYear, Setting, Span, Student, Target, database


def write_demo(plan: DemoPlan, seed: int, today: date, info: dict) -> SchoolYear:
    """Write ``plan`` (inside the caller's ``audit.write``, whose ``info`` it fills in);
    return the school year written."""
    Setting.insert_many([{"key": k, "value": v} for k, v in plan.settings.items()]).execute()
    year = SchoolYear.create(name=plan.year_name, start=plan.start, end=plan.end,
                             ref_date=plan.ref_date, hk2_start=plan.hk2_start)
    SchoolClass.insert_many([{"year": year.id, "name": n, "grade": g, "homeroom": t}
                             for (g, n), t in zip(plan.class_keys, plan.teachers)]).execute()
    class_ids = {n: cid for cid, n in SchoolClass.select(SchoolClass.id, SchoolClass.name)
                 .where(SchoolClass.year == year.id).tuples()}
    klass_id = [class_ids[n] for _, n in plan.class_keys]

    plans, teachers = plan.students, plan.teachers
    student_ids = _insert_students(plan.student_rows)
    _insert_villages(plan.villages)
    event_rows = _event_rows(plans, student_ids, klass_id, year)
    event_ids = _insert_events(event_rows)
    spans = _spans(plans, student_ids, klass_id, event_ids, year.id)
    bulk_insert(Span, spans)
    register.number_unnumbered()  # register numbers by first entry (db.register)
    info.update(zip(("risk_cases", "visits"), add_cases_and_visits(
        plans, student_ids, teachers, year, today, seed, plan.settings["hieu_truong"])))
    info["absences"] = build_attendance(year, spans, seed, today, audit.current_user())
    info["expected"] = add_expected_children(year, seed, audit.current_user(), today)
    info["submissions"] = build_calendar(year, today, seed, plan.settings["co_quan_quan_ly"],
                                         audit.current_user())
    Target.insert_many([{"year": year.id, "level": "THCS", "grade": None, "name": n, "value": v}
                        for n, v in plan.targets.items()]).execute()
    info.update(classes=len(plan.class_keys), events=len(event_rows))
    return year


BULK_REBUILD = 20_000  # rows from which bulk_insert builds an empty table's indexes at the end


def bulk_insert(model, rows: list[dict]) -> None:
    """INSERT many rows (all with the same keys) with one prepared statement.

    Plain standard SQL through the driver's ``executemany``: the same on SQLite and
    PostgreSQL, and many times faster than building one statement per chunk.
    """
    if not rows:
        return
    db = database.obj
    names = list(rows[0])
    fields = [model._meta.fields[n] for n in names]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join([db.param] * len(fields))
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    cursor = db.cursor()
    # many rows into an empty table (the demo's absences, days taken, students at 60,000):
    # its indexes are built once at the end, from sorted data, rather than kept up to date
    # row by row (414,819 absences: 3.1 -> 1.8 s of CPU)
    rebuild = len(rows) >= BULK_REBUILD and not model.select().exists()
    if rebuild:
        model._schema.drop_indexes(safe=True)
    get = itemgetter(*names) if len(names) > 1 else (lambda r: (r[names[0]],))
    for chunk in chunked(rows, 5000):
        values = [get(r) for r in chunk]
        # a column whose values are all of the field's own Python type (or None) goes to the
        # driver as it is (``db_value`` returns them unchanged); any other through db_value
        convert = [j for j, f in enumerate(fields)
                   if not {type(t[j]) for t in values} <= _raw_types(f)]
        if convert:
            values = [tuple(fields[j].db_value(t[j]) if j in convert else t[j]
                            for j in range(len(fields))) for t in values]
        cursor.executemany(sql, values)
    if rebuild:
        model._schema.create_indexes(safe=True)


def _raw_types(field) -> set:
    """The Python types whose values ``field.db_value`` passes on unchanged."""
    if isinstance(field, ForeignKeyField):
        field = field.rel_field
    for kind, types in ((BooleanField, {bool}), (DateTimeField, {datetime}), (DateField, {date}),
                        (IntegerField, {int}), (CharField, {str}), (TextField, {str})):
        if isinstance(field, kind):
            return types | {type(None)}
    return set()


def _insert_students(rows: list[dict]) -> list[int]:
    """Insert the planned students; return their ids in the same order."""
    bulk_insert(Student, rows)
    ids = dict(Student.select(Student.code, Student.id).tuples())
    return [ids[r["code"]] for r in rows]


def _insert_villages(rows: list[dict]) -> None:
    """The planned villages, then every student linked to theirs in one statement (fast at
    60,000 students)."""
    from .models import Village

    for row in rows:
        Village.create(**row)
    database.execute_sql("UPDATE student SET village_id = (SELECT v.id FROM village v WHERE "
                         "v.name = student.village AND v.commune = student.commune)")


_EVENT_KEYS = ("klass", "from_klass", "reason", "school", "province", "district", "scope",
               "vocational", "doc_no", "note")


def _event_rows(plans, student_ids, klass_id, year) -> list[dict]:
    rows = []
    for st, sid in zip(plans, student_ids):
        for ev in st.events:
            row = {k: ev.get(k) for k in _EVENT_KEYS}
            row["klass"] = klass_id[ev["klass"]]
            row["from_klass"] = klass_id[ev["from_klass"]] if ev.get("from_klass") is not None else None
            row["vocational"] = bool(ev.get("vocational"))
            row.update(student=sid, year=year.id, kind=ev["kind"], date=ev["date"],
                       semester=semester_of(year, ev["date"]), batch=None, recorded_by="vanthu",
                       recorded_at=ev["recorded_at"],
                       voided_at=None, voided_by=None, void_reason=None)
            rows.append(row)
    return rows


def _insert_events(rows: list[dict]) -> list[int]:
    """Insert in order; return the new ids in the same order (ids grow with each insert)."""
    last = Event.select(Event.id).order_by(Event.id.desc()).first()
    after = last.id if last else 0
    bulk_insert(Event, rows)
    got = list(Event.select(Event.id, Event.student, Event.kind, Event.date)
               .where(Event.id > after).order_by(Event.id).tuples())
    if len(got) != len(rows) or any((s, k, d) != (r["student"], r["kind"], r["date"])
                                    for (_, s, k, d), r in zip(got, rows)):
        raise SisoError("Không tạo được trường mẫu: thứ tự ghi biến động không như dự kiến.")
    return [g[0] for g in got]


def _spans(plans, student_ids, klass_id, event_ids, year_id) -> list[dict]:
    """The spans the generated histories give (the same rule as events.spans_from_replay)."""
    spans = []
    n = 0
    for st, sid in zip(plans, student_ids):
        current = None
        for ev in st.events:
            eid = event_ids[n]
            n += 1
            k = ev["kind"]
            if current is not None and (k in kinds.EXITS or k == kinds.CLASS_CHANGE):
                current["end"], current["end_event"] = ev["date"], eid
                spans.append(current)
                current = None
            if k in kinds.ENTRIES or k == kinds.CLASS_CHANGE:
                current = {"student": sid, "year": year_id, "klass": klass_id[ev["klass"]],
                           "start": ev["date"], "end": None, "start_event": eid, "end_event": None}
        if current is not None:
            spans.append(current)
    return spans

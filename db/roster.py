"""Lists of students as of a date, fetched as tuples in one query, sorted the Vietnamese way."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from peewee import JOIN, Case, fn

from . import codes, kinds, text
from .models import Event, SchoolClass, SchoolYear, Span, Student


class Row(NamedTuple):
    id: int
    code: str
    family: str
    middle: str
    given: str
    dob: date
    female: bool
    ethnic: str
    disability: str | None
    village: str
    klass: str
    grade: int
    status: str  # kinds.STATUS_LABELS key, or "chuyen_lop" (moved to another class)
    national_id: str | None = None
    guardian: str = ""
    phone: str = ""

    @property
    def full_name(self) -> str:
        return text.join_name(self.family, self.middle, self.given)

    @property
    def ethnic_name(self) -> str:
        return codes.ethnic_name(self.ethnic)


def _search_clause(query: str):
    clause = None
    for word in text.fold(query).split():
        w = word.replace("%", "").replace("_", "")
        if not w:
            continue
        # each word matches the start of a word of the name ("an" finds An, not Văn)
        cond = Student.name_folded.startswith(w) | (fn.LOWER(Student.code) == w)
        for sep in (" ", "'", "-"):
            cond |= Student.name_folded.contains(sep + w)
        clause = cond if clause is None else (clause & cond)
    return clause


def roster_rows(year: SchoolYear, day: date, klass: SchoolClass | None = None,
                search: str | None = None, include_left: bool = True,
                grades: list[int] | None = None) -> list[Row]:
    """Students of ``year`` (or of one class) with their class and status at the end of ``day``.

    For each student, the latest span that started on or before ``day`` gives the class;
    the student is "đang học" when that span is still open on ``day``, otherwise the event
    that closed it gives the status. With ``klass``, a student who moved to another class
    is listed in the old class as "chuyen_lop".
    """
    span_filter = (Span.year == year.id) & (Span.start <= day)
    if klass is not None:
        span_filter &= Span.klass == klass.id
    rn = fn.ROW_NUMBER().over(partition_by=[Span.student],
                              order_by=[Span.start.desc(), Span.id.desc()])
    latest = (Span.select(Span.student, Span.klass, Span.end, Span.end_event, rn.alias("rn"))
              .where(span_filter).alias("latest"))
    EndEvent = Event.alias("end_ev")
    is_open = latest.c.end.is_null() | (latest.c.end > day)
    q = (Student
         .select(Student.id, Student.code, Student.family, Student.middle, Student.given,
                 Student.dob, Student.female, Student.ethnic, Student.disability, Student.village,
                 SchoolClass.name, SchoolClass.grade,
                 Case(None, [(is_open, "dang_hoc")], EndEvent.kind),
                 Student.national_id, Student.guardian, Student.phone)
         .join(latest, on=(latest.c.student_id == Student.id))
         .join(SchoolClass, on=(SchoolClass.id == latest.c.klass_id))
         .join(EndEvent, JOIN.LEFT_OUTER, on=(EndEvent.id == latest.c.end_event_id))
         .where(latest.c.rn == 1))
    if not include_left:
        q = q.where(is_open)
    if grades:
        q = q.where(SchoolClass.grade.in_(grades))
    if search and text.fold(search).strip():
        q = q.where(_search_clause(search))
    q = q.order_by(Student.sort_key, Student.id)
    rows = []
    for r in q.tuples().iterator():
        status = r[12]
        if status != "dang_hoc":
            status = "chuyen_lop" if status == kinds.CLASS_CHANGE else kinds.STATUS_AFTER.get(status, status)
        rows.append(Row(*r[:12], status, *r[13:]))
    return rows


STATUS_TEXT = {**kinds.STATUS_LABELS, "chuyen_lop": "Đã chuyển lớp"}


class ClassCount(NamedTuple):
    klass_id: int
    name: str
    grade: int
    homeroom: str
    start: int  # enrolled at the end of the reference date
    now: int  # enrolled at the end of the day
    female: int
    minority: int


def class_counts(year: SchoolYear, day: date) -> list[ClassCount]:
    """Per class: start-of-year count, count on ``day``, female and ethnic-minority counts on ``day``.
    Two grouped queries, whatever the number of students."""
    def open_on(d):
        return (Span.start <= d) & (Span.end.is_null() | (Span.end > d))

    start = dict(Span.select(Span.klass, fn.COUNT(Span.id))
                 .where((Span.year == year.id) & open_on(year.ref_date))
                 .group_by(Span.klass).tuples())
    minority = Student.ethnic.between("02", "54")
    now = {k: (n, f, m) for k, n, f, m in
           Span.select(Span.klass, fn.COUNT(Span.id),
                       fn.SUM(Case(None, [(Student.female == True, 1)], 0)),  # noqa: E712
                       fn.SUM(Case(None, [(minority, 1)], 0)))
           .join(Student)
           .where((Span.year == year.id) & open_on(day))
           .group_by(Span.klass).tuples()}
    out = []
    classes = SchoolClass.select().where(SchoolClass.year == year.id)
    for c in sorted(classes, key=lambda c: (c.grade, text.natural_key(c.name))):
        n, f, m = now.get(c.id, (0, 0, 0))
        out.append(ClassCount(c.id, c.name, c.grade, c.homeroom, start.get(c.id, 0), n, int(f or 0), int(m or 0)))
    return out

"""The flag «nghỉ học quá 3 ngày» and «Cần chú ý hôm nay» (``docs/domain.md``, "Keeping
every student in school").

Computed with a few grouped queries whatever the number of students (no query per student):
:func:`flagged_students`, :func:`attention`.
"""

from __future__ import annotations

from datetime import date, timedelta

from peewee import chunked, fn

from . import clock
from .attendance_days import active, last_school_day, school_days, weight
from .dates import as_date
from .models import Absence, AttendanceTaken, SchoolClass, SchoolYear, Span, database

SETTING_RUN = "nghi_lien_tiep_toi_da"  # N: a run of whole-day absences longer than N
SETTING_UNEXCUSED = "khong_phep_30_ngay_toi_da"  # M: unexcused days in 30 days above M

# ---- the flag «nghỉ học quá 3 ngày» ----------------------------------------------------------

def thresholds() -> tuple[int, int]:
    """(N, M): ``nghi_lien_tiep_toi_da`` and ``khong_phep_30_ngay_toi_da`` (settings)."""
    from .school import get_settings

    values = get_settings()

    def num(key: str) -> int:
        try:
            return max(0, int(values.get(key) or 3))
        except ValueError:
            return 3

    return num(SETTING_RUN), num(SETTING_UNEXCUSED)


def _enrolled(year: SchoolYear, day: date, klass_ids=None):
    from .report_common import open_on

    q = Span.select(Span.student).where((Span.year == year.id) & open_on(day))
    if klass_ids is not None:
        q = q.where(Span.klass.in_(list(klass_ids)))
    return q


def flagged_students(year: SchoolYear, day: date, klass_ids=None, student_ids=None) -> set[int]:
    """The students enrolled on ``day`` (in ``klass_ids``, when given) flagged «nghỉ học quá
    3 ngày» on ``day`` — on a day that is not a school day, on the last school day before it:
    (a) their run of consecutive school days of whole-day absence ending on that day is
    longer than N, or (b) their unexcused absences on the school days of the 30 calendar
    days ending on it total more than M (a session counting 0.5). Two grouped queries.

    ``student_ids``: only these students, whom the caller knows to be enrolled on ``day``
    (the attendance screen after a key: the student of that row)."""
    d = last_school_day(year, day)
    if d is None:
        return set()
    n, m = thresholds()
    days = school_days(year, last=d)
    # a few classes: only their students' absences are read; the whole school: the
    # absences are grouped first, and only the students they name are checked for enrolment
    among = None
    if student_ids is not None:
        among = list(student_ids)
        if not among:
            return set()
    elif klass_ids is not None:
        klass_ids = list(klass_ids)
        if len(klass_ids) <= 10:
            among = [sid for (sid,) in database.execute(_enrolled(year, d, klass_ids))]
            if not among:
                return set()

    def scope(q):
        # the dates are the year's school days: with a list of students, no year filter,
        # so that SQLite reads them through the (student, date) index
        if among is not None:
            return q.where(active() & Absence.student.in_(among))
        return q.where((Absence.year == year.id) & active())

    found: set[int] = set()
    run = days[-(n + 1):]
    if len(run) == n + 1:
        whole = (scope(Absence.select(Absence.student).where(Absence.date.in_(run)))
                 .group_by(Absence.student, Absence.date).having(weight() >= 2))
        sub = whole.alias("w")
        q = (Absence.select(sub.c.student_id).from_(sub).group_by(sub.c.student_id)
             .having(fn.COUNT(1) == n + 1))
        found.update(r[0] for r in database.execute(q))
    window = [x for x in days if x >= d - timedelta(days=29)]
    q = (scope(Absence.select(Absence.student)
               .where((Absence.excused == False) & Absence.date.in_(window)))
         .group_by(Absence.student).having(weight() > 2 * m))
    found.update(r[0] for r in database.execute(q))
    if among is not None or not found:
        return found
    return {sid for (sid,) in database.execute(
        _enrolled(year, d, klass_ids).where(Span.student.in_(list(found))))}


def taken_days(year: SchoolYear, today: date | None = None, klass_ids=None) -> dict[int, date]:
    """Per class of ``year`` (of ``klass_ids``): the last day on or before ``today`` its
    attendance was taken. Index seeks only: the last day any class took, the classes that
    took it, then the last day of each class left (usually none)."""
    today = today or clock.today()
    last = min(today, year.end)
    in_year = (AttendanceTaken.date >= year.start) & (AttendanceTaken.date <= last)
    if klass_ids is None:
        klass_ids = [c for (c,) in SchoolClass.select(SchoolClass.id)
                     .where(SchoolClass.year == year.id).tuples()]
    wanted = set(klass_ids)
    if not wanted:
        return {}
    latest = AttendanceTaken.select(fn.MAX(AttendanceTaken.date)).where(in_year).scalar()
    if latest is None:
        return {}
    latest = as_date(latest)
    out = {k: latest for (k,) in AttendanceTaken.select(AttendanceTaken.klass)
           .where(AttendanceTaken.date == latest).tuples() if k in wanted}
    rest = [k for k in wanted if k not in out]
    for chunk in chunked(rest, 500):
        for k, d in (AttendanceTaken.select(AttendanceTaken.klass, fn.MAX(AttendanceTaken.date))
                     .where(in_year & AttendanceTaken.klass.in_(chunk))
                     .group_by(AttendanceTaken.klass).tuples()):
            out[k] = as_date(d)
    return out


def attention(year: SchoolYear, today: date | None = None,
              klass_ids=None) -> dict[int, set[int]]:
    """«Cần chú ý hôm nay»: per class, the students flagged on the last school day on or
    before ``today`` whose attendance that class took (classes never taken: none). One
    pair of queries per distinct such day (a handful), whatever the number of classes."""
    by_day: dict[date, list[int]] = {}
    for klass_id, d in taken_days(year, today, klass_ids).items():
        by_day.setdefault(d, []).append(klass_id)
    out: dict[int, set[int]] = {}
    for d, klass_ids in by_day.items():
        flagged = flagged_students(year, d, klass_ids)
        if not flagged:
            continue
        day = last_school_day(year, d) or d
        for sid, kid in (_enrolled(year, day, klass_ids).select(Span.student, Span.klass)
                         .where(Span.student.in_(list(flagged))).tuples()):
            out.setdefault(kid, set()).add(sid)
    return out


def attention_students(year: SchoolYear, today: date | None = None, klass_ids=None) -> set[int]:
    """Every student of :func:`attention`, whatever the class: the students flagged today
    (for the lists of students flagged without an at-risk case, and the roster's «!»)."""
    return set().union(*attention(year, today, klass_ids).values())


__all__ = ["flagged_students", "attention", "attention_students"]

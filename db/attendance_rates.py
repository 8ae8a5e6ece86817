"""Chronic absence (``ty_le_vang``) and the weekly attendance rate (``docs/domain.md``,
"Keeping every student in school").

Computed with a few grouped queries whatever the number of students (no query per student):
:func:`absence_rates`, :func:`weekly_attendance`.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, timedelta
from functools import lru_cache

from peewee import Case, fn

from . import scope as scopes
from .attendance_days import active, school_days, weight
from .dates import as_date
from .models import Absence, AttendanceTaken, SchoolClass, SchoolYear, Span, database
from .students import get_student

CHRONIC, APPROACHING = 10.0, 5.0  # ty_le_vang thresholds (%)
MIN_RATE_DAYS = 10  # no rate below this many enrolled school days

# ---- chronic absence (ty_le_vang) ----------------------------------------------------------

def absence_rates(year: SchoolYear, day: date, student_ids=None) -> dict[int, float | None]:
    """``ty_le_vang`` of each student of ``year`` with a span started by ``day``: days absent
    (a session 0.5, excused or not) on the school days from the year's start to ``day`` on
    which they were enrolled ÷ those enrolled school days × 100, rounded half up to one
    decimal; None below 10 enrolled school days. Two queries."""
    days = school_days(year, last=day)
    spans = Span.select(Span.student, Span.start, Span.end).where((Span.year == year.id)
                                                                  & (Span.start <= day))
    # the year's days rather than ``year == …`` in the WHERE: SQLite then groups along its
    # (student, date) index instead of sorting the year's records (0.7 → 0.2 s at 60,000)
    absent = (Absence.select(Absence.student,
                             fn.SUM(Case(None, [(Absence.year != year.id, 0),
                                                (Absence.session.is_null(), 2)], 1)))
              .where(active() & (Absence.date >= year.start) & (Absence.date <= day))
              .group_by(Absence.student))
    if student_ids is not None:
        ids = list(student_ids)
        spans = spans.where(Span.student.in_(ids))
        absent = absent.where(Absence.student.in_(ids))
    halves = {sid: int(h) for sid, h in database.execute(absent)}
    return _rates(days, database.execute(spans), halves)


def _enrolled_days(days: list[date], spans) -> dict[int, int]:
    """Per student, the number of ``days`` on which one of their ``spans`` (student, start,
    end) holds them."""
    enrolled: dict[int, int] = {}
    for sid, start, end in spans:
        lo = bisect_left(days, as_date(start))
        hi = len(days) if end is None else bisect_left(days, as_date(end))
        enrolled[sid] = enrolled.get(sid, 0) + max(0, hi - lo)
    return enrolled


def _rates(days: list[date], spans, halves: dict[int, int]) -> dict[int, float | None]:
    """``ty_le_vang`` from the spans (student, start, end) and each student's half-days absent
    (see :func:`absence_rates`); ``days``: the school days from the year's start."""
    return {sid: (cached_rate(halves.get(sid, 0), 2 * n) if n >= MIN_RATE_DAYS else None)
            for sid, n in _enrolled_days(days, spans).items()}


@lru_cache(maxsize=4096)
def cached_rate(num: int, den: int) -> float | None:
    """``report_common.rate``, remembered: the same few (half-days, enrolled half-days) pairs recur
    over thousands of students."""
    from .report_common import rate

    return rate(num, den)


def ty_le_vang(student, year: SchoolYear, day: date) -> float | None:
    """The chronic-absence rate of one student (see :func:`absence_rates`)."""
    st = get_student(student)
    return absence_rates(year, day, [st.id]).get(st.id)


def chronic_level(rate: float | None) -> str | None:
    """``"chronic"`` (≥ 10.0), ``"approaching"`` (5.0–9.9) or None."""
    if rate is None:
        return None
    if rate >= CHRONIC:
        return "chronic"
    if rate >= APPROACHING:
        return "approaching"
    return None


def weekly_attendance(year: SchoolYear, day: date) -> dict[int, list[tuple[date, float | None]]]:
    """Per grade, week by week (the Monday of each week with school days, from the year's
    start to ``day``): the attendance rate — (enrolled student-days − days absent) ÷ enrolled
    student-days × 100, a session counting 0.5, excused or not, one decimal half up, as F10's
    ``ty_le_chuyen_can``. A student-day is a school day of the week, up to ``day``, on which
    the student was enrolled in a class of the grade. None for a week in which no class of
    the grade took attendance (nothing known, rather than 100 %).

    Three grouped queries (spans by grade, start and end; absences by grade and day; days
    taken by grade), whatever the number of students."""
    from .report_common import rate

    days = school_days(year, last=day)
    mondays = sorted({d - timedelta(days=d.weekday()) for d in days})
    week_of = {m: i for i, m in enumerate(mondays)}
    pos_week = [week_of[d - timedelta(days=d.weekday())] for d in days]
    in_scope = scopes.class_condition(year)  # the reader's classes (db.scope)
    grades = {g for (g,) in scopes.where(SchoolClass.select(SchoolClass.grade)
                                         .where(SchoolClass.year == year.id), in_scope)
              .distinct().tuples()}
    expected = {g: [0] * len(mondays) for g in grades}
    absent = {g: [0] * len(mondays) for g in grades}
    taken = {g: [False] * len(mondays) for g in grades}
    if days:
        for grade, start, end, n in database.execute(scopes.where(
                Span.select(SchoolClass.grade, Span.start, Span.end, fn.COUNT(Span.id))
                .join(SchoolClass, on=(SchoolClass.id == Span.klass))
                .where((Span.year == year.id) & (Span.start <= days[-1]))
                .group_by(SchoolClass.grade, Span.start, Span.end), in_scope)):
            start, end = as_date(start), as_date(end)
            lo = bisect_left(days, start)
            hi = len(days) if end is None else bisect_left(days, end)
            row = expected.setdefault(grade, [0] * len(mondays))
            for p in range(lo, hi):
                row[pos_week[p]] += int(n)
        for grade, d, halves in database.execute(scopes.where(
                Absence.select(SchoolClass.grade, Absence.date, weight())
                .join(SchoolClass, on=(SchoolClass.id == Absence.klass))
                .where((Absence.year == year.id) & active() & (Absence.date <= days[-1]))
                .group_by(SchoolClass.grade, Absence.date), in_scope)):
            d = as_date(d)
            w = week_of.get(d - timedelta(days=d.weekday()))
            if w is not None:
                absent.setdefault(grade, [0] * len(mondays))[w] += int(halves)
        for grade, d in database.execute(scopes.where(
                AttendanceTaken.select(SchoolClass.grade, AttendanceTaken.date)
                .join(SchoolClass, on=(SchoolClass.id == AttendanceTaken.klass))
                .where((SchoolClass.year == year.id) & (AttendanceTaken.date >= year.start)
                       & (AttendanceTaken.date <= days[-1]))
                .group_by(SchoolClass.grade, AttendanceTaken.date), in_scope)):
            d = as_date(d)
            w = week_of.get(d - timedelta(days=d.weekday()))
            if w is not None:
                taken.setdefault(grade, [False] * len(mondays))[w] = True
    out = {}
    for g in sorted(expected):
        exp, abs_, tk = expected[g], absent.get(g, [0] * len(mondays)), taken.get(g, [])
        out[g] = [(m, rate(2 * exp[i] - abs_[i], 2 * exp[i]) if exp[i] and tk and tk[i] else None)
                  for i, m in enumerate(mondays)]
    return out


__all__ = ["absence_rates", "ty_le_vang", "chronic_level", "weekly_attendance"]

"""The demo school's attendance: holidays, a realistic year of absences up to today, and
every class's days marked as taken. Deterministic from the seed; bulk inserts only, so
60,000 students stay cheap (a few random draws per student, never one per school day).

Most students are rarely absent (a day or two a term), some more often (the "approaching"
and "chronic" rates), and a few have runs of four to six school days that raise the flag
«nghỉ học quá 3 ngày» — some of them ending on the last day, so the overview's «Cần chú ý»
column shows them today."""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from datetime import date, datetime, time, timedelta

from .models import Absence, AttendanceTaken, Holiday, SchoolClass, SchoolYear

# the first day of the lunar new year (Tết Nguyên đán)
TET = {2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
       2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26),
       2029: date(2029, 2, 13), 2030: date(2030, 2, 3), 2031: date(2031, 1, 23),
       2032: date(2032, 2, 11)}
NOTES_P = ("Ốm, gia đình xin phép", "Về quê có việc gia đình", "Đi khám bệnh")
NOTES_K = ("", "", "Đi rẫy cùng gia đình", "Không liên lạc được phụ huynh")


def demo_holidays(year: SchoolYear) -> list[dict]:
    second = year.start.year + 1
    tet = TET.get(second, date(second, 2, 1))
    out = [("Tết Dương lịch", date(second, 1, 1), date(second, 1, 1)),
           ("Tết Nguyên đán", tet - timedelta(days=3), tet + timedelta(days=5)),
           ("Giỗ Tổ Hùng Vương, 30/4 và 1/5", date(second, 4, 30), date(second, 5, 1))]
    return [{"year": year.id, "name": n, "start": a, "end": b} for n, a, b in out
            if year.start <= a and b <= year.end]


def build_attendance(year: SchoolYear, spans: list[dict], seed: int, today: date,
                     user: str) -> int:
    """Insert the demo's holidays, absences and taken days (inside the builder's
    transaction); returns the number of absences."""
    from . import attendance_days
    from .demo_write import bulk_insert

    rng = random.Random(f"{seed}-attendance")
    holidays = demo_holidays(year)
    if holidays:
        bulk_insert(Holiday, holidays)
    days = attendance_days.school_days(year, last=min(today, year.end))
    if not days:
        return 0
    at = datetime.combine(days[-1], time(7, 30))
    rows: list[dict] = []
    add = rows.append
    for span in spans:
        lo = bisect_left(days, span["start"])
        hi = len(days) if span["end"] is None else bisect_left(days, span["end"])
        n = hi - lo
        if n <= 0:
            continue
        r = rng.random()
        p = 0.02 if r < 0.55 else 0.05 if r < 0.85 else 0.09 if r < 0.97 else 0.16
        k = max(0, round(n * p + rng.gauss(0, 1) * math.sqrt(n * p * (1 - p))))
        taken = set(rng.sample(range(lo, hi), min(k, n)))
        if n >= 6 and rng.random() < 0.012:  # a run of 4–6 school days
            length = rng.randint(4, 6)
            end = hi - 1 if rng.random() < 0.35 else rng.randrange(lo + length - 1, hi)
            taken.update(range(max(lo, end - length + 1), end + 1))
            run_excused = rng.random() < 0.3
            run = set(range(max(lo, end - length + 1), end + 1))
        else:
            run, run_excused = set(), False
        for i in sorted(taken):
            if i in run:
                excused, session = run_excused, None
            else:
                excused = rng.random() < 0.6
                session = None if rng.random() < 0.8 else rng.choice(("sang", "chieu"))
            add({"student": span["student"], "year": year.id, "klass": span["klass"],
                 "date": days[i], "session": session, "excused": excused,
                 "note": rng.choice(NOTES_P if excused else NOTES_K), "recorded_by": user,
                 "recorded_at": at})
    bulk_insert(Absence, rows)
    classes = [cid for (cid,) in SchoolClass.select(SchoolClass.id)
               .where(SchoolClass.year == year.id).tuples()]
    bulk_insert(AttendanceTaken, [{"klass": c, "date": d, "taken_by": user, "taken_at": at}
                                   for c in classes for d in days])
    return len(rows)

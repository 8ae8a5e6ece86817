"""F10 ``chuyen-can`` (``docs/forms.md``): attendance over a period, per class and for the
school, and the students flagged «nghỉ học quá 3 ngày» or chronically absent.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta

from peewee import chunked

from . import scope as scopes, text
from .attendance_days import active, school_days
from .attendance_flag import thresholds
from .attendance_rates import MIN_RATE_DAYS, cached_rate, chronic_level
from .dates import as_date
from .models import Absence, SchoolYear, Span, Student, database

# ---- F10 chuyen-can -----------------------------------------------------------------------------

def _days_value(halves: int) -> int | float:
    """Half-days as days: 7 -> 3.5, 6 -> 3."""
    return halves // 2 if halves % 2 == 0 else halves / 2


def _flag_detail(spans, whole: list[int], unexcused: list[tuple[int, int]], period: list[date],
                 upto: list[date], p_lo: int, p_hi: int, tu_ord: int, n_max: int,
                 m_max: int) -> tuple[int, int | float, bool]:
    """F10's figures of one student over the period: (the longest run of whole-day absences
    reaching into the period, counted from its first day and cut at the period's end; the
    most unexcused days in 30 calendar days ending on a school day of the period; whether the
    student was flagged on a school day of the period while enrolled).

    ``spans``: the student's (start, end, class); ``whole``: the indexes in ``upto`` (the
    school days from the year's start) of their whole-day absences, ascending;
    ``unexcused``: (ordinal of the day, half-days) of their unexcused records on school
    days, by day; ``p_lo`` … ``p_hi``: the period's indexes in ``upto``."""

    def enrolled_on(d: date) -> bool:
        return any(s <= d and (e is None or e > d) for s, e, _k in spans)

    flagged = False
    # (a) runs: blocks of consecutive school days of whole-day absence
    longest = 0
    k, n = 0, len(whole)
    while k < n:
        j = k
        while j + 1 < n and whole[j + 1] == whole[j] + 1:
            j += 1
        first, last = whole[k], whole[j]
        end = min(last, p_hi)
        if end >= max(first, p_lo):
            longest = max(longest, end - first + 1)
            if not flagged:
                flagged = any(enrolled_on(upto[t]) for t in range(max(first + n_max, p_lo), end + 1))
        k = j + 1
    if not unexcused:
        return longest, 0, flagged
    # (b) unexcused in 30 days: the largest window ends on the first day of the period, on
    # a day with an unexcused record, or on the first day of a span in the period
    checks = {period[0].toordinal()} | {o for o, _w in unexcused if o >= tu_ord}
    for s, _e, _k in spans:
        lo = bisect_left(period, s)
        if lo < len(period):
            checks.add(period[lo].toordinal())
    days = [o for o, _w in unexcused]
    sums = [0]
    for _o, w in unexcused:
        sums.append(sums[-1] + w)
    worst = 0
    for o in checks:
        k30 = sums[bisect_right(days, o)] - sums[bisect_left(days, o - 29)]
        if k30 > worst:
            worst = k30
        if k30 > 2 * m_max and not flagged and enrolled_on(date.fromordinal(o)):
            flagged = True
    return longest, _days_value(worst), flagged


def report_chuyen_can(year: SchoolYear, as_of, start=None) -> dict:
    """F10 ``chuyen-can`` (docs/forms.md) for the period ``start`` … ``as_of``: per class and for
    the school, the school days, the student-days expected and absent (P, K; a session 0.5),
    the attendance rate, the students flagged on at least one school day of the period, the
    chronic and approaching absentees at ``as_of``; then the students flagged or chronic.

    A class row covers every student enrolled in it on at least one school day of the period,
    credited to the last such class. ``nguy_co`` and ``so_lan_van_dong`` come from the at-risk
    register and the home visits, which this database does not hold: null."""
    from .report_common import classes_of, rate, resolve_period

    tu, den = resolve_period(year, as_of, start)
    period = school_days(year, tu, den)
    upto = school_days(year, last=den)
    n_max, m_max = thresholds()
    # spans -> each student's enrolled school days in the period and their last class
    # (and the enrolled school days from the year's start, for ``ty_le_vang``)
    spans: dict[int, list[tuple[date, date | None, int]]] = {}
    dates = {None: None}  # the few distinct dates of the spans, converted once
    for sid, kid, s, e in database.execute(
            Span.select(Span.student, Span.klass, Span.start, Span.end)
            .where((Span.year == year.id) & (Span.start <= den))):
        s = dates[s] if s in dates else dates.setdefault(s, as_date(s))
        e = dates[e] if e in dates else dates.setdefault(e, as_date(e))
        spans.setdefault(sid, []).append((s, e, kid))
    expected: dict[int, int] = {}
    credited: dict[int, int] = {}
    enrolled_days: dict[int, int] = {}
    n_period, n_upto = len(period), len(upto)
    for sid, rows in spans.items():
        total, last, enrolled = 0, None, 0
        for s, e, kid in rows:
            lo = bisect_left(period, s)
            hi = n_period if e is None else bisect_left(period, e)
            if hi > lo:
                total += hi - lo
                if last is None or period[hi - 1] > last[0]:
                    last = (period[hi - 1], kid)
            lo = bisect_left(upto, s)
            hi = n_upto if e is None else bisect_left(upto, e)
            enrolled += max(0, hi - lo)
        enrolled_days[sid] = enrolled
        if last is not None:
            expected[sid], credited[sid] = total, last[1]

    # one ordered pass over the year's records up to ``den`` (student, then date): the P/K
    # half-days of the period, each student's half-days for ``ty_le_vang`` and, cheaply, an
    # upper bound of their flag figures (longest run, most unexcused half-days in 30 days);
    # the exact figures (_flag_detail) only for those the bound does not rule out and the
    # chronic (listed anyway)
    index = {d: i for i, d in enumerate(upto)}
    cal: dict = {}  # a day, as a date and as SQLite's text -> (school-day index or None, ordinal)
    d = year.start
    while d <= den:
        cal[d] = cal[d.isoformat()] = (index.get(d), d.toordinal())
        d += timedelta(days=1)
    tu_ord = tu.toordinal()
    absent_p: dict[int, int] = {}
    absent_k: dict[int, int] = {}
    rates: dict[int, float | None] = {}
    detail: dict[int, tuple[int, int | float, bool]] = {}
    if period:
        p_lo, p_hi = index[period[0]], index[period[-1]]
    # by (student, date) with no year filter, so that SQLite walks its (student, date) index
    # in order instead of sorting the year's records; the year is checked below
    q = (Absence.select(Absence.student, Absence.date, Absence.session.is_null(), Absence.excused,
                        Absence.year)
         .where(active() & (Absence.date >= year.start) & (Absence.date <= den))
         .order_by(Absence.student, Absence.date))
    run_max, win_max = n_max, 2 * m_max

    def close(sid, halves, p, k, whole, unexcused, run, win) -> None:
        if sid not in credited:
            return
        n = enrolled_days.get(sid, 0)
        rates[sid] = r = cached_rate(halves, 2 * n) if n >= MIN_RATE_DAYS else None
        if p:
            absent_p[sid] = p
        if k:
            absent_k[sid] = k
        if period and (run > run_max or win > win_max or chronic_level(r) == "chronic"):
            detail[sid] = _flag_detail(spans[sid], whole, unexcused, period, upto, p_lo, p_hi,
                                       tu_ord, n_max, m_max)

    year_id = year.id
    cur = None
    halves = p = k = run = win = 0
    whole: list[int] = []
    unexcused: list[tuple[int, int]] = []
    # the day being read and its half-days; the first record of the 30 days ending on it and
    # their unexcused half-days; the run of whole days ending with the last one kept
    last_i, last_h, head, wsum, crun = None, 0, 0, 0, 0
    for sid, day_, is_whole, excused, yid in database.execute(q):
        if yid != year_id:
            continue
        if sid != cur:
            if last_h >= 2:
                crun = crun + 1 if whole and whole[-1] == last_i - 1 else 1
                whole.append(last_i)
                if crun > run:
                    run = crun
            if cur is not None:
                close(cur, halves, p, k, whole, unexcused, run, win)
            cur, halves, p, k, run, win, whole, unexcused = sid, 0, 0, 0, 0, 0, [], []
            last_i, last_h, head, wsum, crun = None, 0, 0, 0, 0
        i, o = cal.get(day_) or cal[as_date(day_)]
        w = 2 if is_whole else 1
        halves += w
        if o >= tu_ord and period:
            if excused:
                p += w
            else:
                k += w
        if i is None:  # not a school day (cannot be recorded): counted, never flagged
            continue
        if i != last_i:
            if last_h >= 2:
                crun = crun + 1 if whole and whole[-1] == last_i - 1 else 1
                whole.append(last_i)
                if crun > run:
                    run = crun
            last_i, last_h = i, 0
        last_h += w
        if not excused:
            unexcused.append((o, w))
            wsum += w
            while unexcused[head][0] < o - 29:
                wsum -= unexcused[head][1]
                head += 1
            if wsum > win:
                win = wsum
    if last_h >= 2:
        crun = crun + 1 if whole and whole[-1] == last_i - 1 else 1
        whole.append(last_i)
        if crun > run:
            run = crun
    if cur is not None:
        close(cur, halves, p, k, whole, unexcused, run, win)
    levels = {sid: chronic_level(r) for sid, r in rates.items()}

    # rows per class, then the school
    def blank() -> dict:
        return {"ngay_hs_du_kien": 0, "p": 0, "k": 0, "so_hs_canh_bao": 0,
                "so_hs_vang_nhieu": 0, "so_hs_sap_vang_nhieu": 0}

    sums: dict[int, dict] = {}
    for sid, kid in credited.items():
        row = sums.setdefault(kid, blank())
        row["ngay_hs_du_kien"] += expected[sid]
        row["p"] += absent_p.get(sid, 0)
        row["k"] += absent_k.get(sid, 0)
        row["so_hs_canh_bao"] += bool(detail.get(sid, (0, 0, False))[2])
        row["so_hs_vang_nhieu"] += levels.get(sid) == "chronic"
        row["so_hs_sap_vang_nhieu"] += levels.get(sid) == "approaching"

    def finish(row: dict) -> dict:
        exp, p, k = row["ngay_hs_du_kien"], row["p"], row["k"]
        return {"ngay_hs_du_kien": exp, "co_phep": _days_value(p), "khong_phep": _days_value(k),
                "ty_le_chuyen_can": rate(2 * exp - p - k, 2 * exp),
                "so_hs_canh_bao": row["so_hs_canh_bao"], "so_hs_vang_nhieu": row["so_hs_vang_nhieu"],
                "so_hs_sap_vang_nhieu": row["so_hs_sap_vang_nhieu"]}

    classes = classes_of(year)
    lop, total = [], blank()
    for c in classes:
        row = sums.get(c.id, blank())
        for key in total:
            total[key] += row[key]
        lop.append({"lop": c.name, "khoi": c.grade, **finish(row)})

    order = {c.id: i for i, c in enumerate(classes)}
    listed = [sid for sid in credited if credited[sid] in order  # the classes in scope
              and (detail.get(sid, (0, 0, False))[2] or levels.get(sid) == "chronic")]
    people = {}
    for chunk in chunked(listed, 500):
        people.update((sid, (code, f, m, g, village, key)) for sid, code, f, m, g, village, key in
                      database.execute(Student.select(Student.id, Student.code, Student.family,
                                                      Student.middle, Student.given,
                                                      Student.village, Student.sort_key)
                                       .where(Student.id.in_(chunk))))
    name_of = {c.id: c.name for c in classes}
    listed.sort(key=lambda sid: (order.get(credited[sid], 0), people[sid][5], sid))
    from .risk import cases_and_visits

    open_case, visits = cases_and_visits(year, den, listed)
    canh_bao = []
    for sid in listed:
        code, f, m, g, village, _key = people[sid]
        longest, worst, _flag = detail.get(sid, (0, 0, False))
        canh_bao.append({"ma": code, "ho_ten": text.join_name(f, m, g), "lop": name_of[credited[sid]],
                         "thon": village or None, "nghi_lien_tiep": longest,
                         "khong_phep_30_ngay": worst, "ty_le_vang": rates.get(sid),
                         "vang_nhieu": levels.get(sid), "nguy_co": sid in open_case,
                         "so_lan_van_dong": visits.get(sid, 0)})
    return {"bieu_mau": "chuyen-can", "nam_hoc": year.name, "tu_ngay": tu.isoformat(),
            "den_ngay": den.isoformat(), "so_ngay_hoc": len(period), **scopes.form_marks(), "lop": lop,
            "toan_truong": finish(total), "canh_bao": canh_bao}

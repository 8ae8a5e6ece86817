"""F1 ``si-so``: the head counts and the movements of every class, grade and the school, as
of any date (``docs/forms.md`` F1).

Every figure is a grouped SQL query over ``Span`` (who was in which class at the end of
a day) and ``Event`` (what happened, when): no per-student loop in Python does any
counting. The result is a plain dict with the JSON keys of ``docs/forms.md``.

Decisions (stated in the form's footnotes):

- ``dau_nam`` is counted at the end of the school year's reference date. For an
  ``as_of`` date before that day the start-of-year count has not been taken yet, so the
  count is taken at the end of ``as_of`` (``ngay_chot_dau_nam`` in the result says which
  day was used) and the cumulative columns are empty.
- ``tang_khac`` is an admission (or a start-of-year enrolment) dated after the reference
  date, in the period and in the cumulative columns alike; the other movements in
  ``trong_ky`` are counted by their date from ``tu_ngay`` to ``den_ngay``.
- A movement belongs to the class written on its event; a class change leaves
  ``from_klass`` and enters ``klass``. Voided events count nowhere.
- A rate over a denominator of 0 or less is no rate (``None``; ``db.report_common.rate``).
- F1's dropout and retention rates are computed from ``bo_hoc_chua_ra_lop`` (printed as
  its own column), so that anyone can recompute them from the printed columns.
"""

from __future__ import annotations

from datetime import date, timedelta

from peewee import Case, fn

from . import kinds, scope as scopes
from .models import Event, SchoolYear, Span, Student
from .codes import MINORITY
from .report_common import classes_of, not_ended_by, open_on, rate, resolve_period

INCREASES = ("chuyen_den", "di_hoc_lai", "tang_khac", "chuyen_lop_den")
STILL_OUT = "bo_hoc_chua_ra_lop"  # dropouts after the reference date not yet back in class
DECREASES = ("chuyen_di", "bo_hoc", "giam_khac", "chuyen_lop_di")
MOVES = INCREASES + DECREASES
HEAD = ("ts", "nu", "dtts", "kt")

# event kind -> F1 column, for the class written on the event (``klass``)
_INTO = {
    kinds.TRANSFER_IN: "chuyen_den", kinds.RETURN: "di_hoc_lai", kinds.ADMIT: "tang_khac",
    kinds.ENROLL: "tang_khac", kinds.CLASS_CHANGE: "chuyen_lop_den",
    kinds.TRANSFER_OUT: "chuyen_di", kinds.DROPOUT: "bo_hoc", kinds.DEATH: "giam_khac",
    kinds.OTHER_DECREASE: "giam_khac",
}
_ADMISSIONS = (kinds.ADMIT, kinds.ENROLL)


def _sum_if(cond):
    return fn.SUM(Case(None, [(cond, 1)], 0))


_DISABLED = Student.disability.is_null(False) & (Student.disability != "")


def _headcounts_at(year: SchoolYear, first: date, second: date) -> tuple[dict[int, dict], dict[int, dict]]:
    """{class id: {ts, nu, dtts, kt}} at the end of ``first`` and at the end of ``second``
    (``first <= second``), in two grouped queries: the head count at ``second`` (one pass
    over the year's spans, joined to the students), and the few spans open on one of the
    two days only (those that ended or began between them), which turn it into the count
    at ``first``. One full join instead of two."""
    female = Student.female == True
    sums = [fn.COUNT(Span.id), _sum_if(female), _sum_if(MINORITY), _sum_if(_DISABLED)]
    q = (Span.select(Span.klass, *sums)
         .join(Student, on=(Student.id == Span.student))
         .where((Span.year == year.id) & open_on(second))
         .group_by(Span.klass))
    at_second = {k: dict(zip(HEAD, (int(x or 0) for x in rest))) for k, *rest in q.tuples()}
    at_first = {k: dict(v) for k, v in at_second.items()}
    if first < second:
        # open at the end of first but not of second / of second but not of first
        left = (Span.start <= first) & (Span.end > first) & (Span.end <= second)
        began = ((Span.start > first) & (Span.start <= second)
                 & not_ended_by(second))
        is_began = Case(None, [(began, 1)], 0)
        q = (Span.select(Span.klass, is_began, *sums)
             .join(Student, on=(Student.id == Span.student))
             .where((Span.year == year.id) & (left | began))
             .group_by(Span.klass, is_began))
        for k, came, *rest in q.tuples():
            row = at_first.setdefault(k, dict.fromkeys(HEAD, 0))
            sign = -1 if int(came) else 1
            for key, x in zip(HEAD, rest):
                row[key] += sign * int(x or 0)
        at_first = {k: v for k, v in at_first.items() if v["ts"]}
    return at_first, at_second


def _movements(year: SchoolYear, ref: date, start: date, as_of: date) -> dict[int, dict]:
    """{class id: {"trong_ky": {8 keys}, "luy_ke": {8 keys}}} — two grouped queries."""
    lo = min(start, ref + timedelta(days=1))
    live = (Event.year == year.id) & Event.voided_at.is_null() & (Event.date >= lo) & (Event.date <= as_of)
    after_ref = Event.date > ref
    in_period = (Event.date >= start) & (Event.date <= as_of)
    # an admission counts only after the reference date (before it, it is in dau_nam)
    period_ok = in_period & (~Event.kind.in_(_ADMISSIONS) | after_ref)
    out: dict[int, dict] = {}

    def add(klass_id, col, period_n, cum_n):
        if klass_id is None:
            return
        row = out.setdefault(klass_id, {"trong_ky": dict.fromkeys(MOVES, 0),
                                        "luy_ke": dict.fromkeys(MOVES, 0)})
        row["trong_ky"][col] += int(period_n or 0)
        row["luy_ke"][col] += int(cum_n or 0)

    q = (Event.select(Event.klass, Event.kind, _sum_if(period_ok), _sum_if(after_ref))
         .where(live & Event.kind.in_(list(_INTO)))
         .group_by(Event.klass, Event.kind))
    for klass_id, kind, period_n, cum_n in q.tuples():
        add(klass_id, _INTO[kind], period_n, cum_n)
    q = (Event.select(Event.from_klass, _sum_if(period_ok), _sum_if(after_ref))
         .where(live & (Event.kind == kinds.CLASS_CHANGE))
         .group_by(Event.from_klass))
    for klass_id, period_n, cum_n in q.tuples():
        add(klass_id, "chuyen_lop_di", period_n, cum_n)
    return out


def dropouts_still_out(year: SchoolYear, ref: date, as_of: date, by=None) -> dict[int, int]:
    """{class id: dropouts dated after ``ref`` up to ``as_of`` that no later return of the
    same student in the same year undid} — F1's ``bo_hoc_chua_ra_lop``, credited to the
    class the student left. A student who left before the start-of-year count (last year,
    or in the summer) and is brought back lowers no one's dropout rate, and one student's
    return never hides another's dropout. One grouped query.
    """
    back = Event.alias("back")
    returned = (back.select(back.id)
                .where((back.student == Event.student) & (back.year == Event.year)
                       & (back.kind == kinds.RETURN) & back.voided_at.is_null()
                       & (back.date > Event.date) & (back.date <= as_of)))
    group = Event.klass if by is None else by  # by: a Student column (F11: the village)
    q = (Event.select(group, fn.COUNT(Event.id))
         .where((Event.year == year.id) & Event.voided_at.is_null() & (Event.kind == kinds.DROPOUT)
                & (Event.date > ref) & (Event.date <= as_of) & ~fn.EXISTS(returned))
         .group_by(group))
    if by is not None:
        q = q.join(Student, on=(Student.id == Event.student))
        q = scopes.where(q, scopes.student_condition(year, Event.student))  # F11: by student
    return {k: int(n) for k, n in q.tuples()}


def _with_rates(row: dict) -> dict:
    """``ty_le_bo_hoc`` = bo_hoc_chua_ra_lop ÷ dau_nam.ts × 100; ``ty_le_duy_tri`` =
    hien_co.ts ÷ (hien_co.ts + bo_hoc_chua_ra_lop) × 100 (docs/forms.md F1)."""
    out, dn, hc = row.get(STILL_OUT, 0), row["dau_nam"], row["hien_co"]
    row["ty_le_bo_hoc"] = rate(out, dn["ts"])
    row["ty_le_duy_tri"] = rate(hc["ts"], hc["ts"] + out)
    return row


def balance_of(row: dict) -> int:
    """What ``hien_co.ts`` should be from the start-of-year count and the movements."""
    lk = row["luy_ke"]
    return row["dau_nam"]["ts"] + sum(lk[k] for k in INCREASES) - sum(lk[k] for k in DECREASES)


def _sum_rows(rows: list[dict]) -> dict:
    total = {"dau_nam": dict.fromkeys(HEAD, 0), "trong_ky": dict.fromkeys(MOVES, 0),
             "luy_ke": dict.fromkeys(MOVES, 0), "hien_co": dict.fromkeys(HEAD, 0)}
    for r in rows:
        for part, keys in (("dau_nam", HEAD), ("hien_co", HEAD), ("trong_ky", MOVES), ("luy_ke", MOVES)):
            for k in keys:
                total[part][k] += r[part][k]
    total[STILL_OUT] = sum(r.get(STILL_OUT, 0) for r in rows)
    return total


def _students_off_balance(year: SchoolYear, klass_id: int, ref: date, as_of: date) -> list[dict]:
    """The students whose own history does not add up in one class (grouped per student)."""
    def per_student(q):
        return {sid: int(n or 0) for sid, n in q.tuples()}

    base = (Span.year == year.id) & (Span.klass == klass_id)
    at_ref = per_student(Span.select(Span.student, fn.COUNT(Span.id))
                         .where(base & open_on(ref)).group_by(Span.student))
    now = per_student(Span.select(Span.student, fn.COUNT(Span.id))
                      .where(base & open_on(as_of)).group_by(Span.student))
    live = (Event.year == year.id) & Event.voided_at.is_null() & (Event.date > ref) & (Event.date <= as_of)
    entries = per_student(Event.select(Event.student, fn.COUNT(Event.id))
                          .where(live & (Event.klass == klass_id)
                                 & Event.kind.in_(kinds.ENTRIES + (kinds.CLASS_CHANGE,)))
                          .group_by(Event.student))
    exits = per_student(Event.select(Event.student, fn.COUNT(Event.id))
                        .where(live & (((Event.klass == klass_id) & Event.kind.in_(kinds.EXITS))
                                       | ((Event.from_klass == klass_id)
                                          & (Event.kind == kinds.CLASS_CHANGE))))
                        .group_by(Event.student))
    ids = set(at_ref) | set(now) | set(entries) | set(exits)
    bad = [sid for sid in ids
           if now.get(sid, 0) != at_ref.get(sid, 0) + entries.get(sid, 0) - exits.get(sid, 0)]
    if not bad:
        return []
    rows = Student.select().where(Student.id.in_(bad)).order_by(Student.sort_key, Student.id)
    return [{"ma": s.code, "ho_ten": s.full_name} for s in rows]


def report_si_so(year: SchoolYear, as_of, start=None) -> dict:
    """F1 ``si-so``: per class, grade and the school; the JSON shape of ``docs/forms.md``.

    ``can_bang`` is False when a row breaks ``hien_co = dau_nam + increases − decreases``;
    ``lech`` then lists each broken row with the students whose history does not add up.
    ``tam_tinh`` is True when ``as_of`` is before the reference date: the start-of-year
    count is not taken yet, so ``dau_nam`` is counted at the end of ``as_of`` (provisional).
    """
    start, as_of = resolve_period(year, as_of, start)
    ref = min(year.ref_date, as_of)
    at_ref, now = _headcounts_at(year, ref, as_of)  # ref <= as_of
    moves = _movements(year, ref, start, as_of)
    still_out = dropouts_still_out(year, ref, as_of)
    zero_head = dict.fromkeys(HEAD, 0)
    empty_moves = {"trong_ky": dict.fromkeys(MOVES, 0), "luy_ke": dict.fromkeys(MOVES, 0)}
    class_rows, grade_rows, lech = [], [], []
    by_grade: dict[int, list[dict]] = {}
    ids = {}
    for c in classes_of(year):
        mv = moves.get(c.id, empty_moves)
        row = {"lop": c.name, "khoi": c.grade, "gvcn": c.homeroom or "",
               "dau_nam": dict(at_ref.get(c.id, zero_head)),
               "trong_ky": dict(mv["trong_ky"]), "luy_ke": dict(mv["luy_ke"]),
               "hien_co": dict(now.get(c.id, zero_head)), STILL_OUT: still_out.get(c.id, 0)}
        class_rows.append(_with_rates(row))
        by_grade.setdefault(c.grade, []).append(row)
        ids[c.name] = c.id
    for row in class_rows:
        expected = balance_of(row)
        if expected != row["hien_co"]["ts"]:
            lech.append({"pham_vi": f"Lớp {row['lop']}", "lop": row["lop"], "khoi": row["khoi"],
                         "hien_co": row["hien_co"]["ts"], "theo_bien_dong": expected,
                         "hoc_sinh": _students_off_balance(year, ids[row["lop"]], ref, as_of)})
    bad_classes = {x["lop"]: x for x in lech}
    for grade, rows in by_grade.items():
        g = _with_rates({"khoi": grade, **_sum_rows(rows)})
        grade_rows.append(g)
        if balance_of(g) != g["hien_co"]["ts"]:
            students = [s for r in rows if r["lop"] in bad_classes for s in bad_classes[r["lop"]]["hoc_sinh"]]
            lech.append({"pham_vi": f"Khối {grade}", "lop": None, "khoi": grade,
                         "hien_co": g["hien_co"]["ts"], "theo_bien_dong": balance_of(g),
                         "hoc_sinh": students})
    school = _with_rates(_sum_rows(grade_rows))  # the grades add up to the classes
    if balance_of(school) != school["hien_co"]["ts"]:
        lech.append({"pham_vi": scopes.total_label(), "lop": None, "khoi": None,
                     "hien_co": school["hien_co"]["ts"], "theo_bien_dong": balance_of(school),
                     "hoc_sinh": [s for x in bad_classes.values() for s in x["hoc_sinh"]]})
    return {"bieu_mau": "si-so", "nam_hoc": year.name, "tu_ngay": start.isoformat(),
            "den_ngay": as_of.isoformat(), "ngay_chot_dau_nam": ref.isoformat(),
            "tam_tinh": as_of < year.ref_date, **scopes.form_marks(),
            "lop": class_rows, "khoi": grade_rows, "toan_truong": school,
            "can_bang": not lech, "lech": lech}


def describe_lech(form: dict) -> str:
    """The broken rows of an F1 form, in Vietnamese, one per line."""
    lines = []
    for x in form.get("lech", []):
        who = ", ".join(f"{s['ho_ten']} ({s['ma']})" for s in x["hoc_sinh"]) or "không xác định được học sinh"
        lines.append(f"{x['pham_vi']}: hiện có {x['hien_co']}, theo biến động phải là "
                     f"{x['theo_bien_dong']} — học sinh: {who}")
    return "\n".join(lines)

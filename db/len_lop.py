"""F4 ``len-lop``: the year-end outcomes per class, grade and the school, and the students
held back or pending a retest (``docs/forms.md`` F4).

Decision (stated in the form's footnotes):

- F4 never presumes an outcome: a student with none recorded counts under
  ``chua_co_ket_qua``; rates are given from the year's end date on; see ``report_len_lop``.
"""

from __future__ import annotations

from datetime import date

from peewee import fn

from . import kinds, scope as scopes, text
from .dates import parse_date
from .models import Event, SchoolClass, SchoolYear, Span, Student
from .report_common import classes_of, check_report_day, open_on, rate

OUTCOME_KEYS = {kinds.PROMOTED: "len_lop", kinds.PENDING: "thi_lai",
                kinds.HELD_BACK: "luu_ban", kinds.COMPLETED: "hoan_thanh"}


def _latest_outcomes(year: SchoolYear, as_of: date):
    """Subquery: each student's latest non-voided outcome of the year dated on or before ``as_of``."""
    rn = fn.ROW_NUMBER().over(partition_by=[Event.student], order_by=[Event.date.desc(), Event.id.desc()])
    return (Event.select(Event.id, Event.student, Event.kind, Event.date, Event.destination, rn.alias("rn"))
            .where((Event.year == year.id) & Event.voided_at.is_null() & (Event.date <= as_of)
                   & Event.kind.in_(kinds.OUTCOMES))
            .alias("oc"))


def _outcome_row(total: int, counts: dict, not_recorded: int, year_over: bool) -> dict:
    """One F4 row: the recorded outcomes and ``chua_co_ket_qua``, which add up to
    ``tong_so``. Rates (over ``tong_so``) from the year's end date on; before it ``None``."""
    row = {"tong_so": total}
    for key in OUTCOME_KEYS.values():
        n = int(counts.get(key, 0))
        row[key] = {"sl": n, "ty_le": rate(n, total) if year_over else None}
    row["chua_co_ket_qua"] = not_recorded
    return row


def report_len_lop(year: SchoolYear, as_of) -> dict:
    """F4 ``len-lop``: year-end outcomes per class, grade and school, and the list of
    students held back or pending a retest.

    ``tong_so`` = students in the class at the end of ``min(as_of, year end)``; each of
    them counts under their latest outcome dated on or before ``as_of``, and a student with
    no recorded outcome counts under ``chua_co_ket_qua`` — never presumed promoted or
    completed — so ``len_lop + thi_lai + luu_ban + hoan_thanh + chua_co_ket_qua = tong_so``
    on every row. In the school's top grade, ``noi_hoc_tiep`` splits the graduates
    (``hoan_thanh``) by where they went (``db.yearend.DESTINATIONS``; none recorded:
    ``khong_ro``), per class, grade and the school. The rollover records the outcome it gives a student with none
    (``db.rollover.rollover``), so after it that outcome counts like any other.

    Before the year's end date (``as_of < year.end``) every ``ty_le`` is ``None``; from it
    on, ``ty_le`` = ``sl ÷ tong_so × 100``. ``den_cuoi_nam`` tells which applies;
    ``ngay_cuoi_nam`` is the year's end date.
    """
    as_of = check_report_day(year, as_of)
    day = min(as_of, year.end)
    year_over = as_of >= year.end
    totals = {k: int(n) for k, n in Span.select(Span.klass, fn.COUNT(Span.id))
              .where((Span.year == year.id) & open_on(day)).group_by(Span.klass).tuples()}
    oc = _latest_outcomes(year, as_of)
    q = (Span.select(Span.klass, oc.c.kind, fn.COUNT(Span.id))
         .join(oc, on=((oc.c.student_id == Span.student) & (oc.c.rn == 1)))
         .where((Span.year == year.id) & open_on(day))
         .group_by(Span.klass, oc.c.kind))
    counts: dict[int, dict] = {}
    for klass_id, kind, n in q.tuples():
        counts.setdefault(klass_id, {})[OUTCOME_KEYS[kind]] = int(n)
    from .yearend import DESTINATIONS, is_top_grade, school_grades

    grades_taught = school_grades(year)
    dq = (Span.select(Span.klass, oc.c.destination, fn.COUNT(Span.id))
          .join(oc, on=((oc.c.student_id == Span.student) & (oc.c.rn == 1)))
          .where((Span.year == year.id) & open_on(day) & (oc.c.kind == kinds.COMPLETED))
          .group_by(Span.klass, oc.c.destination))
    went: dict[int, dict] = {}
    for klass_id, dest, n in dq.tuples():
        acc = went.setdefault(klass_id, dict.fromkeys(DESTINATIONS, 0))
        acc[dest or "khong_ro"] += int(n)
    class_rows = []
    grade_acc: dict[int, list] = {}
    for c in classes_of(year):
        cnt = dict(counts.get(c.id, {}))
        total = totals.get(c.id, 0)
        missing = total - sum(cnt.values())
        row = {"lop": c.name, "khoi": c.grade, "gvcn": c.homeroom or "",
               **_outcome_row(total, cnt, missing, year_over)}
        if is_top_grade(c.grade, grades_taught):
            row["noi_hoc_tiep"] = went.get(c.id, dict.fromkeys(DESTINATIONS, 0))
        class_rows.append(row)
        acc = grade_acc.setdefault(c.grade, [0, {}, 0])  # [tong_so, {key: sl}, chua_co_ket_qua]
        acc[0] += total
        acc[2] += missing
        for k in OUTCOME_KEYS.values():
            acc[1][k] = acc[1].get(k, 0) + row[k]["sl"]
    grade_rows = [{"khoi": g, **_outcome_row(t, cnt, miss, year_over)}
                  for g, (t, cnt, miss) in sorted(grade_acc.items())]
    top = [g for g in grade_acc if is_top_grade(g, grades_taught)]

    def split(rows) -> dict:
        return {k: sum(r["noi_hoc_tiep"][k] for r in rows) for k in DESTINATIONS}

    for g in grade_rows:
        if g["khoi"] in top:
            g["noi_hoc_tiep"] = split([r for r in class_rows if r["khoi"] == g["khoi"]])
    school_cnt: dict = {}
    for g in grade_rows:
        for k in OUTCOME_KEYS.values():
            school_cnt[k] = school_cnt.get(k, 0) + g[k]["sl"]
    school = _outcome_row(sum(g["tong_so"] for g in grade_rows), school_cnt,
                          sum(g["chua_co_ket_qua"] for g in grade_rows), year_over)
    if top:
        school["noi_hoc_tiep"] = split([g for g in grade_rows if "noi_hoc_tiep" in g])
    lst = (Student.select(Student.code, Student.family, Student.middle, Student.given, Student.dob,
                          Student.female, SchoolClass.name.alias("klass"), SchoolClass.grade,
                          oc.c.kind.alias("kind"), oc.c.date.alias("day"), Student.sort_key)
           .join(oc, on=((oc.c.student_id == Student.id) & (oc.c.rn == 1)))
           .join(Span, on=((Span.student == Student.id) & (Span.year == year.id) & open_on(day)))
           .join(SchoolClass, on=(SchoolClass.id == Span.klass))
           .where(oc.c.kind.in_([kinds.HELD_BACK, kinds.PENDING])))
    lst = scopes.where(lst, scopes.class_condition(year, Span.klass))
    items = sorted(lst.namedtuples(), key=lambda r: (r.grade, text.natural_key(r.klass), r.sort_key))
    danh_sach = [{"stt": i, "ma": r.code, "ho_ten": text.join_name(r.family, r.middle, r.given),
                  "ngay_sinh": r.dob.isoformat(), "nu": bool(r.female), "lop": r.klass, "khoi": r.grade,
                  "ket_qua": r.kind, "ten_ket_qua": kinds.LABELS[r.kind], "ngay": (r.day if isinstance(r.day, date)
                                                             else parse_date(r.day)).isoformat()}
                 for i, r in enumerate(items, 1)]
    return {"bieu_mau": "len-lop", "nam_hoc": year.name, "den_ngay": as_of.isoformat(),
            "ngay_cuoi_nam": year.end.isoformat(), "den_cuoi_nam": year_over, **scopes.form_marks(),
            "lop": class_rows, "khoi": grade_rows, "toan_truong": school, "danh_sach": danh_sach}

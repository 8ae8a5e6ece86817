"""F11 ``theo-lang``: the students and their movements per village, as of a day
(``docs/forms.md`` F11).
"""

from __future__ import annotations

from datetime import date

from peewee import Case, chunked, fn

from . import kinds, risk, scope as scopes
from .models import Event, SchoolYear, Span, Student
from .codes import MINORITY
from .report_common import check_report_day, open_on
from .si_so import dropouts_still_out


def flagged_by_village(year: SchoolYear, as_of: date) -> dict | None:
    """{village id: students flagged "nghỉ học quá 3 ngày" on ``as_of``} (db.attendance_flag)."""
    from .attendance_flag import flagged_students

    ids = scopes.keep_ids(flagged_students(year, as_of), year)
    out: dict = {}
    for chunk in chunked(ids, 500):
        q = (Student.select(Student.village_ref, fn.COUNT(Student.id))
             .where(Student.id.in_(chunk)).group_by(Student.village_ref))
        for vid, n in q.tuples():
            out[vid] = out.get(vid, 0) + int(n)
    return out


def open_cases_by_village(year: SchoolYear, as_of: date) -> dict | None:
    """{village id: students with an at-risk case of the year open at the end of ``as_of``}."""
    from .models import RiskCase

    q = (RiskCase.select(Student.village_ref, fn.COUNT(fn.DISTINCT(RiskCase.student)))
         .join(Student, on=(Student.id == RiskCase.student))
         .where(risk.case_open_on(year, as_of))
         .group_by(Student.village_ref))
    q = scopes.where(q, scopes.student_condition(year, RiskCase.student))
    return {vid: int(n) for vid, n in q.tuples()}


def visits_by_village(year: SchoolYear, as_of: date) -> dict | None:
    """{village id: home visits (not voided) of this school year up to ``as_of``}."""
    from .models import Visit

    q = (Visit.select(Student.village_ref, fn.COUNT(Visit.id))
         .join(Student, on=(Student.id == Visit.student))
         .where((Visit.year == year.id) & Visit.voided_at.is_null() & (Visit.date <= as_of))
         .group_by(Student.village_ref))
    q = scopes.where(q, scopes.student_condition(year, Visit.student))
    return {vid: int(n) for vid, n in q.tuples()}


THEO_LANG_COUNTS = ("ts", "nu", "dtts", "so_hs_canh_bao", "so_hs_nguy_co", "bo_hoc",
                    "bo_hoc_chua_ra_lop", "van_dong", "chuyen_den", "chuyen_di")
NOT_TRACKED = "chưa theo dõi"


def report_theo_lang(year: SchoolYear, as_of) -> dict:
    """F11 ``theo-lang``: per village (and a row for students with no village), as of a day.

    ``ts``/``nu``/``dtts``: students enrolled at the end of ``as_of`` (a span of the year open);
    ``bo_hoc``, ``chuyen_den``, ``chuyen_di``: events dated after the reference date up to
    ``as_of``; ``bo_hoc_chua_ra_lop``: those dropouts no later return undid (as F1). Each
    student is counted in the village they belong to now. A count the program does not
    track yet is None for every row (``chua_theo_doi`` names it).
    """
    as_of = check_report_day(year, as_of)
    ref = year.ref_date
    v_col = Student.village_ref
    enrolled = (Span.select(v_col, fn.COUNT(fn.DISTINCT(Span.student)),
                            fn.COUNT(fn.DISTINCT(Case(None, [(Student.female == True, Span.student)]))),
                            fn.COUNT(fn.DISTINCT(Case(None, [(MINORITY, Span.student)]))))
                .join(Student, on=(Student.id == Span.student))
                .where((Span.year == year.id) & open_on(as_of)).group_by(v_col))
    in_scope = scopes.class_condition(year, Span.klass)  # counted in their class on the day
    enrolled = scopes.where(enrolled, in_scope)
    counts: dict = {}
    for vid, ts, nu, dtts in enrolled.tuples():
        counts.setdefault(vid, {}).update(ts=int(ts), nu=int(nu or 0), dtts=int(dtts or 0))
    events = (Event.select(v_col, Event.kind, fn.COUNT(Event.id))
              .join(Student, on=(Student.id == Event.student))
              .where((Event.year == year.id) & Event.voided_at.is_null() & (Event.date > ref)
                     & (Event.date <= as_of)
                     & Event.kind.in_([kinds.DROPOUT, kinds.TRANSFER_IN, kinds.TRANSFER_OUT]))
              .group_by(v_col, Event.kind))
    events = scopes.where(events, scopes.student_condition(year, Event.student))
    key = {kinds.DROPOUT: "bo_hoc", kinds.TRANSFER_IN: "chuyen_den", kinds.TRANSFER_OUT: "chuyen_di"}
    for vid, kind, n in events.tuples():
        counts.setdefault(vid, {})[key[kind]] = int(n)
    for vid, n in dropouts_still_out(year, ref, as_of, by=v_col).items():
        counts.setdefault(vid, {})["bo_hoc_chua_ra_lop"] = n
    later = {"so_hs_canh_bao": flagged_by_village(year, as_of),
             "so_hs_nguy_co": open_cases_by_village(year, as_of),
             "van_dong": visits_by_village(year, as_of)}

    def row(vid, **head) -> dict:
        c = counts.get(vid, {})
        out = {**head}
        for k in THEO_LANG_COUNTS:
            out[k] = (None if later[k] is None else later[k].get(vid, 0)) if k in later else c.get(k, 0)
        return out

    from .villages import all_villages, staff_list

    rows = [row(v.id, thon=v.name, xa=v.commune or None, truong_thon=v.head or None,
                dien_thoai=v.head_phone or None, phu_trach=staff_list(v)) for v in all_villages()]
    if counts.get(None):
        rows.append(row(None, thon=None, xa=None, truong_thon=None, dien_thoai=None, phu_trach=[]))
    if in_scope is not None:  # a scope shows the villages of its students only
        rows = [r for r in rows if any(r[k] for k in THEO_LANG_COUNTS)]
    total = {k: (None if later.get(k, 0) is None else sum(r[k] for r in rows)) for k in THEO_LANG_COUNTS}
    return {"bieu_mau": "theo-lang", "nam_hoc": year.name, "den_ngay": as_of.isoformat(),
            "ngay_chot_dau_nam": ref.isoformat(), **scopes.form_marks(), "thon": rows, "tong": total,
            "chua_theo_doi": [k for k, v in later.items() if v is None]}

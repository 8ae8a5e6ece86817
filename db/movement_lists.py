"""F2 ``bo-hoc`` and F3 ``chuyen-truong``: the dropouts, and the transfers in and out, dated
in a period, listed student by student (``docs/forms.md`` F2, F3). Voided events count
nowhere.
"""

from __future__ import annotations

from datetime import date

from peewee import Case, fn

from . import codes, kinds, risk, scope as scopes, text
from .models import Event, SchoolClass, SchoolYear, Student
from .report_common import resolve_period

SEMESTER_SHORT = {"HK1": "HK I", "HK2": "HK II", "HE": "Hè"}

# ---- F2 bo-hoc -------------------------------------------------------------------------------

# F2's one parent column: the guardian, else the mother, else the father
_PARENT = Case(None, [(Student.guardian != "", Student.guardian), (Student.mother != "", Student.mother)],
               Student.father)


def _event_list(year: SchoolYear, kind: str, start: date, as_of: date):
    """The non-voided events of one kind in the period, with student and class (read as named
    tuples: ``.namedtuples()``)."""
    return scopes.where(Event.select(Event.id.alias("event_id"), Event.date, Event.semester, Event.reason,
                         Event.school, Event.province, Event.district, Event.scope, Event.doc_no,
                         Event.note, Student.id.alias("student_id"), Student.code, Student.family,
                         Student.middle, Student.given, Student.dob, Student.female, Student.ethnic,
                         Student.village, _PARENT.alias("parent"), SchoolClass.name.alias("klass"),
                         SchoolClass.grade, Student.sort_key)
            .join(Student, on=(Student.id == Event.student))
            .switch(Event)
            .join(SchoolClass, on=(SchoolClass.id == Event.klass))
            .where((Event.year == year.id) & (Event.kind == kind) & Event.voided_at.is_null()
                   & (Event.date >= start) & (Event.date <= as_of)),
                        scopes.student_condition(year, Event.student))


def _student_cells(r) -> dict:
    return {"ma": r.code, "ho_ten": text.join_name(r.family, r.middle, r.given),
            "ngay_sinh": r.dob.isoformat(), "nu": bool(r.female)}


def _list_order(r):
    return (r.grade, text.natural_key(r.klass), r.sort_key, r.date)


def report_bo_hoc(year: SchoolYear, as_of, start=None) -> dict:
    """F2 ``bo-hoc``: dropouts dated in the period, grouped by grade, and counts per reason.

    ``ket_qua`` is «Đã ra lớp» when a later «Đi học lại» (any school year) is dated on or
    before ``as_of``. ``so_lan_van_dong`` counts the student's non-voided home visits of the
    year up to ``as_of`` (0 when none); ``ghi_chu`` is the written reason of a dropout
    recorded without 3 visits (``db.risk``).
    """
    start, as_of = resolve_period(year, as_of, start)
    Ret = Event.alias("ret")
    returned = (Ret.select(fn.COUNT(Ret.id))
                .where((Ret.student == Event.student) & (Ret.kind == kinds.RETURN)
                       & Ret.voided_at.is_null() & (Ret.date > Event.date) & (Ret.date <= as_of)))
    q = (_event_list(year, kinds.DROPOUT, start, as_of)
         .select_extend(returned.alias("returned"), Event.without_visits))
    rows = sorted(q.namedtuples(), key=_list_order)
    visits = risk.visit_counts(year.id, {r.student_id for r in rows}, as_of)
    groups: dict[int, list] = {}
    for r in rows:
        item = {"stt": 0, **_student_cells(r), "dan_toc": codes.ethnic_name(r.ethnic), "lop": r.klass,
                "thon": r.village or "", "giam_ho": r.parent or "", "ngay_bo_hoc": r.date.isoformat(),
                "thoi_diem": SEMESTER_SHORT.get(r.semester or "", r.semester or ""),
                "ly_do_ma": r.reason or "", "ly_do": codes.reason_text(r.reason),
                "so_lan_van_dong": visits.get(r.student_id, 0),
                "ket_qua": "Đã ra lớp" if r.returned else "Chưa ra lớp", "ghi_chu": r.without_visits or ""}
        groups.setdefault(r.grade, []).append(item)
    khoi = []
    stt = 0
    for grade in sorted(groups):
        for item in groups[grade]:
            stt += 1
            item["stt"] = stt
        khoi.append({"khoi": grade, "so_luong": len(groups[grade]), "hoc_sinh": groups[grade]})
    by_reason = (Event.select(Event.reason, fn.COUNT(Event.id))
                 .where((Event.year == year.id) & (Event.kind == kinds.DROPOUT)
                        & Event.voided_at.is_null() & (Event.date >= start) & (Event.date <= as_of))
                 .group_by(Event.reason).order_by(Event.reason))
    by_reason = scopes.where(by_reason, scopes.student_condition(year, Event.student))
    reasons = [{"ma": code or "", "ten": codes.dropout_reasons().get(code or "", code or ""),
                "so_luong": int(n)} for code, n in by_reason.tuples()]
    return {"bieu_mau": "bo-hoc", "nam_hoc": year.name, "tu_ngay": start.isoformat(),
            "den_ngay": as_of.isoformat(), **scopes.form_marks(), "khoi": khoi, "tong": stt,
            "theo_ly_do": reasons}


# ---- F3 chuyen-truong ------------------------------------------------------------------------

def report_chuyen_truong(year: SchoolYear, as_of, start=None) -> dict:
    """F3 ``chuyen-truong``: transfers in and out dated in the period, two lists."""
    start, as_of = resolve_period(year, as_of, start)
    out = {"bieu_mau": "chuyen-truong", "nam_hoc": year.name, "tu_ngay": start.isoformat(),
           "den_ngay": as_of.isoformat(), **scopes.form_marks()}
    for key, kind in (("chuyen_den", kinds.TRANSFER_IN), ("chuyen_di", kinds.TRANSFER_OUT)):
        items = []
        for i, r in enumerate(sorted(_event_list(year, kind, start, as_of).namedtuples(), key=_list_order), 1):
            items.append({"stt": i, **_student_cells(r), "lop": r.klass, "khoi": r.grade,
                          "ngay_chuyen": r.date.isoformat(), "truong": r.school or "",
                          "dia_ban": ", ".join(x for x in (r.district, r.province) if x),
                          "pham_vi": kinds.SCOPES.get(r.scope or "", ""),
                          "ly_do": r.reason or "", "so_van_ban": r.doc_no or ""})
        out[key] = items
    return out

"""F6 ``do-tuoi`` — THỐNG KÊ HỌC SINH THEO ĐỘ TUỔI (``docs/forms.md`` F6), as of a date.

The students counted are those in a class of the school year at the end of ``den_ngay``
(default: the year's reference date). Age = the calendar year the school year starts −
birth year (``docs/domain.md``, "On-age"). Each breakdown is a count C = ``{ts, nu, dtts,
dtts_nu}`` (DTTS: ethnic code 02–54):

- ``tong``; ``khoi`` (every grade the year has classes of, zeros included) and ``tuoi``
  (every age present) each sum to ``tong``;
- ``dung_do_tuoi``: per grade g, the students of grade g aged g + 5 (never more than the grade);
- ``luu_ban_hoc_lai``: students whose last class of the previous school year was of the
  same grade (held back, studying the grade again);
- ``tuyen_moi``: new intake — students in the first grade of a level the school teaches
  (1, 6, 10) who are not repeaters of that grade;
- ``khuyet_tat``: per disability type 01–06 (every type, zeros included).

Two queries whatever the number of students: the spans open that day, and last year's
spans (each student's last class of the previous year), grouped in Python.
"""

from __future__ import annotations

from datetime import date

from peewee import fn

from . import codes, scope as scopes
from .dates import parse_date
from .models import SchoolClass, SchoolYear, Span, Student
from .codes import MINORITY
from .report_common import open_on, check_report_day

KEYS = ("ts", "nu", "dtts", "dtts_nu")
FIRST_GRADES = (1, 6, 10)


def _zero() -> dict:
    return dict.fromkeys(KEYS, 0)


def _add(c: dict, n: int, female: bool, minority: bool) -> None:
    c["ts"] += n
    c["nu"] += n if female else 0
    c["dtts"] += n if minority else 0
    c["dtts_nu"] += n if female and minority else 0


def report_do_tuoi(year: SchoolYear, as_of=None) -> dict:
    from .school import level_grades

    as_of = check_report_day(year, year.ref_date if as_of in (None, "") else as_of)
    start_year = year.start.year
    prev = (SchoolYear.select().where(SchoolYear.start < year.start)
            .order_by(SchoolYear.start.desc()).first())
    minority = fn.COALESCE(MINORITY, False)
    db = Student._meta.database
    # each student's last class of the previous year: its spans in (start, id) order, the
    # later overwriting (a join on a window over last year's spans is quadratic in SQLite)
    prev_grade: dict[int, int] = {}
    if prev is not None:
        q = (Span.select(Span.student, SchoolClass.grade)
             .join(SchoolClass, on=(SchoolClass.id == Span.klass))
             .where(Span.year == prev.id).order_by(Span.start, Span.id))
        prev_grade = dict(db.execute(q))
    cols = [SchoolClass.grade, Student.dob, Student.female, minority, Student.disability]
    q = (Span.select(Span.student, *cols)
         .join(Student, on=(Student.id == Span.student))
         .switch(Span).join(SchoolClass, on=(SchoolClass.id == Span.klass))
         .where((Span.year == year.id) & open_on(as_of)))
    in_scope = scopes.class_condition(year)  # the reader's classes only (db.scope)
    q = scopes.where(q, in_scope)
    groups: dict[tuple, int] = {}
    for sid, *key in db.execute(q):
        key = (*key, prev_grade.get(sid))
        groups[key] = groups.get(key, 0) + 1
    grades = sorted({g for (g,) in scopes.where(SchoolClass.select(SchoolClass.grade)
                                                .where(SchoolClass.year == year.id), in_scope).tuples()})
    firsts = [g for g in FIRST_GRADES if g in level_grades() or g in grades]
    tong = _zero()
    khoi = {g: _zero() for g in grades}
    tuoi: dict[int, dict] = {}
    dung = {g: _zero() for g in grades}
    tuyen_moi = _zero()
    luu_ban = _zero()
    disabilities = codes.disability_types()
    kt = {code: _zero() for code in disabilities}
    for (grade, dob, female, is_minority, disability, last_grade), n in groups.items():
        female, is_minority = bool(female), bool(is_minority)
        dob = dob if isinstance(dob, date) else parse_date(dob)
        age = start_year - dob.year
        _add(tong, n, female, is_minority)
        _add(khoi.setdefault(grade, _zero()), n, female, is_minority)
        _add(tuoi.setdefault(age, _zero()), n, female, is_minority)
        if age == grade + 5:
            _add(dung.setdefault(grade, _zero()), n, female, is_minority)
        repeater = last_grade is not None and int(last_grade) == grade
        if repeater:
            _add(luu_ban, n, female, is_minority)
        elif grade in firsts:
            _add(tuyen_moi, n, female, is_minority)
        if disability in kt:
            _add(kt[disability], n, female, is_minority)
    return {
        "bieu_mau": "do-tuoi", "nam_hoc": year.name, "den_ngay": as_of.isoformat(), **scopes.form_marks(),
        "tong": tong,
        "khoi": [{"khoi": g, **khoi[g]} for g in sorted(khoi)],
        "tuoi": [{"tuoi": a, "nam_sinh": start_year - a, **tuoi[a]} for a in sorted(tuoi)],
        "dung_do_tuoi": [{"khoi": g, "tuoi": g + 5, **dung[g]} for g in sorted(dung)],
        "tuyen_moi": tuyen_moi, "luu_ban_hoc_lai": luu_ban,
        "khuyet_tat": [{"ma": code, "ten": name, **kt[code]} for code, name in disabilities.items()],
    }

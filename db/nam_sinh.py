"""F7 ``nam-sinh`` — DANH SÁCH HỌC SINH THEO NĂM SINH VÀ ĐỊA BÀN (``docs/forms.md`` F7), as of a
date (default: the year's reference date), for the universal-education (PCGD) survey.

Who is listed:

- **the school's students of the year**: everyone with a class of the year entered on or
  before ``den_ngay`` (a voided admission enters nothing and is not listed). Their status at
  the end of ``den_ngay``: ``dang_hoc`` in their class; ``hoan_thanh`` once their completion
  of the school's top grade is recorded (with ``noi_hoc_tiep``, where they went); else, when
  they have left, ``chuyen_di`` (a transfer out, or another decrease) or ``bo_hoc`` (a dropout
  not undone by a return). **Decision:** a student who died is not listed (the survey counts
  the living; ``docs/domain.md``: excluded from the base population). ``lop``: the class they are
  in, or the last class they were in;
- **the school's earlier graduates aged 15–18** (``docs/domain.md``, PCGD THCS level 3: the share
  of 15–18-year-olds studying THPT, GDTX or vocational training): students who completed the
  school's top grade in an earlier year and have no class this year, with ``hoan_thanh``,
  the class they completed and ``noi_hoc_tiep`` (none recorded: ``khong_ro``);
- **the expected children of the incoming cohort never admitted** (``chua_ra_lop``), from
  ``db.huy_dong.never_admitted(year, den_ngay)``: dicts with
  the keys of ``hoc_sinh`` below (``ma`` and ``lop`` null, ``trang_thai`` ``chua_ra_lop``),
  optionally ``_key`` (``text.sort_key`` of the name) and ``_dan_toc_ma`` (the ethnic code,
  for the DTTS count), both removed here.

Age = the calendar year the school year starts − birth year. Rows are grouped by commune,
village and birth year, then in Vietnamese name order; a student with no village is listed
under an empty commune and village, last.

``tong_hop``: one entry per age — the ages 11–18 (6–14 for a primary school, 6–18 for a
school teaching both), and any other age present — with ``ts``, ``nu``, ``dtts``, ``kt``,
``dang_hoc`` per grade the year has classes of (``{"6": n}``), ``bo_hoc``, ``chuyen_di``,
``chua_ra_lop``, and (beyond ``docs/forms.md``'s keys, for level 3) ``hoan_thanh`` and
``noi_hoc_tiep`` (graduates by destination). ``dang_hoc`` + ``hoan_thanh`` + ``bo_hoc`` +
``chuyen_di`` + ``chua_ra_lop`` = ``ts`` in every column.

A fixed number of queries whatever the number of students.
"""

from __future__ import annotations

from datetime import date

from peewee import JOIN, fn

from . import codes, kinds, scope as scopes, text
from .models import Event, SchoolClass, SchoolYear, Span, Student
from .report_common import check_report_day

STATUSES = ("dang_hoc", "hoan_thanh", "bo_hoc", "chuyen_di", "chua_ra_lop")
STATUS_LABELS = {"dang_hoc": "Đang học", "hoan_thanh": "Hoàn thành", "bo_hoc": "Bỏ học",
                 "chuyen_di": "Chuyển đi", "chua_ra_lop": "Chưa ra lớp"}
GRADUATE_AGES = range(15, 19)  # PCGD THCS level 3


def _raw(query) -> list[tuple]:
    return Student._meta.database.execute(query).fetchall()


def age_columns(grades) -> list[int]:
    """The ages of the summary grid: 11–18 for THCS, 6–14 for primary, 6–18 for both."""
    grades = set(grades)
    primary = bool(grades & set(range(1, 6)))
    secondary = bool(grades & set(range(6, 13))) or not primary
    return list(range(6 if primary else 11, 19 if secondary else 15))


def _top_grades(year: SchoolYear) -> set[int]:
    from .yearend import is_top_grade, school_grades

    grades = school_grades(year)
    return {g for g in grades if is_top_grade(g, grades)}


def _expected_rows(year: SchoolYear, as_of: date) -> list[dict]:
    """The incoming cohort's children never admitted (``chua_ra_lop``), where kept."""
    from .huy_dong import never_admitted

    return never_admitted(year, as_of)


ROW_KEYS = ("ma", "ho_ten", "ngay_sinh", "nu", "dan_toc", "xa", "thon", "nam_sinh", "lop", "trang_thai",
            "noi_hoc_tiep", "khuyet_tat")  # a row of ``hoc_sinh``, in this order
NU, XA, THON, NAM_SINH, TRANG_THAI, NOI_HOC_TIEP, KHUYET_TAT = 3, 5, 6, 7, 9, 10, 11  # indices in ROW_KEYS


def _person(row, status: str, klass: str, destination: str | None, names: dict, minority: dict) -> tuple:
    """(sort key within a birth year, the row's values in ``ROW_KEYS`` order, is a minority)."""
    (sid, code, family, middle, given, dob, female, ethnic, disability, village, commune, key) = row
    born = str(dob)[:10]  # SQLite's text or a date: yyyy-mm-dd
    ethnic = ethnic or ""
    dtts = minority.get(ethnic)
    if dtts is None:
        dtts = minority[ethnic] = codes.is_minority(ethnic)
    return key or "", (code, " ".join(filter(None, (family, middle, given))), born, bool(female),
                       names.get(ethnic, ethnic), commune or "", village or "", int(born[:4]), klass, status,
                       destination, disability or None), dtts


PERSON = (Student.id, Student.code, Student.family, Student.middle, Student.given, Student.dob,
          Student.female, Student.ethnic, Student.disability, Student.village, Student.commune,
          Student.sort_key)


def report_nam_sinh(year: SchoolYear, as_of=None) -> dict:
    as_of = check_report_day(year, year.ref_date if as_of in (None, "") else as_of)
    y0 = year.start.year
    names = codes.ethnic_groups()
    live = Event.voided_at.is_null()
    # each student's last class of the year entered by as_of, and how that span ended: the
    # year's spans in (start, id) order, the later overwriting (a window over them costs more)
    entered = (Span.year == year.id) & (Span.start <= as_of)
    spans = (Span.select(Span.student, SchoolClass.name, SchoolClass.grade, Span.end, Event.kind)
             .join(SchoolClass, on=(SchoolClass.id == Span.klass))
             .switch(Span).join(Event, JOIN.LEFT_OUTER, on=(Event.id == Span.end_event))
             .where(entered).order_by(Span.start, Span.id))
    last = {row[0]: row[1:] for row in _raw(spans)}
    q = (Student.select(*PERSON).where(Student.id.in_(Span.select(Span.student).where(entered)))
         .order_by(Student.id))
    q = scopes.where(q, scopes.student_condition(year))  # the reader's students (db.scope)
    # completions of the year recorded by as_of (the latest outcome), with the destination
    orn = fn.ROW_NUMBER().over(partition_by=[Event.student], order_by=[Event.date.desc(), Event.id.desc()])
    oc = (Event.select(Event.student, Event.kind, Event.destination, Event.klass, orn.alias("rn"))
          .where((Event.year == year.id) & live & (Event.date <= as_of) & Event.kind.in_(kinds.OUTCOMES))
          .alias("oc"))
    done_q = (SchoolClass.select(oc.c.student_id, oc.c.destination, SchoolClass.grade)
              .join(oc, on=(oc.c.klass_id == SchoolClass.id))
              .where((oc.c.rn == 1) & (oc.c.kind == kinds.COMPLETED)))
    top = _top_grades(year)
    done = {sid: dest for sid, dest, grade in _raw(done_q) if grade in top}
    people: list[tuple] = []  # (key, row, minority, grade studying in)
    grades_seen: set[int] = set()
    in_year: set[int] = set()
    minority: dict = {}
    day = as_of.isoformat()
    for person in _raw(q):
        sid = person[0]
        klass, grade, end, exit_kind = last[sid]
        in_year.add(sid)
        if end is not None and str(end)[:10] <= day:  # left by as_of
            if exit_kind == kinds.DEATH:
                continue
            status = "bo_hoc" if exit_kind == kinds.DROPOUT else "chuyen_di"
            dest, studying = None, None
        elif sid in done:
            status, dest, studying = "hoan_thanh", done[sid] or "khong_ro", None
        else:
            status, dest, studying = "dang_hoc", None, grade
            grades_seen.add(grade)
        people.append((*_person(person, status, klass, dest, names, minority), studying))
    if scopes.current().whole:  # earlier graduates have no class this year: the school's list
        people += _earlier_graduates(year, y0, in_year, names, minority)
    for r in _expected_rows(year, as_of):
        people.append((r.pop("_key", None) or text.fold(r.get("ho_ten", "")), tuple(r[k] for k in ROW_KEYS),
                       codes.is_minority(r.pop("_dan_toc_ma", None)), None))
    class_grades = sorted({g for (g,) in SchoolClass.select(SchoolClass.grade)
                           .where(SchoolClass.year == year.id).tuples()} | grades_seen)
    # ordered by place, birth year, name: the rows grouped by place (each place's key computed
    # once), the places sorted, then each group (stable: the same order as one sort on all three)
    place_keys: dict = {}
    groups: dict = {}
    for item in people:
        p = item[1]
        k = (p[XA], p[THON])
        got = place_keys.get(k)
        if got is None:
            got = place_keys[k] = (k == ("", ""), text.natural_key(k[0]), text.natural_key(k[1]))
        group = groups.get(got)
        if group is None:
            group = groups[got] = []
        group.append(item)
    people = []
    for got in sorted(groups):
        group = groups[got]
        group.sort(key=lambda item: (item[1][NAM_SINH], item[0]))
        people += group
    from .school import level_grades

    ages = set(age_columns(class_grades or level_grades()))
    grid: dict[int, dict] = {}
    destinations = _destinations()

    def column(age: int) -> dict:
        got = grid.get(age)
        if got is None:
            got = grid[age] = {"tuoi": age, "nam_sinh": y0 - age, "ts": 0, "nu": 0, "dtts": 0, "kt": 0,
                               "dang_hoc": {str(g): 0 for g in class_grades}, "hoan_thanh": 0,
                               "noi_hoc_tiep": dict.fromkeys(destinations, 0),
                               "bo_hoc": 0, "chuyen_di": 0, "chua_ra_lop": 0}
        return got

    for age in ages:
        column(age)
    for _, p, dtts, grade in people:
        c = column(y0 - p[NAM_SINH])
        c["ts"] += 1
        c["nu"] += p[NU]
        c["dtts"] += dtts
        c["kt"] += p[KHUYET_TAT] is not None
        status = p[TRANG_THAI]
        if status == "dang_hoc":
            c["dang_hoc"][str(grade)] = c["dang_hoc"].get(str(grade), 0) + 1
        elif status == "hoan_thanh":
            c["hoan_thanh"] += 1
            c["noi_hoc_tiep"][p[NOI_HOC_TIEP] or "khong_ro"] += 1
        else:
            c[status] += 1
    # the rows' dicts made here, in their order: the JSON encoder then reads memory in order
    # (a tenth of a second less at 60,000 students than dicts made in the database's order)
    people = [dict(zip(ROW_KEYS, p)) for _, p, _, _ in people]
    return {"bieu_mau": "nam-sinh", "nam_hoc": year.name, "den_ngay": as_of.isoformat(), **scopes.form_marks(),
            "hoc_sinh": people,
            "tong_hop": [grid[a] for a in sorted(grid)]}


def _destinations() -> tuple[str, ...]:
    from .yearend import DESTINATIONS

    return tuple(DESTINATIONS)


def _earlier_graduates(year: SchoolYear, y0: int, in_year: set[int], names: dict, minority: dict) -> list[tuple]:
    """Students aged 15–18 this year who completed the school's top grade in an earlier year
    and have no class this year: ``hoan_thanh``, the class they completed, where they went."""
    earlier = list(SchoolYear.select().where(SchoolYear.start < year.start))
    if not earlier:
        return []
    tops = {y.id: _top_grades(y) for y in earlier}
    born = (date(y0 - GRADUATE_AGES[-1], 1, 1), date(y0 - GRADUATE_AGES[0], 12, 31))
    q = (Event.select(*PERSON, SchoolClass.name, SchoolClass.grade, Event.year, Event.destination)
         .join(Student, on=(Student.id == Event.student))
         .switch(Event).join(SchoolClass, on=(SchoolClass.id == Event.klass))
         .where((Event.kind == kinds.COMPLETED) & Event.voided_at.is_null()
                & Event.year.in_(list(tops)) & Student.dob.between(*born))
         .order_by(Event.date, Event.id))
    found: dict[int, dict] = {}
    for row in _raw(q):
        *person, klass, grade, year_id, dest = row
        if person[0] in in_year or grade not in tops[year_id]:
            continue
        found[person[0]] = (*_person(person, "hoan_thanh", klass, dest or "khong_ro", names, minority), None)
    return list(found.values())

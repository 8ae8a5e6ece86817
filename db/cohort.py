"""The incoming cohort (huy động ra lớp): expected children, their matches, F12 ``huy-dong``.

Before a school year starts the school receives the lists of children expected in the first
grade of a level (grade 6: the feeder primary schools' grade-5 completers and the commune's
list of children of the birth year; grade 1: the children turning 6). Each expected child is
matched to an admission of that year into that grade (:func:`match_cohort`, the one rule
both doors use):

1. the clerk's confirmed decision (``ExpectedDecision.accepted``);
2. the same 12-digit national ID;
3. the same name and date of birth, names compared after NFC, ``Ð``→``Đ``, one tone
   placement, case folding and collapsed spaces (``text.sort_key`` of both);
4. otherwise a *near* match — same date of birth, names equal without accents or one letter
   apart — is only **proposed** (``de_xuat``), never applied.

A pair the clerk rejected is never matched nor proposed again. A student matches at most one
expected child. Nothing but the clerk's decisions is stored: the matches are recomputed from
the current admissions, so a voided admission un-matches its child.

A child on two lists is one expected child with two sources: adding a child whose national
ID, or name and date of birth, is already expected that year in that grade adds the source.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field, replace
from datetime import date

from . import audit, clock, kinds, scope as scopes, text
from .dates import fmt_date
from .errors import SisoError
from .import_plan import ERROR, FIELDS, IGNORE, UNUSED, WARNING, Problem
from .models import (
    Event,
    ExpectedChild,
    ExpectedDecision,
    ExpectedSource,
    SchoolClass,
    SchoolYear,
    Student,
    Village,
)
from .report_common import check_report_day, rate
from .school import LEVELS, school_level

FIRST_GRADES = (1, 6, 10)
ENTRY_KINDS = (kinds.ADMIT, kinds.TRANSFER_IN)  # an admission: new to the school
# a list whose name starts like this is the commune's (or another local body's), not a school's
_COMMUNE_PREFIXES = ("ubnd", "uy ban", "xa ", "phuong", "thi tran", "cong an", "tram y te", "thon ",
                     "ban chi dao", "danh sach xa", "dia ban")
CONFIRMED, BY_ID, BY_NAME = "xac_nhan", "ma_dinh_danh", "ho_ten_ngay_sinh"


def is_feeder(source: str) -> bool:
    """A feeder school's list (True), or the commune's / a local body's (False): «UBND xã …»,
    «Xã …», «Công an xã …», «Thôn …» are the commune's; any other name is a school's."""
    return not text.fold(source).startswith(_COMMUNE_PREFIXES)


def first_grades(level: str | None = None) -> list[int]:
    """The first grades of the school's level: [6] for THCS, [1, 6] for a TH-THCS school."""
    grades = LEVELS[level or school_level()]
    return [g for g in FIRST_GRADES if g in grades]


def check_entry_grade(grade=None) -> int:
    """The grade of entry of a list: given, or the school's one first grade."""
    firsts = first_grades()
    if grade in (None, ""):
        if len(firsts) == 1:
            return firsts[0]
        raise SisoError(f"Trường liên cấp có hai khối đầu cấp ({' và '.join(map(str, firsts))}): ghi rõ "
                        f"khối vào học (--grade {firsts[0]} hoặc --grade {firsts[-1]}).", "khoi")
    try:
        g = int(str(grade).strip())
    except ValueError:
        g = None
    if g not in firsts:
        raise SisoError(f"Khối vào học «{grade}» không hợp lệ: trẻ dự kiến vào khối đầu cấp của trường "
                        f"({' hoặc '.join(map(str, firsts))}).", "khoi")
    return g


def check_source(source) -> str:
    s = text.clean(source)
    if not s:
        raise SisoError("Thiếu nguồn danh sách: ghi tên trường tiểu học gửi danh sách hoặc «UBND xã …» "
                        "(--source).", "nguon")
    if len(s) > 200:
        raise SisoError("Nguồn danh sách dài quá 200 ký tự.", "nguon")
    return s


# ---- adding ----------------------------------------------------------------------------------

def _resolve_village(values: dict) -> tuple[Village | None, str | None]:
    """(the village record, a warning) for a child's village text: a known village is linked;
    an unknown name is kept as written, with a warning."""
    name, commune = values.get("village", ""), values.get("commune", "")
    if not name:
        return None, None
    from .villages import find

    v = find(name, commune or None)
    if v is None:
        where = f"«{name}» (xã {commune})" if commune else f"«{name}»"
        return None, (f"Thôn/làng {where} chưa có trong danh mục thôn/làng: ghi theo chữ, chưa có "
                      "cán bộ phụ trách (thêm bằng «siso village add»).")
    return v, None


def _existing(year: SchoolYear, grade: int, values: dict) -> ExpectedChild | None:
    """The expected child of the year and grade that is the same child: same national ID,
    else same name and date of birth (and no different national ID)."""
    q = ExpectedChild.select().where((ExpectedChild.year == year.id) & (ExpectedChild.grade == grade))
    nid = values.get("national_id")
    if nid:
        found = q.where(ExpectedChild.national_id == nid).first()
        if found:
            return found
    key = text.sort_key(values["family"], values["middle"], values["given"], values["dob"])
    for c in q.where(ExpectedChild.sort_key == key):
        if not nid or not c.national_id or c.national_id == nid:
            return c
    return None


def _save_child(year: SchoolYear, grade: int, values: dict, source: str, village: Village | None) -> tuple[ExpectedChild, bool]:
    """Inside a write: the child (new, or the same child already expected) with ``source``
    added; returns (child, created)."""
    child = _existing(year, grade, values)
    created = child is None
    if created:
        child = ExpectedChild(
            year=year, grade=grade, family=values["family"], middle=values["middle"], given=values["given"],
            female=values.get("female", False), dob=values["dob"], ethnic=values.get("ethnic") or "01",
            disability=values.get("disability"), national_id=values.get("national_id") or None,
            village=village.name if village else values.get("village", ""),
            commune=village.commune if village else values.get("commune", ""),
            village_ref=village, recorded_by=audit.current_user())
        child.sort_key = text.sort_key(child.family, child.middle, child.given, child.dob)
        child.name_folded = text.fold(child.full_name)
        child.save()
    else:
        if values.get("national_id") and not child.national_id:
            child.national_id = values["national_id"]
        if village is not None and child.__data__.get("village_ref") is None:
            child.village_ref, child.village, child.commune = village, village.name, village.commune
        child.save()
    (ExpectedSource.insert(child=child.id, source=source, feeder=is_feeder(source))
     .on_conflict_ignore().execute())
    return child, created


def add_expected(year: SchoolYear, data: dict, *, source, grade=None) -> ExpectedChild:
    """Add one expected child by hand (``data``: name, dob, gender, optional village,
    commune, national_id, ethnic); the same child already expected gets the source added.
    The clerk and the principal only."""
    from . import users

    users.require_admin('thêm trẻ dự kiến huy động')
    from .students import check_fields

    source = check_source(source)
    grade = check_entry_grade(grade)
    for key, label in (("name", "họ tên"), ("dob", "ngày sinh"), ("gender", "giới tính")):
        if not text.clean(str(data.get(key) or "")):
            raise SisoError(f"Thiếu {label} của trẻ.", key)
    values = check_fields({k: v for k, v in data.items() if v is not None}, year=year)
    village, _warning = _resolve_village(values)
    with audit.write("expected.add", f"expected:{year.name}") as info:
        child, created = _save_child(year, grade, values, source, village)
        info.update(_target=f"expected:{child.id}", ho_ten=child.full_name, nguon=source, moi=created)
    return child


# ---- import ----------------------------------------------------------------------------------

@dataclass
class ExpectedReview:
    """What an import of a list would do, and what stops it (the dry run's answer)."""

    plan: object  # exports.importer.ImportPlan
    year: SchoolYear
    grade: int
    source: str
    rows: list = field(default_factory=list)  # (PlanRow, Village | None)
    problems: list = field(default_factory=list)
    merged: int = 0  # rows that are a child already expected (the source is added)

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def report(self) -> str:
        import os

        lines = []
        plan = self.plan
        sheet = f", trang «{plan.table.sheet}»" if plan.table.sheet else ""
        hdr = plan.header
        lines.append(f"Tệp {os.path.basename(plan.table.path)}{sheet}: dòng tiêu đề "
                     f"{plan.table.rows[hdr.index][0] if hdr else '?'}.")
        cols = [f"«{plan.column_title(i)}» → {FIELDS[f]}" for i, f in sorted(plan.mapping.items())
                if f != IGNORE and f not in UNUSED]
        lines.append("Cột nhận ra: " + "; ".join(cols) + ".")
        kind = "trường" if is_feeder(self.source) else "địa phương"
        lines.append(f"Năm học {self.year.name}, vào khối {self.grade}; nguồn: {self.source} "
                     f"(danh sách của {kind}).")
        lines.append(f"Sẽ thêm {len(self.rows) - self.merged} trẻ dự kiến"
                     + (f", {self.merged} trẻ đã có (thêm nguồn)" if self.merged else "") + ".")
        for p in sorted(self.problems, key=lambda p: (p.row or 0, p.severity != ERROR)):
            lines.append(p.line())
        if self.errors:
            lines.append(f"Có {len(self.errors)} lỗi: chưa nhập gì. Sửa tệp (hoặc gán lại cột) rồi nhập lại.")
        elif not self.rows:
            lines.append("Không có trẻ nào để nhập.")
        else:
            lines.append("Không có lỗi: có thể nhập.")
        return "\n".join(lines)


def review_expected(plan, year: SchoolYear, *, source, grade=None) -> ExpectedReview:
    """Check a list read by ``exports.importer`` (``make_plan``) against the database;
    writes nothing. Every problem names its row and column."""
    source = check_source(source)
    grade = check_entry_grade(grade)
    rv = ExpectedReview(plan, year, grade, source, problems=list(plan.problems))
    col = {f: plan.column_title(i) for i, f in plan.mapping.items() if f != IGNORE}
    seen: set[int] = set()
    for r in plan.rows:
        village, warning = _resolve_village(r.values)
        if warning:
            rv.problems.append(Problem(r.row, col.get("village", ""), warning, WARNING))
        if r.grade is not None and r.grade not in (grade, grade - 1):
            rv.problems.append(Problem(r.row, col.get("grade") or col.get("klass", ""),
                                       f"Dòng ghi khối/lớp {r.grade}: danh sách này là trẻ vào khối {grade} "
                                       "(--grade).", ERROR))
            continue
        same = _existing(year, grade, r.values)
        if same is not None:
            if same.id in seen:
                continue
            seen.add(same.id)
            rv.merged += 1
        rv.rows.append((r, village))
    return rv


def run_expected_import(plan, year: SchoolYear, *, source, grade=None) -> int:
    """Write the list in one transaction (refused when it has any error); returns the number
    of rows written (new children and sources added to children already expected)."""
    from . import users

    users.require_admin('nhập danh sách trẻ dự kiến')
    rv = review_expected(plan, year, source=source, grade=grade)
    if not rv.ok:
        raise SisoError("Danh sách có lỗi hoặc không có trẻ nào: chưa nhập gì.\n" + rv.report(), "tep")
    import os

    with audit.write("expected.import", f"expected:{year.name}", tep=os.path.basename(plan.table.path),
                     nguon=rv.source, khoi=rv.grade) as info:
        created = 0
        for r, village in rv.rows:
            created += _save_child(year, rv.grade, r.values, rv.source, village)[1]
        info.update(moi=created, so_dong=len(rv.rows))
    return len(rv.rows)


# ---- matching --------------------------------------------------------------------------------

@dataclass
class Match:
    student: int | None = None  # the matched student's id
    how: str | None = None  # xac_nhan | ma_dinh_danh | ho_ten_ngay_sinh
    proposed: int | None = None  # a near match's student id (never applied)


def one_apart(a: str, b: str) -> bool:
    """The two strings differ by at most one letter (added, removed or changed)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] if la == lb else a[i:] == b[i + 1:]


def _raw(query) -> list[tuple]:
    """Rows as the driver gives them, without peewee's per-value conversion (dates stay as
    stored: compared only with each other here)."""
    return ExpectedChild._meta.database.execute(query).fetchall()


def candidates(year: SchoolYear, as_of: date | None = None, grades=None) -> dict[int, tuple]:
    """The admissions of ``year`` into a first grade dated up to ``as_of``: ``{student id:
    (grade, code, national_id, sort_key, dob, name_folded)}`` (one query)."""
    q = (Event.select(Student.id, SchoolClass.grade, Student.code, Student.national_id, Student.sort_key,
                      Student.dob, Student.name_folded)
         .join(Student, on=(Student.id == Event.student))
         .switch(Event).join(SchoolClass, on=(SchoolClass.id == Event.klass))
         .where((Event.year == year.id) & Event.kind.in_(ENTRY_KINDS) & Event.voided_at.is_null()
                & SchoolClass.grade.in_(list(grades or FIRST_GRADES)))
         .order_by(Event.date, Event.id))
    if as_of is not None:
        q = q.where(Event.date <= as_of)
    out: dict[int, tuple] = {}
    for sid, grade, code, nid, key, dob, folded in _raw(q):  # dob as stored, as the children's
        out.setdefault(sid, (grade, code, nid, key, dob, folded))
    return out


def match_cohort(year: SchoolYear, as_of: date | None = None) -> dict[int, Match]:
    """``{expected child id: Match}`` for every expected child of ``year`` (see the module's
    doc), against the admissions dated up to ``as_of`` (default: all)."""
    children = _raw(ExpectedChild.select(ExpectedChild.id, ExpectedChild.grade, ExpectedChild.national_id,
                                         ExpectedChild.sort_key, ExpectedChild.dob, ExpectedChild.name_folded)
                    .where(ExpectedChild.year == year.id).order_by(ExpectedChild.id))
    out = {c[0]: Match() for c in children}
    if not children:
        return out
    cand = candidates(year, as_of, {c[1] for c in children})
    rejected: set[tuple[int, int]] = set()
    accepted: list[tuple[int, int]] = []
    for cid, sid, ok in _raw(ExpectedDecision.select(ExpectedDecision.child, ExpectedDecision.student,
                                                     ExpectedDecision.accepted)
                             .join(ExpectedChild).where(ExpectedChild.year == year.id)
                             .order_by(ExpectedDecision.decided_at, ExpectedDecision.id)):
        (accepted.append((cid, sid)) if ok else rejected.add((cid, sid)))
    taken: set[int] = set()
    grade_of = {c[0]: c[1] for c in children}
    for cid, sid in accepted:
        s = cand.get(sid)
        if s and s[0] == grade_of[cid] and sid not in taken and out[cid].student is None:
            out[cid] = Match(sid, CONFIRMED)
            taken.add(sid)
    by_nid: dict[tuple, int] = {}
    by_key: dict[tuple, list[int]] = {}
    by_dob: dict[tuple, list[int]] = {}
    for sid, (g, _code, nid, key, dob, _f) in cand.items():
        if nid:
            by_nid.setdefault((g, nid), sid)
        by_key.setdefault((g, key), []).append(sid)
        by_dob.setdefault((g, dob), []).append(sid)

    def free(cid: int, sid: int) -> bool:
        return sid not in taken and (cid, sid) not in rejected

    for cid, g, nid, _key, _dob, _f in children:  # 2. the national ID
        if out[cid].student is None and nid:
            sid = by_nid.get((g, nid))
            if sid is not None and free(cid, sid):
                out[cid] = Match(sid, BY_ID)
                taken.add(sid)
    for cid, g, nid, key, _dob, _f in children:  # 3. the same name and date of birth
        if out[cid].student is None:
            for sid in by_key.get((g, key), ()):
                other = cand[sid][2]
                if free(cid, sid) and not (nid and other and other != nid):
                    out[cid] = Match(sid, BY_NAME)
                    taken.add(sid)
                    break
    for cid, g, _nid, _key, dob, folded in children:  # 4. a near match, proposed only
        if out[cid].student is None:
            for sid in by_dob.get((g, dob), ()):
                if free(cid, sid) and one_apart(folded, cand[sid][5]):
                    out[cid].proposed = sid
                    break
    return out


def get_child(child_id) -> ExpectedChild:
    try:
        cid = int(str(child_id).strip())
    except ValueError:
        cid = None
    child = ExpectedChild.get_or_none(ExpectedChild.id == cid) if cid is not None else None
    if child is None:
        raise SisoError(f"Không có trẻ dự kiến số «{child_id}» (xem «siso expected list»).", "id")
    return child


def _where_is(student: Student, year: SchoolYear) -> str:
    """Where the student entered the school, for a refusal: «vào lớp 7A1 năm học 2024-2025»."""
    ev = (Event.select(Event, SchoolClass).join(SchoolClass, on=(SchoolClass.id == Event.klass))
          .where((Event.student == student.id) & Event.kind.in_(ENTRY_KINDS + (kinds.ENROLL,))
                 & Event.voided_at.is_null())
          .order_by(Event.date.desc()).first())
    if ev is None:
        return "chưa vào lớp nào"
    return f"vào lớp {ev.klass.name} (khối {ev.klass.grade}) năm học {ev.year.name}"


def confirm_match(child_id, code: str) -> ExpectedChild:
    """The clerk pairs an expected child with a student (a proposal confirmed, or a pair
    the clerk found). Refused for a student not admitted into the child's grade that year,
    or already matched to another expected child."""
    from . import users

    users.require_admin('xác nhận trẻ dự kiến đã ra lớp')
    from .students import get_student

    child = get_child(child_id)
    student = get_student(code)
    year = child.year
    cand = candidates(year, None, [child.grade])
    if student.id not in cand:
        raise SisoError(f"Không ghép được: học sinh {student.code} ({student.full_name}) không nhập học vào "
                        f"khối {child.grade} năm học {year.name} (học sinh {_where_is(student, year)}). Trẻ "
                        f"{child.full_name} dự kiến vào khối {child.grade} năm học {year.name}.", "ma")
    for cid, m in match_cohort(year).items():
        if m.student == student.id and cid != child.id:
            other = ExpectedChild.get_by_id(cid)
            raise SisoError(f"Học sinh {student.code} đã được ghép với trẻ dự kiến số {cid} "
                            f"({other.full_name}, {fmt_date(other.dob)}): mỗi học sinh ghép với một trẻ. "
                            f"Từ chối cặp đó trước («siso expected match {cid} --reject»).", "ma")
    with audit.write("expected.match", f"expected:{child.id}", ma=student.code, ho_ten=child.full_name):
        ExpectedDecision.delete().where((ExpectedDecision.child == child.id)
                                        & ((ExpectedDecision.accepted == True)  # noqa: E712
                                           | (ExpectedDecision.student == student.id))).execute()
        ExpectedDecision.create(child=child.id, student=student.id, accepted=True,
                                decided_by=audit.current_user(), decided_at=clock.now())
    return child


def reject_match(child_id) -> Student:
    """The clerk rejects the child's current pairing (a proposal, or a match found by ID or
    name): that pair is never matched nor proposed again. Returns the rejected student."""
    from . import users

    users.require_admin('bỏ đề xuất ghép trẻ dự kiến')
    child = get_child(child_id)
    m = match_cohort(child.year).get(child.id, Match())
    sid = m.student or m.proposed
    if sid is None:
        raise SisoError(f"Trẻ dự kiến số {child.id} ({child.full_name}) không có học sinh nào được ghép "
                        "hay đề xuất: không có gì để từ chối.", "id")
    student = Student.get_by_id(sid)
    with audit.write("expected.reject", f"expected:{child.id}", ma=student.code, ho_ten=child.full_name):
        ExpectedDecision.delete().where((ExpectedDecision.child == child.id)
                                        & (ExpectedDecision.student == sid)).execute()
        ExpectedDecision.create(child=child.id, student=sid, accepted=False,
                                decided_by=audit.current_user(), decided_at=clock.now())
    return student


# ---- lists and F12 ---------------------------------------------------------------------------

def _children(year: SchoolYear):
    """The year's expected children (light rows: ``id, grade, family, middle, given, female,
    dob, village, commune, vid, sort_key``, plus ``full_name``) sorted by grade then name, and
    ``{child id: [(source, feeder)]}`` — two queries."""
    E = ExpectedChild
    rows = (E.select(E.id, E.grade, E.family, E.middle, E.given, E.female, E.dob, E.village, E.commune,
                     E.village_ref.alias("vid"), E.sort_key)
            .where(E.year == year.id).order_by(E.grade, E.sort_key).tuples())
    children = [_Child(*r, text.join_name(r[2], r[3], r[4])) for r in rows]
    sources: dict[int, list[tuple[str, bool]]] = {}
    for cid, src, feeder in (ExpectedSource.select(ExpectedSource.child, ExpectedSource.source,
                                                   ExpectedSource.feeder)
                             .join(ExpectedChild).where(ExpectedChild.year == year.id)
                             .order_by(ExpectedSource.id).tuples()):
        sources.setdefault(cid, []).append((src, feeder))
    return children, sources


_Child = namedtuple("_Child", "id grade family middle given female dob village commune vid sort_key full_name")


def _codes(ids) -> dict[int, str]:
    ids = [i for i in ids if i is not None]
    out: dict[int, str] = {}
    from peewee import chunked

    for part in chunked(ids, 500):
        out.update(Student.select(Student.id, Student.code).where(Student.id.in_(part)).tuples())
    return out


def list_expected(year: SchoolYear, *, unmatched: bool = False) -> list[dict]:
    """``expected list``: ``[{"id", "ho_ten", "ngay_sinh", "nu", "thon", "nguon", "ma",
    "de_xuat"}]`` sorted by grade then Vietnamese name; ``unmatched``: only those not
    matched (a proposed match is not a match)."""
    children, sources = _children(year)
    matches = match_cohort(year)
    if not scopes.current().whole:  # a reader with a scope: the children who came into it
        seen = set(scopes.keep_ids([m.student for m in matches.values() if m.student], year))
        children = [c for c in children if matches[c.id].student in seen]
        matches = {c.id: replace(matches[c.id], proposed=None) for c in children}
    codes = _codes({m.student for m in matches.values()} | {m.proposed for m in matches.values()})
    out = []
    for c in children:
        m = matches[c.id]
        if unmatched and m.student is not None:
            continue
        out.append({"id": c.id, "ho_ten": c.full_name, "ngay_sinh": c.dob.isoformat(), "nu": c.female,
                    "thon": c.village or None, "nguon": [s for s, _ in sources.get(c.id, [])],
                    "ma": codes.get(m.student), "de_xuat": codes.get(m.proposed)})
    return out


def on_age(child, year: SchoolYear) -> bool:
    """The child's age (the year's start year − birth year) is that of the grade: grade + 5."""
    return year.start.year - child.dob.year == child.grade + 5


def report_huy_dong(year: SchoolYear, as_of=None) -> dict:
    """F12 ``huy-dong``: the expected children of the year, matched to admissions dated up to
    ``as_of`` (default ``clock.default_day``), by village and by source; the rate overall and
    for on-age children; the children not yet in class with their village and its staff."""
    from .villages import staff_list

    as_of = check_report_day(year, as_of if as_of not in (None, "") else clock.default_day(year))
    children, sources = _children(year)
    matches = match_cohort(year, as_of)
    if not scopes.current().whole:
        # a reader with a scope sees the children who came into it, no one still expected
        # (a child not yet in class is nobody's student: the clerk's and the village staff's)
        seen = set(scopes.keep_ids([m.student for m in matches.values() if m.student], year))
        children = [c for c in children if matches[c.id].student in seen]
        matches = {c.id: replace(matches[c.id], proposed=None) for c in children}
    codes = _codes({m.proposed for m in matches.values()})
    villages = {v.id: v for v in Village.select()}
    n = arrived = age_n = age_arrived = 0
    by_village: dict = {}
    by_source: dict = {}
    missing = []
    village_order = {name: text.natural_key(name) for name in {c.village for c in children}}
    staff_of = {vid: staff_list(v) for vid, v in villages.items()}
    for c in sorted(children, key=lambda c: (not c.village, village_order[c.village], c.grade, c.sort_key)):
        ok = matches[c.id].student is not None
        n += 1
        arrived += ok
        if on_age(c, year):
            age_n += 1
            age_arrived += ok
        staff = staff_of.get(c.vid, [])
        vkey = c.vid or (c.village or None)
        row = by_village.setdefault(vkey, {"thon": c.village or None, "xa": c.commune or None,
                                           "phu_trach": staff, "du_kien": 0, "da_ra_lop": 0})
        row["du_kien"] += 1
        row["da_ra_lop"] += ok
        names = [s for s, _ in sources.get(c.id, [])]
        for s in names:
            srow = by_source.setdefault(s, {"nguon": s, "du_kien": 0, "da_ra_lop": 0})
            srow["du_kien"] += 1
            srow["da_ra_lop"] += ok
        if not ok:
            missing.append({"ho_ten": c.full_name, "ngay_sinh": c.dob.isoformat(), "nu": c.female,
                            "khoi": c.grade, "thon": c.village or None, "nguon": names, "phu_trach": staff,
                            "de_xuat": codes.get(matches[c.id].proposed)})
    theo_thon = [{**r, "ty_le": rate(r["da_ra_lop"], r["du_kien"])} for r in by_village.values()]
    theo_nguon = [{**r, "ty_le": rate(r["da_ra_lop"], r["du_kien"])} for r in by_source.values()]
    return {"form": "huy-dong", "nam_hoc": year.name, "den_ngay": as_of.isoformat(),
            **scopes.form_marks(), "khoi": sorted({c.grade for c in children}),
            "du_kien": n, "da_ra_lop": arrived, "ty_le": rate(arrived, n),
            "du_kien_dung_do_tuoi": age_n, "da_ra_lop_dung_do_tuoi": age_arrived,
            "ty_le_dung_do_tuoi": rate(age_arrived, age_n),
            "theo_thon": theo_thon, "theo_nguon": theo_nguon, "chua_ra_lop": missing}


# ---- the cohort targets (db.targets) ---------------------------------------------------------

def target_counts(name: str, year: SchoolYear, as_of: date, grades) -> tuple[int, int]:
    """(numerator, denominator) of a cohort target over the first grades among ``grades``.

    ``ty_le_huy_dong``: expected children matched to an admission by ``as_of`` ÷ expected
    children (F12's ``ty_le``). ``ty_le_vao_lop_6``: children on a feeder school's list for
    grade 6 (its grade-5 completers) admitted to grade 6 by ``as_of`` ÷ those children."""
    grades = set(grades)
    if name == "ty_le_vao_lop_6":
        grades &= {6}
    children, sources = _children(year)
    matches = match_cohort(year, as_of)
    num = den = 0
    for c in children:
        if c.grade not in grades:
            continue
        if name == "ty_le_vao_lop_6" and not any(f for _, f in sources.get(c.id, [])):
            continue
        den += 1
        num += matches[c.id].student is not None
    return num, den


__all__ = ["add_expected", "review_expected", "run_expected_import", "match_cohort", "confirm_match",
           "reject_match", "list_expected", "report_huy_dong", "target_counts", "first_grades",
           "check_entry_grade", "is_feeder"]


# ---- F7 nam-sinh: the expected children never admitted ---------------------------------------

def never_admitted(year: SchoolYear, as_of) -> list[dict]:
    """The year's expected children with no admission matched by ``as_of`` (F7's
    ``chua_ra_lop``), in F7's row keys (``ma`` and ``lop`` null), with ``_key`` (the sort key
    of the name) and ``_dan_toc_ma`` (the ethnic code) for F7 to order and count them. A
    reader with a scope sees none (a child not in class is nobody's student)."""
    if not scopes.current().whole:
        return []
    as_of = check_report_day(year, as_of)
    matches = match_cohort(year, as_of)
    missing = [cid for cid, m in matches.items() if m.student is None]
    out: list[dict] = []
    names = codes_of_ethnic()
    from peewee import chunked

    E = ExpectedChild
    for part in chunked(missing, 500):
        for family, middle, given, dob, female, ethnic, commune, village, disability, key in _raw(
                E.select(E.family, E.middle, E.given, E.dob, E.female, E.ethnic, E.commune, E.village,
                         E.disability, E.sort_key).where(E.id.in_(part)).order_by(E.id)):
            born = str(dob)[:10]  # SQLite's text or a date: yyyy-mm-dd
            out.append({"ma": None, "ho_ten": text.join_name(family, middle, given),
                        "ngay_sinh": born, "nu": bool(female),
                        "dan_toc": names.get(ethnic or "", ethnic or ""), "xa": commune or "",
                        "thon": village or "", "nam_sinh": int(born[:4]), "lop": None,
                        "trang_thai": "chua_ra_lop", "noi_hoc_tiep": None,
                        "khuyet_tat": disability or None, "_key": key or "",
                        "_dan_toc_ma": ethnic})
    return out


def codes_of_ethnic() -> dict[str, str]:
    from .codes import ethnic_groups

    return ethnic_groups()

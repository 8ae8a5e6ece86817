"""The incoming cohort's matching: each expected child paired with an admission of that year
into that grade (:func:`match_cohort`, the one rule both doors use), the clerk's decisions,
and the list of the children with their matches.

1. the clerk's confirmed decision (``ExpectedDecision.accepted``);
2. the same 12-digit national ID;
3. the same name and date of birth, names compared after NFC, ``Ð``→``Đ``, one tone
   placement, case folding and collapsed spaces (``text.sort_key`` of both);
4. otherwise a *near* match — same date of birth, names equal without accents or one letter
   apart — is only **proposed** (``de_xuat``), never applied.

A pair the clerk rejected is never matched nor proposed again. A student matches at most one
expected child. Nothing but the clerk's decisions is stored: the matches are recomputed from
the current admissions, so a voided admission un-matches its child.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from . import audit, clock, fields, kinds, scope as scopes
from .cohort import FIRST_GRADES, expected_children
from .dates import fmt_date
from .errors import SisoError
from .models import Event, ExpectedChild, ExpectedDecision, SchoolClass, SchoolYear, Student

ENTRY_KINDS = (kinds.ADMIT, kinds.TRANSFER_IN)  # an admission: new to the school
CONFIRMED, BY_ID, BY_NAME = "xac_nhan", "ma_dinh_danh", "ho_ten_ngay_sinh"

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


def raw_rows(query) -> list[tuple]:
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
    for sid, grade, code, nid, key, dob, folded in raw_rows(q):  # dob as stored, as the children's
        out.setdefault(sid, (grade, code, nid, key, dob, folded))
    return out


def match_cohort(year: SchoolYear, as_of: date | None = None) -> dict[int, Match]:
    """``{expected child id: Match}`` for every expected child of ``year`` (see the module's
    doc), against the admissions dated up to ``as_of`` (default: all)."""
    children = raw_rows(ExpectedChild.select(ExpectedChild.id, ExpectedChild.grade, ExpectedChild.national_id,
                                         ExpectedChild.sort_key, ExpectedChild.dob, ExpectedChild.name_folded)
                    .where(ExpectedChild.year == year.id).order_by(ExpectedChild.id))
    out = {c[0]: Match() for c in children}
    if not children:
        return out
    cand = candidates(year, as_of, {c[1] for c in children})
    rejected: set[tuple[int, int]] = set()
    accepted: list[tuple[int, int]] = []
    for cid, sid, ok in raw_rows(ExpectedDecision.select(ExpectedDecision.child, ExpectedDecision.student,
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
        raise SisoError(f"Không có trẻ dự kiến số «{child_id}» (xem «siso expected list»).", fields.SO)
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
                        f"{child.full_name} dự kiến vào khối {child.grade} năm học {year.name}.", fields.MA)
    for cid, m in match_cohort(year).items():
        if m.student == student.id and cid != child.id:
            other = ExpectedChild.get_by_id(cid)
            raise SisoError(f"Học sinh {student.code} đã được ghép với trẻ dự kiến số {cid} "
                            f"({other.full_name}, {fmt_date(other.dob)}): mỗi học sinh ghép với một trẻ. "
                            f"Từ chối cặp đó trước («siso expected match {cid} --reject»).", fields.MA)
    with audit.write("expected.match", f"expected:{child.id}", ma=student.code, ho_ten=child.full_name):
        ExpectedDecision.delete().where((ExpectedDecision.child == child.id)
                                        & ((ExpectedDecision.accepted == True)
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
                        "hay đề xuất: không có gì để từ chối.", fields.SO)
    student = Student.get_by_id(sid)
    with audit.write("expected.reject", f"expected:{child.id}", ma=student.code, ho_ten=child.full_name):
        ExpectedDecision.delete().where((ExpectedDecision.child == child.id)
                                        & (ExpectedDecision.student == sid)).execute()
        ExpectedDecision.create(child=child.id, student=sid, accepted=False,
                                decided_by=audit.current_user(), decided_at=clock.now())
    return student


def codes_of(ids) -> dict[int, str]:
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
    children, sources = expected_children(year)
    matches = match_cohort(year)
    if not scopes.current().whole:  # a reader with a scope: the children who came into it
        seen = set(scopes.keep_ids([m.student for m in matches.values() if m.student], year))
        children = [c for c in children if matches[c.id].student in seen]
        matches = {c.id: replace(matches[c.id], proposed=None) for c in children}
    codes = codes_of({m.student for m in matches.values()} | {m.proposed for m in matches.values()})
    out = []
    for c in children:
        m = matches[c.id]
        if unmatched and m.student is not None:
            continue
        out.append({"id": c.id, "ho_ten": c.full_name, "ngay_sinh": c.dob.isoformat(), "nu": c.female,
                    "thon": c.village or None, "nguon": [s for s, _ in sources.get(c.id, [])],
                    "ma": codes.get(m.student), "de_xuat": codes.get(m.proposed)})
    return out


__all__ = ["match_cohort", "confirm_match", "reject_match", "list_expected"]

"""The incoming cohort (huy động ra lớp): the expected children, added by hand or imported
from a list.

Before a school year starts the school receives the lists of children expected in the first
grade of a level (grade 6: the feeder primary schools' grade-5 completers and the commune's
list of children of the birth year; grade 1: the children turning 6). Each is matched to an
admission by :mod:`db.cohort_match`; F12 ``huy-dong`` is in :mod:`db.huy_dong`.

A child on two lists is one expected child with two sources: adding a child whose national
ID, or name and date of birth, is already expected that year in that grade adds the source.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field

from . import audit, fields, text
from .errors import SisoError
from .import_plan import ERROR, FIELDS, IGNORE, UNUSED, WARNING, Problem
from .models import ExpectedChild, ExpectedSource, SchoolYear, Village
from .school import LEVELS, school_level

FIRST_GRADES = (1, 6, 10)
# a list whose name starts like this is the commune's (or another local body's), not a school's
_COMMUNE_PREFIXES = ("ubnd", "uy ban", "xa ", "phuong", "thi tran", "cong an", "tram y te", "thon ",
                     "ban chi dao", "danh sach xa", "dia ban")


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
                        f"khối vào học (--grade {firsts[0]} hoặc --grade {firsts[-1]}).", fields.KHOI)
    try:
        g = int(str(grade).strip())
    except ValueError:
        g = None
    if g not in firsts:
        raise SisoError(f"Khối vào học «{grade}» không hợp lệ: trẻ dự kiến vào khối đầu cấp của trường "
                        f"({' hoặc '.join(map(str, firsts))}).", fields.KHOI)
    return g


def check_source(source) -> str:
    s = text.clean(source)
    if not s:
        raise SisoError("Thiếu nguồn danh sách: ghi tên trường tiểu học gửi danh sách hoặc «UBND xã …» "
                        "(--source).", fields.NGUON)
    if len(s) > 200:
        raise SisoError("Nguồn danh sách dài quá 200 ký tự.", fields.NGUON)
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
    for key, label, name in (("name", "họ tên", fields.HO_TEN), ("dob", "ngày sinh", fields.NGAY_SINH),
                             ("gender", "giới tính", fields.GIOI_TINH)):
        if not text.clean(str(data.get(key) or "")):
            raise SisoError(f"Thiếu {label} của trẻ.", name)
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
        raise SisoError("Danh sách có lỗi hoặc không có trẻ nào: chưa nhập gì.\n" + rv.report(), fields.TEP)
    import os

    with audit.write("expected.import", f"expected:{year.name}", tep=os.path.basename(plan.table.path),
                     nguon=rv.source, khoi=rv.grade) as info:
        created = 0
        for r, village in rv.rows:
            created += _save_child(year, rv.grade, r.values, rv.source, village)[1]
        info.update(moi=created, so_dong=len(rv.rows))
    return len(rv.rows)


# ---- reading ---------------------------------------------------------------------------------

def expected_children(year: SchoolYear):
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


__all__ = ["add_expected", "review_expected", "run_expected_import", "first_grades",
           "check_entry_grade", "is_feeder"]

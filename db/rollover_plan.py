"""The rollover into the next school year, worked out without writing anything
(``rollover_preview`` gives a ``Plan``; ``db.rollover`` writes it).

Next year's classes come from an editable mapping, promoted students go to grade + 1,
held-back students stay in their grade, completers leave (or, in a combined school that
teaches the next grade, go on to it). Students with an unresolved pending outcome stop the
rollover, unless the caller says how to treat them (``pending_as``). A student with no
outcome recorded gets the default one (``db.yearend.default_outcome``), which the rollover
records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from . import clock, fields, kinds, text
from .dates import fmt_date, parse_date
from .errors import SisoError
from .models import Batch, Event, SchoolClass, SchoolYear, Span, Student
from .movements import year_arg
from . import school as school_rules
from .yearend import RESULTS, default_outcome, latest_outcomes, school_grades



def next_class_name(name: str, grade: int) -> str:
    """6A1 → 7A1, 6/2 → 7/2; a name without the grade in front gets the new grade in front."""
    if school_rules.grade_in_name(name) == grade:
        return f"{grade + 1}{name.lstrip('0123456789')}"  # a stored name's digits are ASCII
    return f"{grade + 1}{name}"


def _next_year_name(name: str) -> str:
    return school_rules.year_name_of(school_rules.parse_year_name(name)[0] + 1)


@dataclass
class NewClass:
    name: str
    grade: int
    exists: bool  # already in the target year
    promoted: int = 0  # students coming up from grade - 1
    held_back: int = 0  # students staying in the grade

    @property
    def total(self) -> int:
        return self.promoted + self.held_back


@dataclass
class Plan:
    """What a rollover would write. ``mapping``/``held_mapping``: old class name -> new name."""

    source: SchoolYear
    target_name: str
    target: SchoolYear | None
    start: date
    end: date
    ref: date
    hk2: date | None
    mapping: dict[str, str]
    held_mapping: dict[str, str]
    classes: dict[str, NewClass] = field(default_factory=dict)
    placements: list[tuple[int, str]] = field(default_factory=list)  # (student id, new class)
    completers: int = 0
    promoted: int = 0
    held_back: int = 0
    pending: list[tuple[str, str, str]] = field(default_factory=list)  # (code, name, class)
    # students with no recorded outcome and the outcome the rollover gives them, which it
    # records (dated the year's end) so that F4 counts it like any other
    defaulted: list[tuple[int, int, str]] = field(default_factory=list)  # (student, class, kind)
    problems: list[str] = field(default_factory=list)
    before_end: bool = False  # today is before the old year's end date

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def early_warning(self) -> str:
        """The warning a rollover ahead of the old year's end needs confirmed ('' if none)."""
        if not self.before_end:
            return ""
        return (f"Năm học {self.source.name} chưa kết thúc (ngày kết thúc {fmt_date(self.source.end)}, "
                f"hôm nay {fmt_date(clock.today())}): kết quả cuối năm chưa đủ và mọi biến động "
                "ghi sau đó phải ghi lại cho năm học mới.")

    def summary(self) -> list[str]:
        lines = [f"Chuyển năm {self.source.name} → {self.target_name}"
                 + ("" if self.target else f" (tạo năm học mới {fmt_date(self.start)} – {fmt_date(self.end)}, "
                    f"chốt sĩ số đầu năm {fmt_date(self.ref)}"
                    + (f", học kỳ II từ {fmt_date(self.hk2)}" if self.hk2 else "") + ")"),
                 f"Lên lớp: {self.promoted}; lưu ban: {self.held_back}; hoàn thành, rời trường: "
                 f"{self.completers}."]
        # what stops it or needs confirming comes before the (long) list of classes
        lines += [f"Lỗi: {p}" for p in self.problems]
        if self.before_end:
            lines.append(f"Cảnh báo: {self.early_warning}")
        for c in sorted(self.classes.values(), key=lambda c: (c.grade, text.natural_key(c.name))):
            lines.append(f"  {c.name} (khối {c.grade}{', có sẵn' if c.exists else ', tạo mới'}): "
                         f"{c.total} học sinh ({c.promoted} lên lớp, {c.held_back} lưu ban)")
        return lines


def _enrolled_at_end(year: SchoolYear) -> list[tuple[int, int, str, int, str, str]]:
    """(student id, class id, class name, grade, code, full name) of students still enrolled
    after the year and its summer (open spans)."""
    rows = (Span.select(Span.student, SchoolClass.id, SchoolClass.name, SchoolClass.grade,
                        Student.code, Student.family, Student.middle, Student.given)
            .join(SchoolClass, on=(SchoolClass.id == Span.klass))
            .switch(Span).join(Student, on=(Student.id == Span.student))
            .where((Span.year == year.id) & Span.end.is_null())
            .order_by(SchoolClass.grade, SchoolClass.name, Student.sort_key).tuples())
    return [(s, k, n, g, c, text.join_name(f, m, gv)) for s, k, n, g, c, f, m, gv in rows]


def default_mappings(source: SchoolYear, target: SchoolYear | None = None) -> tuple[dict, dict]:
    """(promoted mapping, held-back mapping) by old class name, before any edit."""
    from .school import list_classes

    grades = school_grades(source)
    olds = list_classes(source)
    mapping = {c.name: next_class_name(c.name, c.grade) for c in olds
               if c.grade + 1 in grades}
    existing = {c.name: c.grade for c in list_classes(target)} if target else {}
    new_names = {**existing, **{n: school_rules.grade_in_name(n) or 0 for n in mapping.values()}}
    held = {}
    for c in olds:
        if c.name in new_names and new_names[c.name] == c.grade:
            held[c.name] = c.name
        else:
            same = sorted((n for n, g in new_names.items() if g == c.grade), key=text.natural_key)
            held[c.name] = same[0] if same else c.name
    return mapping, held


def _same_day(day: date, year: int) -> date:
    """The same day and month in another calendar year (29/02 becomes 28/02)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def _carried(day: date | None, src: SchoolYear, first: int, low: date, high: date) -> date | None:
    """A date of the old year (reference date, semester II start) moved to the new year
    starting in calendar year ``first``: the same day and month, if it falls in low..high."""
    if day is None:
        return None
    moved = _same_day(day, first + (day.year - src.start.year))
    return moved if low <= moved <= high else None


def rollover_preview(source, target_name: str | None = None, *, mapping: dict | None = None,
                     held_mapping: dict | None = None, start=None, end=None, ref=None, hk2=None,
                     pending_as: str | None = None) -> Plan:
    """Work out the rollover without writing anything; ``Plan.problems`` lists what stops it.

    A new year's reference date and semester II start default to the same day and month as
    the old year's. ``Plan.before_end`` says the old year has not ended yet (today, from
    ``db.clock``, is before its end date): the rollover then needs confirming.
    ``pending_as``: promoted (passed — in the school's top grade that means completed) or
    held-back, for students whose retest is still unrecorded."""
    if isinstance(source, str):
        from .school import get_year

        source = get_year(source)
    src = year_arg(source)
    target_name = text.clean(target_name or "") or _next_year_name(src.name)
    first = school_rules.parse_year_name(target_name)[0]
    target_name = school_rules.year_name_of(first)
    target = SchoolYear.get_or_none(SchoolYear.name == target_name)
    if target is not None:
        t_start, t_end, t_ref, t_hk2 = target.start, target.end, target.ref_date, target.hk2_start
    else:
        d_start, d_end, _ref, _hk2 = school_rules.default_dates(first)
        t_start = parse_date(start, "ngày bắt đầu", fields.NGAY_BAT_DAU) if start else d_start
        t_end = parse_date(end, "ngày kết thúc", fields.NGAY_KET_THUC) if end else d_end
        t_ref = (parse_date(ref, "ngày chốt sĩ số", fields.NGAY_CHOT_SI_SO) if ref
                 else _carried(src.ref_date, src, first, t_start, t_end) or t_start)
        t_hk2 = (parse_date(hk2, "ngày bắt đầu học kỳ II", fields.NGAY_BAT_DAU_HK2) if hk2
                 else _carried(src.hk2_start, src, first, t_start + timedelta(days=1), t_end))
    dm, dh = default_mappings(src, target)
    norm = school_rules.normalize_class_name
    mapping = {**dm, **{norm(k): norm(v) for k, v in (mapping or {}).items()}}
    held = {**dh, **{norm(k): norm(v) for k, v in (held_mapping or {}).items()}}
    plan = Plan(src, target_name, target, t_start, t_end, t_ref, t_hk2, mapping, held)
    plan.before_end = clock.today() < src.end
    if target is not None and target.start <= src.start:
        plan.problems.append(f"Năm học {target.name} không đứng sau năm học {src.name}.")
        return plan
    if t_start <= src.end:
        plan.problems.append(f"Năm học mới phải bắt đầu sau ngày kết thúc năm học {src.name} "
                             f"({fmt_date(src.end)}).")
    existing = {}
    if target is not None:
        existing = {c.name: c for c in SchoolClass.select().where(SchoolClass.year == target.id)}
        done = Batch.get_or_none((Batch.kind == "rollover") & (Batch.year == target.id)
                                 & Batch.undone_at.is_null())
        if done is not None:
            plan.problems.append(f"Đã chuyển năm vào năm học {target.name} (đợt số {done.id}); "
                                 "hoàn tác đợt đó trước nếu muốn làm lại.")
    grades = school_grades(src)
    students = _enrolled_at_end(src)
    outcomes = latest_outcomes(src)
    pend = RESULTS.get(pending_as, pending_as) if pending_as else None
    level = school_rules.school_level()
    if pend not in (None, kinds.PROMOTED, kinds.HELD_BACK):
        plan.problems.append("Cách xử lý học sinh chờ thi lại chỉ có thể là lên lớp hoặc lưu ban.")
        pend = None

    def want(name: str, grade: int) -> NewClass | None:
        if name in existing and existing[name].grade != grade:
            plan.problems.append(f"Lớp {name} của năm học {target_name} thuộc khối "
                                 f"{existing[name].grade}, không phải khối {grade}.")
            return None
        lead = school_rules.grade_in_name(name)
        if lead is not None and lead != grade:
            plan.problems.append(f"Lớp {name} không thuộc khối {grade}: sửa bảng chuyển lớp.")
            return None
        nc = plan.classes.get(name)
        if nc is None and name not in existing:
            try:
                school_rules.check_grade(grade, level)
            except SisoError as err:
                plan.problems.append(f"Lớp mới {name}: {err.message}")
                return None
        if nc is None:
            nc = plan.classes[name] = NewClass(name, grade, name in existing)
        elif nc.grade != grade:
            plan.problems.append(f"Lớp {name} được dùng cho cả khối {nc.grade} và khối {grade}.")
            return None
        return nc

    stuck: dict[str, int] = {}  # class -> students recorded promoted with no next grade
    for sid, _kid, kname, grade, code, name in students:
        ev = outcomes.get(sid)
        kind = ev.kind if ev else default_outcome(grade, grades)
        if ev is None:
            plan.defaulted.append((sid, _kid, kind))
        if kind == kinds.PENDING:
            if pend is None:
                plan.pending.append((code, name, kname))
                continue
            # passed: promoted, or in the school's top grade, completed
            kind = default_outcome(grade, grades) if pend == kinds.PROMOTED else pend
        if kind == kinds.PROMOTED and grade + 1 not in grades:
            stuck[kname] = stuck.get(kname, 0) + 1
            continue
        if kind == kinds.COMPLETED and grade + 1 not in grades:
            plan.completers += 1
            continue
        if kind == kinds.HELD_BACK:
            new = held.get(kname)
            nc = want(new, grade) if new else None
            if nc is not None:
                nc.held_back += 1
                plan.held_back += 1
                plan.placements.append((sid, new))
        else:
            new = mapping.get(kname)
            if not new:
                plan.problems.append(f"Chưa có lớp mới cho học sinh lên lớp từ lớp {kname}.")
                continue
            nc = want(new, grade + 1)
            if nc is not None:
                nc.promoted += 1
                plan.promoted += 1
                plan.placements.append((sid, new))
    for kname, n in stuck.items():
        plan.problems.append(f"{n} học sinh lớp {kname} được ghi lên lớp nhưng trường không có khối "
                             "trên: ghi lại kết quả hoàn thành chương trình hoặc lưu ban.")
    if plan.pending:
        names = ", ".join(f"{n} ({c}, lớp {k})" for c, n, k in plan.pending[:20])
        more = f" và {len(plan.pending) - 20} học sinh khác" if len(plan.pending) > 20 else ""
        plan.problems.append(f"{len(plan.pending)} học sinh còn chờ thi lại / rèn luyện hè, chưa có "
                             f"kết quả: {names}{more}. Ghi kết quả lên lớp, lưu ban hoặc hoàn "
                             "thành chương trình trước.")
    if target is not None and plan.placements:
        ids = [s for s, _ in plan.placements]
        busy = (Event.select(Event.student).distinct()
                .where((Event.year == target.id) & Event.voided_at.is_null()
                       & Event.student.in_(ids)).count())
        if busy:
            plan.problems.append(f"{busy} học sinh đã có sự kiện trong năm học {target.name}; "
                                 "không chuyển năm được cho các em.")
    # de-duplicate problem lines, keep order
    plan.problems = list(dict.fromkeys(plan.problems))
    return plan

"""Year end: each student's outcome, and the rollover into the next school year.

Outcomes are events (promoted, pending, held_back, completed) dated at the year's end, or
in the summer when a pending one is resolved (to promoted, held back, or — in a grade that
completes a level — completed); the latest non-voided one wins. With no outcome recorded
the rollover promotes a student, except in the school's top grade, where a student completes
the level, and records that outcome (reports never presume it before).

Completion is recorded in a grade that ends a level the school teaches (5, 9, 12: see
``db.school.completion_grades``). In the school's top grade it means leaving; a TH-THCS
school's grade 5 (or a THCS-THPT school's grade 9) completes a level inside the school, and
its completers go on to the school's next grade like promoted students. Promotion is
refused where the school has no next grade.

The rollover is one transaction and one ``Batch`` (kind "rollover"): next year's classes
come from an editable mapping, promoted students go to grade + 1, held-back students stay
in their grade, completers leave (or, in a combined school that teaches the next grade, go
on to it). Students with an unresolved pending outcome stop the rollover, unless the caller
says how to treat them (``pending_as``). Undo removes exactly what the batch wrote, as long
as nothing was recorded in the new year after it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from peewee import fn

from . import audit, clock, kinds, text
from .dates import fmt_date, parse_date
from .errors import SisoError
from .events import record_event, status_on, summer_end
from .models import Batch, Deadline, Event, SchoolClass, SchoolYear, Span, Student, Submission, Target
from .movements import _klass, _student, _year, describe
from . import school as school_rules

RESULTS = {  # CLI / TUI spelling -> event kind
    "promoted": kinds.PROMOTED, "pending": kinds.PENDING, "held-back": kinds.HELD_BACK,
    "held_back": kinds.HELD_BACK, "completed": kinds.COMPLETED,
}
COMPLETION_GRADES = school_rules.COMPLETION_GRADES  # 5, 9, 12
COMPLETED_LABELS = {5: "Hoàn thành chương trình tiểu học", 9: "Tốt nghiệp THCS",
                    12: "Tốt nghiệp THPT"}
# where a graduate of the school's top grade went (F4 ``noi_hoc_tiep``, F7); stored on the
# completion event; a completion with none counts as ``khong_ro``
DESTINATIONS = {"thpt": "THPT", "gdtx": "GDTX", "nghe": "Học nghề", "lam_viec": "Đi làm",
                "khong_ro": "Không rõ"}
STUDYING_ON = ("thpt", "gdtx", "nghe")  # PCGD THCS level 3: still in education or training


def check_destination(value) -> str | None:
    """``thpt``, ``gdtx``, ``nghe``, ``lam-viec`` (or ``lam_viec``), ``khong-ro``; None/"" → None."""
    if value in (None, ""):
        return None
    key = str(value).strip().lower().replace("-", "_")
    if key not in DESTINATIONS:
        raise SisoError(f"Nơi học tiếp «{value}» không hợp lệ: cần thpt, gdtx, nghe (học nghề), "
                        "lam-viec (đi làm) hoặc khong-ro (không rõ).", "noi_hoc_tiep")
    return key


def is_top_grade(grade: int, grades: set[int]) -> bool:
    """The school's last grade: a completion there means leaving the school."""
    return grade in COMPLETION_GRADES and grade + 1 not in grades


def outcome_label(kind: str, grade: int | None = None) -> str:
    if kind == kinds.COMPLETED and grade in COMPLETED_LABELS:
        return COMPLETED_LABELS[grade]
    return kinds.LABELS[kind]


def school_grades(year: SchoolYear | None = None) -> set[int]:
    """Grades the school teaches: its level setting, plus any grade it has a class of."""
    grades = set(school_rules.level_grades())
    if year is not None:
        grades |= {g for (g,) in SchoolClass.select(SchoolClass.grade)
                   .where(SchoolClass.year == year.id).tuples()}
    return grades


def completion_allowed(grade: int, grades: set[int]) -> bool:
    """A completion can be recorded in ``grade``: it ends a level and the school teaches it."""
    return grade in COMPLETION_GRADES and grade in grades


def default_outcome(grade: int, grades: set[int]) -> str:
    """Promoted, except in the school's top grade (a completion grade): completed."""
    if grade in COMPLETION_GRADES and grade + 1 not in grades:
        return kinds.COMPLETED
    return kinds.PROMOTED


def latest_outcomes(year: SchoolYear, student_ids=None) -> dict[int, Event]:
    """student id -> latest non-voided outcome event of the year (one query)."""
    q = (Event.select().where((Event.year == year.id) & Event.kind.in_(kinds.OUTCOMES)
                              & Event.voided_at.is_null()))
    if student_ids is not None:
        q = q.where(Event.student.in_(list(student_ids)))
    out: dict[int, Event] = {}
    for ev in q.order_by(Event.date, Event.id):
        out[ev.student_id] = ev
    return out


@dataclass
class OutcomeRow:
    student_id: int
    code: str
    name: str
    female: bool
    dob: date
    grade: int
    outcome: str  # event kind
    explicit: bool  # recorded (True) or the default (False)
    event_id: int | None
    date: date | None
    destination: str | None = None  # a graduate of the school's top grade: where they went
    top_grade: bool = False  # the class is of the school's top grade (destinations apply)

    @property
    def label(self) -> str:
        return outcome_label(self.outcome, self.grade)


def outcomes_for_class(klass, year=None) -> list[OutcomeRow]:
    """Students of the class at the end of the year, with their outcome (recorded or default)."""
    from .roster import roster_rows

    if isinstance(klass, SchoolClass):
        k = klass
    else:
        k = _klass(klass, _year(year))
    y = k.year
    rows = roster_rows(y, y.end, klass=k, include_left=False)
    found = latest_outcomes(y, [r.id for r in rows])
    grades = school_grades(y)
    out = []
    for r in rows:
        ev = found.get(r.id)
        out.append(OutcomeRow(r.id, r.code, r.full_name, r.female, r.dob, k.grade,
                              ev.kind if ev else default_outcome(k.grade, grades),
                              ev is not None, ev.id if ev else None, ev.date if ev else None,
                              ev.destination if ev else None, is_top_grade(k.grade, grades)))
    return out


RESOLUTIONS = (kinds.PROMOTED, kinds.HELD_BACK, kinds.COMPLETED)  # what a pending becomes


def set_outcome(student, year, result: str, day=None, klass=None, *, future: bool = False,
                destination=None) -> Event:
    """Record a student's year-end outcome (one transaction) — the clerk or the principal.

    ``result``: promoted | pending | held-back | completed. ``day`` defaults to the year's end
    (even when that is still ahead: the outcome is decided at the year end; such a date is
    never refused as "in the future"). A pending outcome is resolved later, in the summer,
    to promoted, held back or — in a grade that completes a level — completed; that date
    defaults to today (kept inside the summer) and may not be after today unless ``future``.
    Promotion is refused where the school has no next grade (its top grade: record a
    completion). Recording again on the same date replaces (voids) the earlier outcome of
    that date.

    ``destination`` (``DESTINATIONS``): where a graduate went, only with ``completed`` in the
    school's top grade. Given again for a completion already recorded on that date (also
    after the rollover, when the results of the next school's intake are known), it only
    changes the destination (``set_destination``).
    """
    from . import users

    users.require_admin("ghi kết quả cuối năm")
    st = _student(student)
    destination = check_destination(destination)
    y = _year(year)
    kind = RESULTS.get(str(result).strip().lower(), str(result))
    if kind not in kinds.OUTCOMES:
        raise SisoError(f"Kết quả «{result}» không hợp lệ: cần promoted (lên lớp), pending "
                        "(thi lại / rèn luyện hè), held-back (lưu ban) hoặc completed "
                        "(hoàn thành chương trình).", "ket_qua")
    if destination is not None and kind != kinds.COMPLETED:
        raise SisoError("Nơi học tiếp chỉ ghi cùng kết quả completed (tốt nghiệp, hoàn thành "
                        "chương trình) của khối cuối cùng của trường.", "noi_hoc_tiep")
    prev = latest_outcomes(y, [st.id]).get(st.id)
    if (destination is not None and prev is not None and prev.kind == kinds.COMPLETED
            and (day in (None, "") or parse_date(day, "ngày") == prev.date)):
        return set_destination(st, y, destination)
    resolving = prev is not None and prev.kind == kinds.PENDING and kind in RESOLUTIONS
    if day in (None, ""):
        day = min(max(clock.today(), y.end), summer_end(y)) if resolving else y.end
    day = parse_date(day, "ngày")
    if day < y.end:
        raise SisoError(f"Kết quả cuối năm ghi từ ngày kết thúc năm học ({fmt_date(y.end)}) trở đi, "
                        f"không ghi ngày {fmt_date(day)}.", "ngay")
    if day > y.end and not resolving:
        raise SisoError(f"Sau ngày kết thúc năm học ({fmt_date(y.end)}) chỉ ghi kết quả lên lớp, lưu "
                        "ban hoặc hoàn thành chương trình cho học sinh đang chờ thi lại / rèn luyện hè.",
                        "ngay")
    if day > summer_end(y):
        raise SisoError(f"Kết quả thi lại / rèn luyện hè của năm học {y.name} ghi muộn nhất ngày "
                        f"{fmt_date(summer_end(y))}, không ghi ngày {fmt_date(day)}.", "ngay")
    if day > y.end and day > clock.today() and not future:
        raise SisoError(f"Ngày {fmt_date(day)} chưa đến (hôm nay {fmt_date(clock.today())}): kết quả "
                        "thi lại / rèn luyện hè ghi khi đã có. Nếu đúng là ngày đó, xác nhận "
                        "(--future).", "ngay")
    status, cur = status_on(st.id, day, y)
    if status != "dang_hoc":
        raise SisoError(f"Học sinh {st.full_name} ({st.code}) không đang học vào ngày {fmt_date(day)} "
                        f"(trạng thái: {kinds.STATUS_LABELS[status]}), không ghi kết quả cuối năm.",
                        "hoc_sinh")
    k = _klass(klass, y) if klass not in (None, "") else None
    if k is not None and cur.id != k.id:
        raise SisoError(f"Học sinh {st.full_name} ({st.code}) học lớp {cur.name}, không phải lớp "
                        f"{k.name}.", "lop")
    grades = school_grades(y)
    if kind == kinds.COMPLETED and not completion_allowed(cur.grade, grades):
        ends = ", ".join(str(g) for g in sorted(g for g in grades if completion_allowed(g, grades)))
        raise SisoError(f"«Hoàn thành chương trình» chỉ ghi cho khối cuối cấp (khối {ends or '5, 9, 12'} "
                        f"của trường); học sinh {st.full_name} học lớp {cur.name} (khối {cur.grade}).",
                        "ket_qua")
    if kind == kinds.PROMOTED and cur.grade + 1 not in grades:
        done = (f"hoàn thành chương trình ({outcome_label(kinds.COMPLETED, cur.grade)}), "
                if completion_allowed(cur.grade, grades) else "")
        raise SisoError(f"Trường không có khối {cur.grade + 1}, học sinh {st.full_name} lớp {cur.name} "
                        f"không lên lớp trong trường được: ghi {done}lưu ban hoặc thi lại / "
                        "rèn luyện hè.", "ket_qua")
    if destination is not None and not is_top_grade(cur.grade, grades):
        raise SisoError(f"Nơi học tiếp chỉ ghi cho học sinh khối cuối cùng của trường; học sinh "
                        f"{st.full_name} học lớp {cur.name} (khối {cur.grade}) học tiếp trong trường.",
                        "noi_hoc_tiep")
    if prev is not None and prev.kind == kind and prev.date == day:
        return prev
    with audit.write("year.outcome", f"student:{st.code}", year=y.name, lop=cur.name,
                     before=prev.kind if prev else None, after=kind, date=day,
                     noi_hoc_tiep=destination) as info:
        if prev is not None and prev.date == day:
            Event.update(voided_at=datetime.now(), voided_by=audit.current_user(),
                         void_reason="Sửa kết quả cuối năm").where(Event.id == prev.id).execute()
        ev = record_event(st, y, kind, day, destination=destination)
        info["event"] = ev.id
    return ev


def set_destination(student, year, destination) -> Event:
    """Record (or change) where a graduate went: the destination of the student's completion
    of the school's top grade in ``year`` (one transaction, audited). Refused when the student
    has no such completion."""
    st = _student(student)
    y = _year(year)
    dest = check_destination(destination)
    if dest is None:
        raise SisoError("Cần nơi học tiếp: thpt, gdtx, nghe, lam-viec hoặc khong-ro.", "noi_hoc_tiep")
    ev = latest_outcomes(y, [st.id]).get(st.id)
    if ev is None or ev.kind != kinds.COMPLETED:
        raise SisoError(f"Học sinh {st.full_name} ({st.code}) chưa có kết quả tốt nghiệp / hoàn thành "
                        f"chương trình năm học {y.name}: ghi kết quả completed trước.", "noi_hoc_tiep")
    grade = ev.klass.grade if ev.klass_id else None
    if grade is None:
        from .events import status_on

        _, cur = status_on(st.id, ev.date, y)
        grade = cur.grade if cur is not None else None
    if grade is None or not is_top_grade(grade, school_grades(y)):
        raise SisoError(f"Nơi học tiếp chỉ ghi cho học sinh khối cuối cùng của trường; học sinh "
                        f"{st.full_name} học tiếp trong trường.", "noi_hoc_tiep")
    if ev.destination == dest:
        return ev
    with audit.write("year.destination", f"student:{st.code}", year=y.name, event=ev.id,
                     before=ev.destination, after=dest):
        Event.update(destination=dest).where(Event.id == ev.id).execute()
    ev.destination = dest
    return ev


# ---- rollover --------------------------------------------------------------------------------

_LEAD = re.compile(r"^(\d+)(.*)$")


def next_class_name(name: str, grade: int) -> str:
    """6A1 → 7A1, 6/2 → 7/2; a name without the grade in front gets the new grade in front."""
    m = _LEAD.match(name)
    if m and int(m.group(1)) == grade:
        return f"{grade + 1}{m.group(2)}"
    return f"{grade + 1}{name}"


def _next_year_name(name: str) -> str:
    a, b = name.split("-")
    return f"{int(a) + 1}-{int(b) + 1}"


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
    new_names = {**existing, **{n: int(_LEAD.match(n).group(1)) if _LEAD.match(n) else 0
                               for n in mapping.values()}}
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
    src = _year(source)
    target_name = text.clean(target_name or "") or _next_year_name(src.name)
    target = SchoolYear.get_or_none(SchoolYear.name == target_name.replace(" ", ""))
    first = int(target_name[:4]) if target_name[:4].isdigit() else src.start.year + 1
    if target is not None:
        t_start, t_end, t_ref, t_hk2 = target.start, target.end, target.ref_date, target.hk2_start
    else:
        t_start = parse_date(start, "ngày bắt đầu") if start else date(first, 9, 5)
        t_end = parse_date(end, "ngày kết thúc") if end else date(first + 1, 5, 31)
        t_ref = (parse_date(ref, "ngày chốt sĩ số") if ref
                 else _carried(src.ref_date, src, first, t_start, t_end) or t_start)
        t_hk2 = (parse_date(hk2, "ngày bắt đầu học kỳ II") if hk2
                 else _carried(src.hk2_start, src, first, t_start + timedelta(days=1), t_end))
    dm, dh = default_mappings(src, target)
    mapping = {**dm, **{text.clean(k).upper(): text.clean(v).upper().replace(" ", "")
                        for k, v in (mapping or {}).items()}}
    held = {**dh, **{text.clean(k).upper(): text.clean(v).upper().replace(" ", "")
                     for k, v in (held_mapping or {}).items()}}
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
        m = _LEAD.match(name)
        if m and int(m.group(1)) != grade:
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


def rollover(source, target_name: str | None = None, *, before_end: bool = False,
             **options) -> Batch:
    """Write the rollover planned by ``rollover_preview`` (same arguments): one transaction,
    one Batch. Raises SisoError listing the problems when the plan has any, and when the
    old year has not ended yet unless ``before_end`` confirms it.

    The enrolments it writes are dated the new year's first day, usually ahead of today:
    they go straight to the database (not through ``db.events.record_event`` or the
    movement register's checks), so no "date in the future" rule applies to them."""
    from . import users

    users.require_admin("chuyển năm học")
    plan = rollover_preview(source, target_name, **options)
    if not plan.ok:
        raise SisoError(" ".join(plan.problems), "chuyen_nam")
    if plan.before_end and not before_end:
        raise SisoError(f"Chưa chuyển năm: {plan.early_warning} Chỉ chuyển năm trước ngày kết thúc "
                        "khi đã xác nhận.", "chuyen_nam")
    from .school import add_class, add_year

    last_event = Event.select(fn.MAX(Event.id)).scalar() or 0
    with audit.write("year.rollover", f"year:{plan.target_name}", source=plan.source.name,
                     promoted=plan.promoted, held_back=plan.held_back,
                     completers=plan.completers) as info:
        created_year = plan.target is None
        target = plan.target or add_year(plan.target_name, plan.start, plan.end, ref=plan.ref,
                                         hk2=plan.hk2)
        batch = Batch.create(kind="rollover", year=target, created_by=audit.current_user(),
                             description="")
        by_name = {c.name: c for c in SchoolClass.select().where(SchoolClass.year == target.id)}
        created = []
        for nc in sorted(plan.classes.values(), key=lambda c: (c.grade, text.natural_key(c.name))):
            if nc.name not in by_name:
                c = add_class(nc.name, nc.grade, target)
                by_name[c.name] = c
                created.append(c.id)
        now = datetime.now()
        user = audit.current_user()
        rows = [dict(student=sid, year=target.id, kind=kinds.ENROLL, date=target.start,
                     klass=by_name[name].id, semester="HK1", batch=batch.id, recorded_by=user,
                     recorded_at=now) for sid, name in plan.placements]
        from .events import semester_of

        # the outcome given to a student with none is dated the year's end, or the day the
        # student entered the class when that was later (in the summer), so that the history
        # stays valid: an outcome names the class the student is in on its day
        src = plan.source
        entered = dict(Span.select(Span.student, Span.start)
                       .where((Span.year == src.id) & Span.end.is_null()).tuples())
        for sid, kid, kind in plan.defaulted:
            day = max(src.end, entered.get(sid, src.end))
            rows.append(dict(student=sid, year=src.id, kind=kind, date=day, klass=kid,
                             semester=semester_of(src, day), batch=batch.id, recorded_by=user,
                             recorded_at=now))
        for i in range(0, len(rows), 200):
            Event.insert_many(rows[i:i + 200]).execute()
        spans = [dict(student=e.student_id, year=target.id, klass=e.klass_id, start=e.date, end=None,
                      start_event=e.id, end_event=None)
                 for e in Event.select(Event.id, Event.student, Event.klass, Event.date)
                 .where((Event.batch == batch.id) & (Event.kind == kinds.ENROLL))]
        for i in range(0, len(spans), 200):
            Span.insert_many(spans[i:i + 200]).execute()
        from .users import carry_homerooms

        olds = dict(SchoolClass.select(SchoolClass.name, SchoolClass.id)
                    .where(SchoolClass.year == src.id).tuples())
        pairs = {olds[o]: by_name[n].id for o, n in plan.mapping.items() if o in olds and n in by_name}
        roles, left = carry_homerooms(src, pairs)
        batch.description = json.dumps({"source": plan.source.name, "created_year": created_year,
                                        "classes": created, "last_event_id": last_event,
                                        "homerooms": roles, "homerooms_left": left},
                                       ensure_ascii=False)
        batch.save()
        info.update(batch=batch.id, classes=len(created), students=len(plan.placements),
                    outcomes=len(plan.defaulted), homerooms=len(roles), homerooms_left=left)
    return batch


def homeroom_notes(batch: Batch) -> list[str]:
    """What a rollover did with the homeroom teachers (users): carried to the new classes,
    and those left without a class for the clerk to assign (``siso user homeroom``)."""
    meta = json.loads(batch.description or "{}")
    out = []
    if meta.get("homerooms"):
        out.append(f"Giáo viên chủ nhiệm được chuyển theo lớp sang năm mới: {len(meta['homerooms'])}.")
    if meta.get("homerooms_left"):
        out.append("Chưa có lớp chủ nhiệm năm mới (lớp cũ không chuyển tiếp), văn thư gán bằng "
                   "«siso user homeroom TÊN_ĐĂNG_NHẬP --class LỚP»: " + ", ".join(meta["homerooms_left"]) + ".")
    return out


def _rollover_batch(target) -> Batch:
    if isinstance(target, str):
        from .school import get_year

        target = get_year(target)
    y = _year(target)
    b = (Batch.select().where((Batch.kind == "rollover") & (Batch.year == y.id)
                              & Batch.undone_at.is_null()).order_by(Batch.id.desc()).first())
    if b is None:
        raise SisoError(f"Năm học {y.name} không có đợt chuyển năm nào để hoàn tác.", "nam_hoc")
    return b


def undo_rollover(target) -> Batch:
    """Remove everything the year's rollover wrote (one transaction), if nothing was recorded in
    the new year after it."""
    from . import users

    users.require_admin("hoàn tác chuyển năm học")
    batch = _rollover_batch(target)
    y = batch.year
    meta = json.loads(batch.description or "{}")
    last = meta.get("last_event_id", 0)
    after = (Event.year == y.id) & (Event.id > last) & ((Event.batch != batch.id) | Event.batch.is_null())
    later = (Event.select().where(after & Event.voided_at.is_null())
             .order_by(Event.date, Event.id))
    n = later.count()
    if n:
        first = later.first()
        raise SisoError(f"Không hoàn tác được chuyển năm: đã có {n} sự kiện ghi vào năm học {y.name} "
                        f"sau đó (ví dụ {describe(first)} của học sinh {first.student.code}). "
                        "Hủy các sự kiện đó trước.", "nam_hoc")
    voided = Event.select().where((Event.batch == batch.id) & Event.voided_at.is_null(False)).first()
    if voided is not None:
        raise SisoError(f"Không hoàn tác được chuyển năm: sự kiện {describe(voided)} của đợt này đã "
                        "bị hủy riêng sau đó.", "nam_hoc")
    nxt = SchoolYear.select().where(SchoolYear.start > y.start).order_by(SchoolYear.start).first()
    if nxt is not None and Batch.select().where((Batch.kind == "rollover") & (Batch.year == nxt.id)
                                                & Batch.undone_at.is_null()).exists():
        raise SisoError(f"Không hoàn tác được: năm học {nxt.name} đã được chuyển năm từ năm học "
                        f"{y.name}; hoàn tác đợt đó trước.", "nam_hoc")
    with audit.write("year.undo_rollover", f"year:{y.name}", batch=batch.id) as info:
        ev_ids = Event.select(Event.id).where(Event.batch == batch.id)
        Span.delete().where(Span.start_event.in_(ev_ids) | Span.end_event.in_(ev_ids)).execute()
        removed = Event.delete().where(Event.batch == batch.id).execute()
        # events recorded in the new year and voided since count nowhere; they go with the year
        Event.delete().where(after & Event.voided_at.is_null(False)).execute()
        from .models import UserRole

        if meta.get("homerooms"):  # the homeroom assignments the rollover carried
            UserRole.delete().where(UserRole.id.in_(meta["homerooms"])).execute()
        classes = meta.get("classes", [])
        if classes:
            SchoolClass.delete().where(SchoolClass.id.in_(classes)).execute()
        year_removed = False
        if meta.get("created_year"):
            still = (SchoolClass.select().where(SchoolClass.year == y.id).exists()
                     or Event.select().where(Event.year == y.id).exists()
                     or Target.select().where(Target.year == y.id).exists()
                     or Submission.select().where(Submission.year == y.id).exists())
            if not still:
                Batch.update(year=None).where(Batch.year == y.id).execute()
                Deadline.delete().where(Deadline.year == y.id).execute()  # the year's calendar
                SchoolYear.delete().where(SchoolYear.id == y.id).execute()
                year_removed = True
        Batch.update(undone_at=datetime.now(), undone_by=audit.current_user()).where(
            Batch.id == batch.id).execute()
        info.update(events=removed, classes=len(classes), year_removed=year_removed)
    return Batch.get_by_id(batch.id)


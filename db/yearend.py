"""Year end: each student's outcome, and where a graduate of the school's top grade went.

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

The rollover into the next school year reads these outcomes: ``db.rollover_plan`` works it
out, ``db.rollover`` writes and undoes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from . import audit, clock, fields, kinds
from .dates import fmt_date, parse_date
from .errors import SisoError
from .events import record_event, status_on, summer_end
from .models import Event, SchoolClass, SchoolYear
from .movements import class_arg, student_arg, year_arg
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
                        "lam-viec (đi làm) hoặc khong-ro (không rõ).", fields.NOI_HOC_TIEP)
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
        k = class_arg(klass, year_arg(year))
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
    st = student_arg(student)
    destination = check_destination(destination)
    y = year_arg(year)
    kind = RESULTS.get(str(result).strip().lower(), str(result))
    if kind not in kinds.OUTCOMES:
        raise SisoError(f"Kết quả «{result}» không hợp lệ: cần promoted (lên lớp), pending "
                        "(thi lại / rèn luyện hè), held-back (lưu ban) hoặc completed "
                        "(hoàn thành chương trình).", fields.KET_QUA)
    if destination is not None and kind != kinds.COMPLETED:
        raise SisoError("Nơi học tiếp chỉ ghi cùng kết quả completed (tốt nghiệp, hoàn thành "
                        "chương trình) của khối cuối cùng của trường.", fields.NOI_HOC_TIEP)
    prev = latest_outcomes(y, [st.id]).get(st.id)
    if (destination is not None and prev is not None and prev.kind == kinds.COMPLETED
            and (day in (None, "") or parse_date(day, "ngày", fields.NGAY) == prev.date)):
        return set_destination(st, y, destination)
    resolving = prev is not None and prev.kind == kinds.PENDING and kind in RESOLUTIONS
    if day in (None, ""):
        day = min(max(clock.today(), y.end), summer_end(y)) if resolving else y.end
    day = parse_date(day, "ngày", fields.NGAY)
    if day < y.end:
        raise SisoError(f"Kết quả cuối năm ghi từ ngày kết thúc năm học ({fmt_date(y.end)}) trở đi, "
                        f"không ghi ngày {fmt_date(day)}.", fields.NGAY)
    if day > y.end and not resolving:
        raise SisoError(f"Sau ngày kết thúc năm học ({fmt_date(y.end)}) chỉ ghi kết quả lên lớp, lưu "
                        "ban hoặc hoàn thành chương trình cho học sinh đang chờ thi lại / rèn luyện hè.",
                        fields.NGAY)
    if day > summer_end(y):
        raise SisoError(f"Kết quả thi lại / rèn luyện hè của năm học {y.name} ghi muộn nhất ngày "
                        f"{fmt_date(summer_end(y))}, không ghi ngày {fmt_date(day)}.", fields.NGAY)
    if day > y.end and day > clock.today() and not future:
        raise SisoError(f"Ngày {fmt_date(day)} chưa đến (hôm nay {fmt_date(clock.today())}): kết quả "
                        "thi lại / rèn luyện hè ghi khi đã có. Nếu đúng là ngày đó, xác nhận "
                        "(--future).", fields.NGAY)
    status, cur = status_on(st.id, day, y)
    if status != "dang_hoc":
        raise SisoError(f"Học sinh {st.full_name} ({st.code}) không đang học vào ngày {fmt_date(day)} "
                        f"(trạng thái: {kinds.STATUS_LABELS[status]}), không ghi kết quả cuối năm.",
                        fields.HOC_SINH)
    k = class_arg(klass, y) if klass not in (None, "") else None
    if k is not None and cur.id != k.id:
        raise SisoError(f"Học sinh {st.full_name} ({st.code}) học lớp {cur.name}, không phải lớp "
                        f"{k.name}.", fields.LOP)
    grades = school_grades(y)
    if kind == kinds.COMPLETED and not completion_allowed(cur.grade, grades):
        ends = ", ".join(str(g) for g in sorted(g for g in grades if completion_allowed(g, grades)))
        raise SisoError(f"«Hoàn thành chương trình» chỉ ghi cho khối cuối cấp (khối {ends or '5, 9, 12'} "
                        f"của trường); học sinh {st.full_name} học lớp {cur.name} (khối {cur.grade}).",
                        fields.KET_QUA)
    if kind == kinds.PROMOTED and cur.grade + 1 not in grades:
        done = (f"hoàn thành chương trình ({outcome_label(kinds.COMPLETED, cur.grade)}), "
                if completion_allowed(cur.grade, grades) else "")
        raise SisoError(f"Trường không có khối {cur.grade + 1}, học sinh {st.full_name} lớp {cur.name} "
                        f"không lên lớp trong trường được: ghi {done}lưu ban hoặc thi lại / "
                        "rèn luyện hè.", fields.KET_QUA)
    if destination is not None and not is_top_grade(cur.grade, grades):
        raise SisoError(f"Nơi học tiếp chỉ ghi cho học sinh khối cuối cùng của trường; học sinh "
                        f"{st.full_name} học lớp {cur.name} (khối {cur.grade}) học tiếp trong trường.",
                        fields.NOI_HOC_TIEP)
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
    st = student_arg(student)
    y = year_arg(year)
    dest = check_destination(destination)
    if dest is None:
        raise SisoError("Cần nơi học tiếp: thpt, gdtx, nghe, lam-viec hoặc khong-ro.", fields.NOI_HOC_TIEP)
    ev = latest_outcomes(y, [st.id]).get(st.id)
    if ev is None or ev.kind != kinds.COMPLETED:
        raise SisoError(f"Học sinh {st.full_name} ({st.code}) chưa có kết quả tốt nghiệp / hoàn thành "
                        f"chương trình năm học {y.name}: ghi kết quả completed trước.", fields.NOI_HOC_TIEP)
    grade = ev.klass.grade if ev.klass_id else None
    if grade is None:
        from .events import status_on

        _, cur = status_on(st.id, ev.date, y)
        grade = cur.grade if cur is not None else None
    if grade is None or not is_top_grade(grade, school_grades(y)):
        raise SisoError(f"Nơi học tiếp chỉ ghi cho học sinh khối cuối cùng của trường; học sinh "
                        f"{st.full_name} học tiếp trong trường.", fields.NOI_HOC_TIEP)
    if ev.destination == dest:
        return ev
    with audit.write("year.destination", f"student:{st.code}", year=y.name, event=ev.id,
                     before=ev.destination, after=dest):
        Event.update(destination=dest).where(Event.id == ev.id).execute()
    ev.destination = dest
    return ev

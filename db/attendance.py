"""Absences and "attendance taken": recording them, the day's sheet of a class, the list
(``docs/domain.md``, "Keeping every student in school").

An absence is one record per student, school day and session (the whole day, or ``sang`` /
``chieu``); the other session of the same day is not an overlap, a whole day overlaps both.
The school days are in :mod:`db.attendance_days`, the flag in :mod:`db.attendance_flag`, the
rates in :mod:`db.attendance_rates`, F10 in :mod:`db.chuyen_can`.
"""

from __future__ import annotations

from datetime import date, timedelta

from peewee import chunked

from . import audit, clock, fields, scope as scopes, text
from .attendance_days import active, not_school_day, school_days, year_of_day
from .dates import as_date, fmt_date, parse_date
from .errors import SisoError, parse_id
from .models import Absence, AttendanceTaken, SchoolClass, SchoolYear, Span, Student
from .students import get_student

SESSIONS = {"sang": "sáng", "chieu": "chiều"}

# who takes attendance besides the class's homeroom teacher (docs/domain.md: "attendance — the
# class's homeroom teacher, the clerk")
ATTENDANCE_WHOLE = ("clerk",)

# ---- absences ------------------------------------------------------------------------------

def check_session(value) -> str | None:
    """None (the whole day), ``sang`` or ``chieu`` (accents and case ignored)."""
    if value in (None, ""):
        return None
    folded = text.fold(str(value)).strip()
    if folded in ("ca ngay", "cangay", "ngay"):
        return None
    if folded not in SESSIONS:
        raise SisoError(f"Buổi «{value}» không hợp lệ: cần sang (buổi sáng) hoặc chieu (buổi chiều); "
                        "bỏ trống là nghỉ cả ngày.", fields.BUOI)
    return folded


def enrolled_class(student_id: int, year: SchoolYear, day: date) -> int | None:
    """The class ``student_id`` is enrolled in on ``day`` (None when not enrolled)."""
    from .report_common import open_on

    row = (Span.select(Span.klass).where((Span.student == student_id) & (Span.year == year.id)
                                         & open_on(day))
           .order_by(Span.start.desc(), Span.id.desc()).tuples().first())
    return row[0] if row else None


def _enrolled_classes(student_id: int, year: SchoolYear, days) -> dict[date, int | None]:
    """``enrolled_class`` on each of ``days``, from one query of the student's spans of the year."""
    spans = [(as_date(s), as_date(e), k) for k, s, e in
             Span.select(Span.klass, Span.start, Span.end)
             .where((Span.student == student_id) & (Span.year == year.id))
             .order_by(Span.start.desc(), Span.id.desc()).tuples()]
    return {d: next((k for s, e, k in spans if s <= d and (e is None or e > d)), None) for d in days}


def _overlaps(student_id: int, day: date, session: str | None) -> list[Absence]:
    q = Absence.select().where((Absence.student == student_id) & (Absence.date == day) & active())
    if session is not None:
        q = q.where(Absence.session.is_null() | (Absence.session == session))
    return list(q)


def _overlaps_on(student_id: int, days: list[date], session: str | None) -> list[tuple[date, Absence]]:
    """``_overlaps`` of each of ``days``, by day then id, in one query per 500 days."""
    by_day: dict[date, list[Absence]] = {}
    for chunk in chunked(days, 500):
        q = Absence.select().where((Absence.student == student_id) & Absence.date.in_(chunk) & active())
        if session is not None:
            q = q.where(Absence.session.is_null() | (Absence.session == session))
        for a in q.order_by(Absence.id):
            by_day.setdefault(as_date(a.date), []).append(a)
    return [(d, a) for d in days for a in by_day.get(d, [])]


def _kind_text(excused: bool, session: str | None) -> str:
    return ("có phép" if excused else "không phép") + (f", buổi {SESSIONS[session]}" if session else "")


def add_absences(student, start, end=None, excused: bool = False, session=None,
                 note: str = "") -> tuple[list[int], list[tuple[date, str]]]:
    """Record the student's absence on ``start`` (or on each school day ``start`` … ``end``),
    in one transaction. Returns (the new ids, the days of the range skipped with why).

    Refused, nothing written: a single day that is not a school day, a range without one,
    a day the student is not enrolled, a day (and session) already recorded, a future day."""
    from . import users

    st = get_student(student)
    users.require_student(st, "ghi vắng", whole=ATTENDANCE_WHOLE, vice=False)
    start = parse_date(start, "ngày nghỉ", fields.NGAY)
    end = parse_date(end, "ngày nghỉ cuối", fields.DEN) if end not in (None, "") else None
    session = check_session(session)
    note = text.clean(note or "")
    if end is not None and end < start:
        raise SisoError(f"Ngày cuối {fmt_date(end)} trước ngày đầu {fmt_date(start)}.", fields.DEN)
    last = end or start
    clock.refuse_future(last, "lượt vắng")
    year = year_of_day(start)
    if last > year.end:
        raise SisoError(f"Khoảng ngày {fmt_date(start)} – {fmt_date(last)} vượt quá năm học "
                        f"{year.name} (kết thúc {fmt_date(year.end)}).", fields.DEN)
    if end is None:
        why = not_school_day(year, start)
        if why:
            raise SisoError(f"Không ghi vắng: {why}.", fields.NGAY)
        days, skipped = [start], []
    else:
        days = school_days(year, start, last)
        skipped = []
        d = start
        while d <= last:
            if d not in days:
                skipped.append((d, not_school_day(year, d)))
            d += timedelta(days=1)
        if not days:
            raise SisoError(f"Không ghi vắng: từ {fmt_date(start)} đến {fmt_date(last)} không có ngày "
                            "học nào.", fields.NGAY)
    classes = _enrolled_classes(st.id, year, days)
    missing = [d for d, k in classes.items() if k is None]
    if missing:
        shown = ", ".join(fmt_date(d) for d in missing[:8])
        raise SisoError(f"Không ghi vắng: học sinh {st.code} {st.full_name} không đang học ở trường "
                        f"ngày {shown}.", fields.NGAY)
    clash = _overlaps_on(st.id, days, session)
    if clash:
        shown = ", ".join(f"{fmt_date(d)} ({_kind_text(a.excused, a.session)}, số {a.id})"
                          for d, a in clash[:8])
        raise SisoError(f"Không ghi vắng: học sinh {st.code} {st.full_name} đã có lượt vắng "
                        f"ngày {shown}.", fields.NGAY)
    with audit.write("absence.add", f"student:{st.code}", start=start, end=last,
                     excused=excused, session=session, note=note) as info:
        ids = [Absence.create(student=st.id, year=year.id, klass=classes[d], date=d,
                              session=session, excused=bool(excused), note=note,
                              recorded_by=audit.current_user()).id for d in days]
        _mark_taken((classes[d], d) for d in days)
        info["ids"] = ids
    return ids, skipped


def _get_absence(absence_id) -> Absence:
    number = parse_id(absence_id, "lượt vắng", fields.SO)
    found = Absence.get_or_none(Absence.id == number)
    if found is None:
        raise SisoError(f"Không có lượt vắng số {number}.", fields.SO)
    return found


def void_absence(absence_id, reason: str) -> Absence:
    """Void an absence with a reason (audited); it stays in the database, counted nowhere."""
    from . import users

    a = _get_absence(absence_id)
    users.require_class([a.klass_id], "hủy lượt vắng", whole=ATTENDANCE_WHOLE, vice=False)
    reason = text.clean(reason or "")
    if not reason:
        raise SisoError("Thiếu lý do hủy lượt vắng.", fields.LY_DO)
    if a.voided_at is not None:
        raise SisoError(f"Lượt vắng số {a.id} đã bị hủy ngày {fmt_date(a.voided_at.date())}.", fields.SO)
    with audit.write("absence.void", f"absence:{a.id}", reason=reason, date=a.date,
                     student=a.student_id):
        a.voided_at = clock.now()
        a.voided_by = audit.current_user()
        a.void_reason = reason
        a.save()
    return a


def edit_absence(absence_id, excused: bool | None = None, session="keep") -> Absence:
    """Change whether an absence is excused, or its session (``None`` = whole day); audited
    with before → after. A session that would overlap another record is refused."""
    from . import users

    a = _get_absence(absence_id)
    users.require_class([a.klass_id], "sửa lượt vắng", whole=ATTENDANCE_WHOLE, vice=False)
    if a.voided_at is not None:
        raise SisoError(f"Lượt vắng số {a.id} đã bị hủy: không sửa được.", fields.SO)
    new_excused = a.excused if excused is None else bool(excused)
    new_session = a.session if session == "keep" else check_session(session)
    if (new_excused, new_session) == (a.excused, a.session):
        return a
    if new_session != a.session:
        clash = [o for o in _overlaps(a.student_id, a.date, new_session) if o.id != a.id]
        if clash:
            raise SisoError(f"Không sửa được lượt vắng số {a.id}: ngày {fmt_date(a.date)} đã có "
                            f"lượt vắng số {clash[0].id} ({_kind_text(clash[0].excused, clash[0].session)}).",
                            fields.BUOI)
    with audit.write("absence.edit", f"absence:{a.id}",
                     before={"excused": a.excused, "session": a.session},
                     after={"excused": new_excused, "session": new_session}):
        a.excused, a.session = new_excused, new_session
        a.save()
    return a


def _mark_taken(pairs) -> None:
    """Inside a write: each (class, day) of ``pairs`` had its attendance taken (kept once).
    One query for those already kept, one insert for the rest (per 500 days)."""
    wanted = list(dict.fromkeys(pairs))
    if not wanted:
        return
    klasses = sorted({k for k, _d in wanted})
    have: set[tuple[int, date]] = set()
    for chunk in chunked(sorted({d for _k, d in wanted}), 500):
        have.update((k, as_date(d)) for k, d in AttendanceTaken.select(AttendanceTaken.klass, AttendanceTaken.date)
                    .where(AttendanceTaken.klass.in_(klasses) & AttendanceTaken.date.in_(chunk)).tuples())
    user = audit.current_user()
    rows = [{"klass": k, "date": d, "taken_by": user} for k, d in wanted if (k, d) not in have]
    for chunk in chunked(rows, 200):
        AttendanceTaken.insert_many(chunk).execute()


def mark_taken(klass: SchoolClass, start, end=None) -> list[date]:
    """Record that the class's attendance was taken on ``start`` (or on each school day of
    ``start`` … ``end``). A single day that is not a school day is refused. Returns the days."""
    from . import users

    users.require_class([klass], "ghi điểm danh", whole=ATTENDANCE_WHOLE, vice=False)
    start = parse_date(start, "ngày", fields.NGAY)
    end = parse_date(end, "ngày cuối", fields.DEN) if end not in (None, "") else None
    year = SchoolYear.get_by_id(klass.year_id)
    last = end or start
    if last < start:
        raise SisoError(f"Ngày cuối {fmt_date(last)} trước ngày đầu {fmt_date(start)}.", fields.DEN)
    clock.refuse_future(last, "việc điểm danh")
    if end is None:
        why = not_school_day(year, start)
        if why:
            raise SisoError(f"Không ghi điểm danh: {why}.", fields.NGAY)
        days = [start]
    else:
        days = school_days(year, start, last)
        if not days:
            raise SisoError(f"Từ {fmt_date(start)} đến {fmt_date(last)} không có ngày học nào.", fields.NGAY)
    with audit.write("attendance.taken", f"class:{klass.id}", days=days):
        _mark_taken((klass.id, d) for d in days)
    return days


def is_taken(klass_id: int, day: date) -> bool:
    return AttendanceTaken.select().where((AttendanceTaken.klass == klass_id)
                                          & (AttendanceTaken.date == day)).exists()


def day_marks(klass_id: int, day: date,
              student_id: int | None = None) -> dict[int, list[tuple[int, bool, str | None]]]:
    """The active absences of one class on one day (of one of its students, when given):
    student id -> [(id, excused, session)]."""
    out: dict[int, list] = {}
    q = Absence.select(Absence.id, Absence.student, Absence.excused, Absence.session)
    if student_id is None:
        q = q.where((Absence.klass == klass_id) & (Absence.date == day) & active())
    else:
        q = q.where((Absence.student == student_id) & (Absence.date == day)
                    & (Absence.klass == klass_id) & active())
    for aid, sid, excused, session in q.order_by(Absence.session, Absence.id).tuples():
        out.setdefault(sid, []).append((aid, bool(excused), session))
    return out


CLEAR_REASON = "Xóa khi điểm danh lại"


def set_mark(student_id: int, day: date, action: str) -> None:
    """One key of the attendance screen, one transaction: ``P`` / ``K`` (a whole-day absence,
    or the day's records made excused / unexcused), ``half`` (the session cycles whole day
    → sáng → chiều → whole day; a new record is an unexcused morning), ``clear`` (voided)."""
    from . import users

    users.require_student(student_id, "điểm danh", whole=ATTENDANCE_WHOLE, vice=False)
    records = _overlaps(student_id, day, None)
    if action in ("P", "K"):
        excused = action == "P"
        if not records:
            add_absences(student_id, day, excused=excused)
            return
        with audit.write("attendance.mark", f"student:{student_id}", day=day, mark=action):
            for a in records:
                edit_absence(a.id, excused=excused)
        return
    if action == "half":
        if not records:
            add_absences(student_id, day, excused=False, session="sang")
            return
        if len(records) > 1:
            raise SisoError("Học sinh vắng cả hai buổi: xóa rồi ghi lại nếu cần đổi.", fields.BUOI)
        nxt = {None: "sang", "sang": "chieu", "chieu": None}[records[0].session]
        edit_absence(records[0].id, session=nxt)
        return
    if action == "clear":
        if not records:
            return
        with audit.write("attendance.clear", f"student:{student_id}", day=day):
            for a in records:
                void_absence(a.id, CLEAR_REASON)
        return
    raise ValueError(action)


def list_absences(year: SchoolYear, klass: SchoolClass | None = None, first=None, last=None,
                  include_voided: bool = True) -> list[dict]:
    """Absences of ``year`` (one class, a period) with the keys of docs/forms.md "absence list",
    by date, class, then Vietnamese name."""
    q = (Absence.select(Absence.id, Student.code, Student.family, Student.middle, Student.given,
                        SchoolClass.name, Absence.date, Absence.excused, Absence.session,
                        Absence.note, Absence.voided_at)
         .join(Student, on=(Student.id == Absence.student)).switch(Absence)
         .join(SchoolClass, on=(SchoolClass.id == Absence.klass))
         .where(Absence.year == year.id))
    q = scopes.where(q, scopes.student_condition(year, Absence.student))  # the reader's students
    if klass is not None:
        scopes.check_class(klass)
        q = q.where(Absence.klass == klass.id)
    if first is not None:
        q = q.where(Absence.date >= first)
    if last is not None:
        q = q.where(Absence.date <= last)
    if not include_voided:
        q = q.where(active())
    rows = []
    for aid, code, f, m, g, kname, d, excused, session, note, voided in q.tuples():
        d = as_date(d)
        rows.append({"id": aid, "ma": code, "ho_ten": text.join_name(f, m, g), "lop": kname,
                     "ngay": d, "loai": "P" if excused else "K", "buoi": session,
                     "ghi_chu": note or "", "da_huy": voided is not None})
    rows.sort(key=lambda r: (r["ngay"], text.natural_key(r["lop"]), r["id"]))
    return rows


__all__ = ["add_absences", "void_absence", "edit_absence", "mark_taken", "is_taken", "day_marks",
           "set_mark", "list_absences"]

"""School days, absences, "attendance taken", the flag «nghỉ học quá 3 ngày» and chronic
absence (``docs/domain.md``, "Keeping every student in school").

School days of a year: its teaching weekdays (``SchoolYear.ngay_hoc``: ``2-6`` Monday to
Friday, ``2-7`` Monday to Saturday) from its first to its last day, minus its holidays.
An absence is one record per student, school day and session (the whole day, or ``sang`` /
``chieu``); the other session of the same day is not an overlap, a whole day overlaps both.

The flag and the rates are computed with a few grouped queries whatever the number of
students (no query per student): :func:`flagged_students`, :func:`attention`,
:func:`absence_rates`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from functools import lru_cache

from peewee import Case, chunked, fn

from . import audit, clock, scope as scopes, text
from .dates import as_date, fmt_date, parse_date
from .errors import SisoError, parse_id
from .models import (Absence, AttendanceTaken, Holiday, SchoolClass, SchoolYear, Span, Student,
                     database)

SCHOOL_DAYS = {"2-6": 5, "2-7": 6}  # ngay_hoc -> number of teaching weekdays from Monday
SCHOOL_DAYS_LABEL = {"2-6": "thứ Hai đến thứ Sáu", "2-7": "thứ Hai đến thứ Bảy"}
SESSIONS = {"sang": "sáng", "chieu": "chiều"}
WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
SETTING_RUN = "nghi_lien_tiep_toi_da"  # N: a run of whole-day absences longer than N
SETTING_UNEXCUSED = "khong_phep_30_ngay_toi_da"  # M: unexcused days in 30 days above M
CHRONIC, APPROACHING = 10.0, 5.0  # ty_le_vang thresholds (%)
MIN_RATE_DAYS = 10  # no rate below this many enrolled school days


# ---- school days ---------------------------------------------------------------------------

def check_school_days(value) -> str:
    """``2-6`` or ``2-7`` (also written ``2–6``, ``T2-T6``); a Vietnamese error otherwise."""
    raw = text.clean(str(value or ""))
    norm = raw.upper().replace("T", "").replace("–", "-").replace(" ", "")
    if norm not in SCHOOL_DAYS:
        raise SisoError(f"Ngày học trong tuần «{raw}» không hợp lệ: cần 2-6 (thứ Hai đến thứ Sáu) "
                        "hoặc 2-7 (thứ Hai đến thứ Bảy).", "ngay_hoc")
    return norm

# who takes attendance besides the class's homeroom teacher (docs/domain.md: "attendance — the
# class's homeroom teacher, the clerk")
ATTENDANCE_WHOLE = ("clerk",)


def weekday_name(day: date) -> str:
    return WEEKDAY_NAMES[day.weekday()]


def _holidays(year: SchoolYear) -> dict[date, str]:
    out: dict[date, str] = {}
    for start, end, name in (Holiday.select(Holiday.start, Holiday.end, Holiday.name)
                             .where(Holiday.year == year.id).order_by(Holiday.start).tuples()):
        d = start
        while d <= end:
            out.setdefault(d, name)
            d += timedelta(days=1)
    return out


def school_days(year: SchoolYear, first: date | None = None, last: date | None = None,
                weekdays: str | None = None) -> list[date]:
    """The school days of ``year`` from ``first`` to ``last`` (the year's bounds by default),
    in order. ``weekdays``: another ``ngay_hoc`` than the year's (to test a change)."""
    first = max(first or year.start, year.start)
    last = min(last or year.end, year.end)
    teach = SCHOOL_DAYS.get(weekdays or year.ngay_hoc or "2-6", 5)
    off = _holidays(year)
    out = []
    d = first
    while d <= last:
        if d.weekday() < teach and d not in off:
            out.append(d)
        d += timedelta(days=1)
    return out


def not_school_day(year: SchoolYear, day: date) -> str | None:
    """Why ``day`` is not a school day of ``year`` (None when it is one), e.g.
    «Chủ nhật 06/10/2024», «01/01/2025 là ngày nghỉ Tết Dương lịch»."""
    if not year.start <= day <= year.end:
        return (f"ngày {fmt_date(day)} ngoài năm học {year.name} "
                f"({fmt_date(year.start)} – {fmt_date(year.end)})")
    if day.weekday() >= SCHOOL_DAYS.get(year.ngay_hoc or "2-6", 5):
        return f"{weekday_name(day)} {fmt_date(day)} không phải ngày học"
    name = _holidays(year).get(day)
    if name is not None:
        return f"{fmt_date(day)} là ngày nghỉ «{name}»"
    return None


def last_school_day(year: SchoolYear, day: date) -> date | None:
    """The last school day of ``year`` on or before ``day`` (None before the first)."""
    days = school_days(year, last=day)
    return days[-1] if days else None


def year_of_day(day: date) -> SchoolYear:
    """The school year whose first … last day holds ``day`` (absences are on school days)."""
    year = (SchoolYear.select().where((SchoolYear.start <= day) & (SchoolYear.end >= day))
            .first())
    if year is None:
        raise SisoError(f"Ngày {fmt_date(day)} không thuộc năm học nào (ngoài các ngày từ khai "
                        "giảng đến kết thúc năm học).", "ngay")
    return year


def _period(start: date, end: date) -> str:
    return fmt_date(start) if start == end else f"{fmt_date(start)} – {fmt_date(end)}"


def _active():
    return Absence.voided_at.is_null()


def _absence_days_text(rows, limit: int = 8) -> str:
    """«07/10/2024 (HS001 Nguyễn Văn An), …» for rows (date, code, name parts)."""
    items = [f"{fmt_date(d)} ({code} {text.join_name(f, m, g)})" for d, code, f, m, g in rows]
    more = f" và {len(items) - limit} ngày khác" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def _absences_on(year: SchoolYear, days) -> list[tuple]:
    days = list(days)
    if not days:
        return []
    return list(Absence.select(Absence.date, Student.code, Student.family, Student.middle,
                               Student.given)
                .join(Student).where((Absence.year == year.id) & _active()
                                     & Absence.date.in_(days))
                .order_by(Absence.date, Student.sort_key).tuples())


def set_school_days(year: SchoolYear, value) -> SchoolYear:
    """Change the teaching weekdays of ``year``; refused (listing them) when a day that would
    stop being a school day holds an absence."""
    from . import users

    users.require_admin("đổi ngày học trong tuần")
    value = check_school_days(value)
    before = year.ngay_hoc or "2-6"
    if value == before:
        return year
    kept = set(school_days(year, weekdays=value))
    dropped = [d for d in school_days(year) if d not in kept]
    found = _absences_on(year, dropped)
    if found:
        raise SisoError(f"Không đổi ngày học của năm học {year.name} thành {value} "
                        f"({SCHOOL_DAYS_LABEL[value]}): đã có học sinh vắng vào những ngày sẽ "
                        f"không còn là ngày học: {_absence_days_text(found)}. Hủy các lượt vắng đó "
                        "trước.", "ngay_hoc")
    with audit.write("year.school_days", f"year:{year.name}", before=before, after=value):
        SchoolYear.update(ngay_hoc=value).where(SchoolYear.id == year.id).execute()
        year.ngay_hoc = value
    return year


def add_holiday(start, name: str, end=None, year: SchoolYear | None = None) -> Holiday:
    """A holiday (one day, or ``start`` … ``end``) of ``year`` (the year holding ``start`` by
    default). Refused when a day of it already holds an absence (listed)."""
    from . import users

    users.require_admin("thêm ngày nghỉ")
    start = parse_date(start, "ngày nghỉ")
    end = parse_date(end, "ngày nghỉ cuối") if end not in (None, "") else start
    name = text.clean(name or "")
    if not name:
        raise SisoError("Thiếu tên ngày nghỉ (ví dụ «Tết Nguyên đán»).", "ten")
    if len(name) > 200:
        raise SisoError("Tên ngày nghỉ dài quá 200 ký tự.", "ten")
    if end < start:
        raise SisoError(f"Ngày nghỉ cuối {fmt_date(end)} trước ngày đầu {fmt_date(start)}.", "den")
    if year is None:
        year = year_of_day(start)
    if not (year.start <= start and end <= year.end):
        raise SisoError(f"Ngày nghỉ {fmt_date(start)} – {fmt_date(end)} phải nằm trong năm học "
                        f"{year.name} ({fmt_date(year.start)} – {fmt_date(year.end)}).", "ngay")
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    found = _absences_on(year, days)
    if found:
        raise SisoError(f"Không ghi ngày nghỉ «{name}» ({_period(start, end)}): đã có "
                        f"học sinh vắng vào những ngày đó: {_absence_days_text(found)}. Hủy các "
                        "lượt vắng đó trước.", "ngay")
    with audit.write("holiday.add", f"year:{year.name}", name=name, start=start, end=end) as info:
        h = Holiday.create(year=year.id, start=start, end=end, name=name)
        info["id"] = h.id
    return h


def list_holidays(year: SchoolYear) -> list[Holiday]:
    return list(Holiday.select().where(Holiday.year == year.id).order_by(Holiday.start, Holiday.id))


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
                        "bỏ trống là nghỉ cả ngày.", "buoi")
    return folded


def _student(student) -> Student:
    if isinstance(student, Student):
        return student
    if isinstance(student, int):
        found = Student.get_or_none(Student.id == student)
    else:
        code = text.clean(str(student or ""))
        if not code:
            raise SisoError("Thiếu mã học sinh.", "ma")
        found = Student.get_or_none(fn.LOWER(Student.code) == code.lower())
    if found is None:
        raise SisoError(f"Không có học sinh mã «{student}».", "ma")
    return found


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
    q = Absence.select().where((Absence.student == student_id) & (Absence.date == day) & _active())
    if session is not None:
        q = q.where(Absence.session.is_null() | (Absence.session == session))
    return list(q)


def _overlaps_on(student_id: int, days: list[date], session: str | None) -> list[tuple[date, Absence]]:
    """``_overlaps`` of each of ``days``, by day then id, in one query per 500 days."""
    by_day: dict[date, list[Absence]] = {}
    for chunk in chunked(days, 500):
        q = Absence.select().where((Absence.student == student_id) & Absence.date.in_(chunk) & _active())
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

    st = _student(student)
    users.require_student(st, "ghi vắng", whole=ATTENDANCE_WHOLE, vice=False)
    start = parse_date(start, "ngày nghỉ")
    end = parse_date(end, "ngày nghỉ cuối") if end not in (None, "") else None
    session = check_session(session)
    note = text.clean(note or "")
    if end is not None and end < start:
        raise SisoError(f"Ngày cuối {fmt_date(end)} trước ngày đầu {fmt_date(start)}.", "den")
    last = end or start
    clock.refuse_future(last, "lượt vắng")
    year = year_of_day(start)
    if last > year.end:
        raise SisoError(f"Khoảng ngày {fmt_date(start)} – {fmt_date(last)} vượt quá năm học "
                        f"{year.name} (kết thúc {fmt_date(year.end)}).", "den")
    if end is None:
        why = not_school_day(year, start)
        if why:
            raise SisoError(f"Không ghi vắng: {why}.", "ngay")
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
                            "học nào.", "ngay")
    classes = _enrolled_classes(st.id, year, days)
    missing = [d for d, k in classes.items() if k is None]
    if missing:
        shown = ", ".join(fmt_date(d) for d in missing[:8])
        raise SisoError(f"Không ghi vắng: học sinh {st.code} {st.full_name} không đang học ở trường "
                        f"ngày {shown}.", "ngay")
    clash = _overlaps_on(st.id, days, session)
    if clash:
        shown = ", ".join(f"{fmt_date(d)} ({_kind_text(a.excused, a.session)}, số {a.id})"
                          for d, a in clash[:8])
        raise SisoError(f"Không ghi vắng: học sinh {st.code} {st.full_name} đã có lượt vắng "
                        f"ngày {shown}.", "ngay")
    with audit.write("absence.add", f"student:{st.code}", start=start, end=last,
                     excused=excused, session=session, note=note) as info:
        ids = [Absence.create(student=st.id, year=year.id, klass=classes[d], date=d,
                              session=session, excused=bool(excused), note=note,
                              recorded_by=audit.current_user()).id for d in days]
        _mark_taken((classes[d], d) for d in days)
        info["ids"] = ids
    return ids, skipped


def _get_absence(absence_id) -> Absence:
    number = parse_id(absence_id, "lượt vắng", "id")
    found = Absence.get_or_none(Absence.id == number)
    if found is None:
        raise SisoError(f"Không có lượt vắng số {number}.", "id")
    return found


def void_absence(absence_id, reason: str) -> Absence:
    """Void an absence with a reason (audited); it stays in the database, counted nowhere."""
    from . import users

    a = _get_absence(absence_id)
    users.require_class([a.klass_id], "hủy lượt vắng", whole=ATTENDANCE_WHOLE, vice=False)
    reason = text.clean(reason or "")
    if not reason:
        raise SisoError("Thiếu lý do hủy lượt vắng.", "ly_do")
    if a.voided_at is not None:
        raise SisoError(f"Lượt vắng số {a.id} đã bị hủy ngày {fmt_date(a.voided_at.date())}.", "id")
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
        raise SisoError(f"Lượt vắng số {a.id} đã bị hủy: không sửa được.", "id")
    new_excused = a.excused if excused is None else bool(excused)
    new_session = a.session if session == "keep" else check_session(session)
    if (new_excused, new_session) == (a.excused, a.session):
        return a
    if new_session != a.session:
        clash = [o for o in _overlaps(a.student_id, a.date, new_session) if o.id != a.id]
        if clash:
            raise SisoError(f"Không sửa được lượt vắng số {a.id}: ngày {fmt_date(a.date)} đã có "
                            f"lượt vắng số {clash[0].id} ({_kind_text(clash[0].excused, clash[0].session)}).",
                            "buoi")
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
    start = parse_date(start, "ngày")
    end = parse_date(end, "ngày cuối") if end not in (None, "") else None
    year = SchoolYear.get_by_id(klass.year_id)
    last = end or start
    if last < start:
        raise SisoError(f"Ngày cuối {fmt_date(last)} trước ngày đầu {fmt_date(start)}.", "den")
    clock.refuse_future(last, "việc điểm danh")
    if end is None:
        why = not_school_day(year, start)
        if why:
            raise SisoError(f"Không ghi điểm danh: {why}.", "ngay")
        days = [start]
    else:
        days = school_days(year, start, last)
        if not days:
            raise SisoError(f"Từ {fmt_date(start)} đến {fmt_date(last)} không có ngày học nào.", "ngay")
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
        q = q.where((Absence.klass == klass_id) & (Absence.date == day) & _active())
    else:
        q = q.where((Absence.student == student_id) & (Absence.date == day)
                    & (Absence.klass == klass_id) & _active())
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
            raise SisoError("Học sinh vắng cả hai buổi: xóa rồi ghi lại nếu cần đổi.", "buoi")
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
        q = q.where(_active())
    rows = []
    for aid, code, f, m, g, kname, d, excused, session, note, voided in q.tuples():
        d = as_date(d)
        rows.append({"id": aid, "ma": code, "ho_ten": text.join_name(f, m, g), "lop": kname,
                     "ngay": d, "loai": "P" if excused else "K", "buoi": session,
                     "ghi_chu": note or "", "da_huy": voided is not None})
    rows.sort(key=lambda r: (r["ngay"], text.natural_key(r["lop"]), r["id"]))
    return rows


# ---- the flag «nghỉ học quá 3 ngày» ----------------------------------------------------------

def thresholds() -> tuple[int, int]:
    """(N, M): ``nghi_lien_tiep_toi_da`` and ``khong_phep_30_ngay_toi_da`` (settings)."""
    from .school import get_settings

    values = get_settings()

    def num(key: str) -> int:
        try:
            return max(0, int(values.get(key) or 3))
        except ValueError:
            return 3

    return num(SETTING_RUN), num(SETTING_UNEXCUSED)


def _weight():
    """Half-days of a record: a whole day 2, a session 1."""
    return fn.SUM(Case(None, [(Absence.session.is_null(), 2)], 1))


def _enrolled(year: SchoolYear, day: date, klass_ids=None):
    from .report_common import open_on

    q = Span.select(Span.student).where((Span.year == year.id) & open_on(day))
    if klass_ids is not None:
        q = q.where(Span.klass.in_(list(klass_ids)))
    return q


def flagged_students(year: SchoolYear, day: date, klass_ids=None, student_ids=None) -> set[int]:
    """The students enrolled on ``day`` (in ``klass_ids``, when given) flagged «nghỉ học quá
    3 ngày» on ``day`` — on a day that is not a school day, on the last school day before it:
    (a) their run of consecutive school days of whole-day absence ending on that day is
    longer than N, or (b) their unexcused absences on the school days of the 30 calendar
    days ending on it total more than M (a session counting 0.5). Two grouped queries.

    ``student_ids``: only these students, whom the caller knows to be enrolled on ``day``
    (the attendance screen after a key: the student of that row)."""
    d = last_school_day(year, day)
    if d is None:
        return set()
    n, m = thresholds()
    days = school_days(year, last=d)
    # a few classes: only their students' absences are read; the whole school: the
    # absences are grouped first, and only the students they name are checked for enrolment
    among = None
    if student_ids is not None:
        among = list(student_ids)
        if not among:
            return set()
    elif klass_ids is not None:
        klass_ids = list(klass_ids)
        if len(klass_ids) <= 10:
            among = [sid for (sid,) in database.execute(_enrolled(year, d, klass_ids))]
            if not among:
                return set()

    def scope(q):
        # the dates are the year's school days: with a list of students, no year filter,
        # so that SQLite reads them through the (student, date) index
        if among is not None:
            return q.where(_active() & Absence.student.in_(among))
        return q.where((Absence.year == year.id) & _active())

    found: set[int] = set()
    run = days[-(n + 1):]
    if len(run) == n + 1:
        whole = (scope(Absence.select(Absence.student).where(Absence.date.in_(run)))
                 .group_by(Absence.student, Absence.date).having(_weight() >= 2))
        sub = whole.alias("w")
        q = (Absence.select(sub.c.student_id).from_(sub).group_by(sub.c.student_id)
             .having(fn.COUNT(1) == n + 1))
        found.update(r[0] for r in database.execute(q))
    window = [x for x in days if x >= d - timedelta(days=29)]
    q = (scope(Absence.select(Absence.student)
               .where((Absence.excused == False) & Absence.date.in_(window)))  # noqa: E712
         .group_by(Absence.student).having(_weight() > 2 * m))
    found.update(r[0] for r in database.execute(q))
    if among is not None or not found:
        return found
    return {sid for (sid,) in database.execute(
        _enrolled(year, d, klass_ids).where(Span.student.in_(list(found))))}


def taken_days(year: SchoolYear, today: date | None = None, klass_ids=None) -> dict[int, date]:
    """Per class of ``year`` (of ``klass_ids``): the last day on or before ``today`` its
    attendance was taken. Index seeks only: the last day any class took, the classes that
    took it, then the last day of each class left (usually none)."""
    today = today or clock.today()
    last = min(today, year.end)
    in_year = (AttendanceTaken.date >= year.start) & (AttendanceTaken.date <= last)
    if klass_ids is None:
        klass_ids = [c for (c,) in SchoolClass.select(SchoolClass.id)
                     .where(SchoolClass.year == year.id).tuples()]
    wanted = set(klass_ids)
    if not wanted:
        return {}
    latest = AttendanceTaken.select(fn.MAX(AttendanceTaken.date)).where(in_year).scalar()
    if latest is None:
        return {}
    latest = as_date(latest)
    out = {k: latest for (k,) in AttendanceTaken.select(AttendanceTaken.klass)
           .where(AttendanceTaken.date == latest).tuples() if k in wanted}
    rest = [k for k in wanted if k not in out]
    for chunk in chunked(rest, 500):
        for k, d in (AttendanceTaken.select(AttendanceTaken.klass, fn.MAX(AttendanceTaken.date))
                     .where(in_year & AttendanceTaken.klass.in_(chunk))
                     .group_by(AttendanceTaken.klass).tuples()):
            out[k] = as_date(d)
    return out


def attention(year: SchoolYear, today: date | None = None,
              klass_ids=None) -> dict[int, set[int]]:
    """«Cần chú ý hôm nay»: per class, the students flagged on the last school day on or
    before ``today`` whose attendance that class took (classes never taken: none). One
    pair of queries per distinct such day (a handful), whatever the number of classes."""
    by_day: dict[date, list[int]] = {}
    for klass_id, d in taken_days(year, today, klass_ids).items():
        by_day.setdefault(d, []).append(klass_id)
    out: dict[int, set[int]] = {}
    for d, klass_ids in by_day.items():
        flagged = flagged_students(year, d, klass_ids)
        if not flagged:
            continue
        day = last_school_day(year, d) or d
        for sid, kid in (_enrolled(year, day, klass_ids).select(Span.student, Span.klass)
                         .where(Span.student.in_(list(flagged))).tuples()):
            out.setdefault(kid, set()).add(sid)
    return out


def attention_students(year: SchoolYear, today: date | None = None, klass_ids=None) -> set[int]:
    """Every student of :func:`attention`, whatever the class: the students flagged today
    (for the lists of students flagged without an at-risk case, and the roster's «!»)."""
    return set().union(*attention(year, today, klass_ids).values())


# ---- chronic absence (ty_le_vang) ----------------------------------------------------------

def absence_rates(year: SchoolYear, day: date, student_ids=None) -> dict[int, float | None]:
    """``ty_le_vang`` of each student of ``year`` with a span started by ``day``: days absent
    (a session 0.5, excused or not) on the school days from the year's start to ``day`` on
    which they were enrolled ÷ those enrolled school days × 100, rounded half up to one
    decimal; None below 10 enrolled school days. Two queries."""
    days = school_days(year, last=day)
    spans = Span.select(Span.student, Span.start, Span.end).where((Span.year == year.id)
                                                                  & (Span.start <= day))
    # the year's days rather than ``year == …`` in the WHERE: SQLite then groups along its
    # (student, date) index instead of sorting the year's records (0.7 → 0.2 s at 60,000)
    absent = (Absence.select(Absence.student,
                             fn.SUM(Case(None, [(Absence.year != year.id, 0),
                                                (Absence.session.is_null(), 2)], 1)))
              .where(_active() & (Absence.date >= year.start) & (Absence.date <= day))
              .group_by(Absence.student))
    if student_ids is not None:
        ids = list(student_ids)
        spans = spans.where(Span.student.in_(ids))
        absent = absent.where(Absence.student.in_(ids))
    halves = {sid: int(h) for sid, h in database.execute(absent)}
    return _rates(days, database.execute(spans), halves)


def _enrolled_days(days: list[date], spans) -> dict[int, int]:
    """Per student, the number of ``days`` on which one of their ``spans`` (student, start,
    end) holds them."""
    enrolled: dict[int, int] = {}
    for sid, start, end in spans:
        lo = bisect_left(days, as_date(start))
        hi = len(days) if end is None else bisect_left(days, as_date(end))
        enrolled[sid] = enrolled.get(sid, 0) + max(0, hi - lo)
    return enrolled


def _rates(days: list[date], spans, halves: dict[int, int]) -> dict[int, float | None]:
    """``ty_le_vang`` from the spans (student, start, end) and each student's half-days absent
    (see :func:`absence_rates`); ``days``: the school days from the year's start."""
    return {sid: (_rate(halves.get(sid, 0), 2 * n) if n >= MIN_RATE_DAYS else None)
            for sid, n in _enrolled_days(days, spans).items()}


@lru_cache(maxsize=4096)
def _rate(num: int, den: int) -> float | None:
    """``report_common.rate``, remembered: the same few (half-days, enrolled half-days) pairs recur
    over thousands of students."""
    from .report_common import rate

    return rate(num, den)


def ty_le_vang(student, year: SchoolYear, day: date) -> float | None:
    """The chronic-absence rate of one student (see :func:`absence_rates`)."""
    st = _student(student)
    return absence_rates(year, day, [st.id]).get(st.id)


def chronic_level(rate: float | None) -> str | None:
    """``"chronic"`` (≥ 10.0), ``"approaching"`` (5.0–9.9) or None."""
    if rate is None:
        return None
    if rate >= CHRONIC:
        return "chronic"
    if rate >= APPROACHING:
        return "approaching"
    return None



def weekly_attendance(year: SchoolYear, day: date) -> dict[int, list[tuple[date, float | None]]]:
    """Per grade, week by week (the Monday of each week with school days, from the year's
    start to ``day``): the attendance rate — (enrolled student-days − days absent) ÷ enrolled
    student-days × 100, a session counting 0.5, excused or not, one decimal half up, as F10's
    ``ty_le_chuyen_can``. A student-day is a school day of the week, up to ``day``, on which
    the student was enrolled in a class of the grade. None for a week in which no class of
    the grade took attendance (nothing known, rather than 100 %).

    Three grouped queries (spans by grade, start and end; absences by grade and day; days
    taken by grade), whatever the number of students."""
    from .report_common import rate

    days = school_days(year, last=day)
    mondays = sorted({d - timedelta(days=d.weekday()) for d in days})
    week_of = {m: i for i, m in enumerate(mondays)}
    pos_week = [week_of[d - timedelta(days=d.weekday())] for d in days]
    in_scope = scopes.class_condition(year)  # the reader's classes (db.scope)
    grades = {g for (g,) in scopes.where(SchoolClass.select(SchoolClass.grade)
                                         .where(SchoolClass.year == year.id), in_scope)
              .distinct().tuples()}
    expected = {g: [0] * len(mondays) for g in grades}
    absent = {g: [0] * len(mondays) for g in grades}
    taken = {g: [False] * len(mondays) for g in grades}
    if days:
        for grade, start, end, n in database.execute(scopes.where(
                Span.select(SchoolClass.grade, Span.start, Span.end, fn.COUNT(Span.id))
                .join(SchoolClass, on=(SchoolClass.id == Span.klass))
                .where((Span.year == year.id) & (Span.start <= days[-1]))
                .group_by(SchoolClass.grade, Span.start, Span.end), in_scope)):
            start, end = as_date(start), as_date(end)
            lo = bisect_left(days, start)
            hi = len(days) if end is None else bisect_left(days, end)
            row = expected.setdefault(grade, [0] * len(mondays))
            for p in range(lo, hi):
                row[pos_week[p]] += int(n)
        for grade, d, halves in database.execute(scopes.where(
                Absence.select(SchoolClass.grade, Absence.date, _weight())
                .join(SchoolClass, on=(SchoolClass.id == Absence.klass))
                .where((Absence.year == year.id) & _active() & (Absence.date <= days[-1]))
                .group_by(SchoolClass.grade, Absence.date), in_scope)):
            d = as_date(d)
            w = week_of.get(d - timedelta(days=d.weekday()))
            if w is not None:
                absent.setdefault(grade, [0] * len(mondays))[w] += int(halves)
        for grade, d in database.execute(scopes.where(
                AttendanceTaken.select(SchoolClass.grade, AttendanceTaken.date)
                .join(SchoolClass, on=(SchoolClass.id == AttendanceTaken.klass))
                .where((SchoolClass.year == year.id) & (AttendanceTaken.date >= year.start)
                       & (AttendanceTaken.date <= days[-1]))
                .group_by(SchoolClass.grade, AttendanceTaken.date), in_scope)):
            d = as_date(d)
            w = week_of.get(d - timedelta(days=d.weekday()))
            if w is not None:
                taken.setdefault(grade, [False] * len(mondays))[w] = True
    out = {}
    for g in sorted(expected):
        exp, abs_, tk = expected[g], absent.get(g, [0] * len(mondays)), taken.get(g, [])
        out[g] = [(m, rate(2 * exp[i] - abs_[i], 2 * exp[i]) if exp[i] and tk and tk[i] else None)
                  for i, m in enumerate(mondays)]
    return out


__all__ = ["school_days", "not_school_day", "last_school_day", "set_school_days", "add_holiday",
           "list_holidays", "add_absences", "void_absence", "edit_absence", "mark_taken",
           "is_taken", "day_marks", "set_mark", "list_absences", "flagged_students", "attention",
           "attention_students", "weekly_attendance", "absence_rates", "ty_le_vang", "chronic_level"]


# ---- F10 chuyen-can -----------------------------------------------------------------------------

def _days_value(halves: int) -> int | float:
    """Half-days as days: 7 -> 3.5, 6 -> 3."""
    return halves // 2 if halves % 2 == 0 else halves / 2


def _flag_detail(spans, whole: list[int], unexcused: list[tuple[int, int]], period: list[date],
                 upto: list[date], p_lo: int, p_hi: int, tu_ord: int, n_max: int,
                 m_max: int) -> tuple[int, int | float, bool]:
    """F10's figures of one student over the period: (the longest run of whole-day absences
    reaching into the period, counted from its first day and cut at the period's end; the
    most unexcused days in 30 calendar days ending on a school day of the period; whether the
    student was flagged on a school day of the period while enrolled).

    ``spans``: the student's (start, end, class); ``whole``: the indexes in ``upto`` (the
    school days from the year's start) of their whole-day absences, ascending;
    ``unexcused``: (ordinal of the day, half-days) of their unexcused records on school
    days, by day; ``p_lo`` … ``p_hi``: the period's indexes in ``upto``."""

    def enrolled_on(d: date) -> bool:
        return any(s <= d and (e is None or e > d) for s, e, _k in spans)

    flagged = False
    # (a) runs: blocks of consecutive school days of whole-day absence
    longest = 0
    k, n = 0, len(whole)
    while k < n:
        j = k
        while j + 1 < n and whole[j + 1] == whole[j] + 1:
            j += 1
        first, last = whole[k], whole[j]
        end = min(last, p_hi)
        if end >= max(first, p_lo):
            longest = max(longest, end - first + 1)
            if not flagged:
                flagged = any(enrolled_on(upto[t]) for t in range(max(first + n_max, p_lo), end + 1))
        k = j + 1
    if not unexcused:
        return longest, 0, flagged
    # (b) unexcused in 30 days: the largest window ends on the first day of the period, on
    # a day with an unexcused record, or on the first day of a span in the period
    checks = {period[0].toordinal()} | {o for o, _w in unexcused if o >= tu_ord}
    for s, _e, _k in spans:
        lo = bisect_left(period, s)
        if lo < len(period):
            checks.add(period[lo].toordinal())
    days = [o for o, _w in unexcused]
    sums = [0]
    for _o, w in unexcused:
        sums.append(sums[-1] + w)
    worst = 0
    for o in checks:
        k30 = sums[bisect_right(days, o)] - sums[bisect_left(days, o - 29)]
        if k30 > worst:
            worst = k30
        if k30 > 2 * m_max and not flagged and enrolled_on(date.fromordinal(o)):
            flagged = True
    return longest, _days_value(worst), flagged


def report_chuyen_can(year: SchoolYear, as_of, start=None) -> dict:
    """F10 ``chuyen-can`` (docs/forms.md) for the period ``start`` … ``as_of``: per class and for
    the school, the school days, the student-days expected and absent (P, K; a session 0.5),
    the attendance rate, the students flagged on at least one school day of the period, the
    chronic and approaching absentees at ``as_of``; then the students flagged or chronic.

    A class row covers every student enrolled in it on at least one school day of the period,
    credited to the last such class. ``nguy_co`` and ``so_lan_van_dong`` come from the at-risk
    register and the home visits, which this database does not hold: null."""
    from .report_common import _classes, rate, resolve_period

    tu, den = resolve_period(year, as_of, start)
    period = school_days(year, tu, den)
    upto = school_days(year, last=den)
    n_max, m_max = thresholds()
    # spans -> each student's enrolled school days in the period and their last class
    # (and the enrolled school days from the year's start, for ``ty_le_vang``)
    spans: dict[int, list[tuple[date, date | None, int]]] = {}
    dates = {None: None}  # the few distinct dates of the spans, converted once
    for sid, kid, s, e in database.execute(
            Span.select(Span.student, Span.klass, Span.start, Span.end)
            .where((Span.year == year.id) & (Span.start <= den))):
        s = dates[s] if s in dates else dates.setdefault(s, as_date(s))
        e = dates[e] if e in dates else dates.setdefault(e, as_date(e))
        spans.setdefault(sid, []).append((s, e, kid))
    expected: dict[int, int] = {}
    credited: dict[int, int] = {}
    enrolled_days: dict[int, int] = {}
    n_period, n_upto = len(period), len(upto)
    for sid, rows in spans.items():
        total, last, enrolled = 0, None, 0
        for s, e, kid in rows:
            lo = bisect_left(period, s)
            hi = n_period if e is None else bisect_left(period, e)
            if hi > lo:
                total += hi - lo
                if last is None or period[hi - 1] > last[0]:
                    last = (period[hi - 1], kid)
            lo = bisect_left(upto, s)
            hi = n_upto if e is None else bisect_left(upto, e)
            enrolled += max(0, hi - lo)
        enrolled_days[sid] = enrolled
        if last is not None:
            expected[sid], credited[sid] = total, last[1]

    # one ordered pass over the year's records up to ``den`` (student, then date): the P/K
    # half-days of the period, each student's half-days for ``ty_le_vang`` and, cheaply, an
    # upper bound of their flag figures (longest run, most unexcused half-days in 30 days);
    # the exact figures (_flag_detail) only for those the bound does not rule out and the
    # chronic (listed anyway)
    index = {d: i for i, d in enumerate(upto)}
    cal: dict = {}  # a day, as a date and as SQLite's text -> (school-day index or None, ordinal)
    d = year.start
    while d <= den:
        cal[d] = cal[d.isoformat()] = (index.get(d), d.toordinal())
        d += timedelta(days=1)
    tu_ord = tu.toordinal()
    absent_p: dict[int, int] = {}
    absent_k: dict[int, int] = {}
    rates: dict[int, float | None] = {}
    detail: dict[int, tuple[int, int | float, bool]] = {}
    if period:
        p_lo, p_hi = index[period[0]], index[period[-1]]
    # by (student, date) with no year filter, so that SQLite walks its (student, date) index
    # in order instead of sorting the year's records; the year is checked below
    q = (Absence.select(Absence.student, Absence.date, Absence.session.is_null(), Absence.excused,
                        Absence.year)
         .where(_active() & (Absence.date >= year.start) & (Absence.date <= den))
         .order_by(Absence.student, Absence.date))
    run_max, win_max = n_max, 2 * m_max

    def close(sid, halves, p, k, whole, unexcused, run, win) -> None:
        if sid not in credited:
            return
        n = enrolled_days.get(sid, 0)
        rates[sid] = r = _rate(halves, 2 * n) if n >= MIN_RATE_DAYS else None
        if p:
            absent_p[sid] = p
        if k:
            absent_k[sid] = k
        if period and (run > run_max or win > win_max or chronic_level(r) == "chronic"):
            detail[sid] = _flag_detail(spans[sid], whole, unexcused, period, upto, p_lo, p_hi,
                                       tu_ord, n_max, m_max)

    year_id = year.id
    cur = None
    halves = p = k = run = win = 0
    whole: list[int] = []
    unexcused: list[tuple[int, int]] = []
    # the day being read and its half-days; the first record of the 30 days ending on it and
    # their unexcused half-days; the run of whole days ending with the last one kept
    last_i, last_h, head, wsum, crun = None, 0, 0, 0, 0
    for sid, day_, is_whole, excused, yid in database.execute(q):
        if yid != year_id:
            continue
        if sid != cur:
            if last_h >= 2:
                crun = crun + 1 if whole and whole[-1] == last_i - 1 else 1
                whole.append(last_i)
                if crun > run:
                    run = crun
            if cur is not None:
                close(cur, halves, p, k, whole, unexcused, run, win)
            cur, halves, p, k, run, win, whole, unexcused = sid, 0, 0, 0, 0, 0, [], []
            last_i, last_h, head, wsum, crun = None, 0, 0, 0, 0
        i, o = cal.get(day_) or cal[as_date(day_)]
        w = 2 if is_whole else 1
        halves += w
        if o >= tu_ord and period:
            if excused:
                p += w
            else:
                k += w
        if i is None:  # not a school day (cannot be recorded): counted, never flagged
            continue
        if i != last_i:
            if last_h >= 2:
                crun = crun + 1 if whole and whole[-1] == last_i - 1 else 1
                whole.append(last_i)
                if crun > run:
                    run = crun
            last_i, last_h = i, 0
        last_h += w
        if not excused:
            unexcused.append((o, w))
            wsum += w
            while unexcused[head][0] < o - 29:
                wsum -= unexcused[head][1]
                head += 1
            if wsum > win:
                win = wsum
    if last_h >= 2:
        crun = crun + 1 if whole and whole[-1] == last_i - 1 else 1
        whole.append(last_i)
        if crun > run:
            run = crun
    if cur is not None:
        close(cur, halves, p, k, whole, unexcused, run, win)
    levels = {sid: chronic_level(r) for sid, r in rates.items()}

    # rows per class, then the school
    def blank() -> dict:
        return {"ngay_hs_du_kien": 0, "p": 0, "k": 0, "so_hs_canh_bao": 0,
                "so_hs_vang_nhieu": 0, "so_hs_sap_vang_nhieu": 0}

    sums: dict[int, dict] = {}
    for sid, kid in credited.items():
        row = sums.setdefault(kid, blank())
        row["ngay_hs_du_kien"] += expected[sid]
        row["p"] += absent_p.get(sid, 0)
        row["k"] += absent_k.get(sid, 0)
        row["so_hs_canh_bao"] += bool(detail.get(sid, (0, 0, False))[2])
        row["so_hs_vang_nhieu"] += levels.get(sid) == "chronic"
        row["so_hs_sap_vang_nhieu"] += levels.get(sid) == "approaching"

    def finish(row: dict) -> dict:
        exp, p, k = row["ngay_hs_du_kien"], row["p"], row["k"]
        return {"ngay_hs_du_kien": exp, "co_phep": _days_value(p), "khong_phep": _days_value(k),
                "ty_le_chuyen_can": rate(2 * exp - p - k, 2 * exp),
                "so_hs_canh_bao": row["so_hs_canh_bao"], "so_hs_vang_nhieu": row["so_hs_vang_nhieu"],
                "so_hs_sap_vang_nhieu": row["so_hs_sap_vang_nhieu"]}

    classes = _classes(year)
    lop, total = [], blank()
    for c in classes:
        row = sums.get(c.id, blank())
        for key in total:
            total[key] += row[key]
        lop.append({"lop": c.name, "khoi": c.grade, **finish(row)})

    order = {c.id: i for i, c in enumerate(classes)}
    listed = [sid for sid in credited if credited[sid] in order  # the classes in scope
              and (detail.get(sid, (0, 0, False))[2] or levels.get(sid) == "chronic")]
    people = {}
    for chunk in chunked(listed, 500):
        people.update((sid, (code, f, m, g, village, key)) for sid, code, f, m, g, village, key in
                      database.execute(Student.select(Student.id, Student.code, Student.family,
                                                      Student.middle, Student.given,
                                                      Student.village, Student.sort_key)
                                       .where(Student.id.in_(chunk))))
    name_of = {c.id: c.name for c in classes}
    listed.sort(key=lambda sid: (order.get(credited[sid], 0), people[sid][5], sid))
    from .risk import cases_and_visits

    open_case, visits = cases_and_visits(year, den, listed)
    canh_bao = []
    for sid in listed:
        code, f, m, g, village, _key = people[sid]
        longest, worst, _flag = detail.get(sid, (0, 0, False))
        canh_bao.append({"ma": code, "ho_ten": text.join_name(f, m, g), "lop": name_of[credited[sid]],
                         "thon": village or None, "nghi_lien_tiep": longest,
                         "khong_phep_30_ngay": worst, "ty_le_vang": rates.get(sid),
                         "vang_nhieu": levels.get(sid), "nguy_co": sid in open_case,
                         "so_lan_van_dong": visits.get(sid, 0)})
    return {"form": "chuyen-can", "nam_hoc": year.name, "tu_ngay": tu.isoformat(),
            "den_ngay": den.isoformat(), "so_ngay_hoc": len(period), **scopes.form_marks(), "lop": lop,
            "toan_truong": finish(total), "canh_bao": canh_bao}

"""School days and holidays (``docs/domain.md``, "Keeping every student in school").

School days of a year: its teaching weekdays (``SchoolYear.ngay_hoc``: ``2-6`` Monday to
Friday, ``2-7`` Monday to Saturday) from its first to its last day, minus its holidays.
A change of the weekdays, or a new holiday, is refused while a day it takes away holds an
absence. :func:`active` and :func:`weight` are the two pieces of SQL every attendance query
shares (an absence that counts; its half-days).
"""

from __future__ import annotations

from datetime import date, timedelta

from peewee import Case, fn

from . import audit, fields, text
from .dates import fmt_date, parse_date
from .errors import SisoError
from .models import Absence, Holiday, SchoolYear, Student

SCHOOL_DAYS = {"2-6": 5, "2-7": 6}  # ngay_hoc -> number of teaching weekdays from Monday
SCHOOL_DAYS_LABEL = {"2-6": "thứ Hai đến thứ Sáu", "2-7": "thứ Hai đến thứ Bảy"}
WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")

# ---- school days ---------------------------------------------------------------------------

def check_school_days(value) -> str:
    """``2-6`` or ``2-7`` (also written ``2–6``, ``T2-T6``); a Vietnamese error otherwise."""
    raw = text.clean(str(value or ""))
    norm = raw.upper().replace("T", "").replace("–", "-").replace(" ", "")
    if norm not in SCHOOL_DAYS:
        raise SisoError(f"Ngày học trong tuần «{raw}» không hợp lệ: cần 2-6 (thứ Hai đến thứ Sáu) "
                        "hoặc 2-7 (thứ Hai đến thứ Bảy).", fields.NGAY_HOC)
    return norm


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
    """The school year whose first … last day holds ``day``; a Vietnamese error otherwise.

    Narrower than ``db.clock.year_of`` (first day … end of summer, the rule for events):
    absences are taken on school days only, so a day of the summer belongs to no year here."""
    year = (SchoolYear.select().where((SchoolYear.start <= day) & (SchoolYear.end >= day))
            .first())
    if year is None:
        raise SisoError(f"Ngày {fmt_date(day)} không thuộc năm học nào (ngoài các ngày từ khai "
                        "giảng đến kết thúc năm học).", fields.NGAY)
    return year


def _period(start: date, end: date) -> str:
    return fmt_date(start) if start == end else f"{fmt_date(start)} – {fmt_date(end)}"


def active():
    """An absence that counts: not voided."""
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
                .join(Student).where((Absence.year == year.id) & active()
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
                        "trước.", fields.NGAY_HOC)
    with audit.write("year.school_days", f"year:{year.name}", before=before, after=value):
        SchoolYear.update(ngay_hoc=value).where(SchoolYear.id == year.id).execute()
        year.ngay_hoc = value
    return year


def add_holiday(start, name: str, end=None, year: SchoolYear | None = None) -> Holiday:
    """A holiday (one day, or ``start`` … ``end``) of ``year`` (the year holding ``start`` by
    default). Refused when a day of it already holds an absence (listed)."""
    from . import users

    users.require_admin("thêm ngày nghỉ")
    start = parse_date(start, "ngày nghỉ", fields.NGAY)
    end = parse_date(end, "ngày nghỉ cuối", fields.DEN) if end not in (None, "") else start
    name = text.clean(name or "")
    if not name:
        raise SisoError("Thiếu tên ngày nghỉ (ví dụ «Tết Nguyên đán»).", fields.TEN)
    if len(name) > 200:
        raise SisoError("Tên ngày nghỉ dài quá 200 ký tự.", fields.TEN)
    if end < start:
        raise SisoError(f"Ngày nghỉ cuối {fmt_date(end)} trước ngày đầu {fmt_date(start)}.", fields.DEN)
    if year is None:
        year = year_of_day(start)
    if not (year.start <= start and end <= year.end):
        raise SisoError(f"Ngày nghỉ {fmt_date(start)} – {fmt_date(end)} phải nằm trong năm học "
                        f"{year.name} ({fmt_date(year.start)} – {fmt_date(year.end)}).", fields.NGAY)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    found = _absences_on(year, days)
    if found:
        raise SisoError(f"Không ghi ngày nghỉ «{name}» ({_period(start, end)}): đã có "
                        f"học sinh vắng vào những ngày đó: {_absence_days_text(found)}. Hủy các "
                        "lượt vắng đó trước.", fields.NGAY)
    with audit.write("holiday.add", f"year:{year.name}", name=name, start=start, end=end) as info:
        h = Holiday.create(year=year.id, start=start, end=end, name=name)
        info["id"] = h.id
    return h


def list_holidays(year: SchoolYear) -> list[Holiday]:
    return list(Holiday.select().where(Holiday.year == year.id).order_by(Holiday.start, Holiday.id))


def weight():
    """Half-days of a record: a whole day 2, a session 1."""
    return fn.SUM(Case(None, [(Absence.session.is_null(), 2)], 1))


__all__ = ["school_days", "not_school_day", "last_school_day", "set_school_days", "add_holiday",
           "list_holidays"]

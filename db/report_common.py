"""What every form shares: the report day and its period, the rate, and the pieces of the
queries (a span open on a day, the minority students, the classes a reader sees).

- Report days lie within the school year: its first day … the end of its summer
  (``check_report_day``). A period runs from ``tu_ngay`` to ``den_ngay``
  (``resolve_period``); ``periods`` lists the usual ones (each month, each semester, the year).
- A rate over a denominator of 0 or less is no rate (``None``); see ``rate``. How a rate is
  written for a person to read is ``exports.numbers``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from . import fields, scope as scopes, text
from .dates import fmt_date, parse_date
from .errors import SisoError
from .models import SchoolClass, SchoolYear, Span


def rate(num, den) -> float | None:
    """``num ÷ den × 100`` rounded half up to one decimal.

    ``None`` (no rate) when ``den`` is 0 or negative: odd histories (a student who dropped
    out before the reference date, came back after it and then transferred out) can make
    the retention base negative, and a rate over a negative base means nothing. A result
    that rounds to zero is always ``0.0``, never ``-0.0``.
    """
    if den is None or int(den) <= 0:
        return None
    value = (Decimal(int(num)) * 100 / Decimal(int(den))).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(value) + 0.0  # -0.0 + 0.0 == +0.0


def check_report_day(year: SchoolYear, value, label: str = "Ngày báo cáo", field: str = fields.DEN_NGAY) -> date:
    """``value`` as a date that lies within ``year``: its first day … the end of its summer
    (``db.events.summer_end``); anything else is refused, naming the day and the range."""
    from .events import summer_end

    day = parse_date(value, label.lower(), field)
    last = summer_end(year)
    if not year.start <= day <= last:
        raise SisoError(f"{label} {fmt_date(day)} nằm ngoài năm học {year.name}: cần từ ngày "
                        f"{fmt_date(year.start)} đến ngày {fmt_date(last)} (hết hè).", field)
    return day


def resolve_period(year: SchoolYear, as_of, start=None) -> tuple[date, date]:
    """(from, as_of), both within the year (``check_report_day``); ``from`` defaults to the
    first day of the ``as_of`` month, or the year's first day when that is later."""
    as_of = check_report_day(year, as_of)
    if start in (None, ""):
        start = max(as_of.replace(day=1), year.start)
    else:
        start = check_report_day(year, start, "Ngày bắt đầu kỳ báo cáo", fields.TU_NGAY)
    if start > as_of:
        raise SisoError(
            f"Ngày bắt đầu kỳ báo cáo {fmt_date(start)} phải trước hoặc bằng ngày báo cáo {fmt_date(as_of)}.",
            fields.TU_NGAY)
    return start, as_of


def open_on(day: date):
    """The span is open at the end of ``day``."""
    return (Span.start <= day) & not_ended_by(day)


def not_ended_by(day: date):
    """The span has not ended by the end of ``day`` (still running, or ends later): with a
    start on or before ``day``, it is open on that day (:func:`open_on`)."""
    return Span.end.is_null() | (Span.end > day)


def classes_of(year: SchoolYear) -> list:
    """The year's classes (id, name, grade, homeroom) in the reader's scope, by grade then
    natural name order."""
    q = scopes.where(SchoolClass.select(SchoolClass.id, SchoolClass.name, SchoolClass.grade,
                                        SchoolClass.homeroom)
                     .where(SchoolClass.year == year.id),
                     scopes.class_condition(year)).namedtuples()
    return sorted(q, key=lambda c: (c.grade, text.natural_key(c.name)))


def periods(year: SchoolYear, today: date | None = None) -> list[tuple[str, str, date, date]]:
    """The usual report periods of a year: each month, semester I, semester II, the whole year.

    ``[(key, label, from, to)]``; a period that has not ended yet stops at ``today``
    (default ``db.clock.today()``).
    """
    from . import clock
    from .events import summer_end

    today = today or clock.today()
    last = summer_end(year)

    def clip(a: date, b: date) -> tuple[date, date]:
        return a, (today if a <= today < b else b)

    out = []
    first = year.start.replace(day=1)
    while first <= last:
        nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        a, b = clip(max(first, year.start), min(nxt - timedelta(days=1), last))
        out.append((f"{first:%Y-%m}", f"Tháng {first.month}/{first.year}", a, b))
        first = nxt
    out.append(("hk1", "Học kỳ I", *clip(year.start, year.hk2_start - timedelta(days=1))))
    out.append(("hk2", "Học kỳ II", *clip(year.hk2_start, year.end)))
    out.append(("nam", "Cả năm học", *clip(year.start, year.end)))
    return out

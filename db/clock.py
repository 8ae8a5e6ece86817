"""The one notion of "today" and of the day counts are taken on.

Every piece of code that needs today's date calls :func:`today`; tests (and the
benchmark) fix it with :func:`set_today` or the ``SISO_TODAY`` environment variable
(``yyyy-mm-dd``), so results and snapshots never depend on the calendar.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date, datetime

from .errors import SisoError
from . import fields

_fixed: date | None = None


class FutureDate(SisoError):
    """An event dated after today: refused unless the user confirms that date (the CLI's
    ``--future``, a question in the TUI), then recorded with ``future=True``."""


def set_today(day: date | None) -> None:
    """Fix "today" (``None`` goes back to the calendar)."""
    global _fixed
    _fixed = day


@contextmanager
def fixed(day: date):
    """``with clock.fixed(day): …`` — today is ``day`` inside the block, as before after it
    (tests that write a history dated after the day they then look at)."""
    global _fixed
    before = _fixed
    _fixed = day
    try:
        yield day
    finally:
        _fixed = before


def today() -> date:
    if _fixed is not None:
        return _fixed
    env = os.environ.get("SISO_TODAY", "").strip()
    if env:
        try:
            return date.fromisoformat(env)
        except ValueError:
            pass
    return date.today()


def now() -> datetime:
    """The current time; its date is :func:`today` when today is fixed."""
    moment = datetime.now()
    day = today()
    if day != moment.date():
        moment = datetime.combine(day, moment.time())
    return moment


def default_day(year) -> date:
    """The day counts and lists of ``year`` are taken on when none is given: today,
    clamped to the year's first day and the end of its summer."""
    from .events import summer_end

    return min(max(today(), year.start), summer_end(year))


def year_of(day: date):
    """The school year whose first day … end of summer contains ``day`` (None if none).

    The summer counts: an event (a transfer, a dropout, the year-end outcome) may be dated in
    the summer after the year's last day, so this is the year an event's date belongs to.
    ``db.attendance_days.year_of_day`` is the narrower rule for absences, which are taken on
    school days only: first … last day, the summer excluded."""
    from .events import summer_end
    from .models import SchoolYear

    for y in SchoolYear.select().order_by(SchoolYear.start):
        if y.start <= day <= summer_end(y):
            return y
    return None


def admission_day(year) -> date:
    """The date an admission (or a new student's entry) takes when none is given: today,
    clamped to the school year (an admission in the summer before the year is dated its
    first day, one after the year's end its last day)."""
    return min(max(today(), year.start), year.end)


def refuse_future(day: date, what: str, future: bool = False) -> None:
    """Refuse ``day`` after today unless ``future`` (the user confirmed it). ``what`` names
    the record, e.g. «Bỏ học»."""
    now = today()
    if day > now and not future:
        from .dates import fmt_date

        raise FutureDate(f"Ngày {fmt_date(day)} sau hôm nay ({fmt_date(now)}): {what} chỉ ghi "
                         "khi đã xảy ra.", fields.NGAY)

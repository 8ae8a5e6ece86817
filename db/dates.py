"""Dates as users type them (dd/mm/yyyy or yyyy-mm-dd) and as forms print them."""

from __future__ import annotations

import re
from datetime import date, datetime

from . import fields
from .errors import SisoError

_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_YMD = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(value, label: str = "ngày", field: str | None = fields.NGAY) -> date:
    """Parse ``dd/mm/yyyy`` (also ``d/m/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``) or ``yyyy-mm-dd``.

    Raises :class:`SisoError` with a Vietnamese message naming the date by its ``label``
    («ngày sinh»), for the field ``field`` (a ``db.fields`` name; give it with every label).
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        raise SisoError(f"Thiếu {label}: cần một ngày dạng dd/mm/yyyy, ví dụ 05/09/2024.", field)
    m = _DMY.match(text)
    if m:
        d, mth, y = (int(g) for g in m.groups())
    else:
        m = _YMD.match(text)
        if not m:
            raise SisoError(
                f"{label.capitalize()} «{text}» không đúng dạng: cần dd/mm/yyyy (ví dụ 05/09/2024) "
                "hoặc yyyy-mm-dd.",
                field,
            )
        y, mth, d = (int(g) for g in m.groups())
    try:
        return date(y, mth, d)
    except ValueError:
        raise SisoError(
            f"{label.capitalize()} «{text}» không có trên lịch (ngày {d}, tháng {mth}, năm {y}).",
            field,
        ) from None


def as_date(value) -> date | None:
    """A date column as a ``date``: raw queries (``database.execute``, ``.tuples()`` of an
    aggregate) give SQLite's text, ``yyyy-mm-dd…``; None stays None."""
    return value if isinstance(value, date) or value is None else date.fromisoformat(str(value)[:10])


def fmt_date(value: date | None) -> str:
    """``05/09/2024``; empty for None."""
    return value.strftime("%d/%m/%Y") if value else ""


def place_date_line(place: str, day: date) -> str:
    """The footer line of a form, as Nghị định 30/2020 writes it.

    Days below 10 and the months 1 and 2 take a leading zero:
    ``Tơ Tung, ngày 05 tháng 02 năm 2024``; ``ngày 15 tháng 10 năm 2024``.
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"

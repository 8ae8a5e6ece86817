"""What a form's table is: ``Col`` (a column: label, group, kind, width) and ``Table`` (title,
lines under it, two-level headers, rows with their styles — group, subtotal, total —,
footnotes, further tables on the same sheet), and ``display`` (a cell as a screen shows it).

Tables are plain data: ``exports.forms.tables_of`` builds them from the dicts ``db/``
returns (each form's builder in ``exports.forms_f1_f5`` / ``exports.forms_f6_f12``); the xlsx
layout (``exports.xlsx_form``), the ods/csv files (``exports.files``) and the TUI's table
all read the same tables, so every door shows the same numbers.

``tr`` translates the words the program writes around the numbers (titles, period lines,
row and column labels …); ``same`` is no translation (the forms' own Vietnamese).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from db.dates import fmt_date

from .numbers import pct_text


def same(text: str) -> str:
    """No translation: the forms' own Vietnamese."""
    return text


@dataclass
class Col:
    label: str
    group: str | None = None  # top header, merged over the consecutive columns that share it
    kind: str = "int"  # text | int | pct | date | mark (x for true)
    width: float = 6.0
    key: bool = False  # names the row (STT, Lớp, Họ và tên …): a narrow screen keeps it in view


@dataclass
class Table:
    sheet: str
    title: str
    columns: list[Col]
    rows: list[list] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)  # "" | "group" | "sub" | "total"
    lines: list[str] = field(default_factory=list)  # school year, period … under the title
    footnotes: list[str] = field(default_factory=list)
    below: list[Table] = field(default_factory=list)  # further tables on the same sheet
    numbered: bool = False  # column labels (1), (2) … instead of A, B, 1, 2 …
    note: str = ""  # what a screen view's short labels stand for (compact views)
    tr: Callable[[str], str] = field(default=same, repr=False, compare=False)  # see tables_of
    breaks: list[int] = field(default_factory=list)  # printed page breaks before these rows (0-based)

    def add(self, values: list, style: str = "") -> None:
        self.rows.append(values)
        self.styles.append(style)

    @property
    def headers(self) -> list[str]:
        """One-line headers: ``group - label`` (ods, csv, TUI)."""
        tr = self.tr
        return [f"{tr(c.group)} - {tr(c.label)}" if c.group else tr(c.label) for c in self.columns]

    @property
    def short_headers(self) -> list[str]:
        """Headers for a narrow screen: ``ĐN TS``, ``LK+ Bỏ học`` … (see ``legend``)."""
        tr = self.tr
        return [f"{tr(GROUP_SHORT.get(c.group, c.group))} {tr(c.label)}" if c.group else tr(c.label)
                for c in self.columns]

    @property
    def legend(self) -> str:
        """What the short group names stand for, or "" when the table has none."""
        groups = [g for g in GROUP_SHORT if any(c.group == g for c in self.columns)]
        return "; ".join(f"{self.tr(GROUP_SHORT[g])} = {self.tr(g)}" for g in groups)

    def column_codes(self) -> list[str]:
        if self.numbered:
            return [f"({i})" for i in range(1, len(self.columns) + 1)]
        codes, letters, numbers = [], 0, 0
        leading = True
        for c in self.columns:
            if leading and c.kind == "text":
                codes.append(chr(ord("A") + letters))
                letters += 1
            else:
                leading = False
                numbers += 1
                codes.append(str(numbers))
        return codes


def iso_day(iso: str | None):
    return date.fromisoformat(iso) if iso else None


def period_line(form: dict, tr=same) -> str:
    return tr("Từ ngày {start} đến ngày {end}").format(start=fmt_date(iso_day(form["tu_ngay"])),
                                                      end=fmt_date(iso_day(form["den_ngay"])))


def year_line(form: dict, tr=same) -> str:
    return tr("Năm học {year}").format(year=form["nam_hoc"])


def as_of_line(form: dict, tr=same) -> str:
    return tr("Tính đến ngày {day}").format(day=fmt_date(iso_day(form["den_ngay"])))


def tally_line(label: str, n: int, tr=same, **values) -> str:
    """«Tổng cộng: 3 học sinh», «Cộng khối 6: 2 học sinh» … (``label`` a msgid)."""
    return tr(label).format(n=n, **values)


# Two-level headers shortened for a terminal (``Table.short_headers``, ``Table.legend``).
GROUP_SHORT = {"Đầu năm": "ĐN", "Trong kỳ: tăng": "TK+", "Trong kỳ: giảm": "TK−",
               "Lũy kế từ đầu năm: tăng": "LK+", "Lũy kế từ đầu năm: giảm": "LK−", "Hiện có": "HC"}


def display(value, kind: str) -> str:
    """A cell as the TUI and the CLI table show it (dates dd/mm/yyyy, rates ``99,5``)."""
    if value is None or value == "":
        return ""
    if kind == "mark" or isinstance(value, bool):
        return "x" if value else ""
    if kind == "pct" and isinstance(value, (int, float)):
        return pct_text(value)
    if isinstance(value, date):
        return fmt_date(value)
    return str(value)

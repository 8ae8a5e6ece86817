"""Lists of dicts as text: an aligned table, CSV or UTF-8 JSON — what the CLI prints and what
a list written to a .csv/.json file holds."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from db.text import visible

from .files import csv_safe


def cell_text(value) -> str:
    """A value as a cell: dates dd/mm/yyyy, True as x, no escape sequence (``visible``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return visible(str(value))


def list_text(rows: list[dict], columns: list[tuple[str, str]], fmt: str = "table",
              *, newline: str = "\n") -> str:
    """``columns``: (key, header). JSON keeps the keys and ISO dates; table and CSV use the
    headers, and a CSV cell a spreadsheet would run as a formula gets a leading '."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2,
                          default=lambda v: v.isoformat() if isinstance(v, date) else str(v)) + "\n"
    table = [[cell_text(r.get(k)) for k, _ in columns] for r in rows]
    headers = [h for _, h in columns]
    out = io.StringIO()
    if fmt == "csv":
        w = csv.writer(out, lineterminator=newline)
        w.writerow(headers)
        w.writerows([csv_safe(c) for c in row] for row in table)
        return out.getvalue()
    widths = [max([len(h)] + [len(row[i]) for row in table]) for i, h in enumerate(headers)]
    out.write("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in table:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() + "\n")
    return out.getvalue()

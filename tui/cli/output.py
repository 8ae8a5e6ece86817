"""Write rows as an aligned table, CSV or UTF-8 JSON on standard output."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    from db.text import visible

    return visible(str(value))  # no escape sequence reaches the terminal


def emit(rows: list[dict], columns: list[tuple[str, str]], fmt: str = "table", out=None) -> None:
    """``columns``: (key, header). JSON keeps the keys and ISO dates; table and CSV use headers."""
    out = out or sys.stdout
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2,
                  default=lambda v: v.isoformat() if isinstance(v, date) else str(v))
        out.write("\n")
        return
    table = [[_cell(r.get(k)) for k, _ in columns] for r in rows]
    headers = [h for _, h in columns]
    if fmt == "csv":  # as the CSV files: a cell a spreadsheet would run as a formula gets a '
        from exports.files import csv_safe

        w = csv.writer(out, lineterminator="\n")
        w.writerow(headers)
        w.writerows([csv_safe(c) for c in row] for row in table)
        return
    widths = [max([len(h)] + [len(row[i]) for row in table]) for i, h in enumerate(headers)]
    out.write("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in table:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() + "\n")


LIST_OUTPUT = ("table", "csv", "json")


def add_format_option(parser, choices=LIST_OUTPUT) -> None:
    """The ``--format`` option of a listing command (what ``emit`` writes; default: table)."""
    parser.add_argument("--format", choices=list(choices), default="table")


# the extensions that name a format: a file named so is written in that format only
FILE_FORMATS = ("xlsx", "ods", "csv", "json", "docx", "pdf")


def output_format(output: str, fmt: str | None) -> str:
    """The format of ``-o FILE``: ``--format`` when given, else the file's extension. A
    ``--format`` that disagrees with an extension naming another format is refused (a
    «x.json» holding a Word document would open nowhere)."""
    from pathlib import Path

    from db.errors import SisoError

    ext = Path(output).suffix.lstrip(".").lower()
    if fmt and ext in FILE_FORMATS and ext != fmt:
        raise SisoError(f"Tệp «{output}» có đuôi .{ext} nhưng --format là {fmt}: đổi đuôi tệp "
                        f"thành .{fmt if fmt in FILE_FORMATS else 'txt'} hoặc bỏ --format "
                        "(khi không có --format, định dạng theo đuôi tệp).", "format")
    return fmt or ext

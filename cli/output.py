"""Write rows as an aligned table, CSV or UTF-8 JSON on standard output."""

from __future__ import annotations

import sys
from db import fields


def emit(rows: list[dict], columns: list[tuple[str, str]], fmt: str = "table", out=None) -> None:
    """``columns``: (key, header). JSON keeps the keys and ISO dates; table and CSV use headers
    (``exports.listing.list_text``)."""
    from exports.listing import list_text

    (out or sys.stdout).write(list_text(rows, columns, fmt))


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
                        "(khi không có --format, định dạng theo đuôi tệp).", fields.DINH_DANG)
    return fmt or ext

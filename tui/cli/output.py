"""Write rows as an aligned table, CSV or UTF-8 JSON on standard output."""

from __future__ import annotations

import sys


def emit(rows: list[dict], columns: list[tuple[str, str]], fmt: str = "table", out=None) -> None:
    """``columns``: (key, header). JSON keeps the keys and ISO dates; table and CSV use headers
    (``exports.listing.list_text``)."""
    from exports.listing import list_text

    (out or sys.stdout).write(list_text(rows, columns, fmt))


LIST_OUTPUT = ("table", "csv", "json")


def add_format_option(parser, choices=LIST_OUTPUT) -> None:
    """The ``--format`` option of a listing command (what ``emit`` writes; default: table)."""
    parser.add_argument("--format", choices=list(choices), default="table")

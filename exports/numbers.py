"""Numbers as the forms print them: rates with one decimal and a decimal comma.

Presentation only: ``db.report_common.rate`` computes a rate (half up, one decimal, None for a zero
denominator); this module writes it for a person to read.
"""

from __future__ import annotations


def pct_text(value: float) -> str:
    """``99,5`` (one decimal, decimal comma); a value that rounds to zero is ``0,0``."""
    text_ = f"{float(value):.1f}"
    if text_ == "-0.0":
        text_ = "0.0"
    return text_.replace(".", ",")


def fmt_rate(value: float | None) -> str:
    """``99,5%`` (decimal comma); empty for no rate; never ``-0,0%``."""
    if value is None:
        return ""
    return pct_text(value) + "%"


def size_text(n: int) -> str:
    """A file's size for a person: ``12 KB`` (at least 1) below a megabyte, else ``3.4 MB``."""
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def op_text(op: str, value: float) -> str:
    """A target with its comparison: ``< 3%``, ``≥ 98%`` (decimal comma)."""
    from db.targets import OP_SIGNS

    return f"{OP_SIGNS[op]} {f'{value:g}'.replace('.', ',')}%"

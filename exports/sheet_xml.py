"""What every xlsx writer shares: text made safe for a sheet's XML, the inline-string cell,
column letters and sheet names (``exports.students``, ``exports.stream_form`` write the XML
themselves; ``exports.xlsx_form`` goes through openpyxl and uses :data:`ILLEGAL`)."""

from __future__ import annotations

import re
from functools import cache

# The characters XML 1.0 forbids (below U+0020 only tab, LF and CR are allowed; U+FFFE and
# U+FFFF are not characters): dropped from every text written to a sheet.
_ILLEGAL_CHARS = r"\000-\010\013\014\016-\037\ufffe\uffff"
ILLEGAL = re.compile(f"[{_ILLEGAL_CHARS}]")
NEEDS_XML_TEXT = re.compile(f"[&<>{_ILLEGAL_CHARS}]")  # a text that needs xml_text()
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


@cache
def column_letters(n: int) -> tuple[str, ...]:
    """A, B, … of the first ``n`` columns (openpyxl's, imported when a file is written: it
    costs a tenth of a second at start-up)."""
    from openpyxl.utils.cell import get_column_letter

    return tuple(get_column_letter(j + 1) for j in range(n))


def xml_text(value: str) -> str:
    """A text for the sheet's XML: the characters XML forbids dropped, ``& < >`` escaped."""
    return ILLEGAL.sub("", value).translate(_ESCAPE)


def text_cell(ref: str, value: str, style: int = 0) -> str:
    """The cell ``ref`` holding ``value`` as an inline string (never a formula), with the
    cellXfs index ``style`` (none written for 0)."""
    value = xml_text(value)
    space = ' xml:space="preserve"' if value != value.strip() else ""
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{value}</t></is></c>'


def sheet_name(name: str, taken: set[str] | None = None, default: str = "Sheet") -> str:
    """A valid sheet name (Excel's rules): at most 31 characters, none of ``[]:*?/\\``, no
    apostrophe first or last; ``default`` when nothing is left. With ``taken`` (the names
    already used, in lower case), a unique one — «Name (2)» — added to ``taken``."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip(" '")[:31].rstrip(" '") or default
    if taken is None:
        return base
    out, n = base, 1
    while out.lower() in taken:
        n += 1
        out = f"{base[:27]} ({n})"
    taken.add(out.lower())
    return out


def sheet_name_attr(name: str) -> str:
    """``name`` for the ``name="…"`` attribute of ``xl/workbook.xml``."""
    return xml_text(name).replace('"', "&quot;")

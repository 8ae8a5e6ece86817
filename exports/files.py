"""Write a form to a file: xlsx (official layout), ods and csv (through tablib), json.

Every file is written atomically (``db.files``: to a temporary file in the target's folder,
flushed and synced, then renamed onto the target), so a crash never leaves half a
spreadsheet. An existing file is never replaced unless the caller says so
(``overwrite=True``, after asking the user); a read-only file or folder is always refused
(``db.files.check_target``).
A ``si-so`` form that does not balance is refused (``SisoError`` naming the students).
tablib and openpyxl are imported inside the functions that need them.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

from db.errors import SisoError
from db.files import atomic_path, atomic_write, check_target
from db.si_so import describe_lech

from db import fields

from .forms import tables_of
from .table import Table, display

FORMATS = ("xlsx", "ods", "csv", "json")
STREAMED = ("dang-bo",)  # one long table: xlsx streamed row by row (exports.stream_form)
BOM = "\ufeff"
UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """OWASP CSV injection: a text cell beginning with ``= + - @``, tab or CR gets a leading quote."""
    if isinstance(value, str) and value.startswith(UNSAFE_START):
        return "'" + value
    return value


def _plain(value, kind: str):
    """A cell for ods/csv: numbers stay numbers, dates dd/mm/yyyy, marks x."""
    if value is None:
        return ""
    if kind == "mark" or isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, date):
        return display(value, "date")
    return value


def _datasets(form: dict, *, for_csv: bool = False) -> list:
    import tablib

    out = []
    for table in tables_of(form):
        for t in [table, *table.below]:
            ds = tablib.Dataset(title=t.sheet[:31])
            ds.headers = t.headers
            for values in t.rows:
                row = [_plain(v, c.kind) for v, c in zip(values, t.columns)]
                ds.append([csv_safe(v) for v in row] if for_csv else row)
            out.append((t, ds))
    return out


def form_bytes(form: dict, fmt: str, *, settings: dict | None = None, signed_on: date | None = None) -> bytes:
    """The file's content in ``fmt`` (xlsx, ods, csv, json)."""
    if fmt not in FORMATS:
        raise SisoError(f"Định dạng «{fmt}» không hỗ trợ: chọn một trong {', '.join(FORMATS)}.", fields.DINH_DANG)
    check_exportable(form)
    if fmt == "json":
        return (json.dumps(form, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "xlsx":
        from .xlsx_form import build_workbook

        if settings is None:
            from db.school import get_settings

            settings = get_settings()
        if form["bieu_mau"] in STREAMED:
            from .stream_form import form_xlsx_bytes

            return form_xlsx_bytes(tables_of(form)[0], settings, signed_on)
        wb = build_workbook(form, settings, signed_on)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    if fmt == "ods":
        import tablib

        book = tablib.Databook([ds for _, ds in _datasets(form)])
        return book.export("ods")
    parts = []
    sets = _datasets(form, for_csv=True)
    for table, ds in sets:
        text = ds.export("csv", lineterminator="\r\n")
        if len(sets) > 1:
            text = f"{table.title}\r\n{text}"
        parts.append(text)
    return (BOM + "\r\n".join(parts)).encode("utf-8")


def check_exportable(form: dict) -> None:
    """Refuse a form whose balance identity does not hold, naming the students."""
    if form.get("bieu_mau") == "si-so" and not form.get("can_bang", True):
        raise SisoError("Không xuất được biểu sĩ số vì số liệu không cân đối:\n" + describe_lech(form),
                        fields.CAN_BANG)


def write_form(form: dict, path, fmt: str | None = None, *, settings: dict | None = None,
               signed_on: date | None = None, overwrite: bool = False) -> Path:
    """Write ``form`` (a dict from ``db.reports``) to ``path`` atomically. ``fmt`` defaults to
    the file's extension. An existing file is replaced only with ``overwrite``. Returns the
    path written."""
    path = check_target(path, overwrite=overwrite)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt == "xlsx" and form["bieu_mau"] in STREAMED:  # into the file as the rows come
        from .stream_form import write_form_xlsx

        if settings is None:
            from db.school import get_settings

            settings = get_settings()
        with atomic_path(path, overwrite=overwrite) as tmp:
            write_form_xlsx(tables_of(form)[0], settings, tmp, signed_on)
        return path
    data = form_bytes(form, fmt, settings=settings, signed_on=signed_on)
    written = atomic_write(path, data, overwrite=overwrite)
    from db.audit_log import note_export

    note_export(str(form.get("bieu_mau") or "bieu-mau"), written)  # who exported which form, to which file
    return written


def default_filename(form: dict, fmt: str = "xlsx") -> str:
    """``bao-cao-si-so-2024-10.xlsx`` — the form's name and the month of its report date."""
    if "den_ngay" not in form:  # all years (F8)
        from db import clock

        return f"{form['bieu_mau']}-{clock.today():%Y-%m-%d}.{fmt}"
    day = date.fromisoformat(form["den_ngay"])
    return f"bao-cao-{form['bieu_mau']}-{day:%Y-%m}.{fmt}"


__all__ = ["FORMATS", "csv_safe", "form_bytes", "write_form", "check_exportable", "default_filename", "Table"]

"""Write a form to a file: xlsx (official layout), ods and csv (through tablib), json.

Every file is written atomically: to a temporary file in the target's folder, flushed
and synced, then renamed onto the target, so a crash never leaves half a spreadsheet.
An existing file is never replaced unless the caller says so (``overwrite=True``, after
asking the user); a read-only file or folder is always refused (``check_target``).
A ``si-so`` form that does not balance is refused (``SisoError`` naming the students).
tablib and openpyxl are imported inside the functions that need them.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from db.errors import SisoError, os_reason
from db.si_so import describe_lech

from db import fields

from .forms import tables_of
from .table import Table, display

FORMATS = ("xlsx", "ods", "csv", "json")
STREAMED = ("dang-bo",)  # one long table: xlsx streamed row by row (exports.stream_form)
BOM = "\ufeff"
UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")


def _new_file_mode() -> int:
    """The mode a plain ``open()`` would give a new file (0666 less the umask)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


class TargetExists(SisoError):
    """The target file exists and the caller did not allow overwriting it."""


def _read_only(path: Path) -> bool:
    """No write permission, or no write bit at all (so even an administrator is refused)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not os.access(path, os.W_OK) or not mode & 0o222


def check_target(path, *, overwrite: bool = False) -> Path:
    """The rule for every file the program writes: refuse a folder, a read-only file or a
    read-only folder (always), and an existing file unless ``overwrite`` (``TargetExists``).
    Returns the path, expanded."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise SisoError(f"«{path}» là một thư mục: cần tên tệp.", fields.TEP)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the folders that do not exist yet are created in it
    if folder.exists() and (not folder.is_dir() or _read_only(folder)):
        raise SisoError(f"Thư mục «{folder}» chỉ đọc: không ghi được tệp vào đó. Chọn thư mục khác.", fields.TEP)
    if path.exists():
        if _read_only(path):
            raise SisoError(f"Tệp «{path}» chỉ đọc: không ghi đè được. Chọn tên tệp khác.", fields.TEP)
        if not overwrite:
            raise TargetExists(f"Tệp «{path}» đã có; không ghi đè.", fields.TEP)
    return path


@contextmanager
def atomic_path(path, *, overwrite: bool = False):
    """Yield a temporary path in the target's folder; on success sync it and move it onto
    ``path`` (keeping the usual file permissions); on any error remove it. ``check_target``
    first; without ``overwrite`` the move itself refuses a file that appeared meanwhile."""
    path = check_target(path, overwrite=overwrite)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise SisoError(f"Không tạo được tệp trong thư mục «{path.parent}»: {os_reason(exc)}.", fields.TEP) from None
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _new_file_mode())
        if overwrite:
            os.replace(tmp, path)
        else:
            _move_no_clobber(tmp, path)
    except TargetExists:
        raise
    except FileExistsError:
        raise TargetExists(f"Tệp «{path}» đã có; không ghi đè.", fields.TEP) from None
    except OSError as exc:
        import errno

        why = ("ổ đĩa đã đầy (giải phóng chỗ trống rồi thử lại)" if exc.errno in (errno.ENOSPC, errno.EDQUOT)
               else os_reason(exc))
        raise SisoError(f"Không ghi được tệp «{path}»: {why}; không để lại tệp dở dang.", fields.TEP) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _move_no_clobber(tmp: str, path: Path) -> None:
    """Move ``tmp`` to ``path``, failing with FileExistsError if ``path`` exists: a hard link
    (atomic) where the file system has them, else a check and a rename."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def atomic_write(path, data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename;
    an existing ``path`` only with ``overwrite`` (``check_target``)."""
    with atomic_path(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(data)
    return Path(path).expanduser()


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


__all__ = ["FORMATS", "TargetExists", "atomic_write", "check_target", "csv_safe", "form_bytes", "write_form", "check_exportable",
           "default_filename", "Table"]

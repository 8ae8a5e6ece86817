"""One user action = one transaction, with its audit record written inside it."""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from datetime import date, datetime

from peewee import DatabaseError, OperationalError, SqliteDatabase

from .errors import SisoError

from .models import Audit, database
from . import fields

_acting_user: str | None = None


def current_user() -> str:
    """The acting user: set explicitly, else the process's effective system account."""
    if _acting_user:
        return _acting_user
    from .users import system_account

    return system_account()


def set_user(name: str | None) -> None:
    global _acting_user
    _acting_user = name


def _default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


@contextmanager
def write(action: str, target: str = "", **detail):
    """Open a write transaction (IMMEDIATE on SQLite) and record the audit line in it.

    The body may add to ``detail`` through the yielded dict (e.g. the new id, before/after).
    """
    db = database.obj
    if not db.in_transaction():
        from .connection import refuse_write

        refuse_write()  # a damaged file or a read-only folder: nothing is written
        from . import backup_daily  # imported at the first write, not at start-up

        backup_daily.before_write(action)  # the day's copy; a copy before an import or rollover
    ctx = db.atomic("IMMEDIATE") if isinstance(db, SqliteDatabase) else db.atomic()
    try:
        with ctx:
            info = dict(detail)
            yield info
            Audit.create(
                user=current_user(),
                action=action,
                target=str(info.pop("_target", target)),
                detail=json.dumps(info, ensure_ascii=False, default=_default),
            )
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        if isinstance(exc, (OperationalError, sqlite3.OperationalError)) or storage_case(exc):
            raise storage_error(exc) from None
        raise


# SQLite's primary result codes (the low byte of an extended code) and what they mean to the
# user; Python 3.11+ gives the code on the exception, earlier versions only SQLite's message.
_SQLITE_CODES = {5: "busy", 6: "busy", 8: "readonly", 10: "ioerr", 11: "corrupt", 13: "full",
                 14: "cantopen", 26: "notadb"}
_SQLITE_TEXTS = [  # (SQLite's own message, the case) — the fallback when there is no code
    ("database disk image is malformed", "corrupt"), ("file is not a database", "notadb"),
    ("file is encrypted", "notadb"), ("database or disk is full", "full"),
    ("disk i/o error", "ioerr"), ("readonly database", "readonly"),
    ("database is locked", "busy"), ("database table is locked", "busy"),
    ("unable to open database", "cantopen"), ("could not decode to utf-8", "corrupt"),
]
STORAGE_MESSAGES = {
    "busy": "Cơ sở dữ liệu đang bận: người khác đang ghi. Chưa ghi gì; hãy thử lại sau ít phút.",
    "readonly": "Không ghi được: cơ sở dữ liệu chỉ cho đọc (kiểm tra quyền ghi của tệp và thư "
                "mục chứa nó). Chưa ghi gì.",
    "full": "Không ghi được: ổ đĩa (hoặc giới hạn dung lượng của cơ sở dữ liệu) đã đầy. Chưa ghi "
            "gì; giải phóng chỗ trống rồi thử lại.",
    "ioerr": "Lỗi đọc/ghi ổ đĩa (ổ đĩa đầy, bị rút ra hoặc hỏng). Chưa ghi gì; kiểm tra ổ đĩa rồi "
             "thử lại.",
    "corrupt": "Tệp cơ sở dữ liệu bị hỏng. Chưa ghi gì; chạy «siso check» để xem chỗ hỏng và "
               "«siso restore» để khôi phục từ bản sao lưu.",
    "notadb": "Tệp này không phải cơ sở dữ liệu SQLite (hoặc phần đầu tệp đã hỏng). Chưa ghi gì; "
              "khôi phục bằng «siso restore» từ bản sao lưu.",
    "cantopen": "Không mở được tệp cơ sở dữ liệu (kiểm tra đường dẫn và quyền của thư mục). "
                "Chưa ghi gì.",
}


def storage_case(exc: BaseException) -> str | None:
    """Which of ``STORAGE_MESSAGES`` an engine error is (peewee's wrapper or sqlite3's own):
    by SQLite's result code, else by its message; None for anything else."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in _SQLITE_CODES:
            return _SQLITE_CODES[code & 0xFF]
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = inner or exc.__cause__ or exc.__context__
    return None


def storage_error(exc: Exception) -> SisoError:
    """A Vietnamese message for what the database engine refused (locked, read-only, full,
    damaged …), chosen by SQLite's result code, not by the words of its English message."""
    case = storage_case(exc)
    if case is None:
        msg = str(exc).lower()
        case = next((c for text, c in _SQLITE_TEXTS if text in msg), None)
        if case is None and ("locked" in msg or "busy" in msg):
            case = "busy"
    if case is not None:
        return SisoError(STORAGE_MESSAGES[case], fields.CSDL)
    return SisoError(f"Cơ sở dữ liệu từ chối việc ghi ({exc}). Chưa ghi gì.", fields.CSDL)

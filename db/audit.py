"""One user action = one transaction, with its audit record written inside it."""

from __future__ import annotations

import getpass
import json
from contextlib import contextmanager
from datetime import date, datetime

from peewee import OperationalError, SqliteDatabase

from . import backup
from .errors import SisoError

from .models import Audit, database

_acting_user: str | None = None


def current_user() -> str:
    """The acting user: set explicitly, else the logged-in OS user."""
    if _acting_user:
        return _acting_user
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some service environments
        return "unknown"


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
        backup.before_write(action)  # the day's copy; a copy before an import or rollover
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
    except OperationalError as exc:
        raise storage_error(exc) from None


def storage_error(exc: Exception) -> SisoError:
    """A Vietnamese message for what the database engine refused (locked, read-only, full)."""
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return SisoError("Cơ sở dữ liệu đang bận: người khác đang ghi. Chưa ghi gì; "
                         "hãy thử lại sau ít phút.", "db")
    if "readonly" in msg or "read-only" in msg or "read only" in msg:
        return SisoError("Không ghi được: tệp cơ sở dữ liệu chỉ cho đọc (kiểm tra quyền ghi "
                         "của tệp và thư mục chứa nó). Chưa ghi gì.", "db")
    if "full" in msg or "disk" in msg:
        return SisoError("Không ghi được: ổ đĩa đã đầy. Chưa ghi gì; giải phóng chỗ trống rồi "
                         "thử lại.", "db")
    return SisoError(f"Cơ sở dữ liệu từ chối việc ghi ({exc}). Chưa ghi gì.", "db")

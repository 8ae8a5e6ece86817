"""The automatic backups, made before a write (``before_write``, called by ``audit.write``).

* **daily**: the first write of each day first copies the database. One per day and
  database file even when several writers start at once: the copy is made by whoever
  creates the day's marker file (an exclusive create).
* **import**, **rollover**, **undo**: made before every import, rollover and undo of
  either, whatever the day (a restore makes its own, ``db.backup_restore``).

PostgreSQL databases are not copied here (``db.backup_postgres`` says how).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import date
from pathlib import Path

from . import clock, fields
from .backup import make_backup, make_folder
from .backup_copies import DAILY, connect_ro, day_marker, live_path
from .errors import SisoError, os_reason

# audit actions that make a copy first, whatever the day
ACTION_REASONS = {
    "import.students": "import",
    "import.undo": "undo",
    "year.rollover": "rollover",
    "year.undo_rollover": "undo",
}

_done: set[tuple[str, date]] = set()  # (database file, day) whose daily copy is settled here
_lock = threading.Lock()
last_error: str | None = None  # why the last daily copy could not be made (writes go on)


def _has_school(db_path: Path) -> bool:
    try:
        con = connect_ro(db_path)
        try:
            return bool(con.execute(
                "SELECT EXISTS(SELECT 1 FROM school_year) OR EXISTS(SELECT 1 FROM student)"
            ).fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return True  # let the copy itself say what is wrong


def daily_backup(db_path: Path, day: date | None = None) -> Path | None:
    """The day's copy of ``db_path`` if nobody made it yet (None: already made, or the
    database holds no school yet). The day's marker file is created exclusively first, so
    that of several writers starting at once exactly one makes it."""
    db_path = Path(db_path)
    day = day or clock.today()
    marker = day_marker(db_path, day)
    if marker.exists() or not _has_school(db_path):
        return None
    make_folder(db_path)
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return None
    except OSError as exc:
        raise SisoError(f"Không tạo được bản sao hằng ngày: {os_reason(exc)}.", fields.BAN_SAO) from None
    try:
        return make_backup(db_path, DAILY)
    except BaseException:
        try:
            marker.unlink()  # the next write tries again
        except OSError:
            pass
        raise


def ensure_daily(db_path: Path | None = None) -> Path | None:
    """The day's copy, made at most once per process and day (cheap after the first call);
    a write arriving while it is being made waits for it. A failure does not stop writes:
    it is kept in ``last_error``."""
    global last_error
    from . import connection

    db_path = db_path or live_path()
    if db_path is None:
        return None
    if not connection.state.checked.is_set():
        connection.run_open_check()
    if connection.state.read_only:  # a damaged file is not copied over the good copies
        return None
    key = (str(db_path), clock.today())
    if key in _done:
        return None
    with _lock:
        if key in _done:
            return None
        try:
            made = daily_backup(Path(db_path), key[1])
            last_error = None
        except SisoError as err:
            made, last_error = None, err.message
        except Exception as exc:  # a backup never stops the school's work
            made, last_error = None, str(exc)
        _done.add(key)
        return made


def before_write(action: str) -> None:
    """Called by ``audit.write`` before it opens a transaction: the day's copy, and a copy
    before an import, rollover or undo (which, unlike the daily one, must succeed)."""
    path = live_path()
    if path is None:
        return
    ensure_daily(path)
    reason = ACTION_REASONS.get(action)
    if reason:
        try:
            make_backup(path, reason)
        except SisoError as err:
            raise SisoError(f"{err.message} Chưa ghi gì: siso luôn sao lưu trước việc này.",
                            fields.BAN_SAO) from None


def mark_daily_done(db_path: Path) -> None:
    _done.add((str(db_path), clock.today()))

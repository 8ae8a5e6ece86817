"""Where a database's backups live, what they are called, and what each one holds.

Copies go into a ``backups/`` folder beside the database file, named after the file, the
time and the reason: ``siso-20261130-101500-daily.sqlite3`` (the reasons are in ``REASONS``;
the day's marker file, ``.siso-20261130.daily``, sits beside them). ``copies`` lists them,
``summary`` reads what one holds without changing it (``connect_ro``).

Making a copy: ``db.backup``; which copies are kept: ``db.backup_rotation``; the automatic
ones: ``db.backup_daily``; checking and restoring one: ``db.backup_check``,
``db.backup_restore``.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .errors import SisoError
from . import fields

FOLDER = "backups"

DAILY = "daily"
MANUAL = "manual"
# reason -> how it is shown (Vietnamese msgids; the TUI translates them)
REASONS = {
    DAILY: "hằng ngày",
    MANUAL: "sao lưu tay",
    "import": "trước khi nhập danh sách",
    "rollover": "trước khi chuyển năm học",
    "undo": "trước khi hoàn tác",
    "restore": "trước khi khôi phục",
    "damaged": "tệp hỏng, giữ nguyên trước khi khôi phục",
}
EVENT_REASONS = ("import", "rollover", "undo", "restore")

_NAME = re.compile(r"^(?P<stem>.+)-(?P<day>\d{8})-(?P<time>\d{6})-(?P<reason>[a-z]+)"
                   r"(?:-(?P<n>\d+))?\.sqlite3$")


@dataclass
class Copy:
    """One backup file."""

    path: Path
    at: datetime
    reason: str
    size: int

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)

    def students(self) -> int | None:
        """How many students the copy holds (None when it cannot be read)."""
        try:
            return summary(self.path)["students"]
        except SisoError:
            return None


# ---- where ----------------------------------------------------------------------------------

def live_path() -> Path | None:
    """The open database's file; None on PostgreSQL or in memory."""
    from peewee import SqliteDatabase

    from .models import database

    db = database.obj
    if getattr(db, "siso_path", None) is not None:  # opened read only (damaged, read-only folder)
        return Path(db.siso_path)
    if not isinstance(db, SqliteDatabase) or db.database in ("", ":memory:") \
            or str(db.database).startswith("file:"):
        return None
    return Path(db.database).resolve()


def folder_for(db_path: Path) -> Path:
    return Path(db_path).parent / FOLDER


def stem_of(db_path: Path) -> str:
    return Path(db_path).stem or Path(db_path).name


def day_marker(db_path: Path, day: date) -> Path:
    """The file whose exclusive creation settles who makes the day's copy (``db.backup_daily``)."""
    return folder_for(db_path) / f".{stem_of(db_path)}-{day:%Y%m%d}.daily"


def copies(db_path: Path) -> list[Copy]:
    """The backups of ``db_path`` in its ``backups/`` folder, oldest first."""
    folder = folder_for(db_path)
    stem = stem_of(db_path)
    out = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        m = _NAME.match(entry.name)
        if not m or m["stem"] != stem:
            continue
        try:
            at = datetime.strptime(m["day"] + m["time"], "%Y%m%d%H%M%S")
            size = entry.stat().st_size
        except (ValueError, OSError):
            continue
        out.append(Copy(Path(entry.path), at, m["reason"], size))
    out.sort(key=lambda c: (c.at, c.path.name))
    return out


# ---- reading a copy ------------------------------------------------------------------------

def connect_ro(path: Path) -> sqlite3.Connection:
    """A read-only connection that never creates or changes anything beside the file.

    ``mode=ro`` alone is not enough for a file in WAL mode: SQLite then creates its ``-wal``
    and ``-shm`` beside it and, being read-only, cannot remove them on close (a refused
    restore would leave them beside the copy it checked). A WAL file without its ``-wal``
    is open in no connection (a connection in WAL mode keeps the ``-wal`` while it is
    open), so it is read as ``immutable``, which creates nothing."""
    path = Path(path).resolve()
    uri = path.as_uri() + "?mode=ro"
    if _wal_mode(path) and not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists():
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, timeout=10)


def _wal_mode(path: Path) -> bool:
    """Does the SQLite header of ``path`` say WAL (read and write versions 2)?"""
    try:
        with open(path, "rb") as fh:
            head = fh.read(20)
    except OSError:
        return False
    return head[:16] == b"SQLite format 3\x00" and head[18:20] == b"\x02\x02"


def summary(path: Path) -> dict:
    """Students, events (not voided), last write time and schema version of a siso file,
    read without changing it."""
    try:
        con = connect_ro(path)
        try:
            students = con.execute("SELECT COUNT(*) FROM student").fetchone()[0]
            events = con.execute("SELECT COUNT(*) FROM event WHERE voided_at IS NULL").fetchone()[0]
            last = con.execute("SELECT MAX(at) FROM audit").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise SisoError(f"Không đọc được «{Path(path).name}»: {exc}.", fields.BAN_SAO) from None
    last_write = None
    if last:
        try:
            last_write = datetime.fromisoformat(str(last))
        except ValueError:
            last_write = None
    return {"students": students, "events": events, "last_write": last_write}

"""Backups of a SQLite database, and restoring one.

Copies go into a ``backups/`` folder beside the database file, named after the file, the
time and the reason: ``siso-20261130-101500-daily.sqlite3``. Every copy is made with
SQLite's online backup API (a consistent snapshot while others keep writing), written to a
hidden temporary file, checked, then given its name; it keeps the database file's mode and
group.

* **daily**: the first write of each day (``before_write``, called by ``audit.write``) first
  copies the database. One per day and database file even when several writers start at
  once: the copy is made by whoever creates the day's marker file (an exclusive create).
  Kept: the 7 newest daily copies, and the newest copy of each of the 4 weeks before them.
* **import**, **rollover**, **undo**, **restore**: made before every import, rollover, undo
  of either, and restore, whatever the day; the last 10 of them are kept.
* **manual**: ``siso backup`` and the settings screen; never removed by siso.

Rotation is per database file name, so the demo's copies never push out the real ones.
PostgreSQL databases are not copied here (``pg_dump_command`` says how).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from . import clock
from .errors import SisoError, os_reason

FOLDER = "backups"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_EVENTS = 10  # copies made before an import, rollover, undo or restore, per database file

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
# audit actions that make a copy first, whatever the day
ACTION_REASONS = {
    "import.students": "import",
    "import.undo": "undo",
    "year.rollover": "rollover",
    "year.undo_rollover": "undo",
}

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


# ---- making a copy ---------------------------------------------------------------------------

def _keep_owner(src: Path, dest: Path) -> None:
    """Give ``dest`` the mode and group of ``src`` (a group that shares the database shares
    its backups; a private database keeps private backups)."""
    st = os.stat(src)
    os.chmod(dest, stat.S_IMODE(st.st_mode))
    try:
        os.chown(dest, -1, st.st_gid)
    except OSError:  # not a member of that group: the mode still applies
        pass


def _make_folder(db_path: Path) -> Path:
    folder = folder_for(db_path)
    if not folder.is_dir():
        parent = os.stat(folder.parent)
        try:
            folder.mkdir(exist_ok=True)
            os.chmod(folder, stat.S_IMODE(parent.st_mode))
            try:
                os.chown(folder, -1, parent.st_gid)
            except OSError:
                pass
        except OSError as exc:
            raise SisoError(f"Không tạo được thư mục sao lưu «{folder}»: {os_reason(exc)}.",
                            "backup") from None
    return folder


def _connect_ro(path: Path) -> sqlite3.Connection:
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


def copy_file(src: Path, dest: Path, *, check: str = "integrity_check") -> Path:
    """Copy the SQLite database ``src`` into the new file ``dest`` (refused when it exists)
    with the online backup API; ``dest`` passes ``PRAGMA <check>`` before it gets its name
    (else nothing is left behind). The copy is a single file (journal mode DELETE)."""
    src, dest = Path(src), Path(dest)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    reserved = False
    try:
        mode = stat.S_IMODE(os.stat(src).st_mode)
        # reserve the name: never overwrite a file, and two writers never share a name
        os.close(os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        reserved = True
        os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode & 0o666 or 0o600))
        source = sqlite3.connect(str(src), timeout=10)
        try:
            out = sqlite3.connect(str(tmp))
            try:
                source.backup(out)
                out.execute("PRAGMA journal_mode=DELETE")
                result = [row[0] for row in out.execute(f"PRAGMA {check}")]
            finally:
                out.close()
        finally:
            source.close()
        if result != ["ok"]:
            raise SisoError(f"Bản sao «{dest.name}» không qua được kiểm tra của SQLite "
                            f"({'; '.join(result[:3])}): đã xóa bản sao.", "backup")
        _keep_owner(src, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        reserved = False
        return dest
    except FileExistsError:
        raise SisoError(f"Tệp «{dest}» đã có: chọn tên khác (siso không ghi đè lên tệp có sẵn).",
                        "backup") from None
    except sqlite3.Error as exc:
        raise SisoError(f"Không sao lưu được «{src.name}»: {exc}.", "backup") from None
    except OSError as exc:
        if not dest.parent.is_dir():
            raise SisoError(f"Không ghi được bản sao «{dest}»: thư mục «{dest.parent}» không có "
                            "(tạo thư mục trước, hoặc chọn thư mục khác).", "backup") from None
        raise SisoError(f"Không ghi được bản sao «{dest}»: {os_reason(exc)}.",
                        "backup") from None
    finally:
        for leftover in (tmp, dest if reserved else None):
            if leftover is not None:
                try:
                    leftover.unlink()
                except OSError:
                    pass


def make_backup(db_path: Path, reason: str, *, full_check: bool = False) -> Path:
    """Copy ``db_path`` into its ``backups/`` folder (reason ``daily``, ``manual``,
    ``import``…), then drop the old copies of that reason. ``full_check``: the copy also
    passes ``siso check`` (else it is removed and SisoError is raised)."""
    db_path = Path(db_path)
    folder = _make_folder(db_path)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    base = f"{stem_of(db_path)}-{stamp}-{reason}"
    for n in range(1, 100):
        dest = folder / (f"{base}.sqlite3" if n == 1 else f"{base}-{n}.sqlite3")
        if dest.exists():
            continue
        try:
            copy_file(db_path, dest, check="integrity_check" if full_check else "quick_check")
            break
        except SisoError:
            if dest.exists():  # another writer took the name in between: the next one
                continue
            raise
    else:
        raise SisoError(f"Không đặt được tên cho bản sao trong «{folder}».", "backup")
    if full_check:
        verify(dest)
    prune(db_path)
    return dest


def manual_backup(db_path: Path, output: Path | None = None) -> Path:
    """A copy the user asked for (``siso backup``, the settings screen): into ``output``, or
    the backups folder; checked before it is reported. The clerk and the principal only."""
    from . import users

    users.require_admin("sao lưu dữ liệu")
    if output is None:
        return make_backup(db_path, MANUAL, full_check=True)
    copy_file(db_path, output, check="integrity_check")
    verify(output)
    return output


def verify(path: Path) -> None:
    """``siso check`` on a copy; a copy that fails it is removed (SisoError)."""
    report = inspect(path)
    problems = ([report["refusal"]] if report.get("refusal") else []) + report.get("problems", [])
    if problems:
        try:
            Path(path).unlink()
        except OSError:
            pass
        raise SisoError(f"Bản sao «{Path(path).name}» không qua được kiểm tra ({problems[0]}"
                        + (f", và {len(problems) - 1} lỗi khác" if len(problems) > 1 else "")
                        + "): đã xóa bản sao.", "backup")


# ---- rotation --------------------------------------------------------------------------------

def to_keep(found: list[Copy]) -> set[Path]:
    """Which copies stay: every manual copy; the last KEEP_EVENTS event copies; the
    KEEP_DAILY newest daily copies (one per day) and the newest daily copy of each of the
    KEEP_WEEKLY weeks before them."""
    keep = {c.path for c in found if c.reason not in (DAILY, *EVENT_REASONS)}
    events = [c for c in found if c.reason in EVENT_REASONS]
    keep |= {c.path for c in events[-KEEP_EVENTS:]}
    daily = sorted((c for c in found if c.reason == DAILY), key=lambda c: c.at, reverse=True)
    days: list[date] = []
    for c in daily:
        if c.at.date() not in days:
            days.append(c.at.date())
            keep.add(c.path)
            if len(days) == KEEP_DAILY:
                break
    weeks: set[tuple[int, int]] = {tuple(d.isocalendar()[:2]) for d in days}
    kept_weeks = 0
    for c in daily:
        week = tuple(c.at.isocalendar()[:2])
        if c.at.date() in days or week in weeks:
            continue
        weeks.add(week)
        keep.add(c.path)
        kept_weeks += 1
        if kept_weeks == KEEP_WEEKLY:
            break
    return keep


def prune(db_path: Path) -> list[Path]:
    """Remove the copies of ``db_path`` that rotation no longer keeps, and old day markers."""
    found = copies(db_path)
    keep = to_keep(found)
    removed = []
    for c in found:
        if c.path not in keep:
            try:
                c.path.unlink()
                removed.append(c.path)
            except OSError:
                pass
    today = _marker(db_path, clock.today()).name
    prefix = f".{stem_of(db_path)}-"
    try:
        for entry in os.scandir(folder_for(db_path)):
            if entry.name.startswith(prefix) and entry.name.endswith(".daily") \
                    and entry.name != today and re.fullmatch(r"\d{8}", entry.name[len(prefix):-6]):
                os.unlink(entry.path)
    except OSError:
        pass
    return removed


# ---- automatic copies ------------------------------------------------------------------------

_done: set[tuple[str, date]] = set()  # (database file, day) whose daily copy is settled here
_lock = threading.Lock()
last_error: str | None = None  # why the last daily copy could not be made (writes go on)


def _marker(db_path: Path, day: date) -> Path:
    return folder_for(db_path) / f".{stem_of(db_path)}-{day:%Y%m%d}.daily"


def _has_school(db_path: Path) -> bool:
    try:
        con = _connect_ro(db_path)
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
    marker = _marker(db_path, day)
    if marker.exists() or not _has_school(db_path):
        return None
    _make_folder(db_path)
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return None
    except OSError as exc:
        raise SisoError(f"Không tạo được bản sao hằng ngày: {os_reason(exc)}.", "backup") from None
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
        except Exception as exc:  # noqa: BLE001 - a backup never stops the school's work
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
                            "backup") from None


def mark_daily_done(db_path: Path) -> None:
    _done.add((str(db_path), clock.today()))


def restore_hint(db_path: Path | None = None) -> str:
    """« The last backup: … ; restore with siso restore … » for a database whose writes are
    off (empty when it has no copy)."""
    from . import connection

    db_path = db_path or connection.state.path
    found = [c for c in copies(db_path)] if db_path else []
    if not found:
        return " Chưa có bản sao lưu nào của tệp này."
    last = found[-1]
    return (f" Bản sao lưu gần nhất: {last.path.name} ({last.at:%d/%m/%Y %H:%M}); khôi phục bằng "
            f"«siso restore {last.path.name}».")


# ---- what a copy holds -----------------------------------------------------------------------

def summary(path: Path) -> dict:
    """Students, events (not voided), last write time and schema version of a siso file,
    read without changing it."""
    try:
        con = _connect_ro(path)
        try:
            students = con.execute("SELECT COUNT(*) FROM student").fetchone()[0]
            events = con.execute("SELECT COUNT(*) FROM event WHERE voided_at IS NULL").fetchone()[0]
            last = con.execute("SELECT MAX(at) FROM audit").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise SisoError(f"Không đọc được «{Path(path).name}»: {exc}.", "backup") from None
    last_write = None
    if last:
        try:
            last_write = datetime.fromisoformat(str(last))
        except ValueError:
            last_write = None
    return {"students": students, "events": events, "last_write": last_write}


def _facts(path: Path) -> dict:
    """SQLite integrity, siso's meta table and schema version: a refusal (one Vietnamese
    line) or None."""
    from .connection import SCHEMA_VERSION

    name = Path(path).name
    facts = {"refusal": None, "version": None, "problems": []}
    if Path(path).is_dir():
        facts["refusal"] = f"«{path}» là một thư mục: cần tệp bản sao."
        return facts
    if not Path(path).is_file():
        facts["refusal"] = f"Không có tệp «{path}»."
        return facts
    try:
        con = _connect_ro(path)
        try:
            result = [row[0] for row in con.execute("PRAGMA integrity_check")]
            if result != ["ok"]:
                facts["refusal"] = (f"Tệp «{name}» bị hỏng (SQLite: {'; '.join(result[:2])}): "
                                    "không khôi phục, chưa thay đổi gì.")
                return facts
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            row = (con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                   if "meta" in tables else None)
        finally:
            con.close()
    except sqlite3.Error as exc:
        facts["refusal"] = (f"Tệp «{name}» bị hỏng hoặc không phải cơ sở dữ liệu SQLite ({exc}): "
                            "không khôi phục, chưa thay đổi gì.")
        return facts
    if row is None or "student" not in tables:
        facts["refusal"] = (f"Tệp «{name}» không phải cơ sở dữ liệu của siso (không có bảng meta "
                            "với phiên bản lược đồ): không khôi phục, chưa thay đổi gì.")
        return facts
    try:
        version = int(row[0])
    except (TypeError, ValueError):
        version = None
    if version is None or version < 1:
        facts["refusal"] = (f"Tệp «{name}» có phiên bản lược đồ không hợp lệ «{row[0]}»: "
                            "không khôi phục, chưa thay đổi gì.")
        return facts
    facts["version"] = version
    if version > SCHEMA_VERSION:
        facts["refusal"] = (f"Tệp «{name}» có phiên bản lược đồ {version}, mới hơn chương trình "
                            f"này (phiên bản {SCHEMA_VERSION}): hãy cập nhật siso trước; chưa "
                            "thay đổi gì.")
    return facts


def _inspect_here(path: Path) -> dict:
    """The checks of ``inspect``, in this process (it binds the database proxy: run it in a
    process of its own)."""
    facts = _facts(path)
    if facts["refusal"]:
        return facts
    from .check import check_database
    from .connection import close_database, open_database

    with tempfile.TemporaryDirectory(prefix="siso-check-") as tmp:
        work = Path(tmp) / "check.sqlite3"
        source = _connect_ro(path)
        try:
            out = sqlite3.connect(str(work))
            source.backup(out)
            out.close()
        finally:
            source.close()
        open_database(str(work))  # an older schema is migrated here, as after a restore
        try:
            facts["problems"] = check_database()
        finally:
            close_database()
    return facts


def inspect(path: Path) -> dict:
    """Is ``path`` a sound siso database this program can use? Returns ``refusal`` (one
    Vietnamese line, or None), ``version`` and ``problems`` (``siso check``'s lines).

    SQLite's integrity check and the schema are read here; ``siso check`` runs on a
    temporary copy in a separate process, so that the open database is never unbound (the
    app's other threads keep working on it)."""
    facts = _facts(path)
    if facts["refusal"]:
        return facts
    try:
        done = subprocess.run([sys.executable, "-m", "db.backup", "inspect", str(Path(path).resolve())],
                              capture_output=True, text=True, timeout=600,
                              cwd=str(Path(__file__).resolve().parent.parent))
        return json.loads(done.stdout)
    except (OSError, ValueError, subprocess.SubprocessError):
        facts["refusal"] = (f"Tệp «{Path(path).name}» không kiểm tra được (siso check dừng giữa "
                            "chừng): coi như hỏng, chưa thay đổi gì.")
        return facts


# ---- restore ---------------------------------------------------------------------------------

@dataclass
class RestorePlan:
    """What a restore would change: the copy's and the live database's summaries."""

    path: Path
    version: int
    copy: dict
    live: dict
    warnings: list[str] = field(default_factory=list)


def resolve_copy(name: str, db_path: Path | None = None) -> Path:
    """A path as given, or a file name in the database's ``backups/`` folder."""
    if not name.strip():
        raise SisoError("Thiếu tên tệp bản sao (xem «siso backup list»).", "file")
    path = Path(name).expanduser()
    if not path.exists() and db_path is not None and (folder_for(db_path) / name).exists():
        return folder_for(db_path) / name
    return path


def plan_restore(path: Path) -> RestorePlan:
    """Check ``path`` before a restore (SQLite integrity, a siso database, a schema version
    not newer than this program's, ``siso check``): SisoError names the first refusal. The
    plan warns when the copy's users (logins, roles, active or not) differ from today's: a
    restore brings back the old accounts, passwords and roles too."""
    from . import users

    users.require_admin("khôi phục dữ liệu")
    live = live_path()
    if live is None:
        raise SisoError("Khôi phục chỉ dùng cho cơ sở dữ liệu SQLite; với PostgreSQL dùng "
                        "pg_restore.", "db")
    path = Path(path)
    if path.exists() and path.resolve() == live:
        raise SisoError(f"«{path.name}» chính là cơ sở dữ liệu đang dùng: chọn một bản sao.", "file")
    report = inspect(path)
    if report.get("refusal"):
        raise SisoError(report["refusal"], "file")
    problems = report.get("problems") or []
    if problems:
        raise SisoError(f"Tệp «{path.name}» không qua được siso check ({problems[0]}"
                        + (f", và {len(problems) - 1} lỗi khác" if len(problems) > 1 else "")
                        + "): không khôi phục, chưa thay đổi gì.", "file")
    try:
        now = summary(live)
    except SisoError:  # the live file is damaged: nothing of it can be counted
        now = {"students": "?", "events": "?", "last_write": None}
    plan = RestorePlan(path, report["version"], summary(path), now)
    try:
        old, new = _users_of(path), _users_of(live)
    except sqlite3.Error:
        old = new = None
    if old is not None and old != new:
        gone = sorted(set(new) - set(old))
        back = sorted(set(old) - set(new))
        changed = sorted(k for k in set(old) & set(new) if old[k] != new[k])
        parts = ([f"mất người dùng {', '.join(gone)}"] if gone else []) + (
            [f"có lại người dùng {', '.join(back)}"] if back else []) + (
            [f"vai trò, tài khoản hoặc trạng thái khác với hôm nay: {', '.join(changed)}"] if changed else [])
        plan.warnings.append("Chú ý: người dùng trong bản sao khác hiện tại (" + "; ".join(parts)
                             + "). Sau khi khôi phục, quyền và mật khẩu là của bản sao.")
    return plan


def _users_of(path: Path) -> dict[str, tuple]:
    """login → (active, account, password set, roles) as stored in a database file."""
    con = _connect_ro(path)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'siso_user'").fetchone():
            return {}
        roles: dict[int, list] = {}
        for uid, role, grades, klass in con.execute(
                "SELECT user_id, role, grades, klass_id FROM user_role ORDER BY id"):
            roles.setdefault(uid, []).append((role, grades, klass))
        return {login: (bool(active), account, bool(pw), tuple(sorted(roles.get(uid, []), key=str)))
                for uid, login, active, account, pw in con.execute(
                    "SELECT id, login, active, system_account, password_hash FROM siso_user")}
    finally:
        con.close()


def restore_damaged(path: Path, live: Path) -> Path:
    """Restore the checked copy ``path`` over a live file that is damaged (it opened read
    only, or not at all). The damaged file is first kept as it is, byte for byte, in the
    ``backups/`` folder (reason ``damaged``, never removed by siso); the copy then goes in
    through SQLite's backup API, or, when SQLite cannot even write to the damaged file, as a
    checked copy renamed over it once its ``-wal`` and ``-shm`` are removed (nobody writes
    to a damaged file: siso refuses every write to it). Returns the kept damaged file."""
    import shutil

    live = Path(live)
    folder = _make_folder(live)
    kept = folder / f"{stem_of(live)}-{clock.now():%Y%m%d-%H%M%S}-damaged.sqlite3"
    try:
        shutil.copy2(live, kept)
        if Path(f"{live}-wal").exists():
            shutil.copy2(f"{live}-wal", f"{kept}-wal")
    except OSError as exc:
        raise SisoError(f"Không giữ lại được tệp hỏng trước khi khôi phục ({os_reason(exc)}): chưa "
                        "thay đổi gì.", "backup") from None
    try:
        source, out = _connect_ro(path), sqlite3.connect(str(live), timeout=10)
        try:
            source.backup(out)
            ok = out.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        finally:
            source.close()
            out.close()
        if ok:
            return kept
    except sqlite3.Error:
        pass
    fresh = live.with_name(f".{live.name}.restore-{os.getpid()}")
    copy_file(path, fresh, check="integrity_check")
    for extra in ("-wal", "-shm"):
        try:
            os.unlink(f"{live}{extra}")
        except FileNotFoundError:
            pass
    os.replace(fresh, live)
    return kept


def restore(plan: RestorePlan) -> Path:
    """Replace the open database's content with the copy: first a copy of the current
    content (reason ``restore``), then SQLite's backup API into the live connection (which
    holds the database's write lock while it copies: other connections see the old content
    or the new, never a mix, and the file is never renamed under them). An older schema is
    then migrated as on open. Returns the copy of what was replaced."""
    from . import users

    users.require_admin("khôi phục dữ liệu")
    from . import audit
    from .connection import ensure_schema
    from .models import database

    from . import connection

    live = live_path()
    db = database.obj
    if live is None:
        raise SisoError("Khôi phục chỉ dùng cho cơ sở dữ liệu SQLite.", "db")
    if connection.state.damage:
        db.close()
        before = restore_damaged(plan.path, live)
        connection.open_database(str(live))
        with audit.write("restore", plan.path.name, before=before.name):
            pass
        return before
    if db.in_transaction():
        raise SisoError("Không khôi phục giữa một lần ghi khác.", "db")
    before = make_backup(live, "restore")
    mark_daily_done(live)  # the day's state before this write is in that copy
    try:
        source = _connect_ro(plan.path)
        try:
            source.backup(db.connection())
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise SisoError(f"Không khôi phục được ({exc}): cơ sở dữ liệu vẫn như trước; bản trước "
                        f"khi khôi phục ở «{before}».", "db") from None
    ensure_schema(db, str(live))
    with audit.write("restore", plan.path.name, before=before.name):
        pass
    return before


# ---- PostgreSQL ------------------------------------------------------------------------------

def pg_dump_command(target: str, *, restore_file: str | None = None) -> str:
    """The ``pg_dump`` (or ``pg_restore``) command for a postgresql:// URL, without its
    password (pg_dump asks for it, or reads PGPASSWORD / ~/.pgpass)."""
    import shlex
    from urllib.parse import unquote, urlsplit

    try:
        parts = urlsplit(target)
        host, port, user = parts.hostname, parts.port, parts.username
    except ValueError:
        host = port = user = None
        parts = urlsplit("postgresql:///")
    name = unquote(parts.path.lstrip("/")) or "siso"
    args = []
    if host:
        args += ["--host", host]
    if port:
        args += ["--port", str(port)]
    if user:
        args += ["--username", unquote(user)]
    if restore_file:
        cmd = ["pg_restore", "--clean", "--if-exists", *args, "--dbname", name, restore_file]
    else:
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        cmd = ["pg_dump", "--format=custom", f"--file={name}-{stamp}.dump", *args, name]
    return shlex.join(cmd)


def _main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "inspect":
        try:
            report = _inspect_here(Path(argv[1]))
        except Exception as exc:  # noqa: BLE001 - a damaged file may fail anywhere
            report = {"refusal": f"Tệp «{Path(argv[1]).name}» bị hỏng ({exc}): không khôi phục, "
                                 "chưa thay đổi gì.", "version": None, "problems": []}
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print("dùng: python -m db.backup inspect TỆP", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))

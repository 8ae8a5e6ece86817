"""Restoring a backup over the open database, after its checks.

``plan_restore`` refuses a copy that is damaged, not siso's, newer than this program or
failing ``siso check`` (``db.backup_check``), and warns when its users differ from today's;
``restore`` first copies what it replaces (reason ``restore``), ``restore_damaged`` first
keeps a damaged live file as it is. ``restore_hint`` names the last copy of a database whose
writes are off.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass, field
from pathlib import Path

from . import clock, fields
from .backup import copy_into, make_backup, make_folder
from .backup_check import inspect
from .backup_copies import connect_ro, copies, folder_for, live_path, stem_of, summary
from .backup_daily import mark_daily_done
from .errors import SisoError, os_reason
from .files import atomic_path


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
        raise SisoError("Thiếu tên tệp bản sao (xem «siso backup list»).", fields.TEP)
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
                        "pg_restore.", fields.CSDL)
    path = Path(path)
    if path.exists() and path.resolve() == live:
        raise SisoError(f"«{path.name}» chính là cơ sở dữ liệu đang dùng: chọn một bản sao.", fields.TEP)
    report = inspect(path)
    if report.get("refusal"):
        raise SisoError(report["refusal"], fields.TEP)
    problems = report.get("problems") or []
    if problems:
        raise SisoError(f"Tệp «{path.name}» không qua được siso check ({problems[0]}"
                        + (f", và {len(problems) - 1} lỗi khác" if len(problems) > 1 else "")
                        + "): không khôi phục, chưa thay đổi gì.", fields.TEP)
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
    con = connect_ro(path)
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
    folder = make_folder(live)
    kept = folder / f"{stem_of(live)}-{clock.now():%Y%m%d-%H%M%S}-damaged.sqlite3"
    try:
        shutil.copy2(live, kept)
        if Path(f"{live}-wal").exists():
            shutil.copy2(f"{live}-wal", f"{kept}-wal")
    except OSError as exc:
        raise SisoError(f"Không giữ lại được tệp hỏng trước khi khôi phục ({os_reason(exc)}): chưa "
                        "thay đổi gì.", fields.BAN_SAO) from None
    try:
        source, out = connect_ro(path), sqlite3.connect(str(live), timeout=10)
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
    try:
        with atomic_path(live, overwrite=True, mode=stat.S_IMODE(os.stat(path).st_mode)) as fresh:
            copy_into(path, fresh, live.name, check="integrity_check")
            for extra in ("-wal", "-shm"):
                try:
                    os.unlink(f"{live}{extra}")
                except FileNotFoundError:
                    pass
    except sqlite3.Error as exc:
        raise SisoError(f"Không sao lưu được «{path.name}»: {exc}.", fields.BAN_SAO) from None
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
        raise SisoError("Khôi phục chỉ dùng cho cơ sở dữ liệu SQLite.", fields.CSDL)
    if connection.state.damage:
        db.close()
        before = restore_damaged(plan.path, live)
        connection.open_database(str(live))
        with audit.write("restore", plan.path.name, before=before.name):
            pass
        return before
    if db.in_transaction():
        raise SisoError("Không khôi phục giữa một lần ghi khác.", fields.CSDL)
    before = make_backup(live, "restore")
    mark_daily_done(live)  # the day's state before this write is in that copy
    try:
        source = connect_ro(plan.path)
        try:
            source.backup(db.connection())
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise SisoError(f"Không khôi phục được ({exc}): cơ sở dữ liệu vẫn như trước; bản trước "
                        f"khi khôi phục ở «{before}».", fields.CSDL) from None
    ensure_schema(db, str(live))
    with audit.write("restore", plan.path.name, before=before.name):
        pass
    return before

"""Checking a copy: is a file a sound siso database this program can use?

``inspect`` reads SQLite's integrity and siso's schema version here, then runs ``siso check``
on a temporary copy in a process of its own (``python -m db.backup_check inspect FILE``), so
that the open database is never unbound. ``verify`` removes a copy that fails.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from .backup_copies import connect_ro
from .errors import SisoError
from . import fields


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
                        + "): đã xóa bản sao.", fields.BAN_SAO)


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
        con = connect_ro(path)
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
        source = connect_ro(path)
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
        done = subprocess.run([sys.executable, "-m", "db.backup_check", "inspect", str(Path(path).resolve())],
                              capture_output=True, text=True, timeout=600,
                              cwd=str(Path(__file__).resolve().parent.parent))
        return json.loads(done.stdout)
    except (OSError, ValueError, subprocess.SubprocessError):
        facts["refusal"] = (f"Tệp «{Path(path).name}» không kiểm tra được (siso check dừng giữa "
                            "chừng): coi như hỏng, chưa thay đổi gì.")
        return facts


def _main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "inspect":
        try:
            report = _inspect_here(Path(argv[1]))
        except Exception as exc:  # a damaged file may fail anywhere
            report = {"refusal": f"Tệp «{Path(argv[1]).name}» bị hỏng ({exc}): không khôi phục, "
                                 "chưa thay đổi gì.", "version": None, "problems": []}
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print("dùng: python -m db.backup_check inspect TỆP", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))

"""Open the database at start-up (never at import), create or migrate the schema."""

from __future__ import annotations

import functools
import importlib
import os
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

from peewee import Database, DatabaseError, PostgresqlDatabase, SqliteDatabase

from .errors import DamagedDatabase, SisoError, os_reason
from .models import MODELS, DatabaseFact, database
from . import fields

SCHEMA_VERSION = 10

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",  # schools lose power: a committed record must survive it
    "foreign_keys": 1,
    "busy_timeout": 10000,  # ms: several users over SSH wait their turn
    "cache_size": -16000,  # 16 MB page cache
}

# Forward migrations: MIGRATIONS[n] brings a version-n database to n+1. To change the schema:
# add MIGRATIONS[SCHEMA_VERSION] (one migration per change), raise SCHEMA_VERSION, and freeze
# a dump of a small school at the old version as tests/schemas/v<old>.sql (written by the
# program before the change, e.g. ``siso demo --students 60`` then sqlite3's iterdump), so
# tests/test_migrations.py opens every earlier version.
# Each migration module is imported only when a database needs it (playhouse.migrate and the
# PostgreSQL helpers it brings cost start-up time on every run otherwise).


def _later(module: str):
    """``db.<module>.migrate``, imported when it is called."""
    def run(db):
        return importlib.import_module(f"{__package__}.{module}").migrate(db)
    run.__qualname__ = f"{module}.migrate"
    return run


MIGRATIONS: dict[int, callable] = {}
MIGRATIONS[1] = _later("migrations_visits")  # risk cases, home visits, event.without_visits
MIGRATIONS[2] = _later("migrations_villages")  # villages as records
MIGRATIONS[3] = _later("migrations_register")  # register numbers, father / mother
MIGRATIONS[4] = _later("migrations_attendance")  # school days, holidays, absences, attendance taken
MIGRATIONS[5] = _later("migrations_cohort")  # the incoming cohort: expected children, sources, decisions
MIGRATIONS[6] = _later("migrations_calendar")  # reporting calendar: deadlines, submissions
MIGRATIONS[7] = _later("migrations_users")  # users and their roles
MIGRATIONS[8] = _later("migrations_version")  # student.version: concurrent edits never overwrite each other
MIGRATIONS[9] = _later("migrations_destination")  # graduates' destinations, targets' comparison


def shown(target: str) -> str:
    """The database's name as printed for the user: a URL without its password (even a URL
    too malformed to parse)."""
    if "://" not in target:
        return target
    import re
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(target)
        if parts.password is None:
            return target
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:  # a bad port, an unclosed [IPv6 …
        return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", target)


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("siso", appauthor=False)) / "siso.sqlite3"


def resolve_target(target: str | None) -> str:
    """``--db`` value, else ``SISO_DB``, else the default file in the user's data folder."""
    return target or os.environ.get("SISO_DB") or str(default_db_path())


def _make_database(target: str) -> Database:
    if "://" in target:
        if not target.startswith(("postgres://", "postgresql://", "sqlite://")):
            raise SisoError(
                f"Địa chỉ cơ sở dữ liệu «{shown(target)}» không được hỗ trợ: dùng đường dẫn tệp "
                "hoặc postgresql://người_dùng:mật_khẩu@máy/tên_csdl.",
                fields.CSDL,
            )
        from playhouse.db_url import parse

        if target.startswith("sqlite://"):
            path = target[len("sqlite:///"):] if target.startswith("sqlite:///") else target[9:]
            return _make_database(path)
        try:
            params = parse(target)
            if params.get("port") is not None:
                int(params["port"])
        except ValueError:
            raise SisoError(f"Địa chỉ cơ sở dữ liệu «{shown(target)}» không đúng dạng "
                            "postgresql://người_dùng:mật_khẩu@máy[:cổng]/tên_csdl.", fields.CSDL) from None
        return PostgresqlDatabase(**params)
    path = Path(target).expanduser()
    if path.exists() and path.is_dir():
        raise SisoError(f"«{path}» là một thư mục, cần đường dẫn tới một tệp cơ sở dữ liệu.", fields.CSDL)
    try:
        if not path.parent.is_dir():
            path.parent.parent.mkdir(parents=True, exist_ok=True)
            path.parent.mkdir(mode=0o700, exist_ok=True)  # a new data folder: its owner's alone
        if not path.exists():  # a new database: its owner's alone (an existing one is kept as is)
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise SisoError(f"Không tạo được cơ sở dữ liệu «{path}»: {os_reason(exc)}.", fields.CSDL) from None
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        state.read_only = READ_ONLY_FOLDER  # WAL needs to write beside the file: read only
        return _read_only_database(path)
    return _Sqlite(str(path), pragmas=SQLITE_PRAGMAS, timeout=10)


# SQLite text as str; text that is not UTF-8 (a damaged or hand-edited row) shows U+FFFD
# where the bad bytes are instead of failing the whole query. ``str(b, "utf-8", "replace")``
# through functools.partial runs in C, with no Python frame per value (a 60,000-student
# register reads over a million texts).
_text = functools.partial(str, encoding="utf-8", errors="replace")


class _Sqlite(SqliteDatabase):
    def _connect(self):
        conn = super()._connect()
        conn.text_factory = _text
        return conn


def _read_only_database(path: Path, immutable: bool = False) -> SqliteDatabase:
    """``path`` opened so that nothing is written to it or beside it."""
    uri = path.resolve().as_uri() + ("?immutable=1" if immutable else "?mode=ro")
    db = _Sqlite(uri, uri=True, timeout=10,
                 pragmas={"foreign_keys": 1, "busy_timeout": 10000, "query_only": 1})
    db.siso_path = path.resolve()
    return db


# ---- the state of the open database: read only? damaged? ------------------------------------

READ_ONLY_FOLDER = ("siso không có quyền ghi vào tệp cơ sở dữ liệu hoặc thư mục chứa nó: "
                    "chỉ xem được, không ghi được gì.")
READ_ONLY_HEADER = ("SQLite không cho ghi vào tệp này (phần đầu tệp ghi một định dạng lạ: tệp "
                    "hỏng hoặc của phiên bản SQLite khác): chỉ xem được, không ghi được gì.")
QUICK_CHECK_SECONDS = 3.0  # the open-time check stops here (a huge file is checked by siso check)


class OpenState:
    """Why writes are off (``read_only``, a Vietnamese line) and what the open-time check
    found (``damage``); ``checked`` is set once that check is over (a write waits for it)."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.read_only: str | None = None
        self.damage: str | None = None
        self.checked = threading.Event()
        self.checked.set()


state = OpenState()


def quick_check(path: Path, seconds: float = QUICK_CHECK_SECONDS) -> str | None:
    """SQLite's ``PRAGMA quick_check`` of ``path`` on a read-only connection of its own,
    stopped after ``seconds``: the first problem found (Vietnamese), or None (sound, or not
    finished in time)."""
    import time
    from .audit import STORAGE_MESSAGES, storage_case

    deadline = time.monotonic() + seconds
    try:
        con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return None  # opening said nothing new: the caller's own open reports it
    con.text_factory = _text  # a damaged page can put bytes that are not UTF-8 in its report
    try:
        con.set_progress_handler(lambda: time.monotonic() > deadline, 10000)
        rows = [r[0] for r in con.execute("PRAGMA quick_check(3)")]
        if rows == ["ok"]:
            bad_year = _bad_year_dates(con)
            if bad_year:
                return bad_year
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            return None
        case = storage_case(exc)
        return STORAGE_MESSAGES[case] if case in ("corrupt", "notadb") else None
    except sqlite3.DatabaseError as exc:
        return f"Tệp cơ sở dữ liệu bị hỏng (SQLite: {exc})."
    except UnicodeDecodeError:  # SQLite's own message quotes damaged bytes (a damaged schema)
        return STORAGE_MESSAGES["corrupt"]
    finally:
        con.close()
    if rows == ["ok"]:
        return None
    lines = [ln.strip() for r in rows for ln in str(r).splitlines()
             if ln.strip() and not ln.startswith("*** in database")]
    return f"Tệp cơ sở dữ liệu bị hỏng (SQLite: {'; '.join(lines[:2])})."


_check_lock = threading.Lock()


def _bad_year_dates(con: sqlite3.Connection) -> str | None:
    """A school year whose dates are not days (a file edited by hand): every screen and
    every rule depends on them, so the file is treated as damaged."""
    if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'school_year'").fetchone():
        return None
    cols = ("start", "end", "hk2_start", "ref_date")
    row = con.execute('SELECT id, name FROM school_year WHERE NOT ('
                      + " AND ".join(f'ifnull(date("{c}") = "{c}", 0)' for c in cols)
                      + ") LIMIT 1").fetchone()
    if row is None:
        return None
    return (f"Năm học {row[1]} (bảng school_year, dòng {row[0]}) có ngày không hợp lệ: tệp đã bị "
            "sửa tay hoặc hỏng.")


def run_open_check() -> str | None:
    """The open-time check of the open SQLite file (in a worker in the app, at once in the
    CLI; a write that comes first runs it, or waits for the one under way): a damaged file
    turns writes off. Returns what was found."""
    with _check_lock:
        current = state
        if current.checked.is_set() and getattr(current, "_ran", False):
            return current.damage
        try:
            if current.path is not None and current.damage is None:
                found = quick_check(current.path)
                if found:
                    current.damage = found
                    current.read_only = found
            current._ran = True
            return current.damage
        finally:
            current.checked.set()


def refuse_write() -> None:
    """Called before every write: the open-time check first (done once), then a refusal
    when writes are off (a damaged file, a read-only folder)."""
    if not state.checked.is_set():
        run_open_check()
    if state.read_only:
        from .backup_restore import restore_hint

        raise SisoError(f"Không ghi được: {state.read_only} Chưa ghi gì.{restore_hint()}", fields.CSDL)


def open_database(target: str | None = None, *, create: bool = True, check: bool = True) -> Database:
    """Bind the proxy to the database named by ``target`` and bring its schema up to date.

    On SQLite a quick check runs first (``check=False``: the caller runs ``run_open_check``
    later, in a worker; writes wait for it): a damaged file is opened read only, and so is
    a file in a folder siso may not write to (``state.read_only`` says why)."""
    target = resolve_target(target)
    # a database opened before in this process (a second command run in-process, the demo
    # opened from the welcome screen) is closed first: a connection left to the garbage
    # collector would checkpoint its WAL into that file at some later moment
    if database.obj is not None and not database.is_closed() and not database.in_transaction():
        database.close()
    global state
    state = OpenState()
    db = _make_database(target)
    if isinstance(db, SqliteDatabase):
        state.path = Path(getattr(db, "siso_path", db.database)).resolve()
        if check and state.path.stat().st_size > 0:
            run_open_check()  # before siso's own connection changes anything in the file
            if state.damage and not db.database.startswith("file:"):
                db = _read_only_database(state.path)
    try:
        db.connect(reuse_if_open=True)
        if isinstance(db, SqliteDatabase):
            db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    except Exception as exc:  # driver errors differ per engine
        db.close()
        from .audit import storage_case, storage_error

        case = storage_case(exc) if isinstance(db, SqliteDatabase) else None
        if case == "readonly" or (case == "cantopen" and db.database.startswith("file:")):
            # SQLite itself refuses to write (a header from a newer SQLite, a folder it may
            # not create its -wal/-shm in): read only, immutable when even that is refused
            path = Path(target).expanduser()
            if not state.read_only:  # siso may write there: SQLite refuses the file itself
                state.damage = state.read_only = READ_ONLY_HEADER
            db = _read_only_database(path, immutable=case == "cantopen")
            try:
                db.connect()
                db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
                return _bind(db, target, check)
            except Exception as again:
                db.close()
                exc, case = again, storage_case(again)
        if isinstance(exc, UnicodeDecodeError):  # SQLite's message quotes a damaged schema
            from .audit import STORAGE_MESSAGES

            raise DamagedDatabase(f"Không mở được «{shown(target)}»: {STORAGE_MESSAGES['corrupt']}",
                                  fields.CSDL) from None
        if case in ("corrupt", "notadb"):
            raise DamagedDatabase(f"Không mở được «{shown(target)}»: {storage_error(exc)}",
                                  fields.CSDL) from None
        raise SisoError(f"Không mở được cơ sở dữ liệu «{shown(target)}»: {exc}", fields.CSDL) from None
    return _bind(db, target, check)


def _bind(db: Database, target: str, check: bool) -> Database:
    database.initialize(db)
    if isinstance(db, SqliteDatabase):
        if not check:
            state.checked.clear()  # the caller runs run_open_check() (a write waits for it)
    try:
        ensure_schema(db, target)
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        from .audit import storage_error

        raise DamagedDatabase(f"Không đọc được «{shown(target)}»: {storage_error(exc)}",
                              fields.CSDL) from None
    return db


def schema_version(db: Database) -> int | None:
    """The stored schema version; None when there is none. A value that is not a version
    (hand-edited, damaged) is refused before anything is written."""
    if not db.table_exists("meta"):
        return None
    row = DatabaseFact.get_or_none(DatabaseFact.key == "schema_version")
    if row is None:
        return None
    try:
        version = int(str(row.value).strip())
    except ValueError:
        version = 0
    if version < 1:
        raise DamagedDatabase(f"Cơ sở dữ liệu có phiên bản lược đồ không hợp lệ «{row.value}» (cần một "
                        "số từ 1): không mở, chưa thay đổi gì. Khôi phục bằng «siso restore».",
                        fields.CSDL)
    return version


def _is_empty(db: Database) -> bool:
    if isinstance(db, SqliteDatabase):
        return db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    return not db.get_tables()


def ensure_schema(db: Database, target: str = "") -> None:
    version = schema_version(db)
    if version is None:
        if not _is_empty(db):  # another program's database: nothing is added to it
            raise SisoError(f"«{shown(target)}» là cơ sở dữ liệu của một chương trình khác (không "
                            "có phiên bản lược đồ của siso): không mở, chưa thay đổi gì.", fields.CSDL)
        if state.read_only:
            raise SisoError(f"«{shown(target)}» chưa có dữ liệu của siso và {state.read_only}", fields.CSDL)
        with db.atomic():
            db.create_tables(MODELS)
            DatabaseFact.put("schema_version", str(SCHEMA_VERSION))
        return
    if version > SCHEMA_VERSION:
        raise SisoError(
            f"Cơ sở dữ liệu có phiên bản lược đồ {version}, mới hơn chương trình này "
            f"(phiên bản {SCHEMA_VERSION}). Hãy cập nhật siso.",
            fields.CSDL,
        )
    if version < SCHEMA_VERSION:
        if state.read_only:
            raise SisoError(f"Cơ sở dữ liệu có phiên bản lược đồ cũ {version} cần nâng cấp, "
                            f"nhưng {state.read_only}", fields.CSDL)
        backup(db, f"v{version}")
        with db.atomic():
            for v in range(version, SCHEMA_VERSION):
                MIGRATIONS[v](db)
            DatabaseFact.put("schema_version", str(SCHEMA_VERSION))
    ensure_indexes(db)


def _schema_objects(db: Database) -> set[str]:
    """The names of the tables and indexes the database has (one catalogue query)."""
    if isinstance(db, SqliteDatabase):
        sql = "SELECT name FROM sqlite_master WHERE type IN ('table', 'index')"
    else:
        sql = ("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
               "UNION SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
    return {row[0] for row in db.execute_sql(sql)}


def missing_schema_objects(db: Database) -> list[str]:
    """Tables and indexes of the models that the database lacks: an index added to
    ``db/models.py`` after a database was created (same schema version) is not in it."""
    expected = {m._meta.table_name for m in MODELS}
    expected |= {index._name for m in MODELS for index in m._meta.fields_to_index()}
    return sorted(expected - _schema_objects(db))


def ensure_indexes(db: Database) -> list[str]:
    """Create whatever table or index of the models is missing (``IF NOT EXISTS``, so it is
    idempotent); when nothing is missing this costs one catalogue query. Returns the names
    created."""
    missing = missing_schema_objects(db)
    if missing and not state.read_only:
        try:
            with db.atomic():
                db.create_tables(MODELS, safe=True)
        except Exception as exc:  # a unique index over duplicate rows, a read-only file…
            raise SisoError(f"Không tạo được chỉ mục {', '.join(missing)} trong cơ sở dữ liệu: {exc}",
                            fields.CSDL) from None
    return missing


def backup(db: Database, label: str) -> Path | None:
    """Copy a SQLite file beside itself before a migration (``siso.sqlite3.bak-v1-…``)."""
    if not isinstance(db, SqliteDatabase) or db.database == ":memory:":
        return None
    src = Path(db.database)
    dest = src.with_name(f"{src.name}.bak-{label}-{datetime.now():%Y%m%d%H%M%S}")
    with sqlite3.connect(str(dest)) as out:
        db.connection().backup(out)
    return dest


def storage_problems() -> list[str]:
    """SQLite's own checks (``integrity_check``, ``foreign_key_check``), in Vietnamese.
    Empty when all is well, and on other engines (they guard their files themselves)."""
    db = database.obj
    if not isinstance(db, SqliteDatabase):
        return []
    problems = [f"Tệp SQLite hỏng: {row[0]}" for row in db.execute_sql("PRAGMA integrity_check")
                if row[0] != "ok"]
    for table, rowid, parent, _ in db.execute_sql("PRAGMA foreign_key_check"):
        problems.append(f"Bảng {table}, dòng {rowid}: tham chiếu tới {parent} không tồn tại.")
    return problems


def close_database() -> None:
    global state
    if database.obj is not None and not database.is_closed():
        database.close()
    state = OpenState()  # what was found belongs to the file just closed


__all__ = ["open_database", "close_database", "resolve_target", "default_db_path", "backup"]

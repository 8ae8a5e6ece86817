"""Open the database at start-up (never at import), create or migrate the schema."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from peewee import Database, PostgresqlDatabase, SqliteDatabase

from . import migrations_register, migrations_villages, migrations_visits
from .errors import SisoError
from .models import MODELS, Meta, database

SCHEMA_VERSION = 5

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
MIGRATIONS: dict[int, callable] = {}
MIGRATIONS[1] = migrations_visits.migrate  # risk cases, home visits, event.without_visits
MIGRATIONS[2] = migrations_villages.migrate  # villages as records
MIGRATIONS[3] = migrations_register.migrate  # register numbers, father / mother
from .migrations_attendance import migrate as _migrate_attendance  # noqa: E402
MIGRATIONS[4] = _migrate_attendance  # school days, holidays, absences, attendance taken


def shown(target: str) -> str:
    """The database's name as printed for the user: a URL without its password."""
    if "://" not in target:
        return target
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(target)
    if parts.password is None:
        return target
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


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
                "db",
            )
        from playhouse.db_url import parse

        if target.startswith("sqlite://"):
            path = target[len("sqlite:///"):] if target.startswith("sqlite:///") else target[9:]
            return _make_database(path)
        params = parse(target)
        return PostgresqlDatabase(**params)
    path = Path(target).expanduser()
    if path.exists() and path.is_dir():
        raise SisoError(f"«{path}» là một thư mục, cần đường dẫn tới một tệp cơ sở dữ liệu.", "db")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SisoError(f"Không tạo được thư mục cho cơ sở dữ liệu «{path.parent}»: {exc.strerror}.", "db") from None
    return SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=10)


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def open_database(target: str | None = None, *, create: bool = True) -> Database:
    """Bind the proxy to the database named by ``target`` and bring its schema up to date."""
    target = resolve_target(target)
    db = _make_database(target)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
    except Exception as exc:  # noqa: BLE001 - driver errors differ per engine
        raise SisoError(f"Không mở được cơ sở dữ liệu «{shown(target)}»: {exc}", "db") from None
    if isinstance(db, SqliteDatabase):
        try:
            db.execute_sql("PRAGMA schema_version").fetchone()
        except Exception:  # noqa: BLE001
            db.close()
            raise SisoError(f"Tệp «{target}» không phải là cơ sở dữ liệu SQLite của siso.", "db") from None
    ensure_schema(db, target)
    return db


def schema_version(db: Database) -> int | None:
    if not db.table_exists("meta"):
        return None
    row = Meta.get_or_none(Meta.key == "schema_version")
    return int(row.value) if row else None


def ensure_schema(db: Database, target: str = "") -> None:
    version = schema_version(db)
    if version is None:
        if db.get_tables() and "student" not in db.get_tables():
            raise SisoError(f"Tệp «{target}» là một cơ sở dữ liệu khác, không phải của siso.", "db")
        with db.atomic():
            db.create_tables(MODELS)
            Meta.put("schema_version", str(SCHEMA_VERSION))
        return
    if version > SCHEMA_VERSION:
        raise SisoError(
            f"Cơ sở dữ liệu có phiên bản lược đồ {version}, mới hơn chương trình này "
            f"(phiên bản {SCHEMA_VERSION}). Hãy cập nhật siso.",
            "db",
        )
    if version < SCHEMA_VERSION:
        backup(db, f"v{version}")
        with db.atomic():
            for v in range(version, SCHEMA_VERSION):
                MIGRATIONS[v](db)
            Meta.put("schema_version", str(SCHEMA_VERSION))
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
    if missing:
        try:
            with db.atomic():
                db.create_tables(MODELS, safe=True)
        except Exception as exc:  # noqa: BLE001 - a unique index over duplicate rows, a read-only file…
            raise SisoError(f"Không tạo được chỉ mục {', '.join(missing)} trong cơ sở dữ liệu: {exc}",
                            "db") from None
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
    if database.obj is not None and not database.is_closed():
        database.close()


__all__ = ["open_database", "close_database", "resolve_target", "default_db_path", "backup"]

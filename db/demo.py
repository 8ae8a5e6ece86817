"""A deterministic demo school: Trường THCS Tơ Tung (Gia Lai), grades 6–9.

The same ``seed`` and ``today`` always give the same school: classes with their
homeroom teachers, students with Vietnamese names (Kinh and the Ba Na, Gia Rai,
Ê Đê, Xơ Đăng, Mông, Tày, Thái, Nùng peoples of the Central Highlands), villages,
guardians, and the current school year's events up to ``today`` (transfers in and
out, dropouts with their reason codes, returns, class changes within a grade).

``build_demo`` plans the school (``db.demo_plan``, plain data from the seed) and then
writes it (``db.demo_write``) in one transaction. This module is the door: building into
an empty database, ``siso demo``'s file (``demo_path``, ``open_demo``) and its ``--reset``.
"""

from __future__ import annotations

import json
from datetime import date

from peewee import SqliteDatabase

from . import audit, clock, fields
from .demo_plan import plan_demo
from .demo_write import write_demo
from .errors import SisoError
from .models import DatabaseFact, SchoolYear, Student, database

DEMO_KEY = "demo"  # DatabaseFact key marking a database built by build_demo


def has_school() -> bool:
    """True when the open database already holds a school (a year, a class or a student)."""
    return SchoolYear.select().exists() or Student.select().exists()


def is_demo() -> bool:
    return DatabaseFact.get_or_none(DatabaseFact.key == DEMO_KEY) is not None


def build_demo(students: int = 600, seed: int = 1, today: date | None = None) -> SchoolYear:
    """Fill the open, empty database with the demo school; return its current school year.

    One transaction with one audit record. Refuses a database that already holds a school.
    """
    try:
        students = int(students)
    except (TypeError, ValueError):
        raise SisoError(f"Số học sinh «{students}» không hợp lệ: cần một số nguyên.", fields.SO_HOC_SINH) from None
    if not 1 <= students <= 200_000:
        raise SisoError(f"Số học sinh {students} không hợp lệ: cần từ 1 đến 200000.", fields.SO_HOC_SINH)
    if has_school():
        raise SisoError("Cơ sở dữ liệu này đã có dữ liệu trường học: trường mẫu chỉ tạo "
                        "trong một cơ sở dữ liệu trống (chọn tệp khác bằng --db).", fields.CSDL)
    today = today or clock.today()
    plan = plan_demo(students, seed, today)
    with audit.write("demo.build", "school", students=students, seed=seed, year=plan.year_name,
                     today=today) as info:
        year = write_demo(plan, seed, today, info)
        DatabaseFact.put(DEMO_KEY, json.dumps({"seed": seed, "students": students,
                                               "today": today.isoformat()}))
    return year


def reset_database() -> None:
    """Empty every table of the open database (used by ``siso demo --reset``)."""
    from .models import MODELS

    db = database.obj
    with db.atomic():
        db.drop_tables(MODELS)
        db.create_tables(MODELS)
        from .connection import SCHEMA_VERSION

        DatabaseFact.put("schema_version", str(SCHEMA_VERSION))


def demo_path() -> str:
    """The demo school's own file: ``demo.sqlite3`` in the user's data folder, beside the
    default database (``SISO_DB`` and ``--db`` never move it: the demo is never written
    into a real school's file)."""
    from .connection import default_db_path

    return str(default_db_path().with_name("demo.sqlite3"))


def open_demo(target: str | None = None, *, students: int = 600, seed: int = 1,
              reset: bool = False, today: date | None = None) -> SchoolYear | None:
    """Open the demo database (``target``, default :func:`demo_path`) and build the demo
    school in it when it is empty (or when ``reset``). Returns the current year of the school
    built, or None when an existing demo is reused. The open database is then the demo one (the
    ``database`` proxy is bound to it), in every thread.

    Refuses, and leaves the file untouched, when ``target`` holds a real school."""
    from .connection import close_database, open_database, shown

    target = target or demo_path()
    open_database(target)
    if has_school():
        if not is_demo():
            close_database()
            raise SisoError(f"«{shown(target)}» đã có dữ liệu trường thật, không phải trường mẫu: "
                            "chọn tệp khác bằng --db.", fields.CSDL)
        if not reset:
            return None
        if isinstance(database.obj, SqliteDatabase):
            return _rebuild_beside(target, students=students, seed=seed, today=today)
        reset_database()
    return build_demo(students=students, seed=seed, today=today)


def _rebuild_beside(target: str, **build) -> SchoolYear:
    """``--reset`` of a demo file: the new school is built in a hidden file beside it, then
    copied in by SQLite's backup API (one transaction under the database's write lock): a
    kill at any moment leaves the old demo or the new one, never an empty file."""
    import os
    import sqlite3
    from pathlib import Path

    from .connection import close_database, open_database

    live = Path(database.obj.database)
    close_database()
    for stale in live.parent.glob(f".{live.name}.new-*"):  # left by a build that was killed
        stale.unlink(missing_ok=True)
    fresh = live.with_name(f".{live.name}.new-{os.getpid()}")
    try:
        open_database(str(fresh))
        year_id = build_demo(**build).id
        close_database()
        open_database(str(live))
        source = sqlite3.connect(str(fresh))
        try:
            source.backup(database.obj.connection())
        finally:
            source.close()
    finally:
        for leftover in (fresh, fresh.with_name(fresh.name + "-wal"),
                         fresh.with_name(fresh.name + "-shm")):
            leftover.unlink(missing_ok=True)
    return SchoolYear.get_by_id(year_id)

"""Schema 1 → 2: school days and attendance.

Each school year gets its teaching weekdays (``ngay_hoc``, ``2-6`` for every existing
year: Monday to Friday, what the program assumed before); the tables of holidays,
absences and "attendance taken" are created empty."""

from __future__ import annotations

from peewee import CharField
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate as run_migration
from peewee import SqliteDatabase


def migrate(db) -> None:
    from .models import Absence, AttendanceTaken, Holiday

    migrator = SqliteMigrator(db) if isinstance(db, SqliteDatabase) else PostgresqlMigrator(db)
    columns = {c.name for c in db.get_columns("school_year")}
    if "ngay_hoc" not in columns:
        run_migration(migrator.add_column("school_year", "ngay_hoc",
                                          CharField(default="2-6", max_length=3)))
    db.create_tables([Holiday, Absence, AttendanceTaken], safe=True)

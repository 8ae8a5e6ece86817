"""Schema 1 → 2: the student register (``db.register``) and the parents' names.

Adds ``student.so_dang_bo`` (unique register number), ``student.father`` and
``student.mother``, and the ``counter`` table; numbers every existing student by the date
of their first entry, then event id, starting at the setting ``so_dang_bo_bat_dau`` (or 1).
Today's single field «cha mẹ / người giám hộ» is the column ``guardian``: it stays there,
as the guardian, untouched. Runs inside ``ensure_schema``'s transaction, on SQLite and
PostgreSQL (playhouse.migrate).
"""

from __future__ import annotations

from peewee import IntegerField
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate as run

from .models import Counter


def migrate(db) -> None:
    from peewee import SqliteDatabase

    migrator = SqliteMigrator(db) if isinstance(db, SqliteDatabase) else PostgresqlMigrator(db)
    # NOT NULL with a constant default is one plain ALTER on both engines (SqliteMigrator
    # would rebuild the table for it, which the foreign keys to student refuse)
    for column in ("father", "mother"):
        db.execute_sql(f"ALTER TABLE student ADD COLUMN {column} VARCHAR(100) NOT NULL DEFAULT ''")
    run(
        migrator.add_column("student", "so_dang_bo", IntegerField(null=True)),
        migrator.add_index("student", ("so_dang_bo",), True),
    )
    db.create_tables([Counter])
    from .register import number_unnumbered

    number_unnumbered()

"""Schema migration: at-risk cases (``risk_case``), home visits (``visit``) and the written
reason of a dropout recorded without 3 visits (``event.without_visits``)."""

from __future__ import annotations

from peewee import SqliteDatabase, TextField
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate as run_migration


def migrate(db) -> None:
    """Add the two tables and the event column; every existing row is kept as it is."""
    from .models import RiskCase, Visit

    migrator = SqliteMigrator(db) if isinstance(db, SqliteDatabase) else PostgresqlMigrator(db)
    if "without_visits" not in {c.name for c in db.get_columns("event")}:
        run_migration(migrator.add_column("event", "without_visits", TextField(null=True)))
    db.create_tables([RiskCase, Visit], safe=True)

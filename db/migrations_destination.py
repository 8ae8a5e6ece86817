"""Schema 5 → 6: where graduates go, and the comparison of each target.

Adds ``event.destination`` (a completed outcome of the school's top grade: ``thpt``,
``gdtx``, ``nghe``, ``lam_viec``, ``khong_ro``; NULL on every other event and on
completions recorded before, which count as «không rõ») and ``target.op`` (``lt``, ``le``,
``gt``, ``ge``; NULL keeps a target's old meaning: ``le`` for the rates to keep low, ``ge``
for the others — ``db.targets.op_of``). Both columns are nullable, added with one plain
``ALTER TABLE … ADD COLUMN`` (the same on SQLite and PostgreSQL, no table rebuild)."""

from __future__ import annotations


def migrate(db) -> None:
    for table, column, size in (("event", "destination", 10), ("target", "op", 2)):
        if column not in {c.name for c in db.get_columns(table)}:
            db.execute_sql(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR({size})")

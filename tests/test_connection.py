import pytest
"""Opening a database brings a database created earlier up to the models: an index added
later (same schema version) is created on open, and opening again changes nothing."""

from peewee import SqliteDatabase

from db.connection import close_database, ensure_indexes, missing_schema_objects, open_database
from db.models import MODELS


def _indexes(path):
    conn = SqliteDatabase(path)
    names = {r[0] for r in conn.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'")}
    conn.close()
    return names


def test_a_dropped_index_is_back_after_reopening(tmp_path):
    path = str(tmp_path / "old.sqlite3")
    db = open_database(path)
    assert missing_schema_objects(db) == []
    close_database()
    every = _indexes(path)
    assert "span_student_id_year_id_start_id" in every and "student_sort_key" in every
    conn = SqliteDatabase(path)
    conn.execute_sql("DROP INDEX span_student_id_year_id_start_id")
    conn.execute_sql("DROP INDEX student_sort_key")
    conn.close()
    assert every - _indexes(path) == {"span_student_id_year_id_start_id", "student_sort_key"}

    db = open_database(path)
    assert missing_schema_objects(db) == []
    close_database()
    assert _indexes(path) == every


def test_ensuring_again_creates_nothing(tmp_path):
    path = str(tmp_path / "new.sqlite3")
    db = open_database(path)
    try:
        tables = set(db.get_tables())
        assert {m._meta.table_name for m in MODELS} <= tables
        assert ensure_indexes(db) == []
        db.execute_sql("DROP INDEX event_year_id_kind_date")
        assert ensure_indexes(db) == ["event_year_id_kind_date"]
        assert ensure_indexes(db) == []
        assert set(db.get_tables()) == tables
    finally:
        close_database()


@pytest.mark.durable
def test_the_program_writes_with_synchronous_full(tmp_path):
    """A school loses power: a committed record must be on the disk (PRAGMA synchronous=FULL)."""
    from db.connection import close_database, open_database

    db = open_database(str(tmp_path / "s.sqlite3"))
    try:
        assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    finally:
        close_database()


def test_other_tests_write_with_synchronous_off(db):
    """tests/conftest.py's fast_sync: the speed-up the suite counts on is really applied."""
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 0  # OFF

"""Every earlier version of a database opens in this program: ``tests/schemas/vN.sql`` is a
dump of a small school written by the program at schema version N (frozen when version
N + 1 was introduced). Each is loaded, opened (migrated forward in order), and must then be
at the current version, keep every student and event, and pass ``siso check``."""

import re
import sqlite3
from pathlib import Path

import pytest

from db import check
from db.connection import MIGRATIONS, SCHEMA_VERSION, close_database, open_database, schema_version
from db.models import Event, Student

DUMPS = sorted(Path(__file__).with_name("schemas").glob("v*.sql"),
               key=lambda p: int(re.search(r"\d+", p.stem).group()))


def version_of(dump: Path) -> int:
    return int(re.search(r"\d+", dump.stem).group())


def load(dump: Path, dest: Path) -> dict[str, int]:
    with sqlite3.connect(dest) as con:
        con.executescript(dump.read_text(encoding="utf-8"))
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ("student", "event")}


def test_a_dump_for_every_earlier_version_and_a_migration_for_each():
    # v1 .. vN-1 are frozen earlier versions; vN (when present) is the current one
    assert [version_of(d) for d in DUMPS][:SCHEMA_VERSION - 1] == list(range(1, SCHEMA_VERSION))
    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION))


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: p.stem)
def test_an_earlier_database_is_migrated_forward_and_keeps_its_data(tmp_path, dump):
    path = tmp_path / "old.sqlite3"
    before = load(dump, path)
    db = open_database(str(path))
    try:
        assert schema_version(db) == SCHEMA_VERSION
        assert Student.select().count() == before["student"]
        assert Event.select().count() == before["event"]
        assert check.check_database() == []
        if version_of(dump) < SCHEMA_VERSION:  # a copy was kept before migrating
            assert list(tmp_path.glob(f"old.sqlite3.bak-v{version_of(dump)}-*"))
    finally:
        close_database()
    # opening again changes nothing
    db = open_database(str(path))
    assert schema_version(db) == SCHEMA_VERSION
    close_database()

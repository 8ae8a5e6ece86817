"""A corpus of damaged siso databases, made from a small demo school (deterministic)."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

PAGE = 4096


def base_school(folder: Path, students: int = 60) -> Path:
    """A small demo school in one file (journal mode DELETE: every byte in the file)."""
    from datetime import date

    from db.connection import close_database, open_database
    from db.demo import build_demo

    path = folder / "base.sqlite3"
    open_database(str(path))
    build_demo(students, seed=3, today=date(2026, 11, 22))
    close_database()
    con = sqlite3.connect(str(path))
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    return path


def _edit_sql(path: Path, *statements: str) -> None:
    con = sqlite3.connect(str(path))
    for sql in statements:
        con.execute(sql)
    con.commit()
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()


def _root_page(path: Path, table: str) -> int:
    con = sqlite3.connect(str(path))
    try:
        return con.execute("SELECT rootpage FROM sqlite_master WHERE name=?", (table,)).fetchone()[0]
    finally:
        con.close()


def make_corpus(base: Path, folder: Path, seed: int = 12) -> dict[str, tuple[Path, bool]]:
    """name -> (file, surely damaged): random byte flips (which may land in unused space),
    truncations, zeroed pages, header bytes, text that is not UTF-8, dates edited by hand,
    a bad schema version."""
    rnd = random.Random(seed)
    data = base.read_bytes()
    pages = len(data) // PAGE
    out: dict[str, tuple[Path, bool]] = {}

    def put(name: str, content: bytes, sure: bool) -> None:
        path = folder / f"{name}.sqlite3"
        path.write_bytes(content)
        out[name] = (path, sure)

    for i in range(12):
        b = bytearray(data)
        for _ in range(rnd.choice([1, 4, 16, 64])):
            pos = rnd.randrange(PAGE, len(b))
            b[pos] ^= 1 << rnd.randrange(8)
        put(f"flip{i:02d}", bytes(b), False)
    for name, size in [("trunc100", 100), ("trunc1page", PAGE), ("trunc_half", len(data) // 2),
                       ("trunc_lastpage", len(data) - PAGE), ("trunc_midpage", 3 * PAGE + 17),
                       ("trunc_1byte", len(data) - 1)]:
        put(name, data[:size], name != "trunc_1byte")
    student_root = _root_page(base, "student")
    event_root = _root_page(base, "event")
    for name, page in [("zero_p2", 2), ("zero_student_root", student_root),
                       ("zero_event_root", event_root), ("zero_mid", pages // 2),
                       ("zero_last", pages)]:
        b = bytearray(data)
        b[(page - 1) * PAGE:page * PAGE] = bytes(PAGE)
        put(name, bytes(b), name != "zero_last")
    for name, offset, value in [("hdr_magic", 0, ord("X")), ("hdr_pagesize", 16, 0x03),
                                ("hdr_write_version", 18, 9), ("hdr_payload", 21, 0),
                                ("hdr_schema_format", 44, 9)]:
        b = bytearray(data)
        b[offset] = value
        put(name, bytes(b), name != "hdr_schema_format")  # SQLite reads that one as 4
    for name, sqls in [
        ("utf8_name", ["UPDATE student SET given = CAST(X'48C3FF6E67' AS TEXT) WHERE id = 3"]),
        ("utf8_village", ["UPDATE student SET village = CAST(X'FE' AS TEXT) WHERE id = 5"]),
        ("date_dob_text", ["UPDATE student SET dob = '31/02/2013' WHERE id = 2"]),
        ("date_event_abc", ["UPDATE event SET date = 'abc' WHERE id = (SELECT min(id) FROM event)"]),
        ("date_span_int", ["UPDATE span SET start = 20260905 WHERE id = 1"]),
        ("date_year_end", ["UPDATE school_year SET \"end\" = '2027-13-40'"]),
        ("schema_abc", ["UPDATE meta SET value = 'abc' WHERE key = 'schema_version'"]),
        ("schema_zero", ["UPDATE meta SET value = '0' WHERE key = 'schema_version'"]),
    ]:
        path = folder / f"{name}.sqlite3"
        shutil.copyfile(base, path)
        _edit_sql(path, *sqls)
        out[name] = (path, True)
    return out

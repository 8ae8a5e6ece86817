"""Damaged databases: ``siso check`` never crashes and names each problem; a damaged file
opens read only (writes refused, the file unchanged); engine errors get their own message."""

from __future__ import annotations

import hashlib
from datetime import date
import sqlite3

import pytest

from damaged_corpus import base_school, make_corpus
from db import audit, connection
from db.connection import close_database, open_database, quick_check
from db.errors import DamagedDatabase, SisoError
from cli import main


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("damaged")
    base = base_school(folder)
    return base, make_corpus(base, folder)


def _run(capsys, *argv):
    rc = main(list(argv))
    close_database()
    out, err = capsys.readouterr()
    return rc, out, err


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_check_never_crashes_on_the_damaged_corpus(corpus, capsys):
    base, files = corpus
    assert len(files) >= 35
    rc, out, _ = _run(capsys, "--db", str(base), "check")
    assert rc == 0, out
    refused_writes = 0
    exits = {0: 0, 1: 0}
    for name, (path, sure) in files.items():
        damaged_on_open = quick_check(path) is not None
        before = _digest(path)
        rc, out, err = _run(capsys, "--db", str(path), "check")
        assert rc in (0, 1), (name, rc, err)  # never 70: a traceback in the log
        assert "Traceback" not in out + err and "Lỗi chương trình" not in err, name
        exits[rc] += 1
        if sure:
            assert rc == 1, (name, out, err)
            assert err.strip(), name
        if damaged_on_open:
            assert _digest(path) == before, f"{name}: check changed a damaged file"
            rc, out, err = _run(capsys, "--db", str(path), "--user", "thu.ky",
                                "class", "add", "9Z", "--grade", "9")
            assert rc == 2 and "Chưa ghi gì" in err, (name, err)
            assert _digest(path) == before, f"{name}: a write reached a damaged file"
            refused_writes += 1
    assert refused_writes >= 8
    from fault_report import report

    report("damaged databases: siso check and a write", "tests/test_damaged.py::"
           "test_check_never_crashes_on_the_damaged_corpus", files=len(files), crashed=0,
           check_exit_1=exits[1], check_exit_0=exits[0], writes_refused=refused_writes,
           opened_writable=len(files) - refused_writes)


def test_problems_name_table_row_and_column(corpus, capsys):
    _, files = corpus
    rc, _, err = _run(capsys, "--db", str(files["utf8_name"][0]), "check")
    assert rc == 1 and "Bảng student, dòng 3, cột given: chữ không phải UTF-8" in err
    rc, _, err = _run(capsys, "--db", str(files["date_dob_text"][0]), "check")
    assert rc == 1 and "Bảng student, dòng 2, cột dob: ngày «31/02/2013» không hợp lệ" in err
    rc, _, err = _run(capsys, "--db", str(files["date_event_abc"][0]), "check")
    assert rc == 1 and "Bảng event, dòng 1, cột date: ngày «abc»" in err
    rc, _, err = _run(capsys, "--db", str(files["zero_student_root"][0]), "check")
    assert rc == 1 and "bị hỏng" in err and "siso restore" in err


def test_invalid_utf8_name_is_read_not_raised(corpus):
    """A student whose name is not UTF-8 is listed (with U+FFFD) instead of failing the query."""
    from db.models import Student

    open_database(str(corpus[1]["utf8_name"][0]))
    try:
        names = [s.given for s in Student.select()]
    finally:
        close_database()
    assert "H\ufffd\ufffdng" in names


@pytest.mark.parametrize("value", ["abc", "0", "-3", ""])
def test_bad_schema_version_refused_before_any_backup(tmp_path, value):
    path = tmp_path / "s.sqlite3"
    open_database(str(path))
    close_database()
    con = sqlite3.connect(str(path))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (value,))
    con.commit()
    con.close()
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(DamagedDatabase, match="phiên bản lược đồ không hợp lệ"):
        open_database(str(path))
    close_database()
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no .bak, no backups/


def test_another_programs_database_is_refused_and_left_alone(tmp_path, capsys):
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(str(path))
    con.execute("CREATE TABLE student (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO student (name) VALUES ('x')")
    con.commit()
    con.close()
    rc, _, err = _run(capsys, "--db", str(path), "student", "list")
    assert rc == 2 and "chương trình khác" in err
    con = sqlite3.connect(str(path))
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    con.close()
    assert tables == ["student"]


def test_sqlite_result_codes_have_their_own_messages():
    def err(code, text):
        exc = sqlite3.DatabaseError(text)
        exc.sqlite_errorcode = code
        return exc

    assert "bị hỏng" in str(audit.storage_error(err(11, "database disk image is malformed")))
    assert "đầy" not in str(audit.storage_error(err(11, "database disk image is malformed")))
    assert "đầy" in str(audit.storage_error(err(13, "database or disk is full")))
    assert "không phải cơ sở dữ liệu" in str(audit.storage_error(err(26, "file is not a database")))
    assert "đọc/ghi ổ đĩa" in str(audit.storage_error(err(10 | (12 << 8), "disk I/O error")))
    assert "chỉ cho đọc" in str(audit.storage_error(err(8, "attempt to write a readonly database")))
    assert "bận" in str(audit.storage_error(err(5, "database is locked")))
    # without a code (Python 3.10): SQLite's message, never just the word "disk"
    assert "bị hỏng" in str(audit.storage_error(sqlite3.DatabaseError("database disk image is malformed")))
    # a full disk seen as "cannot rollback": the cause it hides is the one reported
    try:
        try:
            raise err(13, "database or disk is full")
        except sqlite3.DatabaseError:
            raise err(1, "cannot rollback - no transaction is active") from None
    except sqlite3.DatabaseError as exc:
        assert "đầy" in str(audit.storage_error(exc))


def test_full_database_says_full_and_writes_nothing(db):
    """SQLite's own SQLITE_FULL (PRAGMA max_page_count): the full-disk message, nothing half
    written."""
    from db import school
    from db.models import SchoolClass

    year = school.add_year("2026-2027", date(2026, 9, 5), date(2027, 5, 31))
    pages = db.execute_sql("PRAGMA page_count").fetchone()[0]
    db.execute_sql(f"PRAGMA max_page_count = {pages}")
    before = SchoolClass.select().count()
    with pytest.raises(SisoError, match="đầy"):
        with audit.write("class.add"):
            for i in range(2000):
                SchoolClass.create(year=year, name=f"Z{i}", grade=6, homeroom="x" * 200)
    assert SchoolClass.select().count() == before


def test_damaged_file_refuses_writes_with_the_last_backup_named(corpus, tmp_path):
    from db import backup

    path = tmp_path / "live.sqlite3"
    path.write_bytes(corpus[0].read_bytes())
    copy = backup.make_backup(path, "manual")
    data = bytearray(path.read_bytes())
    con = sqlite3.connect(str(path))
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name='student'").fetchone()[0]
    con.close()
    data[(root - 1) * 4096:root * 4096] = bytes(4096)
    path.write_bytes(bytes(data))
    open_database(str(path))
    try:
        assert connection.state.damage and connection.state.read_only
        with pytest.raises(SisoError) as info:
            with audit.write("class.add"):
                pass
    finally:
        close_database()
    assert copy.name in str(info.value) and "siso restore" in str(info.value)


def test_malformed_database_urls_give_one_line_without_the_password(capsys):
    for url in ("postgresql://u:secret@localhost:notaport/x", "postgresql://u:secret@[::1/x"):
        rc, out, err = _run(capsys, "--db", url, "student", "list")
        assert rc == 2 and "secret" not in out + err and len(err.strip().splitlines()) == 1, err
        assert connection.shown(url).count("***") == 1


@pytest.mark.parametrize("damage", ["zeroed index page", "header"])
def test_restore_over_a_damaged_file_keeps_it_and_brings_the_copy_back(corpus, tmp_path, capsys,
                                                                        damage):
    from db import backup, backup_copies

    path = tmp_path / "live.sqlite3"
    path.write_bytes(corpus[0].read_bytes())
    copy = backup.make_backup(path, "manual")
    data = bytearray(path.read_bytes())
    if damage == "header":
        data[0] = ord("X")
    else:
        con = sqlite3.connect(str(path))
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name='event_date'").fetchone()[0]
        con.close()
        data[(root - 1) * 4096:root * 4096] = bytes(4096)
    path.write_bytes(bytes(data))
    damaged = bytes(data)
    rc, out, err = _run(capsys, "--db", str(path), "--user", "thu.ky", "restore", copy.name, "--yes")
    assert rc == 0, err
    assert "Đã khôi phục" in out
    kept = [c for c in backup_copies.copies(path) if c.reason == "damaged"]
    assert len(kept) == 1 and kept[0].path.read_bytes() == damaged
    rc, out, err = _run(capsys, "--db", str(path), "check")
    assert rc == 0, err
    rc, out, err = _run(capsys, "--db", str(path), "--user", "thu.ky", "class", "add", "9Z",
                        "--grade", "9")
    assert rc == 0, err

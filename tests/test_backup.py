"""Backups and restore: consistent copies while others write, automatic daily copies and
their rotation, copies before imports, restore with its checks and refusals."""

import json
import multiprocessing
import os
import sqlite3
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest

from db import backup, backup_copies, backup_daily, backup_restore, backup_rotation, clock
from db.connection import close_database, open_database
from tui_wait import wait_for


@pytest.fixture(autouse=True)
def calendar():
    yield clock.set_today
    clock.set_today(None)


@pytest.fixture
def school(cli):
    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025",
               "--ref", "30/09/2024", "--hk2", "13/01/2025")[0] == 0
    assert cli("class", "add", "6A1", "--grade", "6", "--year", "2024-2025")[0] == 0
    add(cli, "Nguyễn Văn An")
    return cli


def add(cli, name, dob="05/09/2013"):
    rc, out, err = cli("student", "add", "--year", "2024-2025", "--class", "6A1", "--name", name,
                       "--dob", dob, "--gender", "nam")
    assert rc == 0, err
    return out.strip()


def dump(path) -> list[str]:
    """The whole content of a SQLite file, as SQL (read-only)."""
    con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def names(path) -> list[str]:
    con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return sorted(r[0] for r in con.execute("SELECT given FROM student"))
    finally:
        con.close()


def listed(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.sqlite3")) if folder.exists() else []


# ---- siso backup ---------------------------------------------------------------------------

def test_backup_while_another_connection_writes(school, tmp_path):
    # committed content still in the -wal file (no checkpoint), then an open write
    # transaction with uncommitted rows
    other = sqlite3.connect(school.path, isolation_level=None, timeout=10)
    other.execute("PRAGMA wal_autocheckpoint=0")
    other.execute("UPDATE student SET village='Làng Kon Hmôn'")
    assert os.path.getsize(school.path + "-wal") > 0
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE student SET village='chưa ghi'")
    committed = None
    try:
        rc, out, err = school("backup", "-o", str(tmp_path / "copy.sqlite3"))
        assert rc == 0, err
        assert "Đã sao lưu" in out
    finally:
        other.execute("ROLLBACK")
    copy = tmp_path / "copy.sqlite3"
    committed = dump(school.path)
    assert dump(copy) == committed  # equal to the source's committed content
    con = sqlite3.connect(copy)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT village FROM student").fetchall() == [("Làng Kon Hmôn",)]
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file to carry
    con.close()
    other.close()
    # never over an existing file
    rc, _, err = school("backup", "-o", str(copy))
    assert rc == 2 and "đã có" in err


def test_backup_into_the_backups_folder_keeps_mode_and_is_listed(school):
    os.chmod(school.path, 0o640)
    rc, out, err = school("backup")
    assert rc == 0, err
    folder = Path(school.path).parent / "backups"
    [made] = listed(folder)
    assert made.startswith("cli-") and made.endswith("-manual.sqlite3")
    assert stat.S_IMODE(os.stat(folder / made).st_mode) == 0o640
    assert os.stat(folder / made).st_gid == os.stat(school.path).st_gid
    rc, out, _ = school("backup", "list", "--format", "json")
    rows = json.loads(out)
    assert [(r["ly_do"], r["so_hoc_sinh"], Path(r["tep"]).name) for r in rows] == [("manual", 1, made)]
    assert rows[0]["dung_luong"] == os.path.getsize(folder / made)
    rc, out, _ = school("backup", "list")
    assert rc == 0 and "sao lưu tay" in out and made in out


def test_a_copy_that_fails_siso_check_is_removed(school, tmp_path):
    con = sqlite3.connect(school.path)
    con.execute("UPDATE student SET sort_key='x'")  # derived column no longer matches the name
    con.commit()
    con.close()
    rc, _, err = school("backup", "-o", str(tmp_path / "bad.sqlite3"))
    assert rc == 2 and "không qua được kiểm tra" in err
    assert not (tmp_path / "bad.sqlite3").exists()


def test_postgresql_prints_pg_dump_without_the_password(cli, capsys):
    from cli import main

    rc = main(["--db", "postgresql://thu.ky:matkhau@may-chu:5433/truong", "backup"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "pg_dump --format=custom" in err and "--username thu.ky" in err and "truong" in err
    assert "matkhau" not in err


# ---- automatic copies ----------------------------------------------------------------------

def _write_on(day: date, path: str) -> None:
    from db import school

    clock.set_today(day)
    open_database(path)
    school.set_settings({"ten_truong": f"THCS {day:%d%m}"})
    close_database()


def test_daily_rotation_keeps_7_daily_and_4_weekly(school):
    close_database()
    first = date(2026, 9, 7)  # a Monday
    for i in range(40):  # 7 Sep … 16 Oct 2026
        _write_on(first + timedelta(days=i), school.path)
    folder = Path(school.path).parent / "backups"
    kept = sorted(c.at.date() for c in backup_copies.copies(Path(school.path)) if c.reason == "daily")
    # the 7 newest days (Sat 10 … Fri 16 Oct), then the last copy (a Sunday) of each of the
    # 4 weeks before the week of 10 Oct (5–11 Oct)
    expected = [date(2026, 9, 13), date(2026, 9, 20), date(2026, 9, 27), date(2026, 10, 4)]
    expected += [date(2026, 10, d) for d in range(10, 17)]
    assert kept == expected
    # one marker left, today's
    assert sorted(p.name for p in folder.glob(".*.daily")) == [".cli-20261016.daily"]


def test_one_daily_copy_a_day_and_none_of_an_empty_database(cli):
    day = date(2026, 11, 30)
    clock.set_today(day)
    assert cli("settings", "set", "ten_truong", "THCS A")[0] == 0  # nothing to save yet
    folder = Path(cli.path).parent / "backups"
    assert listed(folder) == []
    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025",
               "--ref", "30/09/2024", "--hk2", "13/01/2025")[0] == 0
    backup_daily._done.clear()  # as a new process would
    assert cli("class", "add", "6A1", "--grade", "6", "--year", "2024-2025")[0] == 0
    assert cli("class", "add", "6A2", "--grade", "6", "--year", "2024-2025")[0] == 0
    backup_daily._done.clear()
    assert cli("class", "add", "6A3", "--grade", "6", "--year", "2024-2025")[0] == 0
    copies = backup_copies.copies(Path(cli.path))
    assert [c.reason for c in copies] == ["daily"]
    # the copy holds the state before the day's first write to a school: the year, no class
    con = sqlite3.connect(copies[0].path)
    assert con.execute("SELECT COUNT(*) FROM school_year").fetchone()[0] == 1
    assert con.execute("SELECT COUNT(*) FROM school_class").fetchone()[0] == 0
    con.close()


def _racer(path: str, day: str, barrier) -> None:
    from db import school

    backup_daily._done.clear()  # a forked child starts with what its parent settled
    clock.set_today(date.fromisoformat(day))
    open_database(path)
    barrier.wait()
    school.set_settings({"ten_truong": f"THCS {os.getpid()}"})
    close_database()


def test_exactly_one_daily_copy_when_four_processes_write_at_once(school):
    close_database()
    ctx = multiprocessing.get_context("fork")
    for day in ("2026-11-30", "2026-12-01"):
        barrier = ctx.Barrier(4)
        procs = [ctx.Process(target=_racer, args=(school.path, day, barrier)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    days = [c.at.date() for c in backup_copies.copies(Path(school.path)) if c.reason == "daily"]
    assert days == [date(2026, 11, 30), date(2026, 12, 1)]


def test_demo_copies_never_push_out_the_real_ones(tmp_path):
    from db import demo

    real, fake = tmp_path / "siso.sqlite3", tmp_path / "demo.sqlite3"
    open_database(str(fake))
    demo.build_demo(students=30, seed=1, today=date(2026, 9, 7))
    close_database()
    open_database(str(real))
    from db.school import add_year

    add_year("2026-2027", "05/09/2026", "31/05/2027", ref="30/09/2026", hk2="13/01/2027")
    close_database()
    for i in range(3):
        _write_on(date(2026, 9, 7) + timedelta(days=i), str(real))
    real_copies = [c.path.name for c in backup_copies.copies(real)]
    assert len(real_copies) == 3
    for i in range(40):  # 10 Sep … 19 Oct: 7 days from 13 Oct, 4 weeks before 12 Oct
        _write_on(date(2026, 9, 10) + timedelta(days=i), str(fake))
    for _ in range(12):
        backup.make_backup(fake, "import")
    assert [c.path.name for c in backup_copies.copies(real)] == real_copies
    demo_copies = backup_copies.copies(fake)
    assert sum(c.reason == "daily" for c in demo_copies) == 7 + 4
    assert sum(c.reason == "import" for c in demo_copies) == backup_rotation.KEEP_EVENTS == 10


def test_an_import_makes_a_copy_first_whatever_the_day(school, tmp_path):
    import openpyxl

    clock.set_today(date(2024, 9, 5))
    wb = openpyxl.Workbook()
    wb.active.append(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp"])
    wb.active.append([1, "Trần Thị Bình", "06/10/2012", "Nữ", "6A1"])
    wb.save(tmp_path / "ds.xlsx")
    rc, out, err = school("import", "students", str(tmp_path / "ds.xlsx"), "--year", "2024-2025")
    assert rc == 0, err
    [copy] = [c for c in backup_copies.copies(Path(school.path)) if c.reason == "import"]
    assert names(copy.path) == ["An"]  # before the import
    assert names(school.path) == ["An", "Bình"]


# ---- restore -------------------------------------------------------------------------------

def test_restore_round_trip_keeps_what_it_replaces(school, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    assert school("backup", "-o", str(copy))[0] == 0
    add(school, "Lê Thị Cúc")
    assert names(school.path) == ["An", "Cúc"]
    rc, out, err = school("restore", str(copy), "--yes")
    assert rc == 0, err
    assert "Học sinh" in out and "Đã khôi phục" in out
    assert names(school.path) == ["An"]
    [before] = [c for c in backup_copies.copies(Path(school.path)) if c.reason == "restore"]
    assert names(before.path) == ["An", "Cúc"]
    assert school("check")[0] == 0
    # the restore itself is in the audit log of the restored database
    con = sqlite3.connect(school.path)
    assert con.execute("SELECT action, target FROM audit ORDER BY id DESC LIMIT 1").fetchone() \
        == ("restore", "copy.sqlite3")
    con.close()
    # a name from `backup list` is found in the backups folder
    rc, _, err = school("restore", before.path.name, "--yes")
    assert rc == 0, err
    assert names(school.path) == ["An", "Cúc"]


def test_restore_without_a_terminal_needs_yes(school, tmp_path, monkeypatch):
    import io

    copy = tmp_path / "copy.sqlite3"
    assert school("backup", "-o", str(copy))[0] == 0
    add(school, "Lê Thị Cúc")
    before = dump(school.path)
    monkeypatch.setattr("sys.stdin", io.StringIO("c\n"))
    rc, out, err = school("restore", str(copy))
    assert rc == 2 and "--yes" in err
    assert dump(school.path) == before


def _damaged(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for i in range(page + 100, len(data), 37):  # garbage over every page after the first
        data[i] = (data[i] + 0x5A) % 256
    path.write_bytes(bytes(data))


def _newer(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()


def _foreign(path: Path) -> None:
    path.unlink()
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE student (id INTEGER PRIMARY KEY, given TEXT)")
    con.execute("INSERT INTO student VALUES (1, 'Khác')")
    con.commit()
    con.close()


@pytest.mark.parametrize("spoil, says", [(_damaged, "hỏng"), (_newer, "mới hơn"),
                                         (_foreign, "không phải cơ sở dữ liệu của siso")])
def test_restore_refuses_and_changes_nothing(school, tmp_path, spoil, says):
    copy = tmp_path / "copy.sqlite3"
    assert school("backup", "-o", str(copy))[0] == 0
    spoil(copy)
    add(school, "Lê Thị Cúc")
    before = dump(school.path)
    made = listed(Path(school.path).parent / "backups")
    rc, out, err = school("restore", str(copy), "--yes")
    assert rc == 2
    assert says in err and err.count("\n") == 1 and "Traceback" not in err
    assert dump(school.path) == before
    assert listed(Path(school.path).parent / "backups") == made


def test_restore_into_a_database_another_connection_has_open(school, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    assert school("backup", "-o", str(copy))[0] == 0
    add(school, "Lê Thị Cúc")
    other = sqlite3.connect(school.path, isolation_level=None)
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert other.execute("SELECT COUNT(*) FROM student").fetchone()[0] == 2
    assert school("restore", str(copy), "--yes")[0] == 0
    assert other.execute("SELECT COUNT(*) FROM student").fetchone()[0] == 1  # next read
    other.close()
    other = sqlite3.connect(school.path)
    assert other.execute("SELECT COUNT(*) FROM student").fetchone()[0] == 1
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert other.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    other.close()
    assert names(school.path) == ["An"]


def test_an_older_schema_is_migrated_after_restore(db, year, tmp_path, monkeypatch):
    from db import connection
    from db.models import DatabaseFact

    copy = tmp_path / "old.sqlite3"
    backup.copy_file(Path(db.database), copy)
    current = connection.SCHEMA_VERSION  # the copy is at the current version; pretend a newer one
    monkeypatch.setattr(connection, "SCHEMA_VERSION", current + 1)
    ran = []
    monkeypatch.setitem(connection.MIGRATIONS, current, lambda database: ran.append(current))
    DatabaseFact.put("schema_version", str(current + 1))
    plan = backup_restore.plan_restore(copy)
    assert plan.version == current
    backup_restore.restore(plan)
    assert ran == [current]
    assert DatabaseFact.get(DatabaseFact.key == "schema_version").value == str(current + 1)


# ---- the settings screen (F9) --------------------------------------------------------------

async def test_settings_backs_up_and_restores(db, year):
    from db.models import Student
    from db.school import add_class
    from db.students import add_student
    from tui.app import make_app
    from tui.screens.confirm import ConfirmScreen
    from tui.screens.event_chooser import ChoiceModal
    from tui.screens.overview import OverviewScreen
    from tui.screens.settings import SettingsScreen


    klass = add_class("6A1", 6, year)
    add_student({"name": "Nguyễn Văn An", "dob": "05/05/2013", "gender": "nam"}, year, klass)
    live = Path(db.database)
    app = make_app(db=db.database, today=date(2024, 11, 20))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await pilot.press("f2")
        await wait_for(pilot, lambda: any(c.reason == "manual" for c in backup_copies.copies(live)))
        [made] = [c for c in backup_copies.copies(live) if c.reason == "manual"]
        info = app.screen.query_one("#backup-info")
        await wait_for(pilot, lambda: made.path.name in str(info.content))
        # a later write, then back to the copy
        add_student({"name": "Lê Thị Cúc", "dob": "01/02/2013", "gender": "nữ"}, year, klass)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceModal))
        labels = [str(item[1]) for item in app.screen.items]
        assert any("sao lưu tay" in label for label in labels)
        index = [item[2] for item in app.screen.items].index(made.path)
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        [row] = [line.split() for line in app.screen.question.splitlines()
                 if line.startswith("Học sinh")]
        assert row == ["Học", "sinh", "2", "1"]  # now, after the restore
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await wait_for(pilot, lambda: any(c.reason == "restore" for c in backup_copies.copies(live)))
    assert sorted(s.given for s in Student.select()) == ["An"]


def test_a_daily_copy_that_cannot_be_made_does_not_stop_writes(school):
    folder = Path(school.path).parent / "backups"
    folder.write_text("not a folder")
    clock.set_today(date(2026, 12, 2))
    add(school, "Lê Thị Cúc")
    assert names(school.path) == ["An", "Cúc"]
    assert backup_daily.last_error and "backups" in backup_daily.last_error


@pytest.mark.parametrize("name, says", [("", "Thiếu tên tệp bản sao"), ("   ", "Thiếu tên tệp bản sao"),
                                        ("folder", "là một thư mục")])
def test_restore_of_no_name_or_a_folder_says_so(school, tmp_path, name, says):
    (tmp_path / "folder").mkdir()
    before = dump(school.path)
    rc, out, err = school("restore", str(tmp_path / name) if name == "folder" else name, "--yes")
    assert rc == 2 and says in err and err.count("\n") == 1
    assert dump(school.path) == before


def _in_wal(path: Path) -> None:
    """A copy in WAL mode, as a file copied out of a live database is."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.close()


@pytest.mark.parametrize("spoil", [_damaged, _newer, _foreign, None])
def test_a_checked_copy_in_wal_mode_gets_nothing_left_beside_it(school, tmp_path, spoil):
    folder = tmp_path / "usb"
    folder.mkdir()
    copy = folder / "copy.sqlite3"
    assert school("backup", "-o", str(copy))[0] == 0
    _in_wal(copy)
    if spoil is not None:
        spoil(copy)
    if spoil is _foreign:  # a new file
        _in_wal(copy)
    assert copy.read_bytes()[18:20] == b"\x02\x02"  # the header says WAL
    assert sorted(p.name for p in folder.iterdir()) == ["copy.sqlite3"]
    rc, out, err = school("restore", str(copy), "--yes")
    assert rc == (0 if spoil is None else 2), err
    assert sorted(p.name for p in folder.iterdir()) == ["copy.sqlite3"]


def test_backup_into_a_missing_folder_says_so_in_vietnamese(school, tmp_path):
    dest = tmp_path / "khong-co" / "copy.sqlite3"
    rc, out, err = school("backup", "-o", str(dest))
    assert rc == 2 and out == ""
    assert f"thư mục «{dest.parent}» không có" in err
    assert "No such file" not in err and err.count("\n") == 1
    assert not dest.parent.exists()


def test_every_file_refusal_reason_is_vietnamese():
    import errno

    from db.errors import os_reason

    for code in (errno.ENOENT, errno.EACCES, errno.ENOSPC, errno.EROFS, errno.EISDIR,
                 errno.ENOTDIR, errno.EIO, errno.ELOOP):
        reason = os_reason(OSError(code, os.strerror(code)))
        assert reason and os.strerror(code) not in reason

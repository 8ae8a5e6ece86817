"""Fault tests: kill -9 at random moments (all or nothing, integrity and siso check clean),
concurrent writers (none lost, none "locked"), a full disk for exports, SIGTERM during an
export. Bounded: a handful of tries each, so that the suite stays quick."""

from __future__ import annotations

import csv
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.connection import close_database

pytestmark = pytest.mark.fault

ROOT = Path(__file__).resolve().parent.parent
TRIES = int(os.environ.get("SISO_FAULT_TRIES", "6"))
# a name made of letters only for a number (names have no digits): 12 -> "Bc"
WORD = "(lambda n: ''.join('abcdeghikl'[int(c)] for c in str(n)).title())"  # in the child scripts


def word(n: int) -> str:
    return "".join("abcdeghikl"[int(c)] for c in str(n)).title()
RUN = "import sys; from cli import main; sys.exit(main(sys.argv[1:]))"


_STARTED = [0.0]


@pytest.fixture(autouse=True)
def _clock():
    _STARTED[0] = time.perf_counter()


def report(test: str, **figures) -> None:
    """With SISO_FAULT_REPORT=FILE, append what a fault test saw and how long it took
    (docs/reliability.md; tests/fault_report.py)."""
    import inspect

    from fault_report import report as write

    caller = inspect.stack()[1].function
    figures.setdefault("seconds", round(time.perf_counter() - _STARTED[0], 1))
    write(test, f"tests/test_faults.py::{caller}", **figures)


def siso(*argv, quiet: bool = False) -> subprocess.Popen:
    pipe = subprocess.DEVNULL if quiet else subprocess.PIPE  # a killed child's output is not read
    return subprocess.Popen([sys.executable, "-c", RUN, *map(str, argv)], cwd=ROOT, stdout=pipe,
                            stderr=pipe, text=True, errors="replace")


def run(*argv) -> tuple[int, str, str]:
    p = siso(*argv)
    out, err = p.communicate(timeout=300)
    return p.returncode, out, err


def killed_after(delay: float, *argv) -> int:
    p = siso(*argv, quiet=True)
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    p.communicate()
    return p.returncode


def sound(path: Path) -> None:
    """SQLite's integrity check is ok and ``siso check`` is clean."""
    con = sqlite3.connect(str(path))
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()
    rc, out, err = run("--db", path, "check")
    assert rc == 0, err


def count(path: Path, sql: str) -> int:
    con = sqlite3.connect(str(path))
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_kill_during_an_import_is_all_or_nothing(tmp_path):
    db = tmp_path / "s.sqlite3"
    assert run("--db", db, "year", "add", "2024-2025", "--start", "05/09/2024",
               "--end", "31/05/2025")[0] == 0
    rows = 2000
    src = tmp_path / "ds.csv"
    with open(src, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp"])
        for i in range(1, rows + 1):
            w.writerow([i, f"Nguyễn Văn {word(i)}", f"{1 + i % 28:02d}/02/2013",
                        "Nam", f"6A{1 + i % 4}"])
    rnd = random.Random(7)
    imported = 0
    started = time.perf_counter()
    for _ in range(TRIES):
        before = count(db, "SELECT count(*) FROM student")
        rc = killed_after(rnd.uniform(0.3, 3.5), "--db", db, "--user", "thu.ky", "import",
                          "students", src, "--year", "2024-2025", "--accept-duplicates")
        after = count(db, "SELECT count(*) FROM student")
        assert after - before in (0, rows), (rc, before, after)
        imported += after > before
        sound(db)
    assert count(db, "SELECT count(*) FROM student") == imported * rows
    assert run("--db", db, "--user", "thu.ky", "import", "students", src, "--year", "2024-2025",
               "--accept-duplicates")[0] == 0  # the file itself imports whole
    report("kill -9 during an import of 2,000 rows", tries=TRIES, whole=imported,
           nothing=TRIES - imported, partial=0, seconds=round(time.perf_counter() - started, 1))


def test_kill_during_a_loop_of_writes_loses_nothing_committed(tmp_path):
    db = tmp_path / "s.sqlite3"
    assert run("--db", db, "year", "add", "2024-2025", "--start", "05/09/2024",
               "--end", "31/05/2025")[0] == 0
    assert run("--db", db, "class", "add", "6A", "--grade", "6")[0] == 0
    loop = ("import sys\nfrom cli import main\nfor i in range(10000):\n"
            "    rc = main(['--db', sys.argv[1], '--user', 'thu.ky', 'student', 'add', '--name',"
            " 'Lò Văn ' + WORD(i), '--dob', '01/02/2013', '--gender', 'nam', '--class', '6A',"
            " '--accept-duplicates'])\n    print(rc, flush=True)\n").replace("WORD", WORD)
    rnd = random.Random(11)
    successes = 0
    started = time.perf_counter()
    for _ in range(TRIES):
        p = subprocess.Popen([sys.executable, "-c", loop, str(db)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             errors="replace")
        time.sleep(rnd.uniform(0.8, 2.0))
        p.send_signal(signal.SIGKILL)
        out, _ = p.communicate()
        codes = [t for t in out.split() if not t.isdigit()]  # the codes printed
        done = out.split().count("0")  # each reported success is in the file
        assert set(out.split()) - set(codes) <= {"0"}, out
        successes += done
        assert count(db, "SELECT count(*) FROM audit WHERE action = 'student.add'") >= done
        # every student has the event and the span written with it (one transaction)
        assert count(db, "SELECT count(*) FROM student s WHERE NOT EXISTS "
                         "(SELECT 1 FROM event e WHERE e.student_id = s.id)") == 0
        assert count(db, "SELECT count(*) FROM student") == \
            count(db, "SELECT count(*) FROM audit WHERE action = 'student.add'")
        sound(db)
    assert successes > 0
    report("kill -9 during a loop of student add", tries=TRIES, writes_reported=successes,
           lost=0, half_written=0, seconds=round(time.perf_counter() - started, 1))


def test_kill_during_demo_reset_never_leaves_an_empty_file(tmp_path):
    db = tmp_path / "demo.sqlite3"
    assert run("demo", "--db", db, "--students", "300", "--no-open")[0] == 0
    rnd = random.Random(5)
    sizes = set()
    started = time.perf_counter()
    for i in range(TRIES):
        killed_after(rnd.uniform(0.3, 2.0), "demo", "--db", db, "--students",
                     str(300 + 100 * (i % 2 + 1)), "--seed", str(i + 2), "--reset", "--no-open")
        n = count(db, "SELECT count(*) FROM student")
        assert n in (300, 400, 500), n
        sizes.add(n)
        sound(db)
    assert not list(tmp_path.glob(".demo.sqlite3.new-*-wal"))
    report("kill -9 during siso demo --reset", tries=TRIES, empty=0, distinct_schools=len(sizes),
           seconds=round(time.perf_counter() - started, 1))


def test_eight_concurrent_writers_lose_nothing_and_never_say_locked(tmp_path):
    db = tmp_path / "s.sqlite3"
    assert run("--db", db, "year", "add", "2024-2025", "--start", "05/09/2024",
               "--end", "31/05/2025")[0] == 0
    assert run("--db", db, "class", "add", "6A", "--grade", "6")[0] == 0
    each = 6
    loop = ("import sys\nfrom cli import main\nfor i in range(EACH):\n"
            "    rc = main(['--db', sys.argv[1], '--user', 'u' + sys.argv[2], 'student', 'add',"
            " '--name', 'Lò Văn ' + WORD(int(sys.argv[2]) * 100 + i), '--dob', '01/02/2013',"
            " '--gender', 'nam', '--class', '6A', '--accept-duplicates'])\n"
            "    print(rc, flush=True)\n").replace("EACH", str(each)).replace("WORD", WORD)
    procs = [subprocess.Popen([sys.executable, "-c", loop, str(db), str(n)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(8)]
    started = time.perf_counter()
    results = [p.communicate(timeout=300) for p in procs]
    for out, err in results:
        assert [t for t in out.split() if t.isdigit()] == ["0"] * each, err
        assert "bận" not in err and "locked" not in err
    assert count(db, "SELECT count(*) FROM student") == 8 * each
    sound(db)
    report("8 concurrent writer processes", writes=8 * each, present=8 * each, lost=0,
           locked_shown=0, seconds=round(time.perf_counter() - started, 1))


def test_full_disk_during_an_export_leaves_nothing(tmp_path, monkeypatch, cli):
    import errno

    from db import files

    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025")[0] == 0

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    out = tmp_path / "out"
    out.mkdir()
    rc, _, err = cli("student", "list", "-o", str(out / "ds.xlsx"))
    assert rc == 2 and "ổ đĩa đã đầy" in err
    assert list(out.iterdir()) == []


def test_sigterm_during_an_export_removes_the_temporary_file(tmp_path, monkeypatch, cli):
    from db import files

    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025")[0] == 0
    real = files.os.fsync

    def stopped(fd):
        real(fd)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(files.os, "fsync", stopped)
    out = tmp_path / "out"
    out.mkdir()
    rc, _, err = cli("student", "list", "-o", str(out / "ds.xlsx"))
    assert rc == 128 + signal.SIGTERM and "Đã dừng" in err
    assert list(out.iterdir()) == []
    close_database()


def _demo(path: Path, students: int, seed: int = 1) -> None:
    assert run("demo", "--db", path, "--students", students, "--seed", seed, "--no-open")[0] == 0


def test_kill_during_a_rollover_is_all_or_nothing(tmp_path):
    base = tmp_path / "base.sqlite3"
    _demo(base, 1500)
    rollover = ("--user", "thu.ky", "year", "rollover", "--from", "2026-2027", "--before-end",
                "--pending-as", "promoted")
    whole = tmp_path / "whole.sqlite3"
    whole.write_bytes(base.read_bytes())
    rc, out, err = run("--db", whole, *rollover)
    assert rc == 0, err
    events = {count(base, "SELECT count(*) FROM event"), count(whole, "SELECT count(*) FROM event")}
    assert len(events) == 2
    rnd = random.Random(3)
    seen = []
    started = time.perf_counter()
    for i in range(TRIES):
        db = tmp_path / f"r{i}.sqlite3"
        db.write_bytes(base.read_bytes())
        killed_after(rnd.uniform(0.25, 0.9), "--db", db, *rollover)
        n = count(db, "SELECT count(*) FROM event")
        assert n in events, (n, events)
        seen.append(n)
        sound(db)
    report("kill -9 during a rollover (1,500 students)", tries=TRIES,
           rolled_over=seen.count(max(events)), untouched=seen.count(min(events)), partial=0,
           seconds=round(time.perf_counter() - started, 1))


def test_kill_during_a_restore_leaves_one_database_or_the_other(tmp_path):
    live = tmp_path / "live.sqlite3"
    _demo(live, 800, seed=1)
    other = tmp_path / "other.sqlite3"
    _demo(other, 300, seed=2)
    counts = {800, 300}
    rnd = random.Random(9)
    restored = 0
    started = time.perf_counter()
    for _ in range(TRIES):
        killed_after(rnd.uniform(0.3, 3.0), "--db", live, "--user", "thu.ky", "restore",
                     other, "--yes")
        assert count(live, "SELECT count(*) FROM student") in counts
        sound(live)
        if count(live, "SELECT count(*) FROM student") == 300:  # restored: back to the first
            restored += 1
            live.unlink()
            for extra in ("-wal", "-shm"):
                Path(str(live) + extra).unlink(missing_ok=True)
            _demo(live, 800, seed=1)
    report("kill -9 during siso restore", tries=TRIES, restored=restored,
           untouched=TRIES - restored, mixed=0, seconds=round(time.perf_counter() - started, 1))

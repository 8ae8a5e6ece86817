"""siso performance benchmark: ``python bench/run.py`` (about 2–3 minutes, Linux).

Builds the demo school at 600 and at 60,000 students (``siso demo --students N --no-open``)
in a temporary folder, then measures each target of issue 6 and prints a table with the
target beside each figure; ``--json FILE`` (default ``bench/results.json``) keeps them.
``--only start,list,keys`` measures only those parts (and builds only the demos they need):
e.g. ``--only start`` builds the 600-student demo alone and times the start-up against the
bare Textual app.

* wall times are medians of several runs;
* peak memory is the program's own VmHWM from /proc (the TUI under a pseudo-terminal, or a
  child process for the in-process measurements, with the peak reset before an export);
* terminal figures go through a real pseudo-terminal (``bench/pty_probe.py``), 80×24;
* start-up alternates the bare Textual app and siso, run by run, and gives each one's
  main-thread CPU time at its first row beside the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from pty_probe import PtyApp

PY = sys.executable
SISO = [PY, "-c", "import sys; from cli import main; sys.exit(main())"]
KEYS = {"down": b"\x1b[B", "up": b"\x1b[A", "pagedown": b"\x1b[6~", "ctrl+end": b"\x1b[1;5F",
        "ctrl+home": b"\x1b[1;5H", "f3": b"\x1bOR", "enter": b"\r"}
FIRST_ROW = b" 6A1 "  # the first class line of the overview: the screen is usable


def machine() -> dict:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(x.split()[1]) for x in open("/proc/meminfo") if x.startswith("MemTotal"))
    except OSError:
        mem = 0
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(mem / 1024 / 1024, 1),
            "python": platform.python_version(), "os": platform.platform()}


def build_demo(folder: Path, n: int, today: str | None = None, times: dict | None = None) -> str:
    """``siso demo --students n`` in ``folder``; ``today`` (ISO): the day the demo is built
    on (its absences run up to it). ``times``: gets the command's wall and CPU seconds."""
    path = str(folder / f"demo-{n}{'-' + today if today else ''}.sqlite3")
    env = {**os.environ, **({"SISO_TODAY": today} if today else {})}
    before = os.times()
    t = time.perf_counter()
    subprocess.run([*SISO, "demo", "--students", str(n), "--no-open", "--db", path],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL, env=env)
    if times is not None:
        after = os.times()
        times["wall_s"] = time.perf_counter() - t
        times["cpu_s"] = (after.children_user - before.children_user
                          + after.children_system - before.children_system)
    return path


def year_end() -> str:
    """A day near the end of the current school year (20 May): the demo built on it holds a
    whole year of absences."""
    today = time.localtime()
    return f"{today.tm_year + (today.tm_mon >= 8)}-05-20"


def load() -> str:
    """The machine's load average (1, 5, 15 minutes): the machine may be shared."""
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def app(db: str) -> PtyApp:
    a = PtyApp([*SISO, "--db", db], 80, 24)
    a.start()
    return a


def count_marker(n: int) -> bytes:
    return f"{n} học sinh".encode()


PACKAGES = ("cli", "db", "exports", "tui")  # siso's own, every one the program imports


def compile_sources() -> int:
    """Write the bytecode of siso's own modules, as an installation has it (pip compiles what
    it installs; a checkout writes ``__pycache__`` on its first run). Without it, a shell
    with PYTHONDONTWRITEBYTECODE=1 recompiles some 30 modules on every start (about 60 ms),
    while Textual, in site-packages, was compiled at install: the start-up figures would
    compare a compiled bare app with an uncompiled siso. Returns how many modules."""
    import compileall
    import io
    from contextlib import redirect_stdout

    with redirect_stdout(io.StringIO()):
        for package in PACKAGES:
            compileall.compile_dir(str(ROOT / package), quiet=2)
    return sum(1 for package in PACKAGES for _ in (ROOT / package).rglob("*.py"))


# ---- terminal measurements -------------------------------------------------------------------

BARE_APP = ("from textual.app import App\nfrom textual.widgets import DataTable\n"
            "class A(App):\n def compose(self):\n  yield DataTable()\n"
            " def on_mount(self):\n  t=self.query_one(DataTable); t.add_columns('STT','Tên')\n"
            "  t.add_rows([(str(i), f'Row {i}') for i in range(40)])\nA().run()\n")


def main_thread_cpu(pid: int) -> float:
    """CPU seconds of a process's main thread so far (/proc/PID/schedstat, in nanoseconds): a
    loaded machine stretches the wall time much more than this."""
    with open(f"/proc/{pid}/schedstat") as fh:
        return int(fh.read().split()[0]) / 1e9


def start_and_memory(db: str, runs: int) -> dict:
    """Start to first usable screen: the reference, a bare Textual app showing a 40-row
    DataTable, and siso on the demo, one run of each in turn (a shared machine's load then
    weighs on both alike). Medians of the wall time and of the main thread's CPU time when
    the first row is on the terminal, and siso's peak memory."""
    out: dict = {"bare": [], "siso": [], "bare_cpu": [], "siso_cpu": [], "peak": []}
    for _ in range(runs):
        for who, argv, marker in (("bare", [PY, "-c", BARE_APP], b"Row 1 "),
                                  ("siso", [*SISO, "--db", db], FIRST_ROW)):
            a = PtyApp(argv, 80, 24)
            a.start()
            out[who].append(a.wait_for(marker))
            out[who + "_cpu"].append(main_thread_cpu(a.pid))
            a.settle()
            if who == "siso":
                out["peak"].append(a.peak_rss_mb())
            a.stop()
    peak = max(out.pop("peak"))
    return {**{k: statistics.median(v) for k, v in out.items()}, "peak": peak}


def open_list(db: str, n: int, runs: int) -> tuple[float, float]:
    """F3 on the overview: seconds until the whole-school list shows ``n`` students; and the
    program's peak memory after it."""
    times, peak = [], 0.0
    for _ in range(runs):
        a = app(db)
        a.wait_for(FIRST_ROW)
        a.settle()
        a.buffer.clear()
        t = time.perf_counter()
        os.write(a.fd, KEYS["f3"])
        a.t0 = t
        times.append(a.wait_for(count_marker(n), timeout=30))
        a.settle()
        peak = max(peak, a.peak_rss_mb())
        a.stop()
    return statistics.median(times), peak


def keys_in_list(db: str, n: int) -> dict:
    """Key presses in the whole-school list: inside the view, paging, jumping to the end;
    and the keystrokes of a search."""
    a = app(db)
    a.wait_for(FIRST_ROW)
    a.settle()
    os.write(a.fd, KEYS["f3"])
    a.wait_for(count_marker(n), timeout=30)
    a.settle()
    inside = [a.key(KEYS["down"]) for _ in range(8)]
    paging = [a.key(KEYS["pagedown"]) for _ in range(8)]
    jumps = [a.key(KEYS["ctrl+end"]), a.key(KEYS["ctrl+home"]), a.key(KEYS["ctrl+end"])]
    typing = [a.key(ch.encode()) for ch in "nguyen van"]
    a.stop()
    every = inside + paging + jumps
    return {
        "key_typical_ms": statistics.median(t for t, _ in every) * 1000,
        "key_worst_ms": max(t for t, _ in every) * 1000,
        "bytes_inside_view": statistics.median(b for _, b in inside),
        "bytes_scrolling": max(b for _, b in paging + jumps),
        "search_key_typical_ms": statistics.median(t for t, _ in typing) * 1000,
        "search_key_worst_ms": max(t for t, _ in typing) * 1000,
    }


# ---- in-process measurements (run in a child process: its own memory) ----------------------

CHILD = r'''
import json, os, statistics, sys, tempfile, time
from datetime import date
from db.connection import open_database
from db import clock, reports, roster, school, si_so

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

def reset_peak():
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")

def median_ms(fn, runs):
    out = []
    for _ in range(runs):
        t = time.perf_counter(); fn(); out.append(time.perf_counter() - t)
    return statistics.median(out) * 1000

def median_cpu_ms(fn, runs):
    """CPU time of this process (a loaded machine stretches wall time, not this)."""
    out = []
    for _ in range(runs):
        t = time.process_time(); fn(); out.append(time.process_time() - t)
    return statistics.median(out) * 1000

what, db, folder = sys.argv[1], sys.argv[2], sys.argv[3]
open_database(db)
year = school.current_year()
day = clock.default_day(year)
res = {}
if what == "queries":
    res["roster_ms"] = median_ms(lambda: roster.roster_rows(year, day), 5)
    res["index_ms"] = median_ms(lambda: roster.roster_index(year, day), 5)  # what F3 reads
    rows = roster.roster_rows(year, day)
    keys = [roster.search_key(r) for r in rows]
    res["filter_ms"] = max(median_ms(lambda: roster.filter_rows(keys, q), 5)
                           for q in ("n", "ng", "nguyen", "nguyen v", "nguyen van a"))
    res["sql_search_ms"] = median_ms(lambda: roster.roster_rows(year, day, search="nguyen van"), 3)
    res["f1_ms"] = median_ms(lambda: si_so.report_si_so(year, day), 7)
elif what == "export_form":
    from exports.files import write_form
    form = si_so.report_si_so(year, day)
    path = os.path.join(folder, "f1.xlsx")
    write_form(form, path, overwrite=True)  # warm: openpyxl imported
    base = rss(); reset_peak()
    res["xlsx_form_ms"] = median_ms(lambda: write_form(form, path, overwrite=True), 5)
    res["xlsx_form_extra_mb"] = hwm() - base
elif what in ("export_list", "export_tablib"):
    from db.roster import roster_export_rows
    from exports.students import COLUMNS, export_value, write_student_list
    dicts = list(roster_export_rows(roster.roster_rows(year, day)))
    path = os.path.join(folder, what + ".xlsx")
    if what == "export_list":
        base = rss(); reset_peak()
        t = time.perf_counter()
        write_student_list(dicts, path, title="DANH SÁCH HỌC SINH")
    else:  # the issue's reference: the same rows and columns through tablib's xlsx
        import tablib
        import openpyxl  # noqa: F401 — loaded before the clock starts: the import is not the export
        base = rss(); reset_peak()
        t = time.perf_counter()
        ds = tablib.Dataset(headers=[label for _, label in COLUMNS])
        for i, row in enumerate(dicts, 1):
            ds.append([export_value(row, key, i) for key, _ in COLUMNS])
        with open(path, "wb") as fh:
            fh.write(ds.export("xlsx"))
    res["xlsx_s"] = time.perf_counter() - t
    res["xlsx_extra_mb"] = hwm() - base
    res["rows"] = len(dicts)
    res["bytes"] = os.path.getsize(path)
elif what == "cli_export":  # the user's command, in this process: the database is open already
    from cli import main
    path = os.path.join(folder, "cli.xlsx")
    t = time.perf_counter()
    main(["--db", db, "student", "list", "-o", path])
    res["cli_s"] = time.perf_counter() - t
    res["cli_peak_mb"] = hwm()
elif what == "register":  # F6, F7 and F8 as JSON (built and serialised), on 4 years of history
    res["f6_ms"] = median_ms(lambda: json.dumps(reports.build("do-tuoi", year, None)), 3)
    res["f7_ms"] = median_ms(lambda: json.dumps(reports.build("nam-sinh", year, None), ensure_ascii=False), 3)
    res["f8_ms"] = median_ms(lambda: json.dumps(reports.build("dang-bo", None, None), ensure_ascii=False), 3)
    for key, form, y in (("f6", "do-tuoi", year), ("f7", "nam-sinh", year), ("f8", "dang-bo", None)):
        res[key + "_cpu_ms"] = median_cpu_ms(lambda: json.dumps(reports.build(form, y, None), ensure_ascii=False), 3)
elif what == "register_xlsx":  # F8 as xlsx, first thing in a fresh process (its memory is its own)
    from exports.files import write_form
    import openpyxl  # noqa: F401 — imported by the program at start of any export; not the export
    path = os.path.join(folder, "f8.xlsx")
    base = rss(); reset_peak()
    t, c = time.perf_counter(), time.process_time()
    write_form(reports.build("dang-bo", None, None, stream=True), path)  # what siso report dang-bo -o does
    res["f8_xlsx_s"] = time.perf_counter() - t
    res["f8_xlsx_cpu_s"] = time.process_time() - c
    res["f8_xlsx_extra_mb"] = hwm() - base
    res["f8_rows"] = len(reports.build("dang-bo", None, None)["hoc_sinh"])
elif what == "cohort":  # matching the expected children (db.cohort_match), F12 as JSON
    from db import cohort_match
    from db.models import ExpectedChild
    res["expected"] = ExpectedChild.select().count()
    res["match_ms"] = median_ms(lambda: cohort_match.match_cohort(year), 3)
    res["f12_ms"] = median_ms(lambda: json.dumps(reports.build("huy-dong", year, day), ensure_ascii=False), 3)
elif what == "record":
    from db import movements
    ids = [r.id for r in roster.roster_rows(year, day, include_left=False)][:9]
    out = []
    for sid in ids:
        t = time.perf_counter()
        movements.record_transfer_out(sid, year, day, school="Trường THCS Ia Grai", scope="01")
        out.append(time.perf_counter() - t)
    res["record_ms"] = statistics.median(out) * 1000
elif what == "attendance":  # «Cần chú ý» (overview), the flag, the rates; one mark per key
    from db import attendance as att, attendance_days, attendance_flag, attendance_rates, chuyen_can
    from db.models import Absence, SchoolClass
    res["rows"] = Absence.select().count()
    res["attention_ms"] = median_ms(lambda: attendance_flag.attention(year, day), 5)
    res["flagged_ms"] = median_ms(lambda: attendance_flag.flagged_students(year, day), 5)
    res["rates_ms"] = median_ms(lambda: attendance_rates.absence_rates(year, day), 3)
    res["f10_year_ms"] = median_ms(lambda: chuyen_can.report_chuyen_can(year, day, year.start), 3)
    res["f10_year_cpu_ms"] = median_cpu_ms(lambda: chuyen_can.report_chuyen_can(year, day, year.start), 3)
    res["f10_month_ms"] = median_ms(lambda: chuyen_can.report_chuyen_can(year, day, day.replace(day=1)), 3)
    res["attention_cpu_ms"] = median_cpu_ms(lambda: attendance_flag.attention(year, day), 5)
    res["school_days"] = len(attendance_days.school_days(year, last=day))
    klass = SchoolClass.select().where(SchoolClass.year == year.id).first()
    mark_day = attendance_days.last_school_day(year, day)
    ids = [r.id for r in roster.roster_rows(year, mark_day, klass=klass, include_left=False)][:10]
    out = []
    for sid in ids:  # what one key of the attendance screen does: the write, then the re-read
        t = time.perf_counter()
        att.set_mark(sid, mark_day, "clear")
        att.set_mark(sid, mark_day, "K")
        att.day_marks(klass.id, mark_day, sid)  # the screen re-reads that student only
        attendance_flag.flagged_students(year, mark_day, student_ids=[sid])
        att.is_taken(klass.id, mark_day)
        out.append((time.perf_counter() - t) / 2)
    res["mark_typical_ms"] = statistics.median(out) * 1000
    res["mark_worst_ms"] = max(out) * 1000
elif what == "backup":  # the day's copy (what the app does after its first screen) and `siso backup`
    from pathlib import Path as P
    from db import backup, backup_copies
    t = time.perf_counter()
    backup.copy_file(P(db), P(folder) / "daily.sqlite3", check="quick_check")
    res["daily_s"] = time.perf_counter() - t
    from db.connection import quick_check
    t = time.perf_counter()
    quick_check(P(db))  # the open-time check (CLI: before the command; app: in a worker)
    res["open_check_s"] = time.perf_counter() - t
    t = time.perf_counter()
    made = backup.make_backup(P(db), backup_copies.MANUAL, full_check=True)
    res["checked_s"] = time.perf_counter() - t
    res["mb"] = made.stat().st_size / 1e6
print(json.dumps(res))
'''


def child(what: str, db: str, folder: Path, today: str | None = None) -> dict:
    env = {**os.environ, **({"SISO_TODAY": today} if today else {})}
    out = subprocess.run([PY, "-c", CHILD, what, db, str(folder)], cwd=ROOT, check=True,
                         capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def attendance_keys(db: str) -> dict:
    """The «Điểm danh» keys, key to screen, in a Textual pilot (bench/attendance_keys.py)."""
    out = subprocess.run([PY, str(HERE / "attendance_keys.py"), db, "--json"], cwd=ROOT,
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---- the table -------------------------------------------------------------------------------

def table(r: dict) -> list[tuple[str, str, str, str]]:
    """The table's rows for the figures ``r`` holds (a part not measured has none)."""
    q600, q60 = r.get("queries_600"), r.get("queries_60k")
    k600, k60 = r.get("keys_600"), r.get("keys_60k")
    ay, ak = r.get("attendance_year"), r.get("attendance_keys")
    ms = lambda s: f"{s * 1000:.0f} ms"
    rows = [
        lambda: ("start to first usable screen, demo (600)", ms(r["start_s"]), "≤ 400 ms",
                 f"bare Textual + 40-row table: {ms(r['bare_start_s'])} "
                 f"(siso +{ms(r['start_s'] - r['bare_start_s'])}); main-thread CPU "
                 f"{ms(r['start_cpu_s'])} vs {ms(r['bare_start_cpu_s'])}"),
        lambda: ("peak memory, demo (600)", f"{r['rss_demo_mb']:.0f} MB", "≤ 60 MB", ""),
        lambda: ("peak memory, 60,000 students (list open)", f"{r['rss_60k_mb']:.0f} MB", "≤ 100 MB", ""),
        lambda: ("open whole-school list, 600 (F3 → shown)", ms(r["open_600_s"]), "≤ 100 ms",
                 f"queries: list index {q600['index_ms']:.0f} ms, full rows {q600['roster_ms']:.0f} ms"
                 if q600 else ""),
        lambda: ("open whole-school list, 60,000 (F3 → shown)", ms(r["open_60k_s"]), "≤ 300 ms",
                 f"queries: list index {q60['index_ms']:.0f} ms, full rows {q60['roster_ms']:.0f} ms"
                 if q60 else ""),
        lambda: ("key in list, 600: typical / worst", f"{k600['key_typical_ms']:.0f} / {k600['key_worst_ms']:.0f} ms",
                 "≤ 16 / ≤ 50 ms", "time to last byte on the pty"),
        lambda: ("key in list, 60,000: typical / worst", f"{k60['key_typical_ms']:.0f} / {k60['key_worst_ms']:.0f} ms",
                 "≤ 16 / ≤ 50 ms", "time to last byte on the pty"),
        lambda: ("search keystroke, 60,000: typical / worst",
                 f"{k60['search_key_typical_ms']:.0f} / {k60['search_key_worst_ms']:.0f} ms", "≤ 50 ms",
                 f"filter alone ≤ {q60['filter_ms']:.1f} ms; SQL search {q60['sql_search_ms']:.0f} ms"
                 if q60 else ""),
        lambda: ("F1 as of a date, 600", f"{q600['f1_ms']:.1f} ms", "≤ 30 ms", ""),
        lambda: ("F1 as of a date, 60,000", f"{q60['f1_ms']:.0f} ms", "≤ 150 ms", ""),
        lambda: ("xlsx export, F1 form", f"{r['export_form']['xlsx_form_ms']:.0f} ms, "
                 f"+{r['export_form']['xlsx_form_extra_mb']:.1f} MB", "≤ 300 ms, ≤ +30 MB", ""),
        lambda: ("xlsx export, 60,000-row student list", f"{r['export_list']['xlsx_s']:.1f} s, "
                 f"+{r['export_list']['xlsx_extra_mb']:.1f} MB", "≤ 4 s, ≤ +30 MB",
                 f"tablib, same rows, same run: {r['export_tablib']['xlsx_s']:.1f} s, "
                 f"+{r['export_tablib']['xlsx_extra_mb']:.0f} MB"),
        lambda: ("siso student list -o 60,000 rows .xlsx (whole command)", f"{r['cli_export_wall_s']:.1f} s",
                 "", f"in-process: {r['cli_export']['cli_s']:.1f} s, peak {r['cli_export']['cli_peak_mb']:.0f} MB"),
        lambda: ("F6 do-tuoi / F7 nam-sinh / F8 dang-bo as JSON, 60,000 over 4 years",
                 f"{r['register']['f6_ms']:.0f} / {r['register']['f7_ms']:.0f} / {r['register']['f8_ms']:.0f} ms",
                 "≤ 1 s each", f"built and serialised; CPU {r['register']['f6_cpu_ms']:.0f} / "
                               f"{r['register']['f7_cpu_ms']:.0f} / {r['register']['f8_cpu_ms']:.0f} ms"),
        lambda: ("F8 dang-bo xlsx, 60,000 over 4 years", f"{r['register']['f8_xlsx_s']:.1f} s, "
                 f"+{r['register']['f8_xlsx_extra_mb']:.0f} MB", "≤ 6 s, ≤ +30 MB",
                 f"CPU {r['register']['f8_xlsx_cpu_s']:.1f} s; streamed from the database; fresh process, "
                 "SQLite page cache included"),
        lambda: (f"matching {r['cohort']['expected']:,} expected children, 60,000 students / F12 as JSON",
                 f"{r['cohort']['match_ms']:.0f} / {r['cohort']['f12_ms']:.0f} ms", "≤ 2 s (5,000 expected)", ""),
        lambda: ("record one event (commit, synchronous FULL)", f"{r['record']['record_ms']:.1f} ms", "≤ 20 ms", ""),
        lambda: ("daily backup, 60,000 (in a worker after the first screen)", f"{r['backup']['daily_s']:.1f} s",
                 "", f"{r['backup']['mb']:.0f} MB; siso backup (integrity + siso check): "
                     f"{r['backup']['checked_s']:.1f} s"),
        lambda: ("«Cần chú ý» on the overview, 60,000 (a whole year)", f"{ay['attention_ms']:.0f} ms",
                 "≤ 300 ms", f"{ay['rows']:,} absences, CPU {ay['attention_cpu_ms']:.0f} ms; flag of the "
                             f"whole school {ay['flagged_ms']:.0f} ms; ty_le_vang of all "
                             f"{ay['rates_ms']:.0f} ms; so far this year: "
                             f"{r['attendance_60k']['attention_ms']:.0f} ms"),
        lambda: ("F10 chuyen-can over the year so far, 600", f"{r['attendance_600']['f10_year_ms']:.0f} ms",
                 "≤ 100 ms", f"{r['attendance_600']['rows']:,} absences, "
                             f"{r['attendance_600']['school_days']} school days"),
        lambda: ("F10 chuyen-can over a whole year, 60,000", f"{ay['f10_year_ms'] / 1000:.2f} s",
                 "≤ 1.5 s", f"{ay['rows']:,} absences, {ay['school_days']} school days; CPU "
                            f"{ay['f10_year_cpu_ms'] / 1000:.2f} s; its last month "
                            f"{ay['f10_month_ms'] / 1000:.2f} s; the year so far "
                            f"{r['attendance_60k']['f10_year_ms'] / 1000:.2f} s"),
        lambda: ("attendance key → screen (pilot), 600: typical / worst",
                 f"{ak['typical_ms']:.0f} / {ak['worst_ms']:.0f} ms", "≤ 16 / ≤ 50 ms",
                 f"{ak['keys']} keys K P N N X; CPU {ak['cpu_typical_ms']:.1f} / {ak['cpu_worst_ms']:.1f} ms; "
                 f"a cursor key {ak['cursor_key_ms']:.1f} ms; write + re-read alone "
                 f"{r['attendance_600']['mark_typical_ms']:.0f} / {r['attendance_600']['mark_worst_ms']:.0f} ms"),
        lambda: ("siso demo --students 60,000: so far this year / a whole year",
                 f"{r['demo_60k']['wall_s']:.1f} / {r['demo_60k_year']['wall_s']:.1f} s", "< 30 s",
                 f"CPU {r['demo_60k']['cpu_s']:.1f} / {r['demo_60k_year']['cpu_s']:.1f} s"),
        lambda: ("open-time quick check, 60,000 (app: in a worker)", f"{r['backup']['open_check_s']:.2f} s",
                 "", "PRAGMA quick_check, stopped after 3 s"),
        lambda: ("bytes per key, 80×24, 60,000: inside view / scrolling",
                 f"{k60['bytes_inside_view']:.0f} / {k60['bytes_scrolling']:.0f} B", "≤ 1,536 / ≤ 12,288 B", ""),
    ]
    shown = []
    for row in rows:
        try:
            shown.append(row())
        except (KeyError, TypeError):  # a figure of a part not measured
            pass
    return shown


PARTS = ("start", "list", "keys", "queries", "export", "record", "register", "cohort", "backup",
         "attendance", "demo")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", default=str(HERE / "results.json"))
    parser.add_argument("--runs", type=int, default=5, help="runs per start-up figure")
    parser.add_argument("--only", default=",".join(PARTS), metavar="PART,…",
                        help="measure only these parts (default: all): " + ", ".join(PARTS)
                             + "; e.g. --only start,list,keys")
    args = parser.parse_args()
    parts = set(filter(None, args.only.split(",")))
    if parts - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(parts - set(PARTS)))}")
    needs_big = bool(parts - {"start", "record"})
    needs_year = bool(parts & {"attendance", "demo"})
    started = time.perf_counter()
    r: dict = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M"),
               "parts": [p for p in PARTS if p in parts]}
    with tempfile.TemporaryDirectory(prefix="siso-bench-") as tmp:
        folder = Path(tmp)
        print(f"Building the demo schools ({'600 and 60,000' if needs_big else '600'} students"
              f"{'; 60,000 with a whole year of absences' if needs_year else ''})…", flush=True)
        r["load_start"] = load()
        r["demo_60k"], r["demo_60k_year"] = {}, {}
        small = build_demo(folder, 600)
        big = build_demo(folder, 60_000, times=r["demo_60k"]) if needs_big else ""
        end = year_end()
        if needs_year:
            whole = build_demo(folder, 60_000, today=end, times=r["demo_60k_year"])
        r["bytecode_modules"] = compile_sources()
        print("Measuring…", flush=True)
        if "start" in parts:
            start = start_and_memory(small, args.runs)
            r["bare_start_s"], r["start_s"], r["rss_demo_mb"] = start["bare"], start["siso"], start["peak"]
            r["bare_start_cpu_s"], r["start_cpu_s"] = start["bare_cpu"], start["siso_cpu"]
        if "list" in parts:
            r["open_600_s"], _ = open_list(small, 600, args.runs)
            r["open_60k_s"], r["rss_60k_mb"] = open_list(big, 60_000, 3)
        if "keys" in parts:
            r["keys_600"], r["keys_60k"] = keys_in_list(small, 600), keys_in_list(big, 60_000)
        if "queries" in parts:
            r["queries_600"] = child("queries", small, folder)
            r["queries_60k"] = child("queries", big, folder)
        if "export" in parts:
            r["export_form"] = child("export_form", small, folder)
            r["export_list"] = child("export_list", big, folder)
            r["export_tablib"] = child("export_tablib", big, folder)
            t = time.perf_counter()
            subprocess.run([*SISO, "--db", big, "student", "list", "-o", str(folder / "ds.xlsx")],
                           check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
            r["cli_export_wall_s"] = time.perf_counter() - t  # the whole command: start, query, file
            r["cli_export"] = child("cli_export", big, folder)
        if "record" in parts:
            r["record"] = child("record", small, folder)
        if "register" in parts:
            import shutil

            from years import add_earlier_years

            four = str(folder / "demo-60000-4y.sqlite3")
            shutil.copy(big, four)
            r["spans_added"] = add_earlier_years(four, 3)  # the demo's students, 3 earlier years
            r["register"] = child("register", four, folder)
            r["register"].update(child("register_xlsx", four, folder))
        if "cohort" in parts:
            r["cohort"] = child("cohort", big, folder)
        if parts & {"backup", "attendance"}:  # the open-time check is also an attendance note
            r["backup"] = child("backup", big, folder)
        if "attendance" in parts:
            r["attendance_600"] = child("attendance", small, folder)
            r["attendance_60k"] = child("attendance", big, folder)
            r["attendance_year"] = child("attendance", whole, folder, today=end)
            r["attendance_keys"] = attendance_keys(small)
    r["load_end"] = load()
    r["bench_s"] = time.perf_counter() - started
    rows = table(r)

    w0 = max(len(x[0]) for x in rows)
    w1 = max(len(x[1]) for x in rows)
    w2 = max(len(x[2]) for x in rows)
    print(f"\n{'measure':<{w0}}  {'result':>{w1}}  {'target':<{w2}}  note")
    for a, b, c, d in rows:
        print(f"{a:<{w0}}  {b:>{w1}}  {c:<{w2}}  {d}")
    m = r["machine"]
    print(f"\n{m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, {m['os']}")
    print(f"load average at the start: {r['load_start']}; at the end: {r['load_end']}")
    print(f"bytecode of siso's {r['bytecode_modules']} modules written before measuring "
          "(as an installation has it)")
    print(f"benchmark took {r['bench_s']:.0f} s; figures in {args.json}")
    r["table"] = [dict(zip(("measure", "result", "target", "note"), x)) for x in rows]
    Path(args.json).write_text(json.dumps(r, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

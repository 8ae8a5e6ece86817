"""One notion of "today" (db.clock): the day counts are taken on is the same in every door,
and no module outside db/clock.py reads the calendar itself."""

import ast
import json
from datetime import date
from pathlib import Path

from db import clock, school
from tui_wait import wait_for

ROOT = Path(__file__).resolve().parent.parent


def _calls_to_the_calendar(path: Path) -> list[str]:
    """``date.today()``, ``datetime.today()``, ``datetime.date.today()`` and
    ``datetime.now().date()`` calls in one file, as ``file:line``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        func = node.func
        owner = func.value
        owner_name = owner.id if isinstance(owner, ast.Name) else (
            owner.attr if isinstance(owner, ast.Attribute) else None)
        if func.attr == "today" and owner_name in ("date", "datetime"):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        elif (func.attr == "date" and isinstance(owner, ast.Call)
              and isinstance(owner.func, ast.Attribute) and owner.func.attr == "now"):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_only_db_clock_reads_todays_date():
    """Every "today" goes through db.clock.today(), so tests and snapshots can fix it."""
    files = [p for package in ("db", "exports", "tui") for p in sorted((ROOT / package).rglob("*.py"))]
    assert ROOT / "db" / "clock.py" in files
    offenders = [hit for p in files if p != ROOT / "db" / "clock.py" for hit in _calls_to_the_calendar(p)]
    assert offenders == []
    # the check sees the calls it is about
    assert _calls_to_the_calendar(ROOT / "db" / "clock.py")


def test_default_day_is_today_clamped_to_the_first_day_and_the_end_of_summer(year):
    # year: 05/09/2024 – 31/05/2025, no next year: its summer ends 31/08/2025
    for today, expected in ((date(2024, 8, 20), date(2024, 9, 5)),
                            (date(2024, 11, 20), date(2024, 11, 20)),
                            (date(2025, 7, 15), date(2025, 7, 15)),
                            (date(2025, 10, 1), date(2025, 8, 31))):
        clock.set_today(today)
        assert clock.default_day(year) == expected, today


def test_current_year_is_the_year_whose_first_day_to_end_of_summer_holds_today(year):
    nxt = school.add_year("2025-2026", "05/09/2025", "31/05/2026")
    clock.set_today(date(2025, 7, 15))  # the summer after 2024-2025
    assert school.current_year() == year
    clock.set_today(date(2025, 9, 4))  # the last day of that summer (the day before 05/09/2025)
    assert school.current_year() == year
    clock.set_today(date(2025, 9, 5))
    assert school.current_year() == nxt
    # between years: before the first one starts -> the first; after the last summer -> the last
    clock.set_today(date(2024, 1, 1))
    assert school.current_year() == year
    clock.set_today(date(2026, 10, 1))
    assert school.current_year() == nxt


def _summer_school(cli):
    """2024-2025 with three students in 6A1 from the first day; one drops out on 10/06/2025,
    after the year's end, in its summer."""
    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025",
               "--ref", "30/09/2024")[0] == 0
    assert cli("class", "add", "6A1", "--grade", "6")[0] == 0
    for code, name in (("HS1", "Nguyễn Văn An"), ("HS2", "Trần Thị Bình"), ("HS3", "Lê Văn Cường")):
        assert cli("student", "add", "--class", "6A1", "--name", name, "--dob", "01/01/2013",
                   "--gender", "nam", "--code", code, "--date", "05/09/2024")[0] == 0
    rc, out, err = cli("event", "add", "--student", "HS3", "--kind", "dropout",
                       "--date", "10/06/2025", "--reason", "01", "--without-visits", "gia đình đi làm ăn xa, chưa gặp được")
    assert rc == 0, err


async def test_cli_and_tui_count_on_the_same_day_in_the_summer(cli):
    """In July the class list, the F1 report and the overview count on the same day (today,
    inside the summer), so the student who dropped out in June is gone from all three."""
    from tui.app import make_app
    from tui.screens.overview import OverviewScreen

    july = date(2025, 7, 15)
    clock.set_today(july)
    _summer_school(cli)
    expected_now = 3 - 1  # three admitted on the first day, one dropped out on 10/06/2025

    rc, out, _err = cli("class", "list", "--format", "json")
    assert rc == 0
    (row,) = json.loads(out)
    assert (row["lop"], row["dau_nam"], row["hien_co"]) == ("6A1", 3, expected_now)

    rc, out, _err = cli("report", "si-so", "--format", "json")
    form = json.loads(out)
    assert form["den_ngay"] == july.isoformat()
    assert form["toan_truong"]["hien_co"]["ts"] == expected_now

    app = make_app(db=cli.path, lang="vi")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen)
                       and getattr(app.screen, "counts", None))
        assert app.day == july
        (count,) = app.screen.counts
        assert (count.name, count.start, count.now) == ("6A1", 3, expected_now)

"""No row of another class leaks to a homeroom teacher, through either door.

Real users (db.users): the clerk (the account running the tests), the homeroom teacher of
6A1 and the vice-principal of grade 7. The school is ``report_school``'s: 6A1 had S1…S6 this
year (S4 transferred out, S5 dropped out and came back, S6 moved to 6A2); the names of
``OTHERS`` belong to students who were never in 6A1, and must appear in no output the
teacher gets — lists, search, records, events, every form in every format. The clerk, as
the control, sees them.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from textual.widgets import DataTable, Select, Static

from db import clock, scope, users
from tui.navigation import OpenRoster, OpenStudent
from report_school import build_school
from tui_wait import record_notes, wait_for

SIX_A1 = {"S1", "S2", "S3", "S4", "S5", "S6"}
OTHERS = ["Đỗ Thị Hà", "Bùi Văn Khoa", "Ngô Thị Lan", "Đặng Văn Minh", "Lý Văn Nam",
          "Mai Thị Oanh", "Tạ Văn Phúc", "Hồ Văn Quân"]
TODAY = date(2024, 11, 30)


@pytest.fixture
def people(year):
    """The school, its clerk (this process's account), 6A1's homeroom teacher (account
    «gv6a1») and grade 7's vice-principal (account «pht7»)."""
    clock.set_today(TODAY)
    school = build_school(year)
    users.add_user("thu.ky", "Nguyễn Thị Thu", [("clerk", None)])
    teacher = users.add_user("gv.6a1", "Lê Thị Hoa", [("homeroom", "6A1")], system_account="gv6a1")
    vice = users.add_user("pht.7", "Trần Văn Phó", [("vice-principal", "7")], system_account="pht7")
    # the registers of another class's students, which the teacher must not read either
    from db import attendance, risk

    st = school["students"]
    with clock.fixed(date(2024, 11, 25)):
        attendance.add_absences(st["s7"], "18/11/2024", "22/11/2024")  # Đỗ Thị Hà, 6A2
        risk.open_case(st["s12"], "01", day="19/11/2024")  # Mai Thị Oanh, 7A1
        risk.add_visit(st["s12"], "20/11/2024", ["Lò Thị Mai:Giáo viên chủ nhiệm"], "mẹ",
                       "ở nhà phụ giúp gia đình", "cho đi học lại", "promised", "Lò Thị Mai")
        attendance.add_absences(st["s2"], "21/11/2024")  # Trần Thị Bình, 6A1: the teacher's
    return {"school": school, "teacher": teacher, "vice": vice,
            "clerk": users.actor_of("thu.ky")}


def leaks(text: str) -> list[str]:
    return [name for name in OTHERS if name in text]


# ---- the terminal app ------------------------------------------------------------------------


async def mounted(pilot, screen, widget_type):
    """The screen's ``widget_type`` once it is mounted."""
    await wait_for(pilot, lambda: screen.query_one(widget_type))
    return screen.query_one(widget_type)


def app_as(actor, db):
    from tui.app import make_app

    app = make_app(db=db.database, lang="vi", today=TODAY)
    users.set_current_actor(actor)  # as the door does (db.users.act_in_terminal)
    return app


async def test_tui_homeroom_teacher_sees_only_the_class(people, db):
    from tui.screens.reports import ReportsScreen
    from tui.screens.roster import RosterScreen
    from tui.screens.search import SearchScreen
    from tui.screens.student import StudentScreen
    from tui.widgets.vlist import VirtualList

    students = people["school"]["students"]
    app = app_as(people["teacher"], db)
    notes = record_notes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        overview = app.screen
        vlist = overview.query_one(VirtualList)
        await wait_for(pilot, lambda: vlist.row_count > 0)
        assert [tuple(r[:2]) for r in vlist.rows][1:] == [("Khối 6", "1 lớp hiển thị"),
                                                   ("Cộng", "1 lớp hiển thị")]
        assert vlist.rows[0][0] == "6A1" and len(vlist.rows) == 3
        # the roster of the school (the total row): only the teacher's students
        app.post_message(OpenRoster())
        await wait_for(pilot, lambda: isinstance(app.screen, RosterScreen))
        rlist = await mounted(pilot, app.screen, VirtualList)
        await wait_for(pilot, lambda: rlist.row_count > 0)
        assert {r[1] for r in rlist.rows} == SIX_A1
        assert not leaks(" ".join(str(c) for r in rlist.rows for c in r))
        await pilot.press("escape")
        # F3: the search finds no one else
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        search = app.screen
        slist = await mounted(pilot, search, VirtualList)
        await wait_for(pilot, lambda: slist.row_count > 0)
        assert slist.row_count == len(SIX_A1)
        await pilot.press(*"lan")  # Ngô Thị Lan, 6A2
        await wait_for(pilot, lambda: search.result_query == "lan")
        assert slist.row_count == 0
        # another class's student by id: refused in Vietnamese, nothing of the record shown
        app.post_message(OpenStudent(students["s9"].id))
        await wait_for(pilot, lambda: isinstance(app.screen, StudentScreen))
        await wait_for(pilot, lambda: any("không thuộc phạm vi" in str(n.message)
                                          for n in notes))
        assert "Ngô Thị Lan" not in str(app.screen.query_one("#student-name", Static).content)
        await pilot.press("escape")
        app.post_message(OpenStudent(students["s6"].id))  # left 6A1 for 6A2: still the teacher's
        await wait_for(pilot, lambda: "Vũ Thị Giang" in str(app.screen.query_one("#student-name", Static).content))
        await pilot.press("escape")
        # the reports: every form holds only the class
        reports = ReportsScreen()
        app.push_screen(reports)
        await wait_for(pilot, lambda: reports.form is not None)
        for form in ("si-so", "bo-hoc", "chuyen-truong", "len-lop", "theo-lang", "do-tuoi",
                     "dang-bo", "chi-tieu"):
            reports.form = None
            choice = reports.query_one("#report-form", Select)
            if choice.value == form:
                await pilot.press("f5")
            choice.value = form
            await wait_for(pilot, lambda form=form: reports.form is not None and reports.form["bieu_mau"] == form)
            assert reports.form["pham_vi"] == "Lớp 6A1", form
            table = reports.query_one(DataTable)
            cells = [str(c) for i in range(table.row_count) for c in table.get_row_at(i)]
            assert not leaks(" ".join(cells)), form
            assert not leaks(json.dumps(reports.form, ensure_ascii=False)), form
            if form == "si-so":
                assert "6A1" in cells and "6A2" not in cells and "7A1" not in cells
                assert "Tổng*" in cells and "Cộng khối 6*" in cells and "Toàn trường" not in cells


async def test_tui_clerk_sees_the_school(people, db):
    from tui.screens.search import SearchScreen
    from tui.widgets.vlist import VirtualList

    app = app_as(people["clerk"], db)
    async with app.run_test(size=(100, 30)) as pilot:
        vlist = app.screen.query_one(VirtualList)
        await wait_for(pilot, lambda: vlist.row_count > 0)
        assert "Toàn trường" in [r[0] for r in vlist.rows]
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        slist = await mounted(pilot, app.screen, VirtualList)
        await wait_for(pilot, lambda: slist.row_count == 14)
        await pilot.press(*"lan")
        await wait_for(pilot, lambda: app.screen.result_query == "lan")
        assert [r[2] for r in slist.rows] == ["Ngô Thị Lan"]


async def test_tui_vice_principal_opens_on_own_grades_and_switches(people, db):
    from tui.screens.dashboard import DashboardScreen, GradeCard

    app = app_as(people["vice"], db)
    assert scope.current().whole  # a vice-principal reads the whole school (docs/domain.md)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        dash = app.screen
        await wait_for(pilot, lambda: len(dash.query(GradeCard)) > 0)
        assert [c.card["khoi"] for c in dash.query(GradeCard)] == [7]
        assert "W: toàn trường" in str(dash.query_one("#dash-info", Static).content)
        await pilot.press("w")
        await wait_for(pilot, lambda: len(dash.query(GradeCard)) == 2)
        assert [c.card["khoi"] for c in dash.query(GradeCard)] == [6, 7]
        await pilot.press("w")
        await wait_for(pilot, lambda: len(dash.query(GradeCard)) == 1)


# ---- the command line ------------------------------------------------------------------------

def as_account(monkeypatch, account: str | None) -> None:
    """Run the next commands as the system account ``account`` (None: this process's own,
    the clerk's): the door maps the effective account to a user (db.users.act_in_terminal)."""
    real = users.system_account
    monkeypatch.setattr(users, "system_account", (lambda: account) if account else real)


@pytest.fixture
def siso(people, db, tmp_path, capsys):
    """``siso(*argv)`` runs ``siso --db <the school's file> …`` in-process: (code, out, err)."""
    from cli import main

    path = db.database

    def run(*argv):
        users.set_current_actor(None)  # each command finds its person afresh, as a new process
        code = main(["--db", path, *argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


YEAR = ("--year", "2024-2025")


def outputs(siso, tmp_path, tag: str) -> dict[str, str]:
    """Every reading command's output (lists, search, events, every form in json, csv,
    table and xlsx), by command."""
    from openpyxl import load_workbook

    from db.reports import FORMS

    got = {}
    for name, argv in {
        "student list": ("student", "list", *YEAR, "--format", "json"),
        "student list table": ("student", "list", *YEAR),
        "search": ("student", "list", *YEAR, "--search", "van", "--format", "json"),
        "class list": ("class", "list", *YEAR),
        "event list": ("event", "list", *YEAR, "--format", "json"),
        "absence list": ("absence", "list", *YEAR, "--format", "json"),
        "risk list": ("risk", "list", "--format", "json"),
        "visit list": ("visit", "list", "--format", "json"),
    }.items():
        code, out, err = siso(*argv)
        assert code == 0, (name, err)
        got[name] = out
    code, out, err = siso("student", "list", *YEAR, "-o", str(tmp_path / f"{tag}-list.xlsx"))
    assert code == 0, err
    wb = load_workbook(tmp_path / f"{tag}-list.xlsx")
    got["student list xlsx"] = " ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True)
                                        for c in row if c is not None)
    for form in FORMS:
        dated = () if form == "dang-bo" else (*YEAR, "--as-of", "31/05/2025")
        for fmt in ("json", "csv", "table"):
            code, out, err = siso("report", form, *dated, "--format", fmt)
            assert code in (0, 1), (form, fmt, err)  # 1: F1 off balance is a warning
            got[f"report {form} {fmt}"] = out
        target = tmp_path / f"{tag}-{form}.xlsx"
        code, out, err = siso("report", form, *dated, "-o", str(target))
        assert code in (0, 1), (form, err)
        wb = load_workbook(target)
        got[f"report {form} xlsx"] = " ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True)
                                              for c in row if c is not None)
    return got


def test_cli_homeroom_teacher_gets_only_the_class(siso, monkeypatch, tmp_path):
    as_account(monkeypatch, "gv6a1")
    got = outputs(siso, tmp_path, "gv")
    for name, text in got.items():
        assert not leaks(text), (name, leaks(text))
    assert {r["ma"] for r in json.loads(got["student list"])} == SIX_A1
    assert {r["ma"] for r in json.loads(got["search"])} == {"S1", "S4", "S5"}  # «Văn» of 6A1 only
    assert [r["ma"] for r in json.loads(got["absence list"])] == ["S2"]
    assert json.loads(got["risk list"]) == [] and json.loads(got["visit list"]) == []
    f1 = json.loads(got["report si-so json"])
    assert [r["lop"] for r in f1["lop"]] == ["6A1"] and f1["pham_vi"] == "Lớp 6A1"
    assert "Tổng các dòng hiển thị" in got["report si-so table"]
    assert "Toàn trường" not in got["report si-so table"]
    assert "Tổng các dòng hiển thị" in got["report si-so xlsx"]
    # another class: its student's record, its list, its events are refused in Vietnamese
    code, out, err = siso("student", "show", "S9")
    assert code == 2 and "Học sinh mã «S9» không thuộc phạm vi bạn được xem (Lớp 6A1)" in err
    assert "Ngô Thị Lan" not in out + err
    code, out, err = siso("student", "list", *YEAR, "--class", "6A2")
    assert code == 2 and "Lớp 6A2 không thuộc phạm vi" in err and not leaks(out)
    code, out, err = siso("event", "list", *YEAR, "--class", "7A1")
    assert code == 2 and "Lớp 7A1 không thuộc phạm vi" in err and not leaks(out)
    code, out, err = siso("report", "bien-ban", "--visit", "1", "--format", "json")  # F9 of S12
    assert code == 2 and "Học sinh mã «S12» không thuộc phạm vi" in err and not leaks(out)
    code, out, err = siso("student", "show", "S6")  # left 6A1 for 6A2 this year: still theirs
    assert code == 0 and "Vũ Thị Giang" in out


def test_cli_clerk_and_vice_principal_read_the_school(siso, monkeypatch, tmp_path):
    """The control: the clerk (this process's account) and the vice-principal of grade 7
    (who reads the whole school, docs/domain.md) see every class."""
    for account, tag in ((None, "clerk"), ("pht7", "vice")):
        as_account(monkeypatch, account)
        got = outputs(siso, tmp_path, tag)
        assert {r["ma"] for r in json.loads(got["student list"])} == {f"S{i}" for i in range(1, 15)}
        f1 = json.loads(got["report si-so json"])
        assert [r["lop"] for r in f1["lop"]] == ["6A1", "6A2", "6A10", "7A1"] and "pham_vi" not in f1
        assert "Toàn trường" in got["report si-so table"]
        for name in OTHERS:
            assert name in got["student list"] + got["report dang-bo json"], (tag, name)
        code, out, _ = siso("student", "show", "S9")
        assert code == 0 and "Ngô Thị Lan" in out
        assert {r["ma"] for r in json.loads(got["absence list"])} == {"S2", "S7"}
        assert [r["ma"] for r in json.loads(got["risk list"])] == ["S12"]
        assert [r["ma"] for r in json.loads(got["visit list"])] == ["S12"]

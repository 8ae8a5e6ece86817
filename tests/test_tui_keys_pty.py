"""Keys typed ahead take effect in typed order: the real ``siso`` program in a real
pseudo-terminal, each key sequence written in ONE write (as over SSH, from a paste, or from
Unikey), then what was saved is read back from the database."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sqlite3
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _pty_probe():
    """bench/pty_probe.py: how the project drives the program through a pseudo-terminal."""
    spec = importlib.util.spec_from_file_location("pty_probe", ROOT / "bench" / "pty_probe.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminal")

TODAY = "2024-11-20"  # SISO_TODAY of the program under test

# the bytes an xterm sends
TAB, BACKTAB, ENTER, DOWN = "\t", "\x1b[Z", "\r", "\x1b[B"
BACKSPACE, CTRL_S, CTRL_L = "\x7f", "\x13", "\x0c"
F2, F7 = "\x1bOQ", "\x1b[18~"
PASTE = "\x1b[200~{}\x1b[201~"  # bracketed paste

ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\|[@-Z\\-_])")


def siso_command() -> list[str]:
    script = Path(sys.executable).parent / "siso"
    if script.exists():
        return [str(script)]
    found = shutil.which("siso")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from cli import main; sys.exit(main())"]


class Terminal:
    """``siso --db PATH`` in an 80×24 pseudo-terminal."""

    def __init__(self, db_path: Path, tmp_path: Path) -> None:
        env = {"SISO_TODAY": TODAY, "XDG_DATA_HOME": str(tmp_path / "data"),
               "XDG_CONFIG_HOME": str(tmp_path / "config"),
               "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
               "PYTHONPATH": str(ROOT)}
        self.db_path = db_path
        self.app = _pty_probe().PtyApp([*siso_command(), "--db", str(db_path), "--lang", "vi"], env=env)

    def __enter__(self) -> Terminal:
        self.app.start()
        return self

    def __exit__(self, *exc) -> None:
        self.app.stop()

    def text(self) -> str:
        return ANSI.sub(b"", bytes(self.app.buffer)).decode("utf-8", "replace")

    def wait_for(self, text: str, timeout: float = 30.0) -> None:
        """Wait until ``text`` has been drawn, then until the program has been quiet for a
        moment (the screen is ready for keys)."""
        end = time.monotonic() + timeout
        while text not in self.text():
            if time.monotonic() > end:
                raise AssertionError(f"{text!r} not on screen; last output: {self.text()[-600:]!r}")
            self.app.read_for(0.05)
        self.app.settle(quiet=0.3, limit=5)
        self.app.buffer.clear()

    def type(self, keys: str) -> None:
        """Every key of ``keys`` in one write."""
        data = keys.encode()
        assert os.write(self.app.fd, data) == len(data)

    def wait_row(self, sql: str, args: tuple = (), timeout: float = 30.0):
        """The first row of ``sql`` once the program has written it (keeps reading the
        terminal meanwhile, so the program never blocks on a full pty)."""
        end = time.monotonic() + timeout
        while True:
            con = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=5)
            try:
                row = con.execute(sql, args).fetchone()
            except sqlite3.OperationalError:  # the file is still being created
                row = None
            finally:
                con.close()
            if row is not None:
                return row
            if time.monotonic() > end:
                raise AssertionError(f"nothing saved ({sql}); screen: {self.text()[-800:]!r}")
            self.app.read_for(0.1)


@pytest.fixture
def school_db(tmp_path):
    """A school year 2024-2025 with classes 6A1 and 6A2 and one student in 6A1."""
    from db import school
    from db.connection import close_database, open_database
    from db.models import SchoolYear
    from db.students import add_student

    path = tmp_path / "school.sqlite3"
    open_database(str(path))
    school.setup_school({"ten_truong": "Trường THCS Thử"}, "2024-2025", "05/09/2024",
                        "31/05/2025", ref="30/09/2024")
    year = SchoolYear.get()
    klass = school.add_class("6A1", 6, year)
    school.add_class("6A2", 6, year)
    from home_visits import THREE, visits

    an = add_student({"name": "Nguyễn Văn An", "dob": "01/01/2013", "gender": "nam"}, year, klass,
                     day=year.start)  # (an admission with no date is dated today)
    visits(an, *THREE)  # the dropout rule's three home visits
    close_database()
    return path


def test_welcome_form_takes_a_burst_field_by_field(tmp_path):
    path = tmp_path / "empty.sqlite3"
    with Terminal(path, tmp_path) as term:
        term.wait_for("Tạo trường")
        # Tab twice (over the level), a typo fixed with Backspace, Ctrl+S: all in one write
        term.type("Trường THCS Kim Đồng" + TAB + TAB + "UBND xã Ia Pa" + TAB + "Ia Pz"
                  + BACKSPACE + "a" + CTRL_S)
        year = term.wait_row("SELECT name, start FROM school_year")
    con = sqlite3.connect(path)
    settings = dict(con.execute("SELECT key, value FROM setting"))
    con.close()
    assert settings["ten_truong"] == "Trường THCS Kim Đồng"
    assert settings["co_quan_quan_ly"] == "UBND xã Ia Pa"
    assert settings["dia_danh"] == "Ia Pa"
    assert settings["cap_hoc"] == "THCS"
    assert year == ("2024-2025", "2024-09-05")  # the year fields kept their defaults


def test_student_form_takes_a_burst_with_shift_tab_and_a_select(school_db, tmp_path):
    with Terminal(school_db, tmp_path) as term:
        term.wait_for("6A2")
        # F2 on class 6A1; gender: Enter opens the list, Down twice is "Nữ", Enter picks it;
        # and gives the focus back to the list; Shift+Tab goes back to the date of birth
        # (selected: typing replaces it)
        term.type(F2 + "Phạm Thị Hoa" + TAB + "01/02/2013" + TAB + ENTER + DOWN + DOWN + ENTER
                  + BACKTAB + "02/02/2013" + CTRL_S)
        row = term.wait_row(
            "SELECT s.family, s.middle, s.given, s.dob, s.female, c.name FROM student s "
            "JOIN span p ON p.student_id = s.id JOIN school_class c ON c.id = p.klass_id "
            "WHERE s.given = 'Hoa'")
    assert row == ("Phạm", "Thị", "Hoa", "2013-02-02", 1, "6A1")


def test_transfer_in_from_the_event_chooser(school_db, tmp_path):
    with Terminal(school_db, tmp_path) as term:
        term.wait_for("6A2")
        term.type(ENTER)  # the roster of 6A1
        term.wait_for("Nguyễn Văn An")
        # F7 opens the chooser, D the transfer-in form; name, Tab, date of birth, Tab, gender;
        # Ctrl+S is refused (no school): the cursor goes to that field, where the rest goes
        term.type(F7 + "d" + "Lê Văn Tám" + TAB + "12/03/2013" + TAB + ENTER + DOWN + ENTER
                  + CTRL_S + "THCS Chu Văn An" + CTRL_S)
        row = term.wait_row(
            "SELECT s.family, s.middle, s.given, s.dob, s.female, e.kind, e.date, c.name, "
            "e.school FROM student s JOIN event e ON e.student_id = s.id "
            "JOIN school_class c ON c.id = e.klass_id WHERE s.given = 'Tám'")
    assert row[:5] == ("Lê", "Văn", "Tám", "2013-03-12", 0)
    assert row[5:] == ("transfer_in", TODAY, "6A1", "THCS Chu Văn An")


def test_dropout_from_the_event_chooser(school_db, tmp_path):
    from db import codes

    first_reason = next(iter(codes.dropout_reasons()))
    with Terminal(school_db, tmp_path) as term:
        term.wait_for("6A2")
        term.type(ENTER)
        term.wait_for("Nguyễn Văn An")
        # F7, B: the date is selected (typing replaces it), Tab to the reason list, Enter,
        # Down to the first reason, Enter, Tab over "Chưa đủ 3 lần vận động" (the student has
        # three visits) to the document number, Ctrl+S
        term.type(F7 + "b" + "15/11/2024" + TAB + ENTER + DOWN + ENTER + TAB + TAB + "QĐ 5" + CTRL_S)
        row = term.wait_row("SELECT kind, date, reason, doc_no FROM event WHERE kind = 'dropout'")
    assert row == ("dropout", "2024-11-15", first_reason, "QĐ 5")


def test_class_form_takes_a_burst(school_db, tmp_path):
    with Terminal(school_db, tmp_path) as term:
        term.wait_for("6A2")
        term.type(CTRL_L + "7A1" + TAB + "7" + TAB + "Nguyễn Thị Lan" + CTRL_S)
        row = term.wait_row("SELECT name, grade, homeroom FROM school_class WHERE name = '7A1'")
    assert row == ("7A1", 7, "Nguyễn Thị Lan")


def test_pasted_text_waits_its_turn(school_db, tmp_path):
    """A paste (bracketed, as terminals send it) after a Tab lands in the next field."""
    with Terminal(school_db, tmp_path) as term:
        term.wait_for("6A2")
        term.type(CTRL_L + PASTE.format("8A2") + TAB + "8" + TAB + PASTE.format("Đinh Văn Hùng")
                  + CTRL_S)
        row = term.wait_row("SELECT name, grade, homeroom FROM school_class WHERE grade = 8")
    assert row == ("8A2", 8, "Đinh Văn Hùng")

"""No input ever ends in a traceback, and every command follows one exit-code rule:
0 done; 1 the data has problems; 2 refused, nothing written; 130 interrupted; 70 an error of
the program itself (one line naming the log file that holds the traceback)."""

from datetime import date

import pytest

from db.connection import close_database, open_database
from db.errors import SisoError
from db.models import Event, SchoolYear, Span, Student
from tui import crashlog
from tui_wait import record_notes, wait_for as _wait


@pytest.fixture
def log_dir(tmp_path, monkeypatch):
    folder = tmp_path / "log"
    monkeypatch.setattr(crashlog, "log_dir", lambda: folder)
    return folder


@pytest.fixture
def school(cli):
    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025",
               "--ref", "30/09/2024")[0] == 0
    assert cli("class", "add", "6A1", "--grade", "6", "--year", "2024-2025")[0] == 0
    rc, out, _ = cli("student", "add", "--year", "2024-2025", "--class", "6A1", "--name",
                     "Nguyễn Văn An", "--dob", "05/09/2013", "--gender", "nam", "--ethnic", "Kinh",
                     "--code", "HS1")
    assert rc == 0
    return cli


def one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# ---- ids too large for the database ------------------------------------------------------

@pytest.mark.parametrize("argv, words", [
    (["event", "void", "99999999999999999999999", "--reason", "x"],
     "Không có sự kiện số 99999999999999999999999"),
    (["import", "undo", "99999999999999999999"], "Không có lần nhập số 99999999999999999999"),
    (["event", "void", "-3", "--reason", "x"], "Không có sự kiện số -3"),
    (["event", "void", "mười", "--reason", "x"], "Số sự kiện «mười» không hợp lệ"),
    (["import", "undo", "3a"], "Số lần nhập «3a» không hợp lệ"),
])
def test_record_numbers_out_of_range_are_refused_with_a_message(school, log_dir, argv, words):
    rc, out, err = school(*argv)
    assert rc == 2 and out == ""
    assert one_line(err).startswith("Lỗi: ") and words in err
    assert not log_dir.exists()  # the user's input, not the program's error


# ---- the last resort -----------------------------------------------------------------------

def test_an_unexpected_error_is_one_line_naming_the_log(school, log_dir, monkeypatch):
    import db.students

    def broken(code):
        raise ZeroDivisionError("lỗi giả để thử")

    monkeypatch.setattr(db.students, "get_student", broken)
    rc, out, err = school("student", "show", "HS1")
    assert rc == crashlog.INTERNAL_ERROR == 70
    line = one_line(err)
    path = log_dir / crashlog.LOG_NAME
    assert line.startswith("Lỗi chương trình") and str(path) in line
    logged = path.read_text(encoding="utf-8")
    assert "Traceback" in logged and "ZeroDivisionError: lỗi giả để thử" in logged
    assert "siso student show" in logged


def test_the_log_never_holds_a_database_password(log_dir, monkeypatch):
    monkeypatch.setattr("sys.argv", ["siso", "--db", "postgresql://thu:bimat@may/siso", "check"])
    path = crashlog.write(RuntimeError("x"), "siso check")
    text = path.read_text(encoding="utf-8")
    assert "bimat" not in text and "postgresql://thu:***@may/siso" in text


def test_the_log_falls_back_to_the_temporary_folder(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setattr(crashlog, "log_dir", lambda: blocker / "log")
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path / "tmp"))
    path = crashlog.write(RuntimeError("x"), "siso")
    assert path is not None and path.is_relative_to(tmp_path / "tmp")


# ---- interrupted ---------------------------------------------------------------------------

def test_ctrl_c_inside_a_command_is_130_and_one_line(school, log_dir, monkeypatch):
    import db.roster

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(db.roster, "roster_rows", interrupted)
    rc, out, err = school("student", "list")
    assert rc == 130 and out == ""
    assert one_line(err).startswith("Đã dừng")
    assert not log_dir.exists()


# ---- 1: the data has problems; 2: refused ------------------------------------------------

def _break_a_span(path):
    """A span that no event explains: the stored counts no longer follow the events."""
    open_database(path)
    st = Student.get(Student.code == "HS1")
    admit = Event.get(Event.student == st)
    year = SchoolYear.get()
    Span.create(student=st, year=year, klass=admit.klass, start=date(2024, 10, 20), end=None,
                start_event=admit)
    close_database()


def test_data_problems_exit_1(school, tmp_path):
    assert school("check")[0] == 0
    _break_a_span(school.path)
    rc, out, err = school("check")
    assert rc == 1
    rc, out, err = school("report", "si-so", "--year", "2024-2025", "--as-of", "31/10/2024")
    assert rc == 1 and "không cân đối" in err
    target = tmp_path / "f1.xlsx"
    rc, out, err = school("report", "si-so", "--year", "2024-2025", "--as-of", "31/10/2024",
                          "-o", str(target))
    assert rc == 1 and "không cân đối" in err and not target.exists()


@pytest.mark.parametrize("argv", [
    ["student", "add", "--class", "6A1", "--name", "Lê Văn Bình", "--dob", "31/02/2013",
     "--gender", "nam"],  # bad input
    ["student", "add", "--class", "6A1", "--name", "Lê Văn Bình"],  # a missing option
    ["year", "rollover", "--from", "2030-2031", "--dry-run"],  # a dry run refused
    ["event", "add", "--student", "HS1", "--kind", "dropout", "--date", "10/10/2024"],
    # a year at the end of the calendar: its rollover's dates would not exist (a traceback)
    ["year", "add", "9998-9999", "--start", "05/09/9998", "--end", "31/05/9999"],
])
def test_refused_exit_2_and_write_nothing(school, argv):
    open_database(school.path)
    before = (Student.select().count(), Event.select().count(), SchoolYear.select().count())
    close_database()
    try:
        rc, out, err = school(*argv)
    except SystemExit as exc:  # argparse
        rc = exc.code
    assert rc == 2
    open_database(school.path)
    assert (Student.select().count(), Event.select().count(), SchoolYear.select().count()) == before


# ---- a race on a unique student code -------------------------------------------------------

def test_a_race_on_a_code_gives_the_duplicate_message(year, monkeypatch):
    """Two clerks add HS9 at once: both pass the check, the second insert meets the UNIQUE
    constraint. The user reads the same message as for an ordinary duplicate."""
    import db.students
    from db.school import add_class
    from db.students import add_student

    klass = add_class("6A1", 6, year)
    data = {"name": "Lê Văn Bình", "dob": "01/01/2013", "gender": "nam", "code": "HS9"}
    add_student(data, year, klass)
    with pytest.raises(SisoError) as ordinary:
        add_student(data, year, klass)

    real = db.students._check_unique
    calls = []

    def late(values, exclude_id=None):  # the other clerk's row is not there yet
        calls.append(values.get("code"))
        if len(calls) > 1:
            real(values, exclude_id)

    monkeypatch.setattr(db.students, "_check_unique", late)
    before = (Student.select().count(), Event.select().count())
    with pytest.raises(SisoError) as raced:
        add_student(data, year, klass)
    assert len(calls) == 2  # the insert did reach the constraint
    assert (raced.value.message, raced.value.field) == (ordinary.value.message, ordinary.value.field)
    assert raced.value.message == "Mã học sinh HS9 đã có."
    assert (Student.select().count(), Event.select().count()) == before


def test_a_race_on_a_personal_id_in_a_transfer_in(year, monkeypatch):
    import db.students
    from db import movements
    from db.school import add_class
    from db.students import add_student

    klass = add_class("6A1", 6, year)
    add_student({"name": "Lê Văn Bình", "dob": "01/01/2013", "gender": "nam",
                 "national_id": "064213000001"}, year, klass)
    real = db.students._check_unique
    calls = []

    def late(values, exclude_id=None):
        calls.append(1)
        if len(calls) > 1:
            real(values, exclude_id)

    monkeypatch.setattr(db.students, "_check_unique", late)
    before = (Student.select().count(), Event.select().count())
    with pytest.raises(SisoError) as raced:
        movements.record_transfer_in(year, "12/11/2024", klass, school="THCS Lê Lợi",
                                     data={"name": "Trần Văn Cường", "dob": "01/01/2013",
                                           "gender": "nam", "national_id": "064213000001"})
    assert raced.value.message.startswith("Mã định danh 064213000001 đã là của học sinh Lê Văn Bình")
    assert (Student.select().count(), Event.select().count()) == before


# ---- the app's last resort -----------------------------------------------------------------


async def test_app_error_in_a_worker_is_a_message_and_the_log(db, log_dir, monkeypatch):
    """A database worker fails unexpectedly: a Vietnamese notification names the log, the
    app goes on (the welcome form still takes the school)."""
    from db import school as school_service
    from tui.app import make_app

    def broken(*args, **kwargs):
        raise ZeroDivisionError("lỗi giả")

    monkeypatch.setattr(school_service, "setup_school", broken)
    app = make_app(db=db.database, today=date(2024, 11, 20))
    notes = record_notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # a form that passes its own checks (they run before the service is called)
        app.screen.query_one("#w-ten_truong").value = "Trường THCS Thử"
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: notes)
        note = notes[-1]
        path = log_dir / crashlog.LOG_NAME
        assert note.title == "Lỗi chương trình" and str(path) in note.message
        assert "ZeroDivisionError: lỗi giả" in path.read_text(encoding="utf-8")
        assert app.is_running and app.crashed is None
        assert app.screen.query_one("#welcome").display  # the form is back, not busy


async def test_app_error_outside_a_worker_closes_with_one_line(db, log_dir, monkeypatch, capsys):
    """An error in a key's handler: no traceback screen; the app closes with one Vietnamese
    line naming the log (printed after the terminal is restored), exit status 70."""
    from tui.app import SisoApp, make_app

    def broken(self):
        raise ZeroDivisionError("lỗi giả trong giao diện")

    monkeypatch.setattr(SisoApp, "action_show_help", broken)
    app = make_app(db=db.database, today=date(2024, 11, 20))
    with pytest.raises(ZeroDivisionError):  # Pilot hands the error on to the test
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("f1")
            await pilot.pause()
    path = log_dir / crashlog.LOG_NAME
    assert app.return_code == 70
    assert app.crashed.startswith("Lỗi chương trình") and str(path) in app.crashed
    assert "ZeroDivisionError: lỗi giả trong giao diện" in path.read_text(encoding="utf-8")
    assert "Traceback" not in capsys.readouterr().err  # no traceback screen either

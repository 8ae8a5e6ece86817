"""A new student's fields are defined once (db.students.STUDENT_FIELDS) and every door that
adds a student offers all of them: the F2 form, the F7 D transfer-in form, the importer,
``siso student add`` and ``siso event add --kind transfer-in``. A transfer-in keeps its
ethnic group, village and guardian whichever door it came through."""

from datetime import date

import openpyxl
import pytest
from textual.app import App
from textual.widgets import Input, Select

from db import imports, kinds
from db.models import Event, Student
from db.school import add_class
from db.students import STUDENT_FIELDS
from db.villages import add_village
from tui.locale import build_mo
from tui_wait import wait_for as _wait

TODAY = date(2024, 11, 20)
# what the clerk types, and what must be stored
BA_NA = {"ethnic": "Ba Na", "village": "Làng Kuk Kôn", "guardian": "Đinh Văn Hmok"}
STORED = {"ethnic": "13", "village": "Làng Kuk Kôn", "guardian": "Đinh Văn Hmok"}


def shown(field: Input) -> str:
    """The text an input shows on screen: its value, and the suggestion after it."""
    return "".join(segment.text for segment in field.render_line(0))


def stored(st: Student) -> dict:
    return {"ethnic": st.ethnic, "village": st.village, "guardian": st.guardian}


class Host(App):
    def __init__(self):
        super().__init__()
        self.today = TODAY
        self.results = []


# ---- the definition ------------------------------------------------------------------------

def test_every_field_is_read_by_the_importer_under_its_own_label():
    from exports.headers import match_header
    from db.import_plan import FIELDS

    for spec in STUDENT_FIELDS:
        assert spec.key in FIELDS
        assert match_header(spec.label) == spec.key, spec.label


def test_labels_hints_and_choices_are_in_the_english_catalogue():
    from pathlib import Path

    import tui

    po = Path(tui.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "siso.po"
    translated = build_mo.parse_po(po.read_text(encoding="utf-8"))
    texts = [t for spec in STUDENT_FIELDS
             for t in (spec.label, spec.hint, *(label for _v, label in spec.choices)) if t]
    assert [t for t in texts if t not in translated] == []


def test_both_commands_take_the_same_options():
    from cli import build_parser

    parser = build_parser()

    def options(*path):
        p = parser
        for name in path:
            p = next(a for a in p._actions if a.__class__.__name__ == "_SubParsersAction").choices[name]
        return {o for a in p._actions for o in a.option_strings}

    wanted = {spec.option for spec in STUDENT_FIELDS}
    assert wanted <= options("student", "add")
    assert wanted <= options("event", "add")


# ---- the forms -----------------------------------------------------------------------------

async def test_transfer_in_form_f7_d_saves_ethnic_village_guardian(year):
    from tui.screens.event_form import EventForm

    b = add_class("6A2", 6, year)
    add_village(BA_NA["village"])  # a student is put in a village the school has
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(EventForm(None, "transfer-in", year.id), app.results.append)
        await pilot.pause()
        form = app.screen
        for spec in STUDENT_FIELDS:  # every field is on the form
            assert form.query(f"#{spec.field}"), spec.key
        # the default is shown, not applied in silence
        assert form.query_one("#dan_toc", Input).value == "Kinh"
        form.query_one("#ho_ten", Input).value = "Đinh Thị Hiên"
        form.query_one("#ngay_sinh", Input).value = "03/03/2013"
        form.query_one("#gioi_tinh", Select).value = "nu"
        form.query_one("#dan_toc", Input).value = BA_NA["ethnic"]
        form.query_one("#thon", Input).value = BA_NA["village"]
        form.query_one("#nguoi_giam_ho", Input).value = BA_NA["guardian"]
        form.query_one("#ngay", Input).value = "12/11/2024"
        form.query_one("#lop", Select).value = b.id
        form.query_one("#truong", Input).value = "THCS Lê Lợi"
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: app.results)
    ev = Event.get_by_id(app.results[0])
    assert ev.kind == kinds.TRANSFER_IN and ev.klass_id == b.id
    assert stored(ev.student) == STORED


async def test_transfer_in_form_shows_a_bad_ethnic_group_beside_its_field(year):
    from tui.screens.event_form import EventForm

    b = add_class("6A2", 6, year)
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(EventForm(None, "transfer-in", year.id), app.results.append)
        await pilot.pause()
        form = app.screen
        form.query_one("#ho_ten", Input).value = "Đinh Thị Hiên"
        form.query_one("#ngay_sinh", Input).value = "03/03/2013"
        form.query_one("#gioi_tinh", Select).value = "nu"
        form.query_one("#dan_toc", Input).value = "Klingon"
        form.query_one("#ngay", Input).value = "12/11/2024"
        form.query_one("#lop", Select).value = b.id
        form.query_one("#truong", Input).value = "THCS Lê Lợi"
        await pilot.press("ctrl+s")
        error = form.query_one("#err-dan_toc")
        await _wait(pilot, lambda: error.has_class("shown"))
        assert "Klingon" in str(error.render())
    assert Student.select().count() == 0


async def test_add_student_form_f2_saves_a_transfer_in_with_its_fields(year):
    from tui.screens.student_form import StudentForm

    b = add_class("6A2", 6, year)
    add_village(BA_NA["village"])  # a student is put in a village the school has

    class Year(Host):
        @property
        def year(self):
            return year

    app = Year()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(StudentForm(klass_id=b.id), app.results.append)
        await pilot.pause()
        form = app.screen
        for spec in STUDENT_FIELDS:
            assert form.query(f"#f-{spec.field}"), spec.key
        form.query_one("#f-ho_ten", Input).value = "Đinh Thị Hiên"
        form.query_one("#f-ngay_sinh", Input).value = "03/03/2013"
        form.query_one("#f-gioi_tinh", Select).value = "nu"
        form.query_one("#f-dan_toc", Input).value = BA_NA["ethnic"]
        form.query_one("#f-thon", Input).value = BA_NA["village"]
        form.query_one("#f-nguoi_giam_ho", Input).value = BA_NA["guardian"]
        form.query_one("#f-cach_vao", Select).value = kinds.TRANSFER_IN
        form.query_one("#f-ngay_vao", Input).value = "12/11/2024"
        form.query_one("#f-truong", Input).value = "THCS Lê Lợi"
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: app.results)
    st = Student.get_by_id(app.results[0])
    assert stored(st) == STORED
    assert Event.get(Event.student == st).kind == kinds.TRANSFER_IN


# ---- the command line ----------------------------------------------------------------------

@pytest.fixture
def cli_school(cli):
    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025")[0] == 0
    assert cli("class", "add", "6A2", "--grade", "6", "--year", "2024-2025")[0] == 0
    assert cli("village", "add", BA_NA["village"], "--commune", "Xã Tơ Tung")[0] == 0
    return cli


def _student(cli, code):
    from db.connection import open_database

    open_database(cli.path)
    return Student.get(Student.code == code)


def test_cli_student_add_transfer_in_saves_ethnic_village_guardian(cli_school):
    rc, out, err = cli_school(
        "student", "add", "--year", "2024-2025", "--class", "6A2", "--name", "Đinh Thị Hiên",
        "--dob", "03/03/2013", "--gender", "nu", "--entry", "transfer-in", "--date", "12/11/2024",
        "--from-school", "THCS Lê Lợi", "--ethnic", BA_NA["ethnic"], "--village", BA_NA["village"],
        "--guardian", BA_NA["guardian"])
    assert (rc, err) == (0, "")
    st = _student(cli_school, out.strip())
    assert stored(st) == STORED


def test_cli_event_add_transfer_in_saves_every_field(cli_school):
    rc, out, err = cli_school(
        "event", "add", "--kind", "transfer-in", "--date", "12/11/2024", "--class", "6A2",
        "--school", "THCS Lê Lợi", "--name", "Đinh Thị Hiên", "--dob", "03/03/2013",
        "--gender", "nu", "--ethnic", BA_NA["ethnic"], "--village", BA_NA["village"],
        "--guardian", BA_NA["guardian"], "--national-id", "064213000009", "--phone", "0905123456",
        "--commune", "Xã Tơ Tung", "--code", "HS77")
    assert (rc, err) == (0, "")
    st = _student(cli_school, "HS77")
    assert stored(st) == STORED
    assert (st.national_id, st.phone, st.commune) == ("064213000009", "0905123456", "Xã Tơ Tung")
    assert Event.get_by_id(int(out)).student_id == st.id


def test_cli_default_ethnic_group_is_said_not_silent(cli_school):
    rc, out, err = cli_school(
        "event", "add", "--kind", "transfer-in", "--date", "12/11/2024", "--class", "6A2",
        "--school", "THCS Lê Lợi", "--name", "Lê Văn Tám", "--dob", "03/03/2013", "--gender", "nam")
    assert rc == 0
    assert err.strip() == "Dân tộc: Kinh (mặc định, vì không có --ethnic)."
    assert Event.get_by_id(int(out)).student.ethnic == "01"


def test_cli_event_add_refuses_student_fields_for_an_existing_student(cli_school):
    code = cli_school("student", "add", "--year", "2024-2025", "--class", "6A2", "--name",
                      "Lê Văn Tám", "--dob", "03/03/2013", "--gender", "nam", "--ethnic", "Kinh")[1].strip()
    rc, out, err = cli_school("event", "add", "--kind", "transfer-in", "--date", "12/11/2024",
                              "--student", code, "--class", "6A2", "--school", "THCS Lê Lợi",
                              "--village", "Làng Hway")
    assert rc == 2 and "--village" in err and out == ""
    assert Event.select().count() == 1  # the admission only


# ---- the importer --------------------------------------------------------------------------

def test_import_saves_ethnic_village_guardian(tmp_path, year):
    from exports.importer import read_students

    add_class("6A2", 6, year)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([spec.label for spec in STUDENT_FIELDS] + ["Lớp"])
    values = {"name": "Đinh Thị Hiên", "dob": "03/03/2013", "gender": "Nữ", **BA_NA}
    ws.append([values.get(spec.key, "") for spec in STUDENT_FIELDS] + ["6A2"])
    wb.save(tmp_path / "ds.xlsx")
    plan = read_students(str(tmp_path / "ds.xlsx"), ref_date=year.start)
    imports.run_import(plan, year)
    assert stored(Student.get()) == STORED


async def test_a_new_village_on_the_form_is_created_only_when_confirmed(year):

    from db.models import Village
    from tui.screens.confirm import ConfirmScreen
    from tui.screens.student_form import StudentForm

    b = add_class("6A2", 6, year)
    add_village(BA_NA["village"])

    class Year(Host):
        @property
        def year(self):
            return year

    app = Year()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(StudentForm(klass_id=b.id), app.results.append)
        await pilot.pause()
        form = app.screen
        village = form.query_one("#f-thon", Input)
        village.focus()
        await pilot.press("L", "à", "n", "g", " ", "K", "u")  # the existing name is suggested
        await _wait(pilot, lambda: BA_NA["village"] in shown(village))  # dimmed after the cursor
        form.query_one("#f-ho_ten", Input).value = "Đinh Thị Hiên"
        form.query_one("#f-ngay_sinh", Input).value = "03/03/2013"
        form.query_one("#f-gioi_tinh", Select).value = "nu"
        village.value = "Làng Hway"  # not a village of the school
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # refused: nothing written, the message beside the field
        await _wait(pilot, lambda: form.errors.get("thon"))
        assert "Làng Hway" in form.errors["thon"]
        assert Student.select().count() == 0 and Village.select().count() == 1
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await _wait(pilot, lambda: app.results)
    st = Student.get_by_id(app.results[0])
    assert st.village_ref.name == "Làng Hway" and Village.select().count() == 2


async def test_transfer_in_form_f7_d_asks_before_creating_a_village(year):
    from db.models import Village
    from tui.screens.confirm import ConfirmScreen
    from tui.screens.event_form import EventForm

    b = add_class("6A2", 6, year)
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(EventForm(None, "transfer-in", year.id), app.results.append)
        await pilot.pause()
        form = app.screen
        form.query_one("#ho_ten", Input).value = "Đinh Thị Hiên"
        form.query_one("#ngay_sinh", Input).value = "03/03/2013"
        form.query_one("#gioi_tinh", Select).value = "nu"
        form.query_one("#thon", Input).value = "Làng Hway"
        form.query_one("#ngay", Input).value = "12/11/2024"
        form.query_one("#lop", Select).value = b.id
        form.query_one("#truong", Input).value = "THCS Lê Lợi"
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = app.screen.question
        assert "Chưa có thôn/làng «Làng Hway»" in question and "--new-village" not in question
        await pilot.press("n")
        error = form.query_one("#err-thon")
        await _wait(pilot, lambda: error.has_class("shown"))
        assert Student.select().count() == 0 and Village.select().count() == 0
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await _wait(pilot, lambda: app.results)
    assert Event.get_by_id(app.results[0]).student.village_ref.name == "Làng Hway"

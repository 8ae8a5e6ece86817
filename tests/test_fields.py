"""The names of the fields a refusal points at (db/fields.py): one set of constants, used
everywhere, and a form shows each message beside the widget its field names."""

import ast
import re
from datetime import date
from pathlib import Path

from textual.widgets import Input, Select, Static

from db import fields, kinds
from db.models import Event, SchoolYear, Student
from db.school import add_class
from db.students import STUDENT_FIELDS, add_student
from tui_wait import wait_for
from tui.app import make_app
from tui.navigation import AddStudent
from tui.screens.event_form import EventForm
from tui.screens.overview import OverviewScreen
from tui.screens.student_form import StudentForm
from tui.screens.welcome import WelcomeScreen

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2024, 11, 20)
ERRORS = {"SisoError", "DamagedDatabase", "EditConflict", "TargetExists", "FutureDate"}


def _sources(*folders):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _name(func):
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _field_args(call: ast.Call):
    """The field arguments of a refusal or of a helper that passes one through."""
    name = _name(call.func)
    kw = {k.arg: k.value for k in call.keywords if k.arg}
    if "field" in kw and not (name or "").endswith("Field"):
        yield kw["field"]
    if name in ERRORS and len(call.args) >= 2:
        yield call.args[1]
    if name == "parse_id" and len(call.args) >= 3:
        yield call.args[2]
    if name == "parse_date" and len(call.args) >= 3:
        yield call.args[2]


def test_the_constants_are_vietnamese_ascii_keys_named_by_themselves():
    every = fields.all_fields()
    assert len(every) > 60
    for name, value in every.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", value), name
        assert name == value.upper(), name
    assert len(set(every.values())) == len(every)
    # a new student's fields are constants of the module
    assert {spec.field for spec in STUDENT_FIELDS} <= set(every.values())


def test_every_refusal_names_its_field_by_a_constant_never_a_literal():
    """db/, exports/ and both doors (cli/, tui/): the field of ``SisoError(…)`` (and of
    parse_id, parse_date) is ``fields.X`` or a variable holding one, never a string literal."""
    literals, checked = [], 0
    for where, tree in _sources("db", "exports", "cli", "tui"):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for arg in _field_args(node):
                    checked += 1
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        literals.append(f"{where}:{node.lineno} {arg.value!r}")
    assert checked > 200
    assert literals == []


def test_every_settings_key_is_a_field_and_a_refused_setting_names_it(db):
    """A setting's refusal names the setting's own key (the widget's id in F9): so each key of
    ``db.school.SETTINGS`` is a constant here, and the field of each refusal, checked at run
    time, is one of them."""
    import pytest

    from db.errors import SisoError
    from db.school import SETTINGS, set_settings

    values = set(fields.all_fields().values())
    assert set(SETTINGS) <= values, set(SETTINGS) - values
    bad = {fields.CAP_HOC: "THPTX", fields.NGON_NGU: "fr", fields.KY_TU_DON_GIAN: "có lẽ",
           fields.SO_DANG_BO_BAT_DAU: "không", fields.NGHI_LIEN_TIEP_TOI_DA: "-1",
           fields.KHONG_PHEP_30_NGAY_TOI_DA: "1000", fields.TEN_TRUONG: "  "}
    for key, value in bad.items():
        with pytest.raises(SisoError) as err:
            set_settings({key: value})
        assert err.value.field == key, key
    with pytest.raises(SisoError) as err:
        set_settings({"khong_co": "x"})
    assert err.value.field == fields.MUC_CAI_DAT


def test_every_fields_name_used_exists_and_a_date_label_comes_with_its_field():
    every = set(fields.all_fields())
    unknown, unnamed = [], []
    for where, tree in _sources("db", "exports", "tui", "cli"):
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "fields" and node.attr != "all_fields"
                    and node.attr not in every):
                unknown.append(f"{where}:{node.lineno} fields.{node.attr}")
            if (isinstance(node, ast.Call)
                    and _name(node.func) == "parse_date" and len(node.args) == 2
                    and not any(k.arg == "field" for k in node.keywords)
                    and not isinstance(node.args[1], ast.Starred)):
                unnamed.append(f"{where}:{node.lineno}")  # a label without its field
    assert unknown == []
    assert unnamed == []


# ---- each form: the message beside the field typed wrong ---------------------------------

def _message(screen, selector: str) -> str:
    label = screen.query_one(selector, Static)
    return str(label.render()).strip() if label.has_class("shown") else ""


def _widget_fields(screen, prefix: str) -> set[str]:
    return {w.id[len(prefix):] for w in screen.query("Input, Select")
            if w.id and w.id.startswith(prefix)}


async def test_student_form_shows_a_bad_national_id_beside_that_field(year):
    a1 = add_class("6A1", 6, year)
    app = make_app(db=year._meta.database.obj.database, lang="vi", today=TODAY)
    async with app.run_test(size=(80, 40)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        app.post_message(AddStudent())
        assert await wait_for(pilot, lambda: isinstance(app.screen, StudentForm)
                              and app.screen.query(f"#f-{fields.NGAY_VAO}"))
        form = app.screen
        assert _widget_fields(form, "f-") <= set(fields.all_fields().values())
        form.query_one(f"#f-{fields.HO_TEN}", Input).value = "Lê Thị Mai"
        form.query_one(f"#f-{fields.NGAY_SINH}", Input).value = "01/01/2013"
        form.query_one(f"#f-{fields.GIOI_TINH}", Select).value = "nu"
        form.query_one(f"#f-{fields.LOP}", Select).value = a1.id
        form.query_one(f"#f-{fields.MA_DINH_DANH}", Input).value = "12345"
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: _message(form, "#e-ma_dinh_danh"))
        assert "12345" in _message(form, "#e-ma_dinh_danh")
        assert form.errors == {"ma_dinh_danh": _message(form, "#e-ma_dinh_danh")}
        assert _message(form, "#e-form") == ""
    assert Student.select().count() == 0


async def test_event_form_shows_an_impossible_date_beside_the_date(year):
    a1 = add_class("6A1", 6, year)
    st = add_student({"name": "Nguyễn Văn An", "dob": "05/05/2013", "gender": "nam"}, year, a1,
                     day=year.start)
    app = make_app(db=year._meta.database.obj.database, lang="vi", today=TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        app.push_screen(EventForm(st.id, "transfer_out", year.id))
        assert await wait_for(pilot, lambda: isinstance(app.screen, EventForm)
                              and app.screen.query(f"#{fields.NGAY}"))
        form = app.screen
        assert _widget_fields(form, "") - {"ly_do_text"} <= set(fields.all_fields().values())
        form.query_one(f"#{fields.TRUONG}", Input).value = "THCS Lê Lợi"
        form.query_one(f"#{fields.PHAM_VI}", Select).value = next(iter(kinds.SCOPES))
        form.query_one(f"#{fields.NGAY}", Input).value = "31/02/2024"
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: _message(form, "#err-ngay"))
        assert "31/02/2024" in _message(form, "#err-ngay")
        assert _message(form, "#e-form") == "" and _message(form, "#err-truong") == ""
    assert Event.select().where(Event.kind == "transfer_out").count() == 0


async def test_welcome_shows_a_bad_count_day_beside_that_field(db):
    app = make_app(db=db.database, lang="vi", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        screen = app.screen
        assert _widget_fields(screen, "w-") <= set(fields.all_fields().values())
        screen.query_one(f"#w-{fields.TEN_TRUONG}", Input).value = "THCS Kim Đồng"
        screen.query_one(f"#w-{fields.NGAY_CHOT_SI_SO}", Input).value = "31/02/2024"
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: _message(screen, "#e-ngay_chot_si_so"))
        assert "31/02/2024" in _message(screen, "#e-ngay_chot_si_so")
        assert _message(screen, "#e-form") == "" and _message(screen, "#e-ngay_bat_dau") == ""
    assert SchoolYear.select().count() == 0

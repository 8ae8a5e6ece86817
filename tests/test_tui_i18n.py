"""The English catalogue: compiled .mo up to date, every interface string translated."""

import gettext

import pytest
from pathlib import Path

from tui import i18n
from tui.locale import build_mo

TUI = Path(i18n.__file__).parent
PO = TUI / "locale" / "en" / "LC_MESSAGES" / "siso.po"
MO = PO.with_suffix(".mo")


def test_mo_is_up_to_date_with_po():
    assert MO.read_bytes() == build_mo.build(PO), "run: python -m tui.locale.build_mo"


def test_mo_reads_back_with_gettext():
    with MO.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    assert catalogue.gettext("Lớp") == "Class"
    assert catalogue.gettext("Khối {grade}").format(grade=6) == "Grade 6"
    assert catalogue.info()["content-type"] == "text/plain; charset=UTF-8"


def test_po_parser_handles_multiline_escapes_and_fuzzy():
    text = r'''msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\n"

msgid "Hai "
"dòng"
msgstr "Two "
"lines \"q\""

#, fuzzy
msgid "Nháp"
msgstr "Draft"

msgid "Chưa dịch"
msgstr ""
'''
    messages = build_mo.parse_po(text)
    assert messages == {"": "Content-Type: text/plain; charset=UTF-8\n", "Hai dòng": 'Two lines "q"'}


def test_every_string_of_every_screen_is_translated():
    files = [TUI / "app.py", *sorted((TUI / "widgets").glob("*.py")),
             *sorted((TUI / "screens").glob("*.py"))]
    # the screens wired in later must be among them
    names = {f.stem for f in files}
    assert {"event_form", "movements", "year_end", "rollover", "reports", "export_dialog",
            "dashboard", "import_wizard", "event_chooser", "menu"} <= names
    translated = build_mo.parse_po(PO.read_text(encoding="utf-8"))
    missing = [m for m in build_mo.source_msgids(files) if m not in translated]
    assert missing == []


def test_binding_descriptions_are_marked_for_the_catalogue():
    """A binding written without N_() is invisible to the catalogue: every screen's
    descriptions must be catalogue msgids."""
    import importlib

    from textual.binding import Binding

    translated = build_mo.parse_po(PO.read_text(encoding="utf-8"))
    unmarked = []
    for path in sorted((TUI / "screens").glob("*.py")):
        module = importlib.import_module(f"tui.screens.{path.stem}")
        for obj in vars(module).values():
            if not isinstance(obj, type) or obj.__module__ != module.__name__:
                continue  # the screen classes of this file, not the imported ones
            for b in obj.__dict__.get("BINDINGS", []):
                if isinstance(b, Binding) and b.description and b.description not in translated:
                    unmarked.append((path.stem, b.description))
    assert unmarked == []


def test_placeholders_survive_translation():
    """Every {name} of a msgid is in its English msgstr (else .format() raises)."""
    import re

    translated = build_mo.parse_po(PO.read_text(encoding="utf-8"))
    broken = [m for m, t in translated.items() if m and
              set(re.findall(r"{(\w*)}", m)) != set(re.findall(r"{(\w*)}", t))]
    assert broken == []


def test_language_switch():
    try:
        assert i18n.set_language("en") == "en"
        assert i18n._("Tìm HS") == "Search"
        assert i18n._("chuỗi chưa có trong danh mục") == "chuỗi chưa có trong danh mục"
        assert i18n.set_language("fr") == "vi"
        assert i18n._("Tìm HS") == "Tìm HS"
    finally:
        i18n.set_language("vi")


# ---- no English left in the Vietnamese interface -------------------------------------------

def _stock_classes():
    """Textual's classes whose bindings siso's screens inherit or show."""
    from textual import app, command, containers, screen, scroll_view, widgets
    from textual.widgets._select import SelectOverlay

    return [app.App, screen.Screen, screen.ModalScreen, containers.ScrollableContainer,
            containers.VerticalScroll, scroll_view.ScrollView, widgets.Button, widgets.Checkbox,
            widgets.DataTable, widgets.DirectoryTree, widgets.Input, widgets.Select, SelectOverlay,
            widgets.OptionList, command.CommandPalette]


def _english_descriptions() -> set[str]:
    return {b.description for cls in _stock_classes()
            for bindings in cls._merged_bindings.key_to_bindings.values()
            for b in bindings if b.description}


def test_every_stock_binding_description_has_a_vietnamese_msgid_translated_back():
    english = _english_descriptions()
    assert {"Scroll Left", "Page Right", "Copy selected text", "Dismiss menu"} <= english
    assert sorted(english - set(i18n.TEXTUAL_DESCRIPTIONS)) == []
    translated = build_mo.parse_po(PO.read_text(encoding="utf-8"))
    assert [m for m in i18n.TEXTUAL_DESCRIPTIONS.values() if m not in translated] == []
    assert i18n.describe("Scroll Left") == "Cuộn sang trái"
    i18n.set_language("en")
    assert i18n.describe("Scroll Left") == "Scroll left"
    assert i18n.describe("Trợ giúp") == "Help"


def test_the_catalogue_holds_the_i18n_module_strings():
    translated = build_mo.parse_po(PO.read_text(encoding="utf-8"))
    assert [m for m in build_mo.source_msgids([TUI / "i18n.py"]) if m not in translated] == []


@pytest.fixture
def demo_app(year):
    from datetime import date

    from db.school import add_class
    from db.students import add_student
    from tui.app import make_app

    klass = add_class("6A1", 6, year)
    add_student({"name": "Nguyễn Văn An", "dob": "01/01/2013", "gender": "nam"}, year, klass)

    def make(lang="vi"):
        return make_app(db=year._meta.database.obj.database, lang=lang, today=date(2024, 11, 20))

    return make


async def test_help_of_the_class_list_is_all_vietnamese(demo_app):
    from tui.screens.help import HelpScreen

    app = demo_app()
    english = _english_descriptions()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.keys)
        assert keys["←"] == "Cuộn sang trái" and keys["^pgdn"] == "Sang phải một trang"
        assert keys["^c"] == "Chép phần chữ đã chọn"
        assert "super+c" not in keys
        assert [d for d in keys.values() if d in english] == []


async def test_footer_of_an_open_select_menu_is_vietnamese(demo_app):
    from textual.widgets import Select
    from textual.widgets._footer import FooterKey

    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        app.screen.query_one("#loai", Select).focus()
        await pilot.press("enter")  # opens the menu
        await pilot.pause()
        shown = [key.description for key in app.screen.query(FooterKey)]
        assert "Đóng danh sách chọn" in shown
        assert "Dismiss menu" not in shown


async def test_ctrl_c_says_how_to_quit_in_vietnamese(demo_app):
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        notes = [(n.title, n.message) for n in app._notifications]
        assert notes == [("Muốn thoát?", "Nhấn Ctrl+Q để thoát chương trình.")]


async def test_ctrl_c_in_english(demo_app):
    app = demo_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        notes = [(n.title, n.message) for n in app._notifications]
        assert notes == [("Quit?", "Press Ctrl+Q to quit the program.")]


@pytest.mark.parametrize("argv, expected", [
    (["event", "void", "abc", "--reason", "x"],
     "Lỗi: tham số id: cần một số nguyên, không phải 'abc' (xem «siso event void --help»)"),
    (["--lang", "fr"], "Lỗi: tham số --lang: lựa chọn không hợp lệ: 'fr'"),
    (["event", "void"], "Lỗi: thiếu tham số: id, --reason"),
    (["student", "list", "--khong-co"], "Lỗi: tham số không nhận ra: --khong-co"),
    (["report", "si-so", "--year"], "Lỗi: tham số --year: cần một giá trị"),
])
def test_argparse_errors_are_vietnamese(argv, expected):
    rc, _out, err = _main(argv)
    assert rc == 2
    assert err.startswith(expected)
    for english in ("invalid", "argument", "required", "expected", "usage", "choose from",
                    "unrecognized"):
        assert english not in err


def _main(argv):
    import contextlib
    import io

    from tui.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as done:
        main(argv)
    return done.value.code, "", err.getvalue()

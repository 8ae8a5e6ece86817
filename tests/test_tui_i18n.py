"""The English catalogue: compiled .mo up to date, every interface string translated."""

import gettext

import pytest
from pathlib import Path

from tui import i18n
from tui.locale import build_mo
from tui.textual_private import class_bindings, select_menu_class
from tui_wait import record_notes, settle, wait_for

TUI = Path(i18n.__file__).parent
PO = TUI / "locale" / "en" / "LC_MESSAGES" / "siso.po"
MO = PO.with_suffix(".mo")


def test_mo_is_up_to_date_with_po():
    assert build_mo.up_to_date(PO), "run: python -m tui.locale.build_mo"


def test_mo_reads_back_with_gettext():
    with MO.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    assert catalogue.gettext("Lớp") == "Class"
    assert catalogue.gettext("Khối {grade}").format(grade=6) == "Grade 6"
    assert catalogue.info()["content-type"].lower() == "text/plain; charset=utf-8"


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
    assert messages == {"Hai dòng": 'Two lines "q"'}  # the header is not a message


def test_every_string_of_every_screen_is_translated():
    files = [TUI / "app.py", *sorted((TUI / "widgets").glob("*.py")),
             *sorted((TUI / "screens").glob("*.py")), *sorted((TUI / "web").glob("*.py"))]
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

    return [app.App, screen.Screen, screen.ModalScreen, containers.ScrollableContainer,
            containers.VerticalScroll, scroll_view.ScrollView, widgets.Button, widgets.Checkbox,
            widgets.DataTable, widgets.DirectoryTree, widgets.Input, widgets.Select,
            select_menu_class(), widgets.OptionList, command.CommandPalette]


def _english_descriptions() -> set[str]:
    return {b.description for cls in _stock_classes()
            for bindings in class_bindings(cls).values()
            for b in bindings if b.description}


def _menu_labels(select) -> list[str]:
    """The labels of a Select's menu, as it shows them when opened."""
    from textual.widgets import OptionList

    menu = select.query_one(OptionList)
    return [str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]


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
    from textual.widgets import Footer, Select

    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        app.screen.query_one("#loai", Select).focus()
        await pilot.press("enter")  # opens the menu
        await pilot.pause()
        shown = [key.description for key in app.screen.query_one(Footer).query("FooterKey")]
        assert "Đóng danh sách chọn" in shown
        assert "Dismiss menu" not in shown


async def test_ctrl_c_says_how_to_quit_in_vietnamese(demo_app):
    app = demo_app()
    seen = record_notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        notes = [(n.title, n.message) for n in seen]
        assert notes == [("Muốn thoát?", "Nhấn Ctrl+Q để thoát chương trình.")]


async def test_ctrl_c_in_english(demo_app):
    app = demo_app("en")
    seen = record_notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        notes = [(n.title, n.message) for n in seen]
        assert notes == [("Quit?", "Press Ctrl+Q to quit the program.")]


@pytest.mark.parametrize("argv, expected", [
    # (an event number is read by the service, which names it: see test_exit_codes)
    (["target", "set", "--grade", "abc", "--name", "ty_le_bo_hoc", "--value", "2"],
     "Lỗi: tham số --grade: cần một số nguyên, không phải 'abc' (xem «siso target set --help»)"),
    (["--lang", "fr"], "Lỗi: tham số --lang: lựa chọn không hợp lệ: 'fr'"),
    (["event", "void"], "Lỗi: thiếu tham số: SỐ, --reason"),
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

    from cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as done:
        main(argv)
    return done.value.code, "", err.getvalue()


# ---- no Vietnamese left on the English report screen -----------------------------------------

def _vietnamese(text: str) -> bool:
    """Letters only Vietnamese writes (accented vowels, đ); "−", "…" and the like are not."""
    import unicodedata

    return any(ord(c) > 127 and c.isalpha() and "LATIN" in unicodedata.name(c, "")
               for c in str(text))


# the columns that carry people's data (names, places, free text), Vietnamese in any language
DATA_COLUMNS = {"GVCN", "Họ và tên", "Dân tộc", "Thôn/làng", "Cha/mẹ/người giám hộ",
                "Chuyển đến từ trường", "Chuyển đi đến trường", "Tỉnh, xã/huyện", "Lý do",
                "Số văn bản", "Ghi chú"}


async def test_report_screen_in_english_has_no_vietnamese_left(year):
    from datetime import date

    from textual.app import App
    from textual.widgets import DataTable, Select

    from db import clock
    from report_school import build_school
    from tui.screens.reports import ReportsScreen

    build_school(year)
    i18n.set_language("en")

    class Host(App):
        def __init__(self):
            super().__init__()
            self.year = year
            clock.set_today(date(2025, 6, 20))  # the screens read "today" from db.clock

        def on_mount(self):
            self.push_screen(ReportsScreen())


    app = Host()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = app.screen
        period = screen.query_one("#report-period", Select)
        options = _menu_labels(period)
        assert "Month 10/2024" in options and "Semester I" in options
        assert [o for o in options if _vietnamese(o)] == []
        period.value = "nam"  # the whole year: every kind of row
        await settle(pilot)
        seen = set()
        for form in ("si-so", "bo-hoc", "chuyen-truong", "len-lop", "chi-tieu"):
            screen.query_one("#report-form", Select).value = form
            await settle(pilot)
            assert screen.form["bieu_mau"] == form
            left = []
            for table in screen.tables:
                for t in (table, *table.below):
                    texts = [t.title, *t.lines, t.legend, *t.short_headers, *t.headers]
                    seen.add(t.title)
                    for values, style in zip(t.rows, t.styles):
                        for col, value in zip(t.columns, values):
                            if col.label not in DATA_COLUMNS or t.sheet == "Theo ly do" \
                                    or (style and col is t.columns[1]):
                                texts.append(value)
                                seen.add(str(value))
                    left += [x for x in texts if isinstance(x, str) and _vietnamese(x)]
            grid = screen.query_one(DataTable)
            left += [str(c.label) for c in grid.columns.values() if _vietnamese(str(c.label))]
            assert left == [], (form, left)
        # the words the screen used to leave in Vietnamese
        assert {"Whole school", "Grade 6 total", "Dropouts by reason", "Family hardship",
                "Weak academic results", "01 - Family hardship", "Sem I"} <= seen


def test_exported_files_stay_vietnamese_in_english(year):
    """The xlsx/ods/csv forms are official forms: Vietnamese whatever the interface language."""
    from datetime import date

    from db.reports import build
    from exports.forms import tables_of
    from exports.xlsx_form import build_workbook
    from report_school import build_school

    build_school(year)
    i18n.set_language("en")
    form = build("si-so", year, date(2024, 10, 31))
    table = tables_of(form)[0]
    assert table.legend.startswith("ĐN = Đầu năm") and table.short_headers[3] == "ĐN TS"
    assert ["", "Toàn trường"] == [str(v) for v in table.rows[-1][:2]]
    english = tables_of(form, tr=i18n._)[0]
    assert english.legend.startswith("Beg = Start") and english.short_headers[3] == "Beg All"
    assert english.rows[-1][1] == "Whole school"
    sheet = build_workbook(form, {}).active
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value}
    assert "Toàn trường" in cells and "BÁO CÁO TÌNH HÌNH SĨ SỐ HỌC SINH" in cells
    assert "Whole school" not in cells


def test_every_dropout_reason_and_report_word_is_in_the_catalogue():
    """Data the screens translate (db/data/ly_do_bo_hoc.csv, the forms' words)."""
    from db import codes, kinds
    from db.movement_lists import SEMESTER_SHORT
    from db.reports import FORMS
    from db.targets import BOUND_LABELS, TARGETS
    from exports.forms_f1_f5 import HEAD_LABELS, MOVE_LABELS
    from exports.table import GROUP_SHORT

    translated = build_mo.parse_po(PO.read_text(encoding="utf-8"))
    words = [*codes.dropout_reasons().values(), *FORMS.values(), *SEMESTER_SHORT.values(),
             *BOUND_LABELS.values(), *(label for label, *_rest in TARGETS.values()),
             *GROUP_SHORT, *GROUP_SHORT.values(), *HEAD_LABELS.values(), *MOVE_LABELS.values(),
             *kinds.SCOPES.values()]
    assert [w for w in words if w not in translated] == []


async def test_dropout_reasons_in_english_on_the_event_form_and_the_register(year):
    from datetime import date

    from textual.app import App
    from textual.widgets import Select

    from db import movements
    from db.school import add_class
    from db.students import add_student
    from tui.screens.event_form import EventForm
    from tui.screens.movements import MovementsScreen

    from db import clock

    klass = add_class("6A1", 6, year)
    clock.set_today(date(2024, 11, 20))
    student = add_student({"name": "Nguyễn Văn An", "dob": "01/01/2013", "gender": "nam"},
                          year, klass, day=year.start)
    movements.record_dropout(student, year, "10/10/2024", "02", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    i18n.set_language("en")

    app = App()
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(EventForm(student.id, "dropout", year.id))
        await pilot.pause()
        labels = _menu_labels(app.screen.query_one("#ly_do", Select))
        assert "01 Family hardship" in labels and "02 Weak academic results" in labels
        assert [x for x in labels if _vietnamese(x)] == []
        app.pop_screen()
        screen = MovementsScreen(year.id)
        app.push_screen(screen)
        await wait_for(pilot, lambda: screen.rows)
        table = screen.query_one("#events")
        assert "02 - Weak academic results" in [str(c) for c in table.get_row_at(0)]  # codes.reason_text

"""The English catalogue: compiled .mo up to date, every interface string translated."""

import gettext
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

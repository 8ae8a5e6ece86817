"""Interface language: Vietnamese source strings, translated through gettext.

The msgids are the Vietnamese labels themselves; ``tui/locale/en/LC_MESSAGES/siso.po``
holds the English catalogue and its compiled ``siso.mo`` sits beside it (rebuild it with
``python -m tui.locale.build_mo`` after editing the ``.po``).

``_()`` looks the language up at call time, so call it when a widget is built, not at
import. Binding descriptions are class attributes (written as Vietnamese msgids); every
screen translates its own with :func:`translate_bindings` when it is created.

Textual's stock widgets describe their keys in English ("Scroll Left", "Dismiss menu" …).
:data:`TEXTUAL_DESCRIPTIONS` gives each of them a Vietnamese msgid, and :func:`describe`
is the one translation of a binding description, in either language: the screens'
bindings (:func:`translate_bindings`), the footer and the help (F1) all go through it.
"""

from __future__ import annotations

import dataclasses
import gettext
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "siso"
LANGUAGES = ("vi", "en")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "vi"


def set_language(lang: str | None) -> str:
    """Choose the interface language (``vi`` or ``en``); anything else means Vietnamese."""
    global _translation, _language
    lang = (lang or "vi").lower()
    if lang not in LANGUAGES:
        lang = "vi"
    _language = lang
    if lang == "vi":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang],
                                           fallback=True)
    return lang


def language() -> str:
    return _language


def _(message: str) -> str:
    """The message in the chosen language (the Vietnamese msgid when untranslated)."""
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it now (class attributes)."""
    return message


# Textual's own binding descriptions (the stock widgets siso uses: App, Screen, scrolling
# containers, Input, Button, Checkbox, Select and its menu, OptionList, DataTable,
# DirectoryTree, the command palette) -> a Vietnamese msgid.
TEXTUAL_DESCRIPTIONS = {
    "Quit": N_("Thoát"),
    "Focus Next": N_("Sang ô sau"),
    "Focus Previous": N_("Về ô trước"),
    "Copy selected text": N_("Chép phần chữ đã chọn"),
    "Cut selected text": N_("Cắt phần chữ đã chọn"),
    "Paste text from the clipboard": N_("Dán chữ đã chép"),
    "Scroll Up": N_("Cuộn lên"),
    "Scroll Down": N_("Cuộn xuống"),
    "Scroll Left": N_("Cuộn sang trái"),
    "Scroll Right": N_("Cuộn sang phải"),
    "Scroll Home": N_("Lên đầu"),
    "Scroll End": N_("Xuống cuối"),
    "Page Up": N_("Trang trước"),
    "Page Down": N_("Trang sau"),
    "Page up": N_("Trang trước"),
    "Page down": N_("Trang sau"),
    "Page Left": N_("Sang trái một trang"),
    "Page Right": N_("Sang phải một trang"),
    "Up": N_("Lên"),
    "Down": N_("Xuống"),
    "Cursor Up": N_("Lên"),
    "Cursor Down": N_("Xuống"),
    "Cursor up": N_("Lên"),
    "Cursor down": N_("Xuống"),
    "Cursor left": N_("Sang trái"),
    "Cursor right": N_("Sang phải"),
    "First": N_("Lên đầu"),
    "Last": N_("Xuống cuối"),
    "Home": N_("Lên đầu"),
    "End": N_("Xuống cuối"),
    "Top": N_("Lên đầu"),
    "Bottom": N_("Xuống cuối"),
    "Select": N_("Chọn"),
    "Toggle": N_("Đánh dấu / bỏ đánh dấu"),
    "Press button": N_("Bấm nút"),
    "Show menu": N_("Mở danh sách chọn"),
    "Dismiss menu": N_("Đóng danh sách chọn"),
    "Submit": N_("Xong ô này"),
    "Move cursor left": N_("Con trỏ sang trái"),
    "Move cursor right or accept the completion suggestion": N_("Con trỏ sang phải"),
    "Move cursor left and select": N_("Chọn sang trái"),
    "Move cursor right and select": N_("Chọn sang phải"),
    "Move cursor left a word": N_("Con trỏ sang trái một từ"),
    "Move cursor right a word": N_("Con trỏ sang phải một từ"),
    "Move cursor left a word and select": N_("Chọn sang trái một từ"),
    "Move cursor right a word and select": N_("Chọn sang phải một từ"),
    "Go to start": N_("Về đầu ô"),
    "Go to end": N_("Về cuối ô"),
    "Select line start": N_("Chọn đến đầu ô"),
    "Select line end": N_("Chọn đến cuối ô"),
    "Select all": N_("Chọn hết"),
    "Delete character left": N_("Xóa chữ bên trái"),
    "Delete character right": N_("Xóa chữ bên phải"),
    "Delete left to start of word": N_("Xóa đến đầu từ"),
    "Delete right to start of word": N_("Xóa đến đầu từ sau"),
    "Delete all to the left": N_("Xóa hết bên trái"),
    "Delete all to the right": N_("Xóa hết bên phải"),
    "Cursor to parent": N_("Lên thư mục chứa"),
    "Cursor to next sibling": N_("Xuống mục cùng cấp sau"),
    "Cursor to previous sibling": N_("Lên mục cùng cấp trước"),
    "Cursor to next ancestor": N_("Sang mục cấp trên sau"),
    "Expand or collapse all": N_("Mở / đóng tất cả"),
    "Exit the command palette": N_("Đóng bảng lệnh"),
    "Next command": N_("Lệnh sau"),
    "Previous command": N_("Lệnh trước"),
    "Next page": N_("Trang sau"),
    "Previous page": N_("Trang trước"),
    "Go to top": N_("Lên đầu"),
    "Go to bottom": N_("Xuống cuối"),
}


def describe(description: str) -> str:
    """A binding description in the interface language: siso's own (a Vietnamese msgid,
    or its translation already) or one of Textual's stock English descriptions."""
    if not description:
        return ""
    return _(TEXTUAL_DESCRIPTIONS.get(description, description))


def translated_binding(binding):
    """``binding`` with its description and tooltip in the interface language."""
    description, tooltip = describe(binding.description), describe(binding.tooltip)
    if description == binding.description and tooltip == binding.tooltip:
        return binding
    return dataclasses.replace(binding, description=description, tooltip=tooltip)


def translate_bindings(node) -> None:
    """Replace the binding descriptions of a DOM node (App, Screen, Widget), the inherited
    ones of Textual included, by their translation. Called from ``__init__``; the class
    BINDINGS keep the Vietnamese msgids."""
    from .textual_private import key_bindings

    by_key = key_bindings(node)
    for key, bindings in by_key.items():
        by_key[key] = [translated_binding(b) for b in bindings]

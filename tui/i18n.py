"""Interface language: Vietnamese source strings, translated through gettext.

The msgids are the Vietnamese labels themselves; ``tui/locale/en/LC_MESSAGES/siso.po``
holds the English catalogue and its compiled ``siso.mo`` sits beside it (rebuild it with
``python -m tui.locale.build_mo`` after editing the ``.po``).

``_()`` looks the language up at call time, so call it when a widget is built, not at
import. Binding descriptions are class attributes (written as Vietnamese msgids); every
screen translates its own with :func:`translate_bindings` when it is created.
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


def translate_bindings(node) -> None:
    """Replace the binding descriptions of a DOM node (App, Screen, Widget) by their
    translation. Called from ``__init__``; the class BINDINGS keep the Vietnamese msgids."""
    if _language == "vi":
        return
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            dataclasses.replace(b, description=_(b.description) if b.description else "",
                                tooltip=_(b.tooltip) if b.tooltip else "")
            for b in bindings
        ]

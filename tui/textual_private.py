"""Every use of Textual's private API, in one place.

Textual gives no public way to do these few things; each is a private attribute that a new
Textual release may rename. tests/test_textual_private.py checks each one against the
installed Textual, so an upgrade that breaks one fails there, by name, and not somewhere
inside a screen. pyproject.toml pins ``textual>=8,<9`` for the same reason.
"""

from __future__ import annotations

from collections.abc import Iterator


def adopt_app_css(screen) -> None:
    """Mark a new screen as styled with the app's current CSS, so that showing it the first
    time does not re-parse the whole stylesheet (``_css_update_count``)."""
    screen._css_update_count = screen.app._css_update_count


def open_screens(app) -> Iterator:
    """Every screen of every mode's stack (``_screen_stacks``), the hidden modes' included."""
    for stack in list(app._screen_stacks.values()):
        yield from list(stack)


def mode_is_open(app, mode: str) -> bool:
    """The mode's screen exists (it was shown once and not removed)."""
    return mode in app._screen_stacks


def key_bindings(node) -> dict:
    """A DOM node's bindings by key (``_bindings.key_to_bindings``), to be changed in place."""
    return node._bindings.key_to_bindings


def table_measured(table) -> bool:
    """A DataTable has measured the rows and cells added to it: it does so when the app is
    next idle (``_require_update_dimensions``, ``_updated_cells``), so a picture taken
    before then shows columns as wide as their titles."""
    return not table._require_update_dimensions and not table._updated_cells


def class_bindings(cls) -> dict:
    """A DOM class's bindings by key, its bases' included (``_merged_bindings``): those each
    new instance starts with (the descriptions tui.i18n translates)."""
    return cls._merged_bindings.key_to_bindings


def select_menu_class() -> type:
    """The class of a Select's drop-down menu (``textual.widgets._select.SelectOverlay``, an
    OptionList): its bindings are the footer's while the menu is open."""
    from textual.widgets._select import SelectOverlay

    return SelectOverlay

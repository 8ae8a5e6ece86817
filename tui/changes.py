"""Changes of state by messages: a screen tells the app what it changed by posting one of
these, as it asks for another screen by a message of ``tui/navigation.py``.

``self.post_message(DataChanged())`` in a screen after a write: the message bubbles from the
screen up to the app, whose handler (``tui/app_changes.py``) reads the year and the day
again and reloads every open screen that has a ``reload()``. A screen never calls the app's
methods. The handler runs after the screen's code that posted it, so a screen that must see
fresh data after its write reloads in its own ``reload()``, which the handler calls.
"""

from __future__ import annotations

from textual.message import Message


class Changed(Message):
    """A screen tells the app that something changed (the base of every message here)."""


class DataChanged(Changed):
    """Something was written: every open screen with a ``reload()`` reloads."""


class SchoolReady(Changed):
    """The welcome screen created the school: the app shows its current year."""


class DemoOpened(Changed):
    """The welcome screen opened the demo school in its own file ``target``: the app works on
    it from now on (``previous``, the school's own database, is closed untouched)."""

    def __init__(self, previous, target: str) -> None:
        super().__init__()
        self.previous = previous
        self.target = target


class DatabaseReplaced(Changed):
    """The whole database was replaced (a restore from the settings)."""

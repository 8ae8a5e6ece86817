"""A checkbox whose two states differ by their glyph, not only by colour.

Textual's Checkbox draws an ``X`` in both states and tells them apart by its colour; on a
16-colour terminal (``TERM=xterm``, PuTTY) the two colours come out as dark grey and light
grey, which look alike. :class:`Tick` shows ``X`` when ticked and a blank when not.
"""

from __future__ import annotations

from textual.widgets import Checkbox


class Tick(Checkbox):
    DEFAULT_CSS = """
    Tick.-on > .toggle--button { text-style: bold; }
    """

    @property
    def BUTTON_INNER(self) -> str:  # the name Textual's ToggleButton reads
        return "X" if self.value else " "

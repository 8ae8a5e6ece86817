"""Plain glyphs for terminals that draw emoji badly (the Windows console, PuTTY).

A terminal that announces 256 colours or true colour (``TERM=xterm-256color``,
``COLORTERM=truecolor``: what rich reads into ``app.console.color_system``) is a modern
one that draws emoji; one that announces only 16 colours (``TERM=xterm``, ``TERM=linux``)
often does not, and prints a box or two question marks in their place. The school's
setting ``ky_tu_don_gian`` asks for plain glyphs whatever the terminal says.
"""

from __future__ import annotations

RICH_TERMINALS = ("256", "truecolor")


def wants_plain(app) -> bool:
    """True when the screen should use plain glyphs instead of emoji."""
    system = getattr(getattr(app, "console", None), "color_system", None)
    if system not in RICH_TERMINALS:
        return True
    from db import school
    from db.models import database

    if database.obj is None:
        return False
    return school.is_yes(school.get_settings().get("ky_tu_don_gian", ""))

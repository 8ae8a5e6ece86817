"""The red bar a read-only database shows at the top of every screen (a damaged file, a
folder siso may not write to): the problem, that writes are refused, and for a damaged file
the last backup and how to restore it. ``SisoApp`` mounts it on each screen as it becomes
current (``screen_change_signal``) for as long as the file is open read-only."""

from __future__ import annotations

from textual.widgets import Static

BAR_ID = "read-only-bar"


class ReadOnlyBar(Static):
    DEFAULT_CSS = """
    ReadOnlyBar {
        split: top;
        height: auto;
        max-height: 4;
        width: 100%;
        padding: 0 1;
        background: $error;
        color: $text;
        text-style: bold;
    }
    """

    def __init__(self, text: str) -> None:
        super().__init__(text, id=BAR_ID, markup=False)

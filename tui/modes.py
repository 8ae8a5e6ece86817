"""A mode's screen is drawn as soon as it is ready, not 50 ms later.

Textual's ``App.switch_mode`` calls ``delay_update()``: nothing is written to the terminal
for the next 50 ms (a timer, later still on a busy machine), to mask the transition while
the new mode's screen is built. siso switches modes to show its first screen (the overview,
from ``on_mount``) and for F3 (the whole-school list), F8, Ctrl+R and Ctrl+G: each waited
those 50 ms with its frame ready (``docs/performance.md``, start-up, third pass). Textual
does not delay a pushed screen (a form, the roster, a student) either. ``ShownAtOnce``
(mixed into the app before ``App``) leaves ``delay_update`` out while a mode is switched:
the new screen's first frame is shown at once (the overview's titles, then its rows as for
any screen that reads in a worker; the search screen with the list read in the
background). The command palette's own ``delay_update`` is unchanged.
"""

from __future__ import annotations


class ShownAtOnce:
    """App mixin: ``switch_mode`` without Textual's 50 ms ``delay_update``."""

    _switching_mode = False

    def switch_mode(self, mode: str):
        self._switching_mode = True
        try:
            return super().switch_mode(mode)
        finally:
            self._switching_mode = False

    def delay_update(self, delay: float = 0.05) -> None:
        if not self._switching_mode:
            super().delay_update(delay)

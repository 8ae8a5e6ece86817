"""Waiting in Textual pilot tests: for the app's workers, then for what the test expects.

The wait is bounded by wall-clock time, not by a number of pauses, so a loaded machine (CI,
several test runs at once) slows a test down instead of failing it.
"""

from __future__ import annotations

import time


async def settle(pilot) -> None:
    """Let the running workers finish, then let the messages they posted be handled (three
    rounds: a message handled may start another worker). The workers that live as long as
    their screen (``SisoApp.KEYS_DO_NOT_WAIT_FOR``: preloading, the year-end marks, the
    backup; a DirectoryTree's loader) are not waited for."""
    app = pilot.app
    # and Textual's own: DirectoryTree's loading queue (group "_loader") runs as long as the tree
    lasting = set(getattr(app, "KEYS_DO_NOT_WAIT_FOR", ())) | {"_loader"}
    for _ in range(3):
        workers = [w for w in app.workers if w.group not in lasting and not w.is_finished]
        if workers:
            await app.workers.wait_for_complete(workers)
        await pilot.pause()


async def wait_for(pilot, cond, timeout: float = 15.0) -> bool:
    """Wait until ``cond()`` is true (asserting it in the end); True, for ``assert await …``.

    While waiting, a condition that raises (a widget not mounted yet on a screen still being
    composed) counts as not yet true; at the deadline its error is raised as it is."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if cond():
                return True
        except Exception:
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            assert cond()
            return True
        await pilot.pause(0.01)


class Note:
    """One notification the app showed: its title, message and severity, as plain text."""

    def __init__(self, message, title, severity):
        self.message, self.title, self.severity = str(message), str(title), severity

    def __repr__(self):
        return f"Note({self.title!r}, {self.message!r}, {self.severity!r})"


def record_notes(app) -> list[Note]:
    """Every notification ``app`` shows from now on (screens' and widgets' ``notify`` go
    through the app's), in order, through the public ``notify``."""
    seen: list[Note] = []
    shown = app.notify

    def notify(message, *args, **kwargs):
        seen.append(Note(message, kwargs.get("title", ""), kwargs.get("severity", "information")))
        return shown(message, *args, **kwargs)

    app.notify = notify
    return seen


async def overview_ready(pilot) -> bool:
    """Wait until the app shows the overview with its classes listed."""
    from tui.screens.overview import OverviewScreen
    from tui.widgets.vlist import VirtualList

    app = pilot.app
    return await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen)
                          and app.screen.query_one(VirtualList).row_count > 0)

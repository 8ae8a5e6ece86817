"""Start-up and the cyclic garbage collector: ``siso`` opening the app keeps the collector off
while the program's long-lived objects are made, sets them aside (``gc.freeze``), and the app
turns it back on once the first screen is usable."""

from __future__ import annotations

import gc
from types import SimpleNamespace

from cli import app_door
from tui.widgets.vlist import VirtualList
from tui_wait import wait_for


def test_the_app_starts_with_the_collector_off_and_its_objects_frozen(db, monkeypatch):
    seen = {}

    class App:
        crashed = None
        return_code = 0

        def run(self):
            seen["enabled"], seen["frozen"] = gc.isenabled(), gc.get_freeze_count()

    import tui.app

    monkeypatch.setattr(tui.app, "make_app", lambda **kw: App())
    try:
        assert app_door.run_app(SimpleNamespace(db=None, lang=None, user=None)) == 0
    finally:
        gc.unfreeze()
        gc.enable()
    assert seen["enabled"] is False
    assert seen["frozen"] > 10_000  # the modules' and classes' objects


async def test_the_app_turns_the_collector_on_once_its_first_screen_is_usable(year):
    from datetime import date

    from db.school import add_class
    from tui.app import make_app

    add_class("6A1", 6, year)
    app = make_app(db=year._meta.database.obj.database, today=date(2024, 11, 20))
    gc.disable()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            vlist = app.screen.query_one(VirtualList)
            await wait_for(pilot, lambda: vlist.row_count > 0)
            await wait_for(pilot, gc.isenabled, timeout=0.9)  # not the 1 s fallback timer
    finally:
        gc.enable()

"""Snapshots of the main screens at 80×24, in Vietnamese and English (pytest-textual-snapshot).

The demo school is built with a fixed seed and a fixed day, so a screen only changes when
its code does. When a change is meant, look at the new pictures, then accept them:
``python -m pytest tests/test_snapshots.py --snapshot-update`` (the SVGs are in
tests/__snapshots__/; a failed run writes snapshot_report.html to compare them).
"""

from datetime import date

import pytest
from conftest import demo_file

from db.connection import close_database

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory, monkeypatch_module):
    # the import wizard opens on the user's home folder: a fixed one, named as on the
    # machine the pictures were taken on, so the picture does not depend on who runs it
    home = tmp_path_factory.mktemp("home") / "root"
    (home / "Documents").mkdir(parents=True)
    monkeypatch_module.setenv("HOME", str(home))
    return demo_file(tmp_path_factory.mktemp("snap"), 60, TODAY)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def _app(demo_path, lang):
    from tui.app import make_app

    return make_app(db=demo_path, lang=lang, today=TODAY)


async def _settled(pilot, cond=lambda app: True):
    from tui_wait import settle, wait_for

    await settle(pilot)
    await wait_for(pilot, lambda: cond(pilot.app))
    await settle(pilot)


def _overview_ready(app):
    from tui.screens.overview import OverviewScreen
    from tui.widgets.vlist import VirtualList

    return isinstance(app.screen, OverviewScreen) and app.screen.query_one(VirtualList).row_count > 0


def _tables_measured(app):
    from textual.widgets import DataTable

    from tui.textual_private import table_measured

    return all(table_measured(t) for t in app.screen.query(DataTable))


def _is(name):
    return lambda app: type(app.screen).__name__ == name


# (name, keys after the overview is ready, the screen expected)
SCREENS = [
    ("overview", [], "OverviewScreen"),
    ("roster", ["enter"], "RosterScreen"),
    ("student", ["enter", "enter"], "StudentScreen"),
    ("event_form", ["enter", "f7", "b"], "EventForm"),
    ("reports", ["ctrl+r"], "ReportsScreen"),
    ("import_wizard", ["ctrl+o"], "ImportWizard"),
    ("year_end", ["ctrl+y"], "YearEndScreen"),
]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(("name", "keys", "screen"), SCREENS, ids=[s[0] for s in SCREENS])
def test_screen(snap_compare, demo_path, lang, name, keys, screen):
    async def run_before(pilot):
        await _settled(pilot, _overview_ready)
        for key in keys:
            await pilot.press(key)
            await _settled(pilot)
        await _settled(pilot, _is(screen))
        # a blinking cursor is drawn or not depending on the moment the picture is taken
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False
        # a table measures its columns when the app is next idle, which a loaded machine
        # reaches later
        await _settled(pilot, _tables_measured)

    try:
        assert snap_compare(_app(demo_path, lang), terminal_size=(80, 24), run_before=run_before)
    finally:
        close_database()

"""The app's modes (overview, F3 search, F8 movements, Ctrl+R reports) are drawn as soon as
their screen is ready: Textual's ``switch_mode`` would hold every frame back for 50 ms
(``App.delay_update``); ``tui.modes.ShownAtOnce`` leaves that out, and only that."""

from datetime import date

import pytest
from textual.app import App

from db.school import add_class
from db.students import add_student
from tui.app import make_app
from tui.screens.overview import OverviewScreen
from tui.screens.search import SearchScreen

from tui_wait import settle, wait_for

TODAY = date(2024, 11, 20)


@pytest.fixture
def delays(monkeypatch):
    """Every call that reaches Textual's own ``App.delay_update``."""
    calls = []
    textual_delay_update = App.delay_update

    def spy(self, delay=0.05):
        calls.append(delay)
        textual_delay_update(self, delay)

    monkeypatch.setattr(App, "delay_update", spy)
    return calls


@pytest.fixture
def school(year):
    klass = add_class("6A1", 6, year)
    add_student({"name": "Nguyễn Văn An", "dob": "05/05/2013", "gender": "nam", "code": "HS1"},
                year, klass, day=year.start)
    return year


async def test_switching_modes_does_not_hold_the_screen_back(school, delays):
    app = make_app(db=school._meta.database.obj.database, lang="vi", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        for key, mode in (("f3", "search"), ("f8", "movements"), ("ctrl+r", "reports"),
                          ("f3", "search")):
            await pilot.press(key)
            await settle(pilot)
            assert await wait_for(pilot, lambda mode=mode: app.current_mode == mode), key
        assert isinstance(app.screen, SearchScreen)
        assert delays == []  # the start-up's switch to the overview included


async def test_delay_update_outside_a_mode_switch_is_textuals(school, delays):
    """The command palette's own delay (when it closes) is left as Textual has it."""
    app = make_app(db=school._meta.database.obj.database, lang="vi", today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.delay_update(0.01)
        await pilot.pause(0.05)
        assert delays.count(0.01) == 1

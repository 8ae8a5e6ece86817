"""``siso --user NAME`` with no command opens the app, and what is written there is
audited as NAME (as every command's writes are)."""

import asyncio
import getpass

from db.connection import close_database, open_database
from tui_wait import wait_for


def test_a_write_in_the_app_opened_with_user_is_audited_as_that_user(tmp_path, monkeypatch):
    from db.models import Audit, SchoolClass
    from db.school import add_year
    from tui import app as app_module
    from cli import main
    from tui.screens.class_form import ClassForm
    from tui.screens.overview import OverviewScreen

    assert getpass.getuser() != "co.lan"  # the system account is someone else
    path = str(tmp_path / "app.sqlite3")
    open_database(path)
    add_year("2024-2025", "05/09/2024", "31/05/2025", ref="30/09/2024")
    close_database()

    async def add_a_class(app):
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
            await pilot.press("ctrl+l")
            await wait_for(pilot, lambda: isinstance(app.screen, ClassForm))
            await pilot.press(*"6a1", "ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))

    def run(self):  # the app as the user would drive it: add a class, then quit
        asyncio.run(add_a_class(self))

    monkeypatch.setattr(app_module.SisoApp, "run", run)
    try:
        assert main(["--db", path, "--user", "co.lan"]) == 0
        assert SchoolClass.get(SchoolClass.name == "6A1").grade == 6
        row = Audit.get(Audit.action == "class.add")
        assert row.user == "co.lan"
    finally:
        close_database()

"""The app on a damaged file: the first screen, then a red banner and «CHỈ ĐỌC» in the
title, writes refused; a name that is not UTF-8 is searched without a crash."""

import sqlite3
from datetime import date

import pytest

from damaged_corpus import base_school
from db import audit, connection
from db.connection import close_database
from db.errors import SisoError
from tui.app import make_app
from tui.screens.search import SearchScreen
from tui.widgets.read_only_bar import BAR_ID
from tui.widgets.vlist import VirtualList
from tui_wait import record_notes, settle, wait_for

TODAY = date(2026, 11, 22)


def bar_text(screen) -> str:
    return str(screen.query_one(f"#{BAR_ID}").render())


@pytest.mark.parametrize("with_backup", [True, False])
async def test_damaged_file_opens_read_only_with_a_banner(tmp_path, with_backup):
    from db import backup

    base = base_school(tmp_path)
    copy = backup.make_backup(base, "manual") if with_backup else None
    con = sqlite3.connect(str(base))
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name='event_date'").fetchone()[0]
    con.close()
    data = bytearray(base.read_bytes())
    data[(root - 1) * 4096:root * 4096] = bytes(4096)
    base.write_bytes(bytes(data))
    app = make_app(db=str(base), lang="vi", today=TODAY)
    try:
        notes = record_notes(app)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: "CHỈ ĐỌC" in app.sub_title)
            # a fixed red bar at the top of the screen, not a notification that goes away
            await wait_for(pilot, lambda: app.screen.query(f"#{BAR_ID}"))
            text = bar_text(app.screen)
            assert "bị hỏng" in text and "từ chối" in text and "siso restore" in text, text
            if copy is not None:
                assert f"Bản sao lưu gần nhất: {copy.name}" in text
                assert f"siso restore {copy.name}" in text
            else:
                assert "Chưa có bản sao lưu nào" in text and "siso restore TỆP" in text
            assert not any("bị hỏng" in n.message for n in notes)
            bar = app.screen.query_one(f"#{BAR_ID}")
            await wait_for(pilot, lambda: bar.region.width > 0)  # laid out on the next refresh
            assert bar.region.y == 0 and bar.region.width == 80
            red = bar.styles.background
            assert red.r > 150 and red.g < 100 and red.b < 100, red  # red
            # every screen shows it: F3 (search), then the F9 settings, then back
            for key, screen in (("f3", SearchScreen), ("escape", None)):
                await pilot.press(key)
                if screen is not None:
                    await wait_for(pilot, lambda screen=screen: isinstance(app.screen, screen))
                await wait_for(pilot, lambda: app.screen.query(f"#{BAR_ID}"))
                assert bar_text(app.screen) == text
            with pytest.raises(SisoError, match="Chưa ghi gì"):
                with audit.write("class.add"):
                    pass
            assert connection.state.damage
    finally:
        close_database()


async def test_search_survives_a_name_that_is_not_utf8(tmp_path):
    base = base_school(tmp_path)
    con = sqlite3.connect(str(base))
    con.execute("UPDATE student SET given = CAST(X'48C3FF6E67' AS TEXT) WHERE id = 3")
    con.commit()
    con.close()
    app = make_app(db=str(base), lang="vi", today=TODAY)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f3")
            await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
            vlist = app.screen.query_one(VirtualList)
            await wait_for(pilot, lambda: vlist.row_count >= 50)
            assert any("\ufffd" in str(cell) for row in vlist.rows for cell in row)
            await pilot.press(*"h")
            await settle(pilot)
            assert app.crashed is None
    finally:
        close_database()


async def test_restoring_a_damaged_file_in_the_app_lifts_read_only(tmp_path):
    from db import backup, backup_restore

    base = base_school(tmp_path)
    copy = backup.make_backup(base, "manual")
    con = sqlite3.connect(str(base))
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name='event_date'").fetchone()[0]
    con.close()
    data = bytearray(base.read_bytes())
    data[(root - 1) * 4096:root * 4096] = bytes(4096)
    base.write_bytes(bytes(data))
    app = make_app(db=str(base), lang="vi", today=TODAY)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: "CHỈ ĐỌC" in app.sub_title)
            plan = backup_restore.plan_restore(copy)
            before = backup_restore.restore(plan)
            app.database_replaced()
            await pilot.pause()
            assert before.name.endswith("-damaged.sqlite3")
            assert "CHỈ ĐỌC" not in app.sub_title
            await pilot.pause()
            assert not app.screen.query(f"#{BAR_ID}")
            with audit.write("class.add"):
                pass
    finally:
        close_database()


async def test_an_error_on_a_damaged_file_is_blamed_on_the_file(tmp_path):
    base = base_school(tmp_path)
    con = sqlite3.connect(str(base))
    con.execute("UPDATE school_year SET hk2_start = 'ngày 1/1'")
    con.commit()
    con.close()
    app = make_app(db=str(base), lang="vi", today=TODAY)

    def boom():
        raise AttributeError("'str' object has no attribute 'year'")

    try:
        notes = record_notes(app)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: "CHỈ ĐỌC" in app.sub_title)
            app.run_worker(boom, thread=True, exit_on_error=False)
            await wait_for(pilot, lambda: any("tệp cơ sở dữ liệu bị hỏng" in n.message
                                              for n in notes))
            assert app.crashed is None
    finally:
        close_database()


async def test_a_restore_from_the_settings_tells_the_app_by_a_message(tmp_path):
    """The settings screen's restore posts ``DatabaseReplaced`` (``tui/changes.py``): the app
    closes the settings, lifts read-only and takes the red bar away."""
    from db import backup, backup_restore
    from tui.changes import DatabaseReplaced
    from tui.screens.overview import OverviewScreen
    from tui.screens.settings import SettingsScreen

    base = base_school(tmp_path)
    copy = backup.make_backup(base, "manual")
    con = sqlite3.connect(str(base))
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name='event_date'").fetchone()[0]
    con.close()
    data = bytearray(base.read_bytes())
    data[(root - 1) * 4096:root * 4096] = bytes(4096)
    base.write_bytes(bytes(data))
    app = make_app(db=str(base), lang="vi", today=TODAY)
    seen = []
    post = app.post_message
    app.post_message = lambda message: (seen.append(type(message)), post(message))[1]
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: "CHỈ ĐỌC" in app.sub_title)
            await pilot.press("f9")
            await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
            plan = backup_restore.plan_restore(copy)
            before = backup_restore.restore(plan)
            app.screen._restored(plan, before)  # what the restore worker calls once it is done
            await wait_for(pilot, lambda: "CHỈ ĐỌC" not in app.sub_title)
            assert DatabaseReplaced in seen
            assert isinstance(app.screen, OverviewScreen)
            await pilot.pause()
            assert not app.screen.query(f"#{BAR_ID}")
    finally:
        close_database()

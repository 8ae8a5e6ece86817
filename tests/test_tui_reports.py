"""Pilot tests of the report, export and dashboard screens on a tiny app of their own."""

from datetime import date

import pytest
from textual.app import App
from textual.widgets import DataTable, Input, Select, Static

from db import clock
from db.targets import set_target
from report_school import build_school
from tui.screens.dashboard import DashboardScreen, GradeCard
from tui.screens.export_dialog import ExportDialog
from tui.screens.reports import ReportsScreen
from tui_wait import settle


@pytest.fixture(autouse=True)
def fixed_today():
    """The screens take "today" from db.clock: 20/10/2024 unless a test says otherwise."""
    clock.set_today(date(2024, 10, 20))
    yield
    clock.set_today(None)


class TinyApp(App):
    def __init__(self, year, screen, today=None):
        super().__init__()
        self.year = year
        if today is not None:
            clock.set_today(today)
        self._first = screen

    def on_mount(self):
        self.push_screen(self._first)


async def test_reports_screen_shows_and_exports(year, tmp_path):
    build_school(year)
    screen = ReportsScreen()
    app = TinyApp(year, screen)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = screen.query_one(DataTable)
        # October 2024 (the month of "today"), 4 classes + 2 grade lines + school
        assert screen.query_one("#report-from", Input).value == "01/10/2024"
        assert screen.query_one("#report-to", Input).value == "20/10/2024"
        assert table.row_count == 7
        # the compact F1 view; by 20/10: tăng = s10 admitted + s6 moved in, giảm = s4 transfer
        # out + s5 dropout + s6 moved out; hiện có 11 + 2 − 3 = 10; s5 still out:
        # 1 ÷ 11 = 9,1 %, 10 ÷ (10 + 1) = 90,9 %
        assert [str(c.label) for c in table.ordered_columns] == [
            "Lớp", "Đầu năm", "Tăng", "Giảm", "Hiện có", "Chưa ra lớp", "Bỏ học %", "Duy trì %"]
        assert [str(c) for c in table.get_row_at(6)] == ["Toàn trường", "11", "2", "3", "10", "1", "9,1", "90,9"]
        # the whole of October: type the end date
        screen.query_one("#report-to", Input).value = "31/10/2024"
        screen.query_one("#report-to", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.form["den_ngay"] == "2024-10-31"
        assert screen.form["toan_truong"]["hien_co"]["ts"] == 9
        assert screen.query_one("#report-period", Select).value == "custom"
        # another form
        screen.query_one("#report-form", Select).value = "bo-hoc"
        await settle(pilot)
        assert screen.form["bieu_mau"] == "bo-hoc" and screen.form["tong"] == 1
        # export: the dialog proposes a file in the documents folder
        await pilot.press("f4")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        box = dialog.query_one("#export-path", Input)
        assert box.value.endswith("bao-cao-bo-hoc-2024-10.xlsx")
        dialog.query_one("#export-format", Select).value = "csv"
        await pilot.pause()
        assert box.value.endswith("bao-cao-bo-hoc-2024-10.csv")
        box.value = str(tmp_path / "out" / "bo-hoc.csv")
        box.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        written = tmp_path / "out" / "bo-hoc.csv"
        assert written.exists() and "Hoàng Văn Em" in written.read_text("utf-8-sig")


async def test_export_asks_before_replacing_a_file_and_refuses_a_read_only_folder(year, tmp_path):
    import os

    from tui.screens.confirm import ConfirmScreen

    build_school(year)
    target = tmp_path / "f1.csv"
    target.write_text("giữ nguyên", "utf-8")
    screen = ReportsScreen()
    app = TinyApp(year, screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        keys = str(dialog.query_one("#export-keys", Static).render())
        assert "Ctrl+S" in keys and "Esc" in keys  # the keys are written on the dialog
        dialog.query_one("#export-format", Select).value = "csv"
        await pilot.pause()
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")  # Ctrl+S exports, as on every form
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing written, back in the dialog
        await pilot.pause()
        assert app.screen is dialog and target.read_text("utf-8") == "giữ nguyên"
        assert "xác nhận ghi đè" in str(dialog.query_one("#export-error").render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("c")  # yes: replaced
        await settle(pilot)
        assert app.screen is screen
        assert "Toàn trường" in target.read_text("utf-8-sig")
        locked = tmp_path / "locked"
        locked.mkdir()
        os.chmod(locked, 0o555)
        try:
            await pilot.press("f4")
            await pilot.pause()
            dialog = app.screen
            dialog.query_one("#export-path", Input).value = str(locked / "f1.xlsx")
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is dialog
            assert "chỉ đọc" in str(dialog.query_one("#export-error").render())
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen and list(locked.iterdir()) == []
        finally:
            os.chmod(locked, 0o755)


def _widths(table):
    return [c.width for c in table.ordered_columns]


async def test_every_view_fits_80_columns_and_arrows_switch_views(year):
    build_school(year)
    screen = ReportsScreen()
    app = TinyApp(year, screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = screen.query_one(DataTable)
        room = 80 - 2  # less the vertical scroll bar
        seen = set()
        first = screen.view_index
        for _ in range(len(screen.views)):
            view = screen.views[screen.view_index]
            assert sum(w + 2 for w in _widths(table)) <= room, view.name
            last = [str(c) for c in table.get_row_at(table.row_count - 1)]
            assert "Toàn trường" in last[:2]  # the key columns come first, in full
            if view.table is screen.tables[0]:
                seen.update(view.cols)
            await pilot.press("right")
            await pilot.pause()
        assert screen.view_index == first  # → went round every view
        assert seen == set(range(len(screen.tables[0].columns)))  # every F1 column is in a view
        assert len(screen.views) > 2
        await pilot.press("left")
        await pilot.pause()
        assert screen.view_index == len(screen.views) - 1
        # F2 over the first semester: STT is narrow, the names are whole
        screen.query_one("#report-period", Select).value = "hk1"
        await settle(pilot)
        screen.query_one("#report-form", Select).value = "bo-hoc"
        await settle(pilot)
        labels = [str(c.label) for c in table.ordered_columns]
        assert labels[:2] == ["STT", "Họ và tên"]
        assert _widths(table)[0] <= 4 and _widths(table)[1] >= len("Hoàng Văn Em")
        assert sum(w + 2 for w in _widths(table)) <= room
        names = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert "Hoàng Văn Em" in names and "Cộng khối 6: 1 học sinh" in names


async def test_reports_screen_period_choice_and_bad_date(year):
    build_school(year)
    screen = ReportsScreen(form="chuyen-truong")
    app = TinyApp(year, screen)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen.query_one("#report-period", Select).value = "hk1"
        await settle(pilot)
        assert (screen.form["tu_ngay"], screen.form["den_ngay"]) == ("2024-09-05", "2024-10-20")
        assert [x["ma"] for x in screen.form["chuyen_den"]] == ["S9"]
        screen.query_one("#report-to", Input).value = "31/02/2025"
        await pilot.press("f5")
        await settle(pilot)
        status = screen.query_one("#report-status", Static)
        assert status.has_class("bad") and "không có trên lịch" in str(status.render())


async def test_dashboard_cards_turn_red(year):
    build_school(year)
    set_target(year, "ty_le_bo_hoc", 2, level="THCS")  # grade 6: 10 % → missed
    set_target(year, "ty_le_duy_tri", 75, grade=7)  # grade 7: 100 % → met
    screen = DashboardScreen()
    app = TinyApp(year, screen, today=date(2024, 10, 31))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        cards = list(screen.query(GradeCard))
        assert [c.card["khoi"] for c in cards] == [6, 7]
        six, seven = cards
        assert (six.card["dau_nam"], six.card["hien_co"]) == (10, 8)
        assert six.has_class("missed") and not seven.has_class("missed")
        text = six.render_card(six.card)
        assert "Bỏ học: 10,0%" in text and "KHÔNG ĐẠT" in text and "88,9%" in text
        assert "Duy trì: 100,0%" in seven.render_card(seven.card)


async def test_dashboard_and_reports_default_to_today_clamped_into_the_summer(year):
    """15/07/2025 is in the summer after 2024-2025 (which ends 31/05/2025): the day counts
    are taken on is that day itself (db.clock.default_day), not the year's end."""
    build_school(year)
    screen = DashboardScreen()
    app = TinyApp(year, screen, today=date(2025, 7, 15))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "đến hết ngày 15/07/2025" in str(screen.query_one("#dash-info", Static).render())
        reports = ReportsScreen()
        app.push_screen(reports)
        await settle(pilot)
        assert reports.query_one("#report-to", Input).value == "15/07/2025"
        assert reports.form["den_ngay"] == "2025-07-15"


async def test_f11_theo_lang_is_a_form_choice_of_one_day(year):
    build_school(year)
    screen = ReportsScreen()
    app = TinyApp(year, screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen.query_one("#report-form", Select).value = "theo-lang"
        await settle(pilot)
        assert screen.form["bieu_mau"] == "theo-lang"
        assert screen.query_one("#report-from", Input).disabled  # a form of one day
        table = screen.query_one(DataTable)
        names = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert names == ["=1+1", "(Chưa ghi thôn)", "Tổng cộng"]
        assert sum(w + 2 for w in _widths(table)) <= 80 - 2


async def test_f6_and_f8_are_form_choices_that_fit_80_columns(year):
    build_school(year)
    screen = ReportsScreen(form="do-tuoi")
    app = TinyApp(year, screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = screen.query_one(DataTable)
        # F6 as of the "to" date (20/10/2024)
        assert screen.form["bieu_mau"] == "do-tuoi" and screen.form["den_ngay"] == "2024-10-20"
        first = [str(c) for c in table.get_row_at(0)]
        assert first[1] == "Tổng số học sinh" and first[2] == str(screen.form["tong"]["ts"])
        assert sum(w + 2 for w in _widths(table)) <= 78
        screen.query_one("#report-form", Select).value = "dang-bo"
        await settle(pilot)
        assert screen.form["bieu_mau"] == "dang-bo"
        labels = [str(c.label) for c in table.ordered_columns]
        assert labels[:2] == ["Số đăng bộ", "Họ và tên"]
        assert [str(c) for c in table.get_row_at(0)][:2] == ["1", "Nguyễn Văn An"]
        assert sum(w + 2 for w in _widths(table)) <= 78
        await pilot.press("f4")
        await pilot.pause()
        assert app.screen.query_one("#export-path", Input).value.endswith("dang-bo-2024-10-20.xlsx")

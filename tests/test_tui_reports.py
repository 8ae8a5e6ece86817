"""Pilot tests of the report, export and dashboard screens on a tiny app of their own."""

from datetime import date

from textual.app import App
from textual.widgets import DataTable, Input, Select, Static

from db import clock
from db.targets import set_target
from report_school import build_school
from tui.screens.dashboard import DashboardScreen, GradeCard
from tui.screens.export_dialog import ExportDialog
from tui.screens.reports import ReportsScreen


class TinyApp(App):
    def __init__(self, year, screen, today=date(2024, 10, 20)):
        super().__init__()
        self.year = year
        clock.set_today(today)  # the screens read "today" from db.clock
        self.day = today
        self._first = screen

    def on_mount(self):
        self.push_screen(self._first)


async def settle(app, pilot):
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def test_reports_screen_shows_and_exports(year, tmp_path):
    build_school(year)
    screen = ReportsScreen()
    app = TinyApp(year, screen)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        table = screen.query_one(DataTable)
        # October 2024 (the month of "today"), 4 classes + 2 grade lines + school
        assert screen.query_one("#report-from", Input).value == "01/10/2024"
        assert screen.query_one("#report-to", Input).value == "20/10/2024"
        assert table.row_count == 7
        assert [str(c) for c in table.get_row_at(6)[:4]] == ["", "Toàn trường", "", "11"]
        # the whole of October: type the end date
        screen.query_one("#report-to", Input).value = "31/10/2024"
        screen.query_one("#report-to", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.form["den_ngay"] == "2024-10-31"
        assert screen.form["toan_truong"]["hien_co"]["ts"] == 9
        assert screen.query_one("#report-period", Select).value == "custom"
        # another form
        screen.query_one("#report-form", Select).value = "bo-hoc"
        await settle(app, pilot)
        assert screen.form["form"] == "bo-hoc" and screen.form["tong"] == 1
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
        await settle(app, pilot)
        assert app.screen is screen
        written = tmp_path / "out" / "bo-hoc.csv"
        assert written.exists() and "Hoàng Văn Em" in written.read_text("utf-8-sig")


async def test_reports_screen_period_choice_and_bad_date(year):
    build_school(year)
    screen = ReportsScreen(form="chuyen-truong")
    app = TinyApp(year, screen)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(app, pilot)
        screen.query_one("#report-period", Select).value = "hk1"
        await settle(app, pilot)
        assert (screen.form["tu_ngay"], screen.form["den_ngay"]) == ("2024-09-05", "2024-10-20")
        assert [x["ma"] for x in screen.form["chuyen_den"]] == ["S9"]
        screen.query_one("#report-to", Input).value = "31/02/2025"
        await pilot.press("f5")
        await settle(app, pilot)
        status = screen.query_one("#report-status", Static)
        assert status.has_class("bad") and "không có trên lịch" in str(status.render())


async def test_dashboard_cards_turn_red(year):
    build_school(year)
    set_target(year, "ty_le_bo_hoc", 2, level="THCS")  # grade 6: 10 % → missed
    set_target(year, "ty_le_duy_tri", 75, grade=7)  # grade 7: 100 % → met
    screen = DashboardScreen()
    app = TinyApp(year, screen, today=date(2024, 10, 31))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        cards = list(screen.query(GradeCard))
        assert [c.card["khoi"] for c in cards] == [6, 7]
        six, seven = cards
        assert (six.card["dau_nam"], six.card["hien_co"]) == (10, 8)
        assert six.has_class("missed") and not seven.has_class("missed")
        text = six.render_card(six.card)
        assert "Bỏ học: 10,0%" in text and "KHÔNG ĐẠT" in text and "88,9%" in text
        assert "Duy trì: 100,0%" in seven.render_card(seven.card)

"""Pilot test of the import wizard, pushed on a tiny App of the test's own."""

import openpyxl
from textual.app import App
from textual.widgets import Button, ContentSwitcher, Input, Select, Static

from db.models import Batch, Student
from tui.screens.import_wizard import ImportWizard


class Host(App):
    def __init__(self, year):
        super().__init__()
        self.year = year
        self.changed = 0
        self.results = []

    def data_changed(self):
        self.changed += 1


async def _wait(pilot, cond, tries=200):
    for _ in range(tries):
        if cond():
            return
        await pilot.pause(0.02)
    assert cond()


def _file(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỌC SINH"])
    ws.append(["STT", "Họ tên HS", "NS", "Giới tính", "Dân tộc", "Lớp", "Ghi chú"])
    ws.append([1, "Nguyễn Văn An", "05/09/2012", "Nam", "Kinh", "6A1", ""])
    ws.append([2, "Trần Thị Bình", "06/10/2012", "Nữ", "Mường", "6A2", ""])
    path = tmp_path / "ds.xlsx"
    wb.save(path)
    return path


async def test_wizard_reads_remaps_checks_and_imports(year, tmp_path):
    path = _file(tmp_path)
    app = Host(year)
    async with app.run_test(size=(120, 40)) as pilot:
        wizard = ImportWizard(start=tmp_path)
        app.push_screen(wizard, app.results.append)
        await pilot.pause()
        wizard.query_one("#path", Input).value = str(path)
        await pilot.press("enter")
        steps = wizard.query_one("#steps", ContentSwitcher)
        await _wait(pilot, lambda: steps.current == "step-map")
        # "NS" is not a known header: the clerk maps it to the date of birth
        assert wizard.mapping[2] == "ignore"
        wizard.query_one("#col-2", Select).value = "dob"
        await pilot.pause()
        assert wizard.mapping[2] == "dob"
        wizard.query_one("#check", Button).press()
        await _wait(pilot, lambda: steps.current == "step-review")
        report = str(wizard.query_one("#report-text", Static).render())
        assert "Sẽ nhập 2 học sinh: 6A1 (1), 6A2 (1)." in report
        assert "Lớp sẽ tạo mới: 6A1 (khối 6), 6A2 (khối 6)." in report
        assert Student.select().count() == 0  # the dry run wrote nothing
        button = wizard.query_one("#import", Button)
        assert not button.disabled
        button.press()
        await _wait(pilot, lambda: steps.current == "step-done")
        assert "Đã nhập 2 học sinh" in str(wizard.query_one("#done-text", Static).render())
        assert Student.select().count() == 2 and Batch.select().count() == 1
        assert app.changed == 1
        wizard.query_one("#close", Button).press()
        await pilot.pause()
        assert app.results == [2]


async def test_wizard_shows_a_refused_file(year, tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_bytes("Họ và tên,Ngày sinh\nNguyễn,1/1/2012\n".encode("cp1258", errors="replace"))
    app = Host(year)
    async with app.run_test(size=(120, 40)) as pilot:
        wizard = ImportWizard(start=tmp_path)
        app.push_screen(wizard)
        await pilot.pause()
        wizard.query_one("#path", Input).value = str(bad)
        await pilot.press("enter")
        status = wizard.query_one("#status", Static)
        await _wait(pilot, lambda: "UTF-8" in str(status.render()))
        assert wizard.query_one("#steps", ContentSwitcher).current == "step-file"

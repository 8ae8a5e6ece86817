"""Pilot test of the import wizard, pushed on a tiny App of the test's own."""

from datetime import date

import openpyxl
from rich.style import Style
from textual import on
from textual.app import App
from textual.widgets import Button, ContentSwitcher, Input, Select, Static

from db.errors import SisoError
from db.models import Batch, Student
from tui.changes import DataChanged
from tui.screens.import_wizard import ImportWizard


class Host(App):
    def __init__(self, year):
        super().__init__()
        self.year = year
        self.changed = 0
        self.results = []

    @on(DataChanged)  # a screen tells the app it wrote (tui/changes.py)
    def data_changed(self):
        self.changed += 1


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
        await _wait(pilot, lambda: app.changed == 1)  # the wizard posted DataChanged
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


# ---- the wizard inside the real app (its style sheet), at the sizes a school has ------------

from types import SimpleNamespace

import pytest
from textual.widgets import OptionList

from db import imports, school
from db.models import Audit
from tui.app import make_app
from tui.glyphs import wants_plain
from tui.screens.import_wizard import ListFileTree
from tui_wait import wait_for as _wait


def _sector_file(tmp_path):
    """Three students in the sector database's layout, with title rows and a signature block."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["TRƯỜNG THCS TƠ TUNG"])
    ws.append(["DANH SÁCH HỌC SINH"])
    ws.append(["STT", "Mã lớp", "Mã định danh Bộ GD&ĐT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc",
               "Quốc tịch", "Tỉnh", "Huyện", "Xã", "Họ tên cha", "Năm sinh cha", "Họ tên mẹ",
               "Năm sinh mẹ", "Số ĐDCN", "Ghi chú"])
    ws.append([1, "6A1", "6200000001", "Nguyễn Văn An", "05/09/2012", "Nam", "Kinh", "Việt Nam",
               "Kon Tum", "Sa Thầy", "Mô Rai", "Nguyễn Văn Ba", 1980, "", None, "", ""])
    ws.append([2, "6A1", "6200000002", "Trần Thị Bình", "06/10/2012", "Nữ", "Mường", "Việt Nam",
               "Kon Tum", "Sa Thầy", "Mô Rai", "", None, "Lê Thị Cúc", 1985, "", ""])
    ws.append([3, "6A2", "6200000003", "Sổm Phết", "07/11/2012", "Nữ", "", "Lào",
               "Kon Tum", "Sa Thầy", "Mô Rai", "", None, "", None, "", ""])
    ws.append([None, "NGƯỜI LẬP DANH SÁCH", None, None, None, None, None, "HIỆU TRƯỞNG"])
    ws.append([None, "Lê Thị Thu", None, None, None, None, None, "Phạm Văn Hùng"])
    path = tmp_path / "csdl.xlsx"
    wb.save(path)
    return path


def _drawn(screen, widget) -> bool:
    """The widget is on screen: the cell at its top-left corner belongs to it."""
    region = widget.region
    if region.width == 0 or region.height == 0 or not screen.region.contains_region(region):
        return False
    found, _ = screen.get_widget_at(region.x, region.y)
    return found is widget


def _bar(wizard):
    return [b for b in wizard.query("#bar Button").results(Button) if b.display]


async def _open(pilot, app):
    await pilot.press("ctrl+o")
    await _wait(pilot, lambda: isinstance(app.screen, ImportWizard))
    await pilot.pause()
    return app.screen


@pytest.mark.parametrize("size", [(80, 24), (140, 24), (100, 40)])
async def test_the_buttons_of_every_step_are_drawn(db, year, tmp_path, size):
    path = _sector_file(tmp_path)
    app = make_app(db=db.database, today=date(2024, 9, 5))
    async with app.run_test(size=size) as pilot:
        wizard = await _open(pilot, app)
        steps = wizard.query_one("#steps", ContentSwitcher)
        labels = [str(b.label) for b in _bar(wizard)]
        assert labels == ["Đọc tệp", "Các lần nhập", "Đóng"]
        assert all(_drawn(wizard, b) for b in _bar(wizard))
        wizard.query_one("#path", Input).value = str(path)
        wizard.query_one("#read", Button).press()
        await _wait(pilot, lambda: steps.current == "step-map")
        await pilot.pause()
        assert [str(b.label) for b in _bar(wizard)] == ["Kiểm tra", "Chọn tệp khác", "Đóng"]
        assert all(_drawn(wizard, b) for b in _bar(wizard))
        # each target field is on the line of its source column, and the options fit the width
        for i, title in enumerate(wizard.plan.titles):
            select = wizard.query_one(f"#col-{i}", Select)
            label = select.parent.query_one(".source")
            assert select.region.y == label.region.y and title in str(label.render())
            assert select.region.right <= size[0]
        for widget in ("#lop", "#ngay_vao", "#dups"):
            assert wizard.query_one(widget).region.right <= size[0]
        wizard.query_one("#check", Button).press()
        await _wait(pilot, lambda: steps.current == "step-review")
        await pilot.pause()
        assert [str(b.label) for b in _bar(wizard)] == ["Chọn tệp khác", "Nhập 3 học sinh",
                                                        "Sửa cách gán cột", "Đóng"]
        assert all(_drawn(wizard, b) for b in _bar(wizard))
        wizard.query_one("#import", Button).press()
        await _wait(pilot, lambda: steps.current == "step-done")
        await pilot.pause()
        assert [str(b.label) for b in _bar(wizard)] == ["Hoàn tác", "Các lần nhập", "Đóng"]
        assert all(_drawn(wizard, b) for b in _bar(wizard))
        await pilot.press("f5")
        await _wait(pilot, lambda: steps.current == "step-history")
        await pilot.pause()
        assert [str(b.label) for b in _bar(wizard)] == ["Hoàn tác", "Quay lại", "Đóng"]
        assert all(_drawn(wizard, b) for b in _bar(wizard))


async def test_no_message_of_the_wizard_sends_the_user_to_the_command_line(db, year, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Ngày sinh", "Giới tính", "Ghi chú"])  # no class column, an unknown one
    ws.append(["Nguyễn Văn An", "05/09/2012", "Nam", "x"])
    wb.save(tmp_path / "ds.xlsx")
    app = Host(year)
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = ImportWizard(start=tmp_path)
        app.push_screen(wizard)
        await pilot.pause()
        wizard.query_one("#path", Input).value = str(tmp_path / "ds.xlsx")
        await pilot.press("enter")
        steps = wizard.query_one("#steps", ContentSwitcher)
        await _wait(pilot, lambda: steps.current == "step-map")
        wizard.query_one("#check", Button).press()
        await _wait(pilot, lambda: steps.current == "step-review")
        report = str(wizard.query_one("#report-text", Static).render())
        assert "Cột không nhận ra" in report and "ô «Lớp cho cả danh sách»" in report
        assert "--" not in report and "siso " not in report


async def test_an_import_is_undone_from_the_wizard_after_a_confirmation(db, year, tmp_path):
    path = _sector_file(tmp_path)
    app = make_app(db=db.database, today=date(2024, 9, 5))
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await _open(pilot, app)
        steps = wizard.query_one("#steps", ContentSwitcher)
        wizard.query_one("#path", Input).value = str(path)
        await pilot.press("enter")
        await _wait(pilot, lambda: steps.current == "step-map")
        wizard.query_one("#check", Button).press()
        await _wait(pilot, lambda: steps.current == "step-review")
        wizard.query_one("#import", Button).press()
        await _wait(pilot, lambda: steps.current == "step-done")
        assert Student.select().count() == 3
        await pilot.press("f5")
        await _wait(pilot, lambda: steps.current == "step-history")
        history = wizard.query_one("#history", OptionList)
        await _wait(pilot, lambda: history.option_count == 1)
        assert "Nhập 3 học sinh từ csdl.xlsx" in str(history.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await _wait(pilot, lambda: app.screen is not wizard)
        await pilot.press("n")  # "Không": nothing happens
        await _wait(pilot, lambda: app.screen is wizard)
        await pilot.pause()
        assert Student.select().count() == 3
        await pilot.press("enter")
        await _wait(pilot, lambda: app.screen is not wizard)
        await pilot.press("c")  # "Đồng ý"
        await _wait(pilot, lambda: Student.select().count() == 0)
        await _wait(pilot, lambda: "Đã hoàn tác lần nhập số 1" in str(wizard.query_one("#status", Static).render()))
        batch = Batch.get()
        assert batch.undone_at is not None  # the same service as «siso import undo»
        assert Audit.select().where(Audit.action == imports.UNDO_ACTION).count() == 1
        await _wait(pilot, lambda: history.option_count == 1 and history.get_option_at_index(0).disabled)


def test_plain_glyphs_when_the_terminal_does_not_announce_256_colours_or_when_asked(db):
    def app(system):
        return SimpleNamespace(console=SimpleNamespace(color_system=system))

    assert wants_plain(app("standard")) and wants_plain(app("windows")) and wants_plain(app(None))
    assert not wants_plain(app("256")) and not wants_plain(app("truecolor"))
    school.set_setting("ky_tu_don_gian", "Có")
    assert school.get_settings()["ky_tu_don_gian"] == "có"
    assert wants_plain(app("truecolor"))
    school.set_setting("ky_tu_don_gian", "khong")
    assert not wants_plain(app("truecolor"))
    with pytest.raises(SisoError, match="cần «có» hoặc «không»"):
        school.set_setting("ky_tu_don_gian", "đôi khi")


async def test_the_file_tree_draws_no_emoji_in_a_16_colour_terminal(db, year, tmp_path, monkeypatch):
    (tmp_path / "lop6").mkdir()
    _file(tmp_path)
    host = Host(year)
    async with host.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(type(host.console), "color_system", property(lambda self: "standard"))
        wizard = ImportWizard(start=tmp_path)
        host.push_screen(wizard)
        await _wait(pilot, lambda: wizard.query_one(ListFileTree))
        tree = wizard.query_one(ListFileTree)
        await _wait(pilot, lambda: len(tree.root.children) == 2)
        lines = [str(tree.render_label(node, Style(), Style())) for node in tree.root.children]
        assert lines == ["+ lop6", "  ds.xlsx"]
        assert not any(ord(ch) > 0x2000 for line in lines for ch in line)


async def test_the_import_just_made_is_undone_from_the_last_step(db, year, tmp_path):
    path = _sector_file(tmp_path)
    app = make_app(db=db.database, today=date(2024, 9, 5))
    async with app.run_test(size=(80, 24)) as pilot:
        wizard = await _open(pilot, app)
        steps = wizard.query_one("#steps", ContentSwitcher)
        wizard.query_one("#path", Input).value = str(path)
        await pilot.press("enter")
        await _wait(pilot, lambda: steps.current == "step-map")
        wizard.query_one("#check", Button).press()
        await _wait(pilot, lambda: steps.current == "step-review")
        wizard.query_one("#import", Button).press()
        await _wait(pilot, lambda: steps.current == "step-done")
        wizard.query_one("#undo", Button).press()
        await _wait(pilot, lambda: app.screen is not wizard)
        await pilot.press("c")
        await _wait(pilot, lambda: Student.select().count() == 0 and steps.current == "step-history")
        assert Batch.get().undone_at is not None
        await pilot.press("escape")  # back to the file step: the import undone, nothing to return
        await _wait(pilot, lambda: steps.current == "step-file")
        wizard.query_one("#close", Button).press()
        await _wait(pilot, lambda: app.screen is not wizard)


async def test_wizard_is_usable_after_a_damaged_archive_and_an_unexpected_error(year, tmp_path,
                                                                               monkeypatch):
    """A damaged xlsx gets its one line; an error of the program while reading leaves the
    wizard ready for the next file (not stuck on «Đang đọc tệp…»)."""
    from exports import readers

    good = _file(tmp_path)
    broken = tmp_path / "hong.xlsx"
    data = bytearray(good.read_bytes())
    i = data.index(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")
    data[i:i + 8] = b"\xff" * 8
    broken.write_bytes(bytes(data))
    app = Host(year)
    async with app.run_test(size=(120, 40)) as pilot:
        wizard = ImportWizard(start=tmp_path)
        app.push_screen(wizard)
        await pilot.pause()
        status = wizard.query_one("#status", Static)
        wizard.query_one("#path", Input).value = str(broken)
        await pilot.press("enter")
        await _wait(pilot, lambda: "bị hỏng" in str(status.render()))
        assert not wizard.busy
        real = readers.read_table

        def boom(*a, **k):
            raise IndexError("unexpected")

        monkeypatch.setattr(readers, "read_table", boom)
        await pilot.press("enter")
        await _wait(pilot, lambda: "lỗi của chương trình" in str(status.render()))
        assert not wizard.busy
        monkeypatch.setattr(readers, "read_table", real)
        wizard.query_one("#path", Input).value = str(good)
        await pilot.press("enter")
        await _wait(pilot, lambda: wizard.query_one("#steps", ContentSwitcher).current == "step-map")

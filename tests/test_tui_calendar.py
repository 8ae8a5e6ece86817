"""The reporting calendar in the TUI: the overview's and the cards' lines (due in 7 days, late,
sent), the calendar screen's states, recording a submission from the screen and from the
reports screen's export, and a deadline's days refused when the end is before the start."""

from datetime import date

from textual.widgets import DataTable, Input, Select, Static

from db import clock, deadlines
from db.models import Deadline, Submission
from test_tui_reports import TinyApp
from tui.app import make_app
from tui.screens.calendar import CalendarScreen, DeadlineForm, SubmissionForm
from tui.screens.dashboard import DashboardScreen
from tui_wait import settle, wait_for

TODAY = date(2024, 10, 10)


def _sent(year, tmp_path):
    f = tmp_path / "f1.xlsx"
    f.write_bytes(b"F1 thang 9")
    with clock.fixed(TODAY):
        deadlines.submit("chi-tieu", "CN", f, "UBND xã", sent_on="18/09/2024")
        deadlines.submit("si-so", "2024-09", f, "UBND xã", sent_on="27/09/2024")  # after 25/09
    return f


def _text(widget: Static) -> str:
    return str(widget.render())


async def test_the_overview_shows_due_late_and_sent_at_80x24(year, tmp_path):
    _sent(year, tmp_path)
    app = make_app(db=year._meta.database.obj.database, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        line = app.screen.query_one("#overview-deadlines", Static)
        await wait_for(pilot, lambda: "Sắp đến hạn" in _text(line))
        text = _text(line)
        # 10/10: pcgd-kiem-tra is open (01/10–20/10) and F1 October opens on 15/10 (within 7
        # days); pcgd-nhap ended 30/09 unsent; two forms sent, the latest F1 September on 27/09
        assert text.splitlines() == [
            "Sắp đến hạn (7 ngày): pcgd-kiem-tra CN hạn 20/10, si-so 10/2024 hạn 25/10",
            "Quá hạn: pcgd-nhap CN  ·  Đã gửi 30 ngày: 2, mới nhất si-so 09/2024 27/09"]
        await pilot.pause()
        assert line.region.height == 2 and line.region.bottom <= 23  # above the footer


async def test_the_vice_principals_cards_show_the_calendar(year, tmp_path):
    _sent(year, tmp_path)
    screen = DashboardScreen()
    app = TinyApp(year, screen, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = _text(screen.query_one("#dash-deadlines", Static))
        assert "Quá hạn: pcgd-nhap CN" in text and "Đã gửi 30 ngày: 2" in text


async def test_the_calendar_screen_states_and_a_submission(year, tmp_path):
    _sent(year, tmp_path)
    screen = CalendarScreen()
    app = TinyApp(year, screen, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = screen.query_one("#cal-deadlines", DataTable)
        rows = {(table.get_row_at(i)[0], table.get_row_at(i)[1]): table.get_row_at(i)[4]
                for i in range(table.row_count)}
        assert rows[("chi-tieu", "CN")] == "Đã gửi"
        assert rows[("si-so", "09/2024")] == "Gửi muộn"
        assert rows[("pcgd-nhap", "CN")] == "Quá hạn"
        assert rows[("pcgd-kiem-tra", "CN")] == "Đang đến hạn"
        assert rows[("si-so", "10/2024")] == "Chưa đến hạn"
        # the cursor starts on the late deadline
        assert table.get_row_at(table.cursor_row)[:2] == ["pcgd-nhap", "CN"]
        assert screen.query_one("#cal-sent", DataTable).row_count == 2

        # F2 on it: the form holds its form and period; a missing file is refused
        await pilot.press("f2")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SubmissionForm)
        assert form.query_one("#s-ky", Input).value == "CN"
        form.query_one("#s-noi_nhan", Input).value = "UBND xã Tơ Tung"
        form.query_one("#s-tep", Input).value = str(tmp_path / "khong-co.xlsx")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Không có tệp" in _text(form.query_one("#e-s-tep", Static))
        assert Submission.select().count() == 2
        data = tmp_path / "pcgd.xlsx"
        data.write_bytes(b"so lieu pcgd")
        form.query_one("#s-tep", Input).value = str(data)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        s = Submission.select().order_by(Submission.id.desc()).first()
        assert (s.form, s.period, s.sent_on, bytes(s.content)) == ("pcgd-nhap", "CN", TODAY, b"so lieu pcgd")
        await settle(pilot)
        rows = {(table.get_row_at(i)[0], table.get_row_at(i)[1]): table.get_row_at(i)[4]
                for i in range(table.row_count)}
        assert rows[("pcgd-nhap", "CN")] == "Gửi muộn"  # sent 10/10, after 30/09


async def test_a_deadline_ending_before_it_starts_is_refused_on_the_form(year):
    screen = CalendarScreen()
    app = TinyApp(year, screen, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DeadlineForm)
        row = form.row
        form.query_one("#d-tu_ngay", Input).value = "20/10/2024"
        form.query_one("#d-den_ngay", Input).value = "10/10/2024"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "trước ngày bắt đầu" in _text(form.query_one("#e-d-den_ngay", Static))
        d = Deadline.get_by_id(row["id"])
        assert (d.start, d.end) == (row["tu_ngay"], row["den_ngay"])  # unchanged


async def test_reports_screen_records_the_exported_file_as_sent(year, tmp_path):
    from tui.screens.export_dialog import ExportDialog
    from tui.screens.reports import ReportsScreen

    screen = ReportsScreen()
    app = TinyApp(year, screen, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f7")  # nothing exported yet
        await pilot.pause()
        assert app.screen is screen
        screen.query_one("#report-period", Select).value = "2024-10"
        await settle(pilot)
        path = tmp_path / "si-so.xlsx"
        await pilot.press("f4")  # export, as the user does: the dialog, a path, Ctrl+S
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        dialog = app.screen
        dialog.query_one("#export-format", Select).value = "xlsx"
        dialog.query_one("#export-path", Input).value = str(path)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen)
        await settle(pilot)
        assert path.exists()
        await pilot.press("f7")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SubmissionForm)
        assert form.query_one("#s-tep", Input).value == str(path)
        assert form.query_one("#s-ky", Input).value == "2024-10"
        form.query_one("#s-noi_nhan", Input).value = "UBND xã Tơ Tung"
        await pilot.press("ctrl+s")
        await settle(pilot)
        s = Submission.get()
        assert (s.form, s.period, s.filename, bytes(s.content)) == ("si-so", "2024-10", "si-so.xlsx",
                                                                    path.read_bytes())


async def test_the_file_is_picked_in_a_folder_tree(year, tmp_path):
    from tui.screens.calendar import FilePicker

    (tmp_path / "bao-cao").mkdir()
    sent = tmp_path / "bao-cao" / "si-so_2024-10.xlsx"
    sent.write_bytes(b"xlsx bytes")
    (tmp_path / "bao-cao" / "ghi-chu.txt").write_text("not a report")
    screen = CalendarScreen()
    app = TinyApp(year, screen, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        form = app.screen
        form.query_one("#s-tep", Input).value = str(tmp_path / "bao-cao") + "/"
        await pilot.press("ctrl+f")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, FilePicker)
        tree = picker.query_one("#pick-tree")
        await wait_for(pilot, lambda: len(tree.root.children) == 1)  # the .txt is not offered
        assert tree.root.children[0].data.path == sent
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#s-tep", Input).value == str(sent)

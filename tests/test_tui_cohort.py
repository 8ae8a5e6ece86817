"""Pilot: «Trẻ vào lớp đầu cấp» (menu F10 → U) confirms a proposed match with C and rejects
one with R, one key each; F12 ``huy-dong`` on the reports screen (the small school of
tests/test_cohort.py)."""

from datetime import date

from db.models import ExpectedDecision
from test_cohort import school  # noqa: F401 — the fixture, passed to the tests below by its name
from tui.app import make_app
from tui.screens.cohort import CohortScreen
from tui.screens.overview import OverviewScreen
from tui.widgets.vlist import VirtualList
from tui_wait import wait_for


async def test_confirm_and_reject_one_key_each(school):  # noqa: F811 — pytest passes the fixture imported above
    year, s, e = school
    app = make_app(db=year._meta.database.database, today=date(2024, 12, 1))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("f10", "u")
        await wait_for(pilot, lambda: isinstance(app.screen, CohortScreen)
                       and app.screen.query_one(VirtualList).row_count == 6)
        screen = app.screen
        await pilot.press("f", "f")  # the proposals only: Le Van Binh (S3), Phạm Thị Lam (S4)
        await wait_for(pilot, lambda: screen.query_one(VirtualList).row_count == 2)
        vlist = screen.query_one(VirtualList)
        assert [r[0] for r in vlist.rows] == ["Le Van Binh", "Phạm Thị Lam"]
        assert [r[3] for r in vlist.rows] == ["≈ S3", "≈ S4"]
        await pilot.press("c")  # confirm Le Van Binh ↔ S3
        await wait_for(pilot, lambda: screen.query_one(VirtualList).row_count == 1)
        await pilot.press("r")  # reject Phạm Thị Lam ↔ S4
        await wait_for(pilot, lambda: screen.query_one(VirtualList).row_count == 0)
        decisions = {(d.child_id, d.student_id, d.accepted) for d in ExpectedDecision.select()}
        assert decisions == {(e["E3"].id, s["S3"].id, True), (e["E4"].id, s["S4"].id, False)}
        info = str(screen.query_one("#cohort-info").render())
        assert "dự kiến 6, đã ra lớp 4 (66,7%), đề xuất 0" in info


async def test_f12_on_the_reports_screen(school):  # noqa: F811 — pytest passes the fixture imported above
    from textual.app import App

    from db import clock
    from tui.screens.reports import ReportsScreen

    year, s, e = school

    class Host(App):
        def __init__(self):
            super().__init__()
            self.year = year
            clock.set_today(date(2024, 11, 30))

        def on_mount(self):
            self.push_screen(ReportsScreen(form="huy-dong"))

    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "form", None) is not None)
        form = app.screen.form
        assert form["bieu_mau"] == "huy-dong" and (form["du_kien"], form["da_ra_lop"]) == (6, 3)
        titles = [t.title for t in app.screen.tables]
        assert titles == ["HUY ĐỘNG TRẺ RA LỚP", "Theo nguồn danh sách", "Danh sách trẻ chưa ra lớp"]

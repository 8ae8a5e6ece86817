"""Adding a class and changing its GVCN from the overview (Ctrl+L, F4)."""

from datetime import date

from textual.widgets import Input, Static

from db.models import Audit, SchoolClass
from db.school import add_class
from tui.app import make_app
from tui.screens.class_form import ClassForm
from tui.screens.overview import OverviewScreen
from tui.widgets.vlist import VirtualList
from tui_wait import wait_for as settle


async def test_add_a_class_then_change_its_homeroom_teacher(db, year):
    app = make_app(db=db.database, lang="vi", today=date(2024, 11, 20))
    async with app.run_test(size=(80, 24)) as pilot:
        assert await settle(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("ctrl+l")
        assert await settle(pilot, lambda: isinstance(app.screen, ClassForm))
        await pilot.press(*"6a1")
        # the grade is guessed from the name
        assert app.screen.query_one("#c-khoi", Input).value == "6"
        app.screen.query_one("#c-gvcn", Input).value = "nguyễn thị lan"
        await pilot.press("ctrl+s")
        assert await settle(pilot, lambda: isinstance(app.screen, OverviewScreen))
        klass = SchoolClass.get(SchoolClass.name == "6A1")
        assert (klass.grade, klass.homeroom) == (6, "Nguyễn Thị Lan")
        rows = app.screen.query_one(VirtualList)
        assert await settle(pilot, lambda: rows.cursor_key == ("class", klass.id))
        # F4 on the class: only the GVCN can change
        await pilot.press("f4")
        assert await settle(pilot, lambda: isinstance(app.screen, ClassForm))
        assert app.screen.query_one("#c-lop", Input).disabled
        app.screen.query_one("#c-gvcn", Input).value = "Đinh Văn Hyun"
        await pilot.press("ctrl+s")
        assert await settle(pilot, lambda: isinstance(app.screen, OverviewScreen))
        assert SchoolClass.get_by_id(klass.id).homeroom == "Đinh Văn Hyun"


async def test_a_refused_class_shows_the_message_and_writes_nothing(db, year):
    add_class("6A1", 6, year)
    app = make_app(db=db.database, lang="vi", today=date(2024, 11, 20))
    async with app.run_test(size=(80, 24)) as pilot:
        assert await settle(pilot, lambda: isinstance(app.screen, OverviewScreen))
        audits = Audit.select().count()
        await pilot.press("ctrl+l")
        assert await settle(pilot, lambda: isinstance(app.screen, ClassForm))
        await pilot.press(*"6A1", "ctrl+s")
        error = app.screen.query_one("#e-c-lop", Static)
        assert await settle(pilot, lambda: "đã có" in str(error.render()))
        assert isinstance(app.screen, ClassForm)
        app.screen.query_one("#c-lop", Input).value = "7B"
        await pilot.pause()
        app.screen.query_one("#c-khoi", Input).value = "8"  # typed by hand: not guessed over
        await pilot.pause()
        await pilot.press("ctrl+s")
        error = app.screen.query_one("#e-c-khoi", Static)
        assert await settle(pilot, lambda: "không thuộc khối" in str(error.render()))
        assert SchoolClass.select().count() == 1 and Audit.select().count() == audits


async def test_a_grade_outside_the_school_level_is_refused(db, year):
    app = make_app(db=db.database, lang="vi", today=date(2024, 11, 20))
    async with app.run_test(size=(80, 24)) as pilot:
        assert await settle(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("ctrl+l")
        assert await settle(pilot, lambda: isinstance(app.screen, ClassForm))
        # the form says which grades the school has (THCS: 6–9)
        assert "6–9" in str(app.screen.query_one("Label.field-label.grade").render())
        await pilot.press(*"12A1", "ctrl+s")
        error = app.screen.query_one("#e-c-khoi", Static)
        assert await settle(pilot, lambda: "trường THCS (trung học cơ sở) chỉ có khối 6 đến khối 9"
                            in str(error.render()))
        assert isinstance(app.screen, ClassForm) and SchoolClass.select().count() == 0

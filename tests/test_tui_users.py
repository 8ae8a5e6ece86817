"""The interface and the roles: what a role cannot use is hidden (F10 menu, app keys), a
refusal of db/ shows as a message (never a traceback), and the audit log screen."""

from datetime import date

import pytest
from textual.widgets import DataTable, Input, Static

from db import clock, users
from db.school import add_class
from db.students import add_student
from tui.app import make_app
from tui.navigation import EditClass
from tui_wait import wait_for

TODAY = date(2024, 10, 1)


@pytest.fixture
def people(year):
    clock.set_today(TODAY)
    k = {n: add_class(n, int(n[0]), year) for n in ("6A1", "6A2")}
    add_student({"name": "Nguyễn Văn An", "dob": "05/05/2013", "gender": "nam"}, year, k["6A1"],
                day=year.start)
    clerk = users.add_user("vt", "Văn Thư", [("clerk", None)])
    users.set_current_actor(clerk)
    lan = users.add_user("lan", "Cô Lan", [("homeroom", "6A1")], system_account="lan")
    return clerk, lan, k


async def test_a_homeroom_teacher_does_not_see_what_they_cannot_use(db, people):
    from tui.screens.menu import MainMenu

    clerk, lan, k = people
    users.set_current_actor(lan)
    app = make_app(db=db.database, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for action in ("open_import", "open_rollover", "open_year_end", "add_class"):
            assert app.check_action(action, ()) is False, action
        assert app.check_action("open_attendance", ()) and app.check_action("open_audit", ())
        overview = app.screen
        assert overview.check_action("add_student", ()) is False  # F2, a clerk's
        assert overview.check_action("add_class", ()) is False
        assert overview.check_action("transfer_in", ()) and overview.check_action("attendance", ())
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, MainMenu))
        shown = [value for _k, _l, value, _h in app.screen.items]
        assert "open_import" not in shown and "add_class" not in shown and "open_audit" in shown
        await pilot.press("o")  # the import's letter does nothing for this role
        await pilot.pause()
        assert isinstance(app.screen, MainMenu)
        await pilot.press("escape")


async def test_a_refusal_of_db_shows_on_the_form(db, people):
    from tui.screens.class_form import ClassForm

    clerk, lan, k = people
    users.set_current_actor(lan)
    app = make_app(db=db.database, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.post_message(EditClass(k["6A1"].id))  # the homeroom field of their own class: not theirs to change
        await wait_for(pilot, lambda: isinstance(app.screen, ClassForm) and app.screen.query("#c-gvcn"))
        app.screen.query_one("#c-gvcn", Input).value = "Nguyễn Văn Khác"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "không được sửa lớp" in str(app.screen.query_one("#e-form", Static).render()))
        assert isinstance(app.screen, ClassForm) and app.crashed is None
    from db.models import SchoolClass

    assert SchoolClass.get_by_id(k["6A1"].id).homeroom == ""


async def test_the_audit_screen_filters_and_shows_only_own_lines_to_a_teacher(db, people):
    from db import attendance
    from db.models import Student
    from tui.screens.audit import AuditScreen

    clerk, lan, k = people
    users.set_current_actor(lan)
    attendance.add_absences(Student.get().id, date(2024, 9, 30))
    users.set_current_actor(clerk)
    app = make_app(db=db.database, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.action_open_audit()
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen)
                       and app.screen.query(DataTable) and app.screen.query_one(DataTable).row_count > 0)
        table = app.screen.query_one(DataTable)
        people_seen = {table.get_row_at(i)[1] for i in range(table.row_count)}
        assert people_seen >= {"vt", "lan"}
        app.screen.query_one("#nguoi", Input).value = "lan"
        app.screen.action_reload()
        await wait_for(pilot, lambda: table.row_count == 1)
        assert table.get_row_at(0)[2] == "absence.add"
        app.screen.query_one("#tu", Input).value = "31/02/2024"
        app.screen.action_reload()
        await wait_for(pilot, lambda: "31/02/2024" in str(app.screen.query_one("#err", Static).render()))
    users.set_current_actor(lan)
    app = make_app(db=db.database, today=TODAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.action_open_audit()
        await wait_for(pilot, lambda: isinstance(app.screen, AuditScreen)
                       and app.screen.query(DataTable) and app.screen.query_one(DataTable).row_count > 0)
        table = app.screen.query_one(DataTable)
        assert {table.get_row_at(i)[1] for i in range(table.row_count)} == {"lan"}
        assert not app.screen.query("#nguoi")  # no filter by person: only their own lines

"""The student screen at 80×24: open an at-risk case, record a home visit, export its
minutes (.docx) and close the case, with the keyboard alone."""

from datetime import date

import pytest
from textual.widgets import Input, Select, Static

from db import risk
from db.models import RiskCase, Visit
from db.school import add_class
from db.students import add_student
from tui.app import make_app
from tui.navigation import OpenStudent
from tui.screens.event_chooser import ChoiceModal
from tui.screens.student import StudentScreen
from tui.screens.visits import CaseForm, VisitForm
from tui_wait import wait_for

TODAY = date(2024, 11, 20)


@pytest.fixture
def student(year):
    klass = add_class("6A1", 6, year, homeroom="Hà Thị Lan")
    return add_student({"name": "Trần Thị Dung", "dob": "02/02/2013", "gender": "nữ", "code": "HS2",
                        "guardian": "Trần Văn Tám"}, year, klass, day=year.start)


async def test_case_visit_minutes_and_close_from_the_student_screen(year, student, tmp_path,
                                                                     monkeypatch):
    from tui.screens import export_dialog

    monkeypatch.setattr(export_dialog, "documents_dir", lambda: tmp_path)
    app = make_app(db=year._meta.database.obj.database, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(OpenStudent(student.id))
        await wait_for(pilot, lambda: isinstance(app.screen, StudentScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.student is not None)
        assert "Chưa có hồ sơ" in str(screen.query_one("#risk", Static).render())

        await pilot.press("o")  # open a case: causes, sponsor, the date is today
        await wait_for(pilot, lambda: isinstance(app.screen, CaseForm))
        await pilot.press(*"01, 03", "tab", *"Hà Thị Lan", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen and RiskCase.select().count() == 1)
        case = RiskCase.get()
        assert (case.causes, case.sponsor, case.opened) == ("01,03", "Hà Thị Lan", TODAY)

        await pilot.press("a")  # a visit: the homeroom teacher and the guardian come filled in
        await wait_for(pilot, lambda: isinstance(app.screen, VisitForm))
        form = app.screen
        assert form.query_one("#nguoi_di", Input).value == "Hà Thị Lan:Giáo viên chủ nhiệm"
        assert form.query_one("#nguoi_gap", Input).value == "Trần Văn Tám"
        await pilot.press("ctrl+s")  # no result chosen yet: refused, nothing recorded
        await wait_for(pilot, lambda: "Kết quả vận động" in str(form.query_one("#e-form").render()))
        assert Visit.select().count() == 0
        form.query_one("#ngay", Input).value = "18/11/2024"
        form.query_one("#tinh_hinh", Input).value = "Em ở nhà trông em nhỏ"
        form.query_one("#ket_qua", Select).value = "promised"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen and Visit.select().count() == 1)
        await wait_for(pilot, lambda: "Vận động lần 1" in str(screen.query_one("#risk", Static).render()))
        visit = Visit.get()
        assert (visit.date, visit.number, visit.met, visit.signed_by) == (
            date(2024, 11, 18), 1, "Trần Văn Tám", "Trần Văn Tám")

        await pilot.press("b")  # the minutes of the chosen visit, as .docx
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("enter")
        target = tmp_path / "bien-ban-HS2-lan-1.docx"
        await wait_for(pilot, lambda: target.exists())

        await pilot.press("c")  # close the case: back in class
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("enter")
        await wait_for(pilot, lambda: risk.open_case_of(student) is None)
        assert RiskCase.get().result == "returned"
        await wait_for(pilot, lambda: "Đã trở lại lớp" in str(screen.query_one("#risk", Static).render()))
    from docx import Document

    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "(Lần thứ 1)" in text and "Em ở nhà trông em nhỏ" in text

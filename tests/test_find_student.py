"""One rule finds a student, in every door: ``db.students.get_student`` — the student itself,
an id, a code (case ignored) or the 12-digit personal ID. Attendance and the at-risk cases use
it, so ``siso absence add --student <personal ID>`` works as ``student show`` does."""

from datetime import date

import pytest

from db import attendance as att, clock, risk, school
from db.errors import SisoError
from db.models import Absence
from db.students import add_student, get_student
from refusals import refused

NID = "001213004567"


@pytest.fixture
def an(year):
    clock.set_today(date(2024, 11, 29))
    klass = school.add_class("6A1", 6, year)
    return add_student({"name": "Nguyễn Văn An", "dob": "05/09/2013", "gender": "nam",
                        "code": "HS77", "national_id": NID}, year, klass, day=year.start)


def test_get_student_by_code_any_case_personal_id_id_or_itself(an):
    assert get_student("HS77").id == an.id
    assert get_student(" hs77 ").id == an.id
    assert get_student(NID).id == an.id
    assert get_student(an.id).id == an.id
    assert get_student(an) is an
    assert refused(get_student, "HS78", match="Không có học sinh mã «HS78»").field == "ma"
    assert refused(get_student, "", match="Thiếu mã học sinh").field == "ma"
    assert refused(get_student, an.id + 1, match=f"Không có học sinh số {an.id + 1}").field == "hoc_sinh"
    # a personal ID is 12 digits: 11 of them are only a code
    refused(get_student, NID[:-1], match="Không có học sinh mã")


def test_attendance_and_risk_find_the_student_by_personal_id_and_lowercase_code(an):
    (first,), _ = att.add_absences(NID, "07/11/2024")
    (second,), _ = att.add_absences("hs77", "08/11/2024")
    assert [a.student_id for a in Absence.select().where(Absence.id.in_([first, second]))] == [an.id] * 2
    case = risk.open_case(NID, ["01"], day="10/10/2024")
    assert case.student_id == an.id and risk.open_case_of("hs77").id == case.id


def test_cli_absence_add_takes_the_personal_id(cli):
    clock.set_today(date(2024, 11, 29))
    cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025")
    cli("class", "add", "6A1", "--grade", "6")
    rc, out, _ = cli("student", "add", "--class", "6A1", "--name", "Nguyễn Văn An", "--dob", "01/02/2013",
                     "--gender", "nam", "--national-id", NID, "--date", "05/09/2024")
    assert rc == 0
    assert cli("student", "show", NID)[0] == 0
    rc, out, err = cli("absence", "add", "--student", NID, "--date", "07/11/2024")
    assert rc == 0 and len(out.split()) == 1, err


def test_an_unknown_student_is_refused_by_attendance(an):
    with pytest.raises(SisoError, match="Không có học sinh mã «HS99»"):
        att.add_absences("HS99", "07/11/2024")

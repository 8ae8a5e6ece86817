"""The school and student services, headless on a temporary file database."""

import json
from datetime import date

import pytest

from db import fields, kinds, school
from db.errors import SisoError
from db.models import Audit, Event, Setting, Span, Student
from db.roster import class_counts, roster_rows
from db.history import history
from db.students import add_student, get_student, update_student
from refusals import refused


@pytest.fixture
def classes(year):
    return {n: school.add_class(n, n[0], year) for n in ("6A1", "6A2", "7A1")}


def student(year, klass, name="Nguyễn Văn An", **extra):
    return add_student({"name": name, "dob": "05/09/2013", "gender": "nam", **extra}, year, klass,
                       day=year.start)


# ---- settings -------------------------------------------------------------------------------

def test_settings_defaults_set_and_audit(db):
    assert school.get_settings()["cap_hoc"] == "THCS"
    school.set_settings({"ten_truong": "  Trường THCS  Tơ Tung ", "tinh": "Gia Lai"})
    s = school.get_settings()
    assert s["ten_truong"] == "Trường THCS Tơ Tung" and s["tinh"] == "Gia Lai"
    audit = Audit.get(Audit.action == "settings")
    assert json.loads(audit.detail)["sau"]["tinh"] == "Gia Lai"


def test_one_bad_setting_writes_none(db):
    err = refused(school.set_settings, {"tinh": "Gia Lai", "cap_hoc": "ĐH"})
    assert err.field == "cap_hoc"
    assert Setting.select().count() == 0


# ---- years and classes ----------------------------------------------------------------------

def test_year_rules(db):
    refused(school.add_year, "2024-2026", "05/09/2024", "31/05/2025", match="hai năm liền nhau")
    refused(school.add_year, "2024-2025", "05/09/2025", "31/05/2025", match="năm 2024")
    refused(school.add_year, "2024-2025", "05/09/2024", "31/05/2026", match="năm 2025")
    refused(school.add_year, "2024-2025", "05/09/2024", "31/05/2025", ref="01/06/2025",
            match="chốt sĩ số")
    refused(school.add_year, "2024-2025", "05/09/2024", "31/05/2025", hk2="01/09/2024",
            match="học kỳ II")
    y = school.add_year(" 2024 - 2025 ", "2024-09-05", "31/05/2025")
    # 12/01/2025 is a Sunday: semester II starts on the Monday after
    assert (y.name, y.ref_date, y.hk2_start) == ("2024-2025", date(2024, 9, 5), date(2025, 1, 13))
    refused(school.add_year, "2024-2025", "05/09/2024", "31/05/2025", match="đã có")


def test_current_year(db):
    assert school.current_year(date(2025, 1, 1)) is None
    a = school.add_year("2024-2025", "05/09/2024", "31/05/2025")
    b = school.add_year("2025-2026", "05/09/2025", "31/05/2026")
    assert school.current_year(date(2025, 1, 1)) == a
    assert school.current_year(date(2025, 7, 1)) == a  # summer belongs to the year before
    assert school.current_year(date(2025, 9, 5)) == b
    assert school.current_year(date(2024, 1, 1)) == a  # before any: the first
    with pytest.raises(SisoError, match="2024-2025, 2025-2026"):
        school.get_year("2023-2024")


def test_classes(year):
    k = school.add_class(" 6a10 ", "6", year, homeroom="nguyễn thị lan")
    assert (k.name, k.grade, k.homeroom) == ("6A10", 6, "Nguyễn Thị Lan")
    school.add_class("6A2", 6, year)
    school.add_class("9A1", 9, year)
    assert [c.name for c in school.list_classes(year)] == ["6A2", "6A10", "9A1"]
    refused(school.add_class, "6A2", 6, year, match="đã có")
    refused(school.add_class, "7A1", 6, year, match="khối 6")
    refused(school.add_class, "6A#", 6, year, match="không hợp lệ")
    refused(school.add_class, "A1", 13, year, match="1 đến 12")
    assert school.get_class("6a10", year) == k
    with pytest.raises(SisoError, match="6A2, 6A10, 9A1"):
        school.get_class("8A1", year)


# ---- students -------------------------------------------------------------------------------

def test_add_student_is_one_transaction_with_its_event_and_span(year, classes):
    st = student(year, classes["6A1"], ethnic="Ba Na", national_id="064 213 000 001",
                 phone="+84 905 123 456", guardian="đinh văn glơ", village="Làng Kuk Kôn",
                 new_village=True)
    assert st.code == "HS000001"
    st = get_student("hs000001")
    assert (st.ethnic, st.national_id, st.phone, st.guardian) == (
        "13", "064213000001", "0905123456", "Đinh Văn Glơ")
    assert get_student("064213000001") == st
    [ev] = history(st)
    assert (ev.kind, ev.date, ev.klass.name, ev.semester) == (kinds.ADMIT, year.start, "6A1", "HK1")
    [span] = Span.select()
    assert (span.start, span.end, span.klass_id, span.start_event_id) == (
        year.start, None, classes["6A1"].id, ev.id)
    assert [a.action for a in Audit.select().where(Audit.action.startswith("student"))] == [
        "student.add"]


def test_transfer_in_on_a_date(year, classes):
    st = add_student({"name": "Siu Hlim", "dob": "01/01/2013", "gender": "nữ", "ethnic": "jrai"},
                     year, classes["6A2"], entry=kinds.TRANSFER_IN, day="02/10/2024",
                     from_school="Trường THCS Lý Tự Trọng")
    [ev] = history(st)
    assert (ev.kind, ev.date, ev.school) == (kinds.TRANSFER_IN, date(2024, 10, 2),
                                              "Trường THCS Lý Tự Trọng")
    assert st.ethnic == "10" and st.female


@pytest.mark.parametrize("data, field", [
    ({"name": "", "dob": "01/01/2013", "gender": "nam"}, fields.HO_TEN),
    ({"name": "An", "dob": "01/01/2013", "gender": "nam"}, "ho_ten"),
    ({"name": "Lê Văn 4n", "dob": "01/01/2013", "gender": "nam"}, "ho_ten"),
    ({"name": "Lê Văn An", "dob": "01/01/2023", "gender": "nam"}, "ngay_sinh"),
    ({"name": "Lê Văn An", "dob": "29/02/2013", "gender": "nam"}, fields.NGAY_SINH),
    ({"name": "Lê Văn An", "dob": "01/01/2013", "gender": "?"}, "gioi_tinh"),
    ({"name": "Lê Văn An", "dob": "01/01/2013", "gender": "nam", "ethnic": "99"}, "dan_toc"),
    ({"name": "Lê Văn An", "dob": "01/01/2013", "gender": "nam", "disability": "9"}, "khuyet_tat"),
    ({"name": "Lê Văn An", "dob": "01/01/2013", "gender": "nam", "phone": "12345"}, "dien_thoai"),
    ({"name": "Lê Văn An", "dob": "01/01/2013", "gender": "nam", "code": "HS 1"}, "ma"),
])
def test_bad_student_fields_are_refused_naming_the_field(year, classes, data, field):
    err = refused(add_student, data, year, classes["6A1"])
    assert err.field == field
    assert Student.select().count() == 0 and Audit.select().where(
        Audit.action == "student.add").count() == 0


def test_duplicates_and_dates_are_refused_and_nothing_is_left(year, classes):
    student(year, classes["6A1"], code="HS0001", national_id="064213000001")
    refused(student, year, classes["6A1"], name="Lê Văn Bình", code="hs0001", match="đã có")
    refused(student, year, classes["6A1"], name="Lê Văn Bình", national_id="064213000001",
            match="Nguyễn Văn An")
    # the event is refused after the student row was written: the transaction undoes both
    refused(add_student, {"name": "Lê Văn Bình", "dob": "01/01/2013", "gender": "nam"}, year,
            classes["6A1"], day="01/07/2026", match="ngoài năm học")
    other = school.add_year("2025-2026", "05/09/2025", "31/05/2026")
    refused(add_student, {"name": "Lê Văn Bình", "dob": "01/01/2013", "gender": "nam"}, other,
            classes["6A1"], match="không thuộc năm học")


def test_update_student_keeps_keys_in_step(year, classes):
    st = student(year, classes["6A1"])
    update_student(st, {"name": "nguyễn văn bình", "national_id": "064213000009"})
    st = get_student(st.code)
    assert st.full_name == "Nguyễn Văn Bình" and st.name_folded == "nguyen van binh"
    assert [r.code for r in roster_rows(year, date(2024, 10, 1), search="binh")] == [st.code]
    edit = Audit.get(Audit.action == "student.edit")
    assert json.loads(edit.detail)["truoc"]["ten_rieng"] == "An"
    other = student(year, classes["6A1"], name="Lê Thị Hoa")
    refused(update_student, other, {"national_id": "064213000009"}, match="Nguyễn Văn Bình")
    refused(update_student, other, {"dob": "30/02/2013"}, match="không có trên lịch")


# ---- lists and counts -------------------------------------------------------------------------

def test_roster_as_of_a_date_and_class_counts(year, classes):
    from db.movements import record_class_change, record_dropout

    a = student(year, classes["6A1"], name="Đinh Văn Blưn", ethnic="13")
    b = student(year, classes["6A1"], name="Lê Thị Hoa", gender="nữ")
    c = student(year, classes["6A2"], name="Nguyễn Văn An")
    record_class_change(b, year, "15/10/2024", classes["6A2"])
    record_dropout(c, year, "20/11/2024", "03", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    assert Event.select().count() == 5

    on = date(2024, 12, 1)
    rows = {r.code: (r.klass, r.status) for r in roster_rows(year, on)}
    assert rows == {a.code: ("6A1", "dang_hoc"), b.code: ("6A2", "dang_hoc"),
                    c.code: ("6A2", "bo_hoc")}
    in_6a1 = {r.code: r.status for r in roster_rows(year, on, klass=classes["6A1"])}
    assert in_6a1 == {a.code: "dang_hoc", b.code: "chuyen_lop"}
    assert [r.code for r in roster_rows(year, on, include_left=False)] == [a.code, b.code]
    assert [r.code for r in roster_rows(year, on, grades=[7])] == []

    counts = {k.name: (k.start, k.now, k.female, k.minority) for k in class_counts(year, on)}
    # start of year (30/09): 6A1 Blưn, Hoa; 6A2 An. On 01/12: 6A1 Blưn; 6A2 Hoa (An dropped out)
    assert counts == {"6A1": (2, 1, 0, 1), "6A2": (1, 1, 1, 0), "7A1": (0, 0, 0, 0)}

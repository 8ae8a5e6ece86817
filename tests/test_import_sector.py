"""The sector database's (CSDL ngành) own import template, read with no column mapping."""

from datetime import date

import openpyxl
import pytest

from db import clock, codes, imports, kinds
from db.models import Event, SchoolClass, Span, Student
from db.si_so import report_si_so
from db.roster import class_counts
from exports.headers import match_header
from db.import_plan import WARNING
from exports.importer import read_students

# The template's published column list, in its order.
COLUMNS = ["STT", "Mã lớp", "Mã định danh Bộ GD&ĐT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc",
           "Quốc tịch", "Tỉnh", "Huyện", "Xã", "Họ tên cha", "Năm sinh cha", "Họ tên mẹ", "Năm sinh mẹ",
           "Số ĐDCN"]

ROWS = [
    [1, "6A1", "6200123451", "Nguyễn Văn An", "05/09/2012", "Nam", "Kinh", "Việt Nam", "Tỉnh Kon Tum",
     "Huyện Ia H'Drai", "Xã Ia Dom", "Nguyễn Văn Ba", 1980, "Lê Thị Cúc", 1982, "062212000123"],
    [2, "6A1", "6200123452", "Ksor H'Hen", "07/11/2012", "Nữ", "Gia Rai", "Việt Nam", "Tỉnh Kon Tum",
     "Huyện Ia H'Drai", "Xã Ia Tơi", "", None, "Rơ Châm Yuih", 1986, "062312000124"],
    # a foreign national: ethnic group 55 whatever the ethnic column says, never DTTS
    [3, "6A2", "6200123453", "Sổm Phết", "06/10/2012", "Nữ", "Lào", "Lào", "Tỉnh Kon Tum",
     "Huyện Sa Thầy", "Xã Mô Rai", "", None, "Sổm Ma", 1985, ""],
    # a 12-digit ID that Excel stored as a number (the leading zero lost), nationality written "VN"
    [4, "7A1", "6200123454", "Đinh Văn Blưn", "12/03/2011", "Nam", "Ba Na", "VN", "Tỉnh Kon Tum",
     "Huyện Sa Thầy", "Xã Mô Rai", "Đinh Văn Núi", 1979, "", None, 62211000125],
]


def sector_xlsx(path, rows=ROWS):
    """A list laid out as the sector database exports it: title rows above the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách học sinh"
    ws.append(["SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH KON TUM"])
    ws.append(["TRƯỜNG THCS TƠ TUNG"])
    ws.append([])
    ws.append(["DANH SÁCH HỌC SINH NĂM HỌC 2024-2025"])
    ws.append(COLUMNS)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return str(path)


@pytest.fixture
def today():
    clock.set_today(date(2024, 9, 5))
    yield
    clock.set_today(None)


@pytest.mark.parametrize("header,field", [
    ("Mã lớp", "klass"), ("Mã định danh Bộ GD&ĐT", "code"), ("Quốc tịch", "nationality"),
    ("Tỉnh", "province"), ("Huyện", "district"), ("Xã", "commune"), ("Họ tên cha", "father"),
    ("Năm sinh cha", "father_year"), ("Họ tên mẹ", "mother"), ("Năm sinh mẹ", "mother_year"),
    ("Số ĐDCN", "national_id"),
])
def test_the_template_columns_are_recognised(header, field):
    assert match_header(header) == field


def test_the_template_is_read_without_any_mapping(tmp_path):
    plan = read_students(sector_xlsx(tmp_path / "csdl.xlsx"), ref_date=date(2024, 9, 5))
    assert plan.errors == []
    assert plan.table.rows[plan.header.index][0] == 5
    assert [r.row for r in plan.rows] == [6, 7, 8, 9]
    # no column is "unknown": the parents' birth years are known and left out on purpose
    assert not [p for p in plan.problems if "không nhận ra" in p.message]
    foreign = [p for p in plan.problems if p.row == 8]
    assert len(foreign) == 1 and foreign[0].severity == WARNING and "55" in foreign[0].message
    id_fixed = [p for p in plan.problems if p.row == 9]
    assert len(id_fixed) == 1 and "062211000125" in id_fixed[0].message


def test_every_field_of_the_template_is_stored(tmp_path, year, today):
    path = sector_xlsx(tmp_path / "csdl.xlsx")
    rv = imports.review(read_students(path, ref_date=year.start), year)
    assert rv.ok, rv.report()
    report = rv.report()
    assert "Cột biết nhưng siso không lưu (bỏ qua): «Năm sinh cha», «Năm sinh mẹ»." in report
    assert "«Mã lớp» → Lớp" in report and "«Số ĐDCN» → Mã định danh cá nhân (12 số)" in report
    imports.run_import(read_students(path, ref_date=year.start), year)

    fields = ("code", "national_id", "family", "middle", "given", "female", "dob", "ethnic", "disability",
              "village", "commune", "birthplace", "father", "mother", "guardian", "phone", "address")
    stored = {s.code: tuple(getattr(s, f) for f in fields) for s in Student.select()}
    # the father's and the mother's names go to their own fields; no guardian column, no guardian
    assert stored == {
        "6200123451": ("6200123451", "062212000123", "Nguyễn", "Văn", "An", False, date(2012, 9, 5), "01",
                       None, "", "Xã Ia Dom", "", "Nguyễn Văn Ba", "Lê Thị Cúc", "", "",
                       "Xã Ia Dom, Huyện Ia H'Drai, Tỉnh Kon Tum"),
        "6200123452": ("6200123452", "062312000124", "Ksor", "", "H'Hen", True, date(2012, 11, 7), "10",
                       None, "", "Xã Ia Tơi", "", "", "Rơ Châm Yuih", "", "",
                       "Xã Ia Tơi, Huyện Ia H'Drai, Tỉnh Kon Tum"),
        "6200123453": ("6200123453", None, "Sổm", "", "Phết", True, date(2012, 10, 6), "55",
                       None, "", "Xã Mô Rai", "", "", "Sổm Ma", "", "", "Xã Mô Rai, Huyện Sa Thầy, Tỉnh Kon Tum"),
        "6200123454": ("6200123454", "062211000125", "Đinh", "Văn", "Blưn", False, date(2011, 3, 12), "13",
                       None, "", "Xã Mô Rai", "", "Đinh Văn Núi", "", "", "",
                       "Xã Mô Rai, Huyện Sa Thầy, Tỉnh Kon Tum"),
    }
    classes = {(e.student.code, e.klass.name, e.klass.grade, e.kind, e.date) for e in Event.select()}
    assert classes == {("6200123451", "6A1", 6, kinds.ADMIT, date(2024, 9, 5)),
                       ("6200123452", "6A1", 6, kinds.ADMIT, date(2024, 9, 5)),
                       ("6200123453", "6A2", 6, kinds.ADMIT, date(2024, 9, 5)),
                       ("6200123454", "7A1", 7, kinds.ADMIT, date(2024, 9, 5))}
    assert Span.select().count() == 4 and SchoolClass.select().count() == 3


def test_a_foreign_national_is_never_an_ethnic_minority(tmp_path, year, today):
    imports.run_import(read_students(sector_xlsx(tmp_path / "csdl.xlsx"), ref_date=year.start), year)
    assert codes.ethnic_name("55") == "Người nước ngoài" and not codes.is_minority("55")
    # counted by hand from ROWS: Gia Rai (6A1) and Ba Na (7A1) are minorities; the Lao national
    # in 6A2 and the Kinh student are not
    counts = {c.name: (c.now, c.minority) for c in class_counts(year, date(2024, 10, 1))}
    assert counts == {"6A1": (2, 1), "6A2": (1, 0), "7A1": (1, 1)}
    form = report_si_so(year, date(2024, 10, 1))
    assert {r["lop"]: r["hien_co"]["dtts"] for r in form["lop"]} == {"6A1": 1, "6A2": 0, "7A1": 1}


def test_a_foreign_nationality_with_no_ethnic_column(tmp_path):
    cols = [c for c in COLUMNS if c != "Dân tộc"]
    rows = [[v for c, v in zip(COLUMNS, r) if c != "Dân tộc"] for r in ROWS]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(cols)
    for r in rows:
        ws.append(r)
    wb.save(tmp_path / "x.xlsx")
    plan = read_students(tmp_path / "x.xlsx", ref_date=date(2024, 9, 5))
    assert plan.errors == []
    assert [r.values["ethnic"] for r in plan.rows] == ["01", "01", "55", "01"]
    assert any("quốc tịch khác là người nước ngoài (55)" in p.message for p in plan.problems)


def test_a_bad_personal_id_is_refused_as_elsewhere(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][15] = "06221200012"  # 11 digits, written as text
    plan = read_students(sector_xlsx(tmp_path / "csdl.xlsx", rows), ref_date=date(2024, 9, 5))
    bad = [p for p in plan.errors if p.row == 6]
    assert len(bad) == 1 and bad[0].column == "Số ĐDCN" and "cần đúng 12 chữ số" in bad[0].message

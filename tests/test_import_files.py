"""Reading student lists: layouts, headers, dates, names, ethnic groups (no database writes)."""

import unicodedata
from datetime import date, datetime

import openpyxl
import pytest
import tablib

from db.errors import SisoError
from exports.headers import field_from_user, match_header
from exports.import_fields import parse_dob
from exports.importer import (
    ERROR,
    WARNING,
    apply_overrides,
    parse_overrides,
    read_students,
)

REF = date(2024, 9, 5)


def xlsx(path, rows, merges=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "DS"
    for r in rows:
        ws.append(list(r))
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return str(path)


def by_name(plan):
    return {f"{r.values['family']} {r.values['middle']} {r.values['given']}".replace("  ", " "): r
            for r in plan.rows}


@pytest.mark.parametrize("header,field", [
    ("STT", "stt"), ("Mã học sinh", "code"), ("MÃ HS", "code"), ("Mã định danh (Bộ GD&ĐT)", "code"),
    ("Mã định danh", "national_id"), ("Họ và tên", "name"), ("HỌ  VÀ   TÊN", "name"), ("ho ten", "name"),
    ("Họ đệm", "family_middle"), ("Họ và tên đệm", "family_middle"), ("Tên", "given"),
    ("Ngày sinh", "dob"), ("Ngày tháng năm sinh", "dob"), ("Ngày, tháng, năm sinh", "dob"),
    ("Giới tính (Nam/Nữ)", "gender"), ("Nữ", "female_mark"), ("Dân tộc", "ethnic"), ("Lớp", "klass"),
    ("Khối", "grade"), ("Thôn/Xóm/Làng/Tổ dân phố", "village"), ("Tổ dân phố", "village"),
    ("Xã/Phường", "commune"), ("Nơi sinh", "birthplace"), ("Họ tên cha", "father"),
    ("Họ tên mẹ", "mother"), ("Họ tên người giám hộ", "guardian"), ("Số điện thoại", "phone"),
    ("SĐT", "phone"), ("Khuyết tật", "disability"),
    (unicodedata.normalize("NFD", "Ngày sinh"), "dob"), ("Ghi chú", None), ("", None),
])
def test_headers_match_without_accents_case_or_spacing(header, field):
    assert match_header(header) == field


def test_user_field_names():
    assert field_from_user("given") == "given"
    assert field_from_user("Tên") == "given"
    assert field_from_user("ngay sinh") == "dob"
    assert field_from_user("bỏ qua") == "ignore"
    with pytest.raises(SisoError, match="Không có trường «xyz»"):
        field_from_user("xyz")
    assert parse_overrides(["Tên HS=given"]) == {"Tên HS": "given"}
    with pytest.raises(SisoError, match="Cột trong tệp=trường"):
        parse_overrides(["Tên HS"])
    with pytest.raises(SisoError, match="Không có cột «Số báo danh»"):
        apply_overrides(["Họ và tên"], {0: "name"}, {"Số báo danh": "code"})


@pytest.mark.parametrize("value,expected,warned", [
    ("05/09/2012", date(2012, 9, 5), False),
    ("5/9/2012", date(2012, 9, 5), False),
    ("05-09-2012", date(2012, 9, 5), False),
    ("2012-09-05", date(2012, 9, 5), False),
    ("2012-09-05 00:00:00", date(2012, 9, 5), False),
    (41157, date(2012, 9, 5), False),  # Excel serial number
    (41157.0, date(2012, 9, 5), False),
    ("41157", date(2012, 9, 5), False),
    (datetime(2012, 9, 5), date(2012, 9, 5), False),
    (date(2012, 9, 5), date(2012, 9, 5), False),
    ("2012", date(2012, 1, 1), True),
    (2012, date(2012, 1, 1), True),
])
def test_dates_in_every_accepted_form(value, expected, warned):
    got, warning, error = parse_dob(value)
    assert error is None
    assert got == expected
    assert (warning is not None) == warned
    if warned:
        assert "01/01/2012" in warning


@pytest.mark.parametrize("value", ["31/02/2012", "5/9/12", "sáu tháng chín", ""])
def test_bad_dates_are_errors(value):
    got, warning, error = parse_dob(value)
    assert got is None and error


def test_title_rows_merged_cells_two_row_header_x_marked_nu_and_totals(tmp_path):
    path = xlsx(tmp_path / "ds.xlsx", [
        ["PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"],
        ["TRƯỜNG THCS TƠ TUNG"],
        [],
        ["DANH SÁCH HỌC SINH NĂM HỌC 2024-2025"],
        ["STT", "Mã định danh (Bộ GD&ĐT)", "Họ và tên", None, "Ngày tháng năm sinh", "Giới tính", None,
         "Dân tộc", "Lớp", "Ghi chú"],
        [None, None, "Họ đệm", "Tên", None, "Nam", "Nữ", None, None, None],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)"],
        [1, "6200001", "Nguyễn Văn", "An", date(2013, 5, 9), "x", None, "Kinh", "6A1", "chuyển đến"],
        [2, "6200002", "Trần Thị", "Bình", "05/09/2013", None, "x", "Ê-đê", "6A1", None],
        [],
        [3, "6200003", "Ksor", "H'Hen", 41500, None, "X", "Jrai", "6a2", None],
        ["Tổng cộng: 3 học sinh, 2 nữ"],
        [None, None, None, None, None, None, "Tơ Tung, ngày 05 tháng 9 năm 2024"],
        [None, None, None, None, None, None, "HIỆU TRƯỞNG"],
    ], merges=["A1:D1", "A4:J4", "C5:D5", "F5:G5", "A5:A6", "B5:B6", "E5:E6", "H5:H6", "I5:I6"])
    plan = read_students(path, ref_date=REF)
    assert plan.errors == []
    assert plan.table.rows[plan.header.index][0] == 5
    rows = {r.row: r for r in plan.rows}
    assert sorted(rows) == [8, 9, 11]
    assert rows[8].values["female"] is False and rows[9].values["female"] is True
    assert rows[11].values["female"] is True
    assert rows[8].values["dob"] == date(2013, 5, 9)
    assert rows[11].values["dob"] == date(2013, 8, 14)
    assert (rows[11].values["family"], rows[11].values["middle"], rows[11].values["given"]) == ("Ksor", "", "H'Hen")
    assert rows[9].values["ethnic"] == "12" and rows[11].values["ethnic"] == "10"
    assert rows[11].klass == "6A2" and rows[11].grade == 6
    assert rows[8].values["code"] == "6200001"
    unknown = [p for p in plan.problems if p.column == "Ghi chú"]
    assert len(unknown) == 1 and unknown[0].severity == WARNING
    # signature lines are reported as skipped, never imported; the totals row is skipped
    assert 12 in plan.skipped and 13 in plan.skipped


def test_split_name_columns_and_parents(tmp_path):
    path = xlsx(tmp_path / "ds.xlsx", [
        ["Họ và tên đệm", "Tên", "Ngày sinh", "Giới tính", "Lớp", "Khối", "Họ tên cha", "Họ tên mẹ",
         "Số điện thoại", "Xã/Phường", "Thôn/Xóm/Làng/Tổ dân phố", "Khuyết tật"],
        ["lê thị", "HOA", "01/02/2012", "Nữ", "7A", 7, "", "Phạm Thị Lụa", 912345678, "Xã Ia Dom", "Làng Tơ Tung", "vận động"],
        ["Đinh", "Văn", "01/02/2012", "Nam", "7A", "7", "đinh văn núi", "", "0987 654 321", "", "", "02"],
    ])
    plan = read_students(path, ref_date=REF)
    assert plan.errors == []
    a, b = plan.rows
    assert (a.values["family"], a.values["middle"], a.values["given"]) == ("Lê", "Thị", "Hoa")
    # father and mother are fields of their own (no longer folded into the guardian)
    assert (a.values.get("father"), a.values["mother"], a.values.get("guardian")) == (None, "Phạm Thị Lụa", None)
    assert a.values["phone"] == "0912345678"  # Excel dropped the leading zero
    assert a.values["disability"] == "01"
    assert a.values["commune"] == "Xã Ia Dom" and a.values["village"] == "Làng Tơ Tung"
    assert (b.values["family"], b.values["middle"], b.values["given"]) == ("Đinh", "", "Văn")
    assert b.values["father"] == "Đinh Văn Núi" and b.values["phone"] == "0987654321"
    assert b.values["disability"] == "02"
    assert a.grade == 7 and a.klass == "7A"


def test_csv_with_bom_semicolons_nfd_names_and_icelandic_eth(tmp_path):
    nfd = unicodedata.normalize("NFD", "Nguyễn  Thị Hòa ")
    content = ("STT;Họ và tên;Ngày sinh;Giới tính;Dân tộc;Lớp\n"
               f"1;{nfd};5/9/2012;nữ;Hmông;6A1\n"
               "2;\u00d0ỗ Văn \u00d0ạt;2012-09-05;Nam;Mông;6A1\n"
               "3;Y Bih Niê;05-09-2012;Nam;Ede;6A1\n"
               "4;Siu Thị Hlang;2012;Nữ;Gia-rai;6A1\n")
    path = tmp_path / "ds.csv"
    path.write_bytes(b"\xef\xbb\xbf" + content.encode("utf-8"))
    plan = read_students(str(path), ref_date=REF)
    assert plan.errors == []
    names = by_name(plan)
    assert set(names) == {"Nguyễn Thị Hòa", "Đỗ Văn Đạt", "Y Bih Niê", "Siu Thị Hlang"}
    assert unicodedata.is_normalized("NFC", names["Nguyễn Thị Hòa"].values["given"])
    assert names["Nguyễn Thị Hòa"].values["ethnic"] == "08"
    assert names["Đỗ Văn Đạt"].values["ethnic"] == "08"
    assert names["Y Bih Niê"].values["ethnic"] == "12"
    assert names["Siu Thị Hlang"].values["ethnic"] == "10"
    assert names["Siu Thị Hlang"].values["dob"] == date(2012, 1, 1)
    year_only = [p for p in plan.problems if p.row == 5]
    assert len(year_only) == 1 and year_only[0].severity == WARNING and "01/01/2012" in year_only[0].message


def test_ods_written_by_tablib(tmp_path):
    ds = tablib.Dataset()
    ds.append(["DANH SÁCH HỌC SINH", "", "", "", "", ""])
    ds.append(["", "", "", "", "", ""])
    ds.append(["Họ tên", "Ngày sinh", "Nữ", "Dân tộc", "Lớp", "Mã định danh"])
    ds.append(["Hoàng Văn Tùng", date(2012, 3, 4), "", "Tày", "6A1", "001212345678"])
    ds.append(["Vàng Thị Mỷ", "04/03/2012", "x", "H'Mông", "6A1", ""])
    path = tmp_path / "ds.ods"
    path.write_bytes(ds.export("ods"))
    plan = read_students(str(path), ref_date=REF)
    assert plan.errors == []
    names = by_name(plan)
    assert names["Hoàng Văn Tùng"].values["dob"] == date(2012, 3, 4)
    assert names["Hoàng Văn Tùng"].values["female"] is False
    assert names["Hoàng Văn Tùng"].values["national_id"] == "001212345678"
    assert names["Hoàng Văn Tùng"].values["ethnic"] == "02"
    assert names["Vàng Thị Mỷ"].values["female"] is True
    assert names["Vàng Thị Mỷ"].values["ethnic"] == "08"


def test_strict_about_data_each_problem_names_row_and_column(tmp_path):
    path = xlsx(tmp_path / "ds.xlsx", [
        ["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp", "Mã HS", "Mã định danh"],
        ["Nguyễn Văn An", "31/02/2012", "Nam", "Kinh", "6A1", "A1", ""],
        ["Trần Thị Bình", "01/01/2012", "gái?", "Kinh", "6A1", "A2", "12345"],
        ["Lê Văn Cường", "01/01/2012", "Nam", "Khmer Krom lạ", "6A1", "A3", ""],
        ["Phạm Văn Dũng", "01/01/2012", "Nam", "", "6A1", "A1", ""],
        ["Võ Văn Em", "01/01/1990", "Nam", "Kinh", "6A1", "A5", ""],
    ])
    plan = read_students(path, ref_date=REF)
    errs = {(p.row, p.column): p.message for p in plan.errors}
    assert "không có trên lịch" in errs[(2, "Ngày sinh")]
    assert "Giới tính" in errs[(3, "Giới tính")]
    assert "12 chữ số" in errs[(3, "Mã định danh")]
    assert "không có trong danh mục" in errs[(4, "Dân tộc")]  # never silently Kinh
    assert "trùng với dòng 2" in errs[(5, "Mã HS")]
    assert "không hợp lý" in errs[(6, "Ngày sinh")]
    empty_ethnic = [p for p in plan.problems if p.row == 5 and p.column == "Dân tộc"]
    assert empty_ethnic[0].severity == WARNING
    assert plan.rows == []  # row 5 is refused (same code as row 2), the others have errors


def test_missing_columns_and_no_header(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", [["Họ và tên", "Lớp"], ["Nguyễn Văn An", "6A1"]])
    plan = read_students(path)
    msgs = " ".join(p.message for p in plan.errors)
    assert "Thiếu cột «Ngày sinh»" in msgs and "Thiếu cột «Giới tính»" in msgs
    path = xlsx(tmp_path / "b.xlsx", [["Danh sách"], ["a", "b", "c"], [1, 2, 3]])
    with pytest.raises(SisoError, match="Không tìm thấy dòng tiêu đề"):
        read_students(path)


def test_absent_ethnic_column_means_kinh_with_a_note(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", [["Họ và tên", "Ngày sinh", "Giới tính", "Lớp"],
                                      ["Nguyễn Văn An", "01/01/2012", "Nam", "6A1"]])
    plan = read_students(path, ref_date=REF)
    assert plan.errors == []
    assert plan.rows[0].values["ethnic"] == "01"
    assert any("dân tộc Kinh" in p.message and p.severity == WARNING for p in plan.problems)


def test_mapping_override_by_title_and_letter(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", [["Họ và tên", "NS", "Phái", "Lớp học sinh", "Ghi chú"],
                                      ["Nguyễn Văn An", "01/01/2012", "Nam", "6A1", "HS01"]])
    plan = read_students(path, ref_date=REF, overrides={"NS": "ngay sinh", "Lớp học sinh": "lop", "E": "code"})
    assert plan.errors == []
    r = plan.rows[0]
    assert r.values["dob"] == date(2012, 1, 1) and r.klass == "6A1" and r.values["code"] == "HS01"


def test_sheet_choice(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Bìa"
    wb.active.append(["Trang bìa"])
    ws = wb.create_sheet("Lớp 6")
    ws.append(["Họ và tên", "Ngày sinh", "Giới tính", "Lớp"])
    ws.append(["Nguyễn Văn An", "01/01/2012", "Nam", "6A1"])
    path = str(tmp_path / "a.xlsx")
    wb.save(path)
    assert read_students(path, ref_date=REF).table.sheet == "Lớp 6"  # first sheet with a header
    assert len(read_students(path, sheet="lop 6", ref_date=REF).rows) == 1
    with pytest.raises(SisoError, match="không có trang «Lớp 7»"):
        read_students(path, sheet="Lớp 7")


def test_unsupported_files(tmp_path):
    (tmp_path / "a.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(SisoError, match=r"\.xls"):
        read_students(str(tmp_path / "a.xls"))
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    with pytest.raises(SisoError, match="chỉ nhận"):
        read_students(str(tmp_path / "a.pdf"))
    with pytest.raises(SisoError, match="Không mở được"):
        read_students(str(tmp_path / "none.xlsx"))
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(SisoError, match="không phải tệp Excel"):
        read_students(str(tmp_path / "broken.xlsx"))
    assert ERROR == "error"

"""The signature block under a list ends it; a dated row below it is reported, not dropped."""

import csv
from datetime import date

import openpyxl
import pytest

from db.import_plan import WARNING
from exports.importer import read_students

REF = date(2024, 9, 5)
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp"]
STUDENTS = [
    [1, "Nguyễn Văn An", "05/09/2012", "Nam", "Kinh", "6A1"],
    [2, "Trần Thị Bình", "06/10/2012", "Nữ", "Mường", "6A1"],
    [3, "Ksor H'Hen", "07/11/2012", "Nữ", "Gia Rai", "6A1"],
]
# What schools put under the table: the signers' titles, the place and date, "(Ký, ghi rõ họ
# tên)", blank lines for the signature, then the signers' names — in the name column too.
SIGNATURE = [
    [None, "NGƯỜI LẬP DANH SÁCH", None, None, "HIỆU TRƯỞNG"],
    [None, None, None, None, "Ia Pa, ngày … tháng … năm …"],
    [None, "(Ký, ghi rõ họ tên)", None, None, "(Ký tên, đóng dấu)"],
    [],
    [None, "Lê Thị Thu", None, None, "Phạm Văn Hùng"],
]


def write(tmp_path, kind, rows):
    if kind == "xlsx":
        wb = openpyxl.Workbook()
        ws = wb.active
        for r in rows:
            ws.append(list(r))
        path = tmp_path / "ds.xlsx"
        wb.save(path)
    else:
        path = tmp_path / "ds.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            for r in rows:
                w.writerow(["" if c is None else c for c in r])
    return str(path)


def layout(signature=SIGNATURE, after=()):
    """Rows of the file: two title rows, the header (row 3), the students (rows 4–6), a blank
    row, the signature block from row 8, then ``after``."""
    return [["TRƯỜNG THCS TƠ TUNG"], ["DANH SÁCH HỌC SINH LỚP 6A1"], HEADER, *STUDENTS, [],
            *signature, *after]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_signature_block_ends_the_list(tmp_path, kind):
    plan = read_students(write(tmp_path, kind, layout()), ref_date=REF)
    assert plan.errors == []
    assert [r.row for r in plan.rows] == [4, 5, 6]
    assert [r.full_name for r in plan.rows] == ["Nguyễn Văn An", "Trần Thị Bình", "Ksor H'Hen"]
    # the signers' names below the block are neither students nor noise in the report
    assert not [p for p in plan.problems if p.row is not None]
    assert {8, 9, 10, 12} <= set(plan.skipped)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize("first", [
    [None, None, None, None, "Tơ Tung, ngày 05 tháng 9 năm 2024"],  # the place and date first
    [None, "GIÁO VIÊN CHỦ NHIỆM", None, None, "KT. HIỆU TRƯỞNG"],
    [None, "Người lập biểu", None, None, None, None],  # one cell only
])
def test_each_kind_of_signature_line_ends_it(tmp_path, kind, first):
    rows = layout(signature=[first, [None, "Lê Thị Thu", None, None, "Phạm Văn Hùng"]])
    plan = read_students(write(tmp_path, kind, rows), ref_date=REF)
    assert plan.errors == []
    assert [r.row for r in plan.rows] == [4, 5, 6]
    assert not [p for p in plan.problems if p.row is not None]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_dated_row_below_the_signature_is_reported_with_its_row(tmp_path, kind):
    late = [4, "Đinh Văn Blưn", "12/03/2012", "Nam", "Ba Na", "6A1"]
    plan = read_students(write(tmp_path, kind, layout(after=[late])), ref_date=REF)
    assert plan.errors == []
    assert [r.row for r in plan.rows] == [4, 5, 6]
    warned = [p for p in plan.problems if p.row == 13]
    assert len(warned) == 1 and warned[0].severity == WARNING
    assert warned[0].column == "Ngày sinh"
    assert "dưới phần ký tên (dòng 8)" in warned[0].message and "12/03/2012" in warned[0].message
    assert "dòng 13" in warned[0].line()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_student_row_is_never_taken_for_a_signature(tmp_path, kind):
    # a row with a date of birth is a student even when a cell reads like a title
    odd = [4, "Hiệu Văn Trưởng", "12/03/2012", "Nam", "Kinh", "6A1"]
    rows = [["TRƯỜNG THCS TƠ TUNG"], HEADER, *STUDENTS, odd, ["Tổng cộng: 4 học sinh"],
            [None, None, None, None, "Ia Pa, ngày 05 tháng 9 năm 2024"]]
    plan = read_students(write(tmp_path, kind, rows), ref_date=REF)
    assert plan.errors == []
    assert [r.full_name for r in plan.rows][-1] == "Hiệu Văn Trưởng"
    assert len(plan.rows) == 4

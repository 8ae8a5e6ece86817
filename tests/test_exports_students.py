"""The streaming student list: text from data never becomes a formula; files get normal permissions."""

import os
import stat
from datetime import date

import openpyxl

from db.files import atomic_write
from exports.students import write_student_list


def test_text_that_looks_like_a_formula_is_stored_as_text(tmp_path):
    path = tmp_path / "ds.xlsx"
    write_student_list([{"code": "=1+1", "family": "@Lê", "middle": "", "given": "An",
                         "dob": date(2013, 1, 2), "female": True, "ethnic": "01",
                         "village": "-Làng", "guardian": "+84"}], path)
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2])}
    for label, value in (("Mã học sinh", "=1+1"), ("Họ và tên", "@Lê An"), ("Thôn/Xóm", "-Làng"),
                         ("Họ tên người giám hộ", "+84")):
        assert row[label].value == value
        assert row[label].data_type == "s"
    assert row["Ngày sinh"].value.date() == date(2013, 1, 2)


def test_written_files_follow_the_umask_and_leave_no_temp_file(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "a.csv", b"x")
        write_student_list([], tmp_path / "b.xlsx")
    finally:
        os.umask(old)
    for name in ("a.csv", "b.xlsx"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.xlsx"]


def test_markup_control_characters_spaces_and_layout_survive(tmp_path):
    path = tmp_path / "ds.xlsx"
    write_student_list([{"code": "HS01", "full_name": "Lê <An> & Bình", "dob": date(2012, 12, 31),
                         "female": False, "ethnic": "10", "klass": "6A1", "grade": 6,
                         "village": " Làng\x01 Tơ ", "phone": "0905123456"}], path,
                       title="DANH SÁCH", sheet="Lớp 6A1")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws.title == "Lớp 6A1"
    assert ws["A1"].value == "DANH SÁCH" and ws["A1"].font.b
    assert ws["A2"].value is None
    assert [c.value for c in ws[3]][:5] == ["STT", "Mã học sinh", "Mã định danh", "Họ và tên", "Ngày sinh"]
    assert all(c.font.b for c in ws[3])
    row = [c.value for c in ws[4]]
    assert row[0] == 1 and row[1] == "HS01" and row[2] is None
    assert row[3] == "Lê <An> & Bình"
    assert row[4].date() == date(2012, 12, 31) and ws["E4"].number_format == "dd/mm/yyyy"
    assert row[5:9] == ["Nam", "Gia Rai", "6A1", 6]
    assert row[9] == " Làng Tơ "  # the control character is dropped, the spaces kept
    assert row[15] == "0905123456"  # a phone number stays text (after the father and mother columns)
    assert ws.max_row == 4

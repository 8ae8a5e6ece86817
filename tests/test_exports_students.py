"""The streaming student list: text from data never becomes a formula; files get normal permissions."""

import os
import stat
from datetime import date

import openpyxl

from exports.files import atomic_write
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

"""Edges of what the command line accepts: an option given an empty value, a student code
emptied, a free text longer than its column, a village name that exists in a commune."""

from datetime import date

import pytest

from db import clock


@pytest.fixture
def school(cli):
    clock.set_today(date(2024, 10, 1))
    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025",
               "--ref", "30/09/2024")[0] == 0
    assert cli("class", "add", "6A1", "--grade", "6", "--year", "2024-2025")[0] == 0
    rc, out, err = cli("student", "add", "--date", "05/09/2024", "--class", "6A1", "--name",
                       "Đinh Thị Hiên", "--dob", "03/03/2013", "--gender", "nu", "--code", "HS1",
                       "--guardian", "Đinh Văn Hmok")
    assert rc == 0, err
    yield cli
    clock.set_today(None)


def run(cli, capsys, *argv):
    """``cli`` with argparse's refusals too (they end in SystemExit)."""
    try:
        return cli(*argv)
    except SystemExit as exc:
        out, err = capsys.readouterr()
        return exc.code, out, err


def dump(cli) -> list[str]:
    import sqlite3

    con = sqlite3.connect(cli.path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


@pytest.mark.parametrize("argv, option", [
    (("student", "list", "--year", ""), "--year"),
    (("student", "list", "--year="), "--year"),
    (("student", "list", "-o", ""), "-o/--output"),
    (("student", "list", "--as-of", " "), "--as-of"),
    (("report", "si-so", "--as-of", ""), "--as-of"),
    (("report", "si-so", "-o", "", "--format", "xlsx"), "-o/--output"),
    (("student", "add", "--year", "", "--class", "6A1", "--name", "Lê Văn Tám", "--dob",
      "03/03/2013", "--gender", "nam"), "--year"),
    (("student", "add", "--class", "", "--name", "Lê Văn Tám", "--dob", "03/03/2013",
      "--gender", "nam"), "--class"),
    (("backup", "-o", ""), "-o/--output"),
    (("--db", "", "student", "list"), "--db"),
    (("student", "edit", "HS1", "--name", ""), "--name"),
])
def test_an_empty_option_value_is_refused_naming_the_option(school, capsys, argv, option):
    before = dump(school)
    rc, out, err = run(school, capsys, *argv)
    assert rc == 2 and out == ""
    assert f"tham số {option}: cần một giá trị, không được để trống" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert dump(school) == before


def test_an_empty_value_still_clears_an_optional_field_on_edit(school):
    rc, out, err = school("student", "edit", "HS1", "--guardian", "")
    assert (rc, err) == (0, "")
    assert "Người giám hộ" not in school("student", "show", "HS1")[1]


@pytest.mark.parametrize("code", ["", "  "])
def test_student_edit_refuses_an_empty_code(school, capsys, code):
    before = dump(school)
    rc, out, err = run(school, capsys, "student", "edit", "HS1", "--code", code)
    assert rc == 2 and "--code" in err and "Đã sửa" not in out
    assert dump(school) == before


def test_update_student_refuses_an_empty_code_for_both_doors(school):
    from db.connection import close_database, open_database
    from db.errors import SisoError
    from db.students import get_student, update_student

    open_database(school.path)
    try:
        with pytest.raises(SisoError) as err:
            update_student(get_student("HS1"), {"code": "", "guardian": "Lê Văn Cường"})
        assert err.value.field == "ma" and "Mã học sinh không để trống được" in str(err.value)
        assert get_student("HS1").guardian == "Đinh Văn Hmok"
    finally:
        close_database()


VISIT = ("visit", "add", "--student", "HS1", "--date", "20/09/2024", "--by",
         "Lò Thị Mai:Giáo viên chủ nhiệm", "--found", "Em đi rẫy với bố mẹ", "--result", "promised")


@pytest.mark.parametrize("leave_out, option", [("--met", "--met"), ("--signed-by", "--signed-by")])
def test_visit_add_without_met_or_signed_by_names_the_option(school, leave_out, option):
    given = {"--met": ("--met", "Mẹ"), "--signed-by": ("--signed-by", "Mẹ")}
    extra = [a for key, pair in given.items() if key != leave_out for a in pair]
    before = dump(school)
    rc, out, err = school(*VISIT, *extra)
    assert rc == 2 and out == ""
    assert option in err and "cần ghi" in err and err.count("\n") == 1
    assert dump(school) == before
    rc, out, err = school(*VISIT, "--met", "Mẹ", "--signed-by", "Mẹ")
    assert rc == 0, err


def test_student_add_with_a_bad_field_names_its_option(school):
    rc, out, err = school("student", "add", "--class", "6A1", "--name", "Lê Văn Tám",
                          "--dob", "03/03/2013", "--gender", "nam", "--phone", "12")
    assert rc == 2 and "Số điện thoại «12» không hợp lệ" in err and "(tùy chọn --phone)" in err


@pytest.mark.parametrize("argv, says", [
    (("student", "edit", "HS1", "--address", "x" * 201), "Địa chỉ dài 201 ký tự, quá 200 ký tự"),
    (("student", "edit", "HS1", "--guardian", "Lê " + "a" * 120), "Người giám hộ dài 123 ký tự, quá 100"),
    (("student", "add", "--class", "6A1", "--name", "Lê Văn Tám", "--dob", "03/03/2013",
      "--gender", "nam", "--birthplace", "y" * 5000), "Nơi sinh dài 5.000 ký tự, quá 200"),
    (("visit", "add", *VISIT[2:], "--met", "Mẹ", "--signed-by", "Mẹ", "--commitment", "z" * 40_000),
     "Gia đình cam kết dài 40.000 ký tự, quá 32.767"),
    (("settings", "set", "ten_truong", "T" * 40_000), "dài 40.000 ký tự, quá 32.767"),
    (("village", "add", "Làng Kon Hmôn", "--commune", "Xã Ia Ka", "--head", "Y " + "b" * 150),
     "Trưởng thôn dài 152 ký tự, quá 100"),
    (("class", "add", "6A2", "--grade", "6", "--gvcn", "Lê " + "d" * 100),
     "Giáo viên chủ nhiệm dài 103 ký tự, quá 100"),
    (("event", "add", "--student", "HS1", "--kind", "transfer-out", "--date", "20/09/2024",
      "--scope", "trong-tinh", "--school", "THCS " + "c" * 300), "Trường dài 305 ký tự, quá 200"),
])
def test_a_free_text_longer_than_its_column_is_refused(school, argv, says):
    before = dump(school)
    rc, out, err = school(*argv)
    assert rc == 2 and out == "" and says in err, err
    assert err.count("\n") == 1
    assert dump(school) == before


def test_the_student_form_refuses_a_long_address_beside_the_field(school):
    from db.students import field_errors

    assert field_errors({"address": "x" * 201}) == [
        ("dia_chi", "Địa chỉ dài 201 ký tự, quá 200 ký tự cho phép: hãy rút gọn.")]
    assert field_errors({"address": "x" * 200}) == []

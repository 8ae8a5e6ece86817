"""The headless CLI: years, classes, students, settings; errors are one Vietnamese line,
exit code 2, and leave the database as it was."""

import json
from datetime import date

import pytest

from db import clock
from db.connection import open_database
from db.models import MODELS, Audit


def counts(path):
    open_database(path)
    return {m.__name__: m.select().count() for m in MODELS}


@pytest.fixture
def school(cli):
    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025",
               "--ref", "30/09/2024", "--hk2", "13/01/2025")[0] == 0
    assert cli("class", "add", "6A1", "--grade", "6", "--year", "2024-2025",
               "--gvcn", "nguyễn thị lan")[0] == 0
    assert cli("class", "add", "6A2", "--grade", "6", "--year", "2024-2025")[0] == 0
    return cli


def add(cli, *extra, name="Nguyễn Văn An", dob="05/09/2013", gender="nam", klass="6A1"):
    """Add a student, from the first day of the year unless ``extra`` gives --date (without
    it the admission is dated today, clamped to the year)."""
    day = () if "--date" in extra else ("--date", "05/09/2024")
    return cli("student", "add", "--year", "2024-2025", "--class", klass, "--name", name,
               "--dob", dob, "--gender", gender, *day, *extra)


def test_year_add_and_list(school):
    rc, out, _ = school("year", "list", "--format", "json")
    assert rc == 0
    rows = json.loads(out)
    assert rows == [{"nam_hoc": "2024-2025", "bat_dau": "2024-09-05", "ket_thuc": "2025-05-31",
                     "hk2": "2025-01-13", "chot_dau_nam": "2024-09-30", "ngay_hoc": "2-6",
                     "hien_tai": True}]


def test_student_add_prints_only_the_code(school):
    # in the first weeks, before the reference date (30/09): a student dated the first day
    # changes no start-of-year count yet, so nothing is printed on stderr
    clock.set_today(date(2024, 9, 20))
    rc, out, err = add(school, "--ethnic", "01", "--code", "HS0001", "--national-id",
                       "064213000001", "--village", "Làng Kuk Kôn", "--commune", "Tơ Tung", "--new-village",
                       "--guardian", "nguyễn văn hùng", "--phone", "0905 123 456")
    assert (rc, out, err) == (0, "HS0001\n", "")
    rc, out, _ = add(school, name="Ksor H'Hen", dob="2013-03-01", gender="nu")
    assert rc == 0 and out.strip() == "HS000002"


def test_student_list_json_and_class_counts(school):
    add(school, "--ethnic", "Ba Na", name="Đinh Văn Blưn", dob="01/02/2013")
    add(school, "--ethnic", "Gia Rai", name="Siu Hlim", gender="nữ", klass="6A2", dob="03/04/2013")
    add(school, "--entry", "transfer-in", "--from-school", "Trường THCS Lý Tự Trọng",
        "--date", "15/10/2024", name="Nguyễn Văn An")
    rc, out, _ = school("student", "list", "--year", "2024-2025", "--as-of", "01/11/2024",
                        "--format", "json")
    assert rc == 0
    rows = json.loads(out)
    assert [r["ho_ten"] for r in rows] == ["Nguyễn Văn An", "Đinh Văn Blưn", "Siu Hlim"]
    blun = rows[1]
    # as in event list: the plain key holds the code, ten_… its label
    assert {k: blun[k] for k in ("ma", "ho_ten", "ngay_sinh", "gioi_tinh", "ten_gioi_tinh", "dan_toc",
                                 "lop", "trang_thai", "ten_trang_thai")} == {
        "ma": "HS000001", "ho_ten": "Đinh Văn Blưn", "ngay_sinh": "2013-02-01",
        "gioi_tinh": "nam", "ten_gioi_tinh": "Nam", "dan_toc": "Ba Na", "lop": "6A1",
        "trang_thai": "dang_hoc", "ten_trang_thai": "Đang học"}
    assert "ma_trang_thai" not in blun
    assert (rows[2]["gioi_tinh"], rows[2]["ten_gioi_tinh"]) == ("nu", "Nữ")

    # before the transfer in, An is not on the list
    rc, out, _ = school("student", "list", "--year", "2024-2025", "--as-of", "30/09/2024",
                        "--format", "json")
    assert [r["ho_ten"] for r in json.loads(out)] == ["Đinh Văn Blưn", "Siu Hlim"]
    rc, out, _ = school("student", "list", "--class", "6A1", "--search", "dinh van",
                        "--year", "2024-2025", "--format", "csv")
    lines = out.strip().splitlines()
    assert lines[0].startswith("STT,Mã HS,Họ và tên") and len(lines) == 2
    assert "Đinh Văn Blưn" in lines[1]
    assert lines[0].endswith("Giới tính,Dân tộc,Lớp,Thôn/làng,Trạng thái")  # labels, for people
    assert lines[1].split(",")[4] == "Nam" and lines[1].endswith("Đang học")

    rc, out, _ = school("class", "list", "--year", "2024-2025", "--as-of", "01/11/2024",
                        "--format", "json")
    got = {r["lop"]: (r["dau_nam"], r["hien_co"], r["nu"], r["dtts"], r["gvcn"])
           for r in json.loads(out)}
    # start-of-year = 30/09: Blưn (6A1) and Hlim (6A2); An arrives 15/10
    assert got == {"6A1": (1, 2, 0, 1, "Nguyễn Thị Lan"), "6A2": (1, 1, 1, 1, "")}


def test_student_show_lists_events_and_marks_voided_ones(school):
    from db import movements, school as school_db
    from db.models import Event

    code = add(school, name="Đinh Văn Blưn")[1].strip()
    open_database(school.path)
    year = school_db.get_year("2024-2025")
    from db.students import get_student

    ev = movements.record_dropout(get_student(code), year, "10/10/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    movements.void_event(ev.id, "Ghi nhầm học sinh")
    rc, out, _ = school("student", "show", code)
    assert rc == 0
    assert "Đinh Văn Blưn" in out and "05/09/2024" in out
    lines = [ln for ln in out.splitlines() if "Bỏ học" in ln]
    assert len(lines) == 1 and "ĐÃ HỦY" in lines[0] and "Ghi nhầm học sinh" in lines[0]
    assert "Hoàn cảnh kinh tế gia đình khó khăn" in lines[0]
    assert Event.select().count() == 2


def test_settings_set_and_show(cli):
    assert cli("settings", "set", "ten_truong", "Trường THCS Tơ Tung")[0] == 0
    rc, out, _ = cli("settings")
    assert rc == 0 and "Trường THCS Tơ Tung" in out and "co_quan_quan_ly" in out
    rc, out, err = cli("settings", "set", "khong_co", "x")
    assert rc == 2 and err.startswith("Lỗi: ") and "khong_co" in err


def test_year_defaults_to_the_current_year(school):
    rc, out, _ = add(school)
    assert rc == 0
    rc, out, _ = school("student", "list", "--format", "json")
    assert [r["ho_ten"] for r in json.loads(out)] == ["Nguyễn Văn An"]


@pytest.mark.parametrize("argv, field", [
    (["student", "add", "--year", "2024-2025", "--class", "6A1", "--name", "Lê Văn Bình",
      "--dob", "31/02/2013", "--gender", "nam"], "Ngày sinh"),
    (["student", "add", "--year", "2024-2025", "--class", "6A1", "--name", "Lê Văn Bình",
      "--dob", "01/02/2013", "--gender", "nam", "--date", "31/02/2024"], "Ngày vào"),
    (["student", "add", "--year", "2024-2025", "--class", "6A1", "--name", "Lê Văn Bình",
      "--dob", "01/02/2013", "--gender", "khác"], "Giới tính"),
    (["student", "add", "--year", "2024-2025", "--class", "7A9", "--name", "Lê Văn Bình",
      "--dob", "01/02/2013", "--gender", "nam"], "lớp"),
    (["student", "add", "--year", "2030-2031", "--class", "6A1", "--name", "Lê Văn Bình",
      "--dob", "01/02/2013", "--gender", "nam"], "năm học"),
    (["student", "add", "--year", "2024-2025", "--class", "6A1", "--name", "Lê Văn Bình",
      "--dob", "01/02/2013", "--gender", "nam", "--code", "HS0001"], "Mã học sinh"),
    (["student", "add", "--year", "2024-2025", "--class", "6A1", "--name", "Lê Văn Bình",
      "--dob", "01/02/2013", "--gender", "nam", "--national-id", "06421300"], "Mã định danh"),
    (["student", "add", "--year", "2024-2025", "--class", "6A1", "--name", "Lê Văn Bình",
      "--dob", "01/02/2013", "--gender", "nam", "--national-id", "064213000001"], "Mã định danh"),
    (["student", "add", "--year", "2024-2025", "--class", "6A1", "--name", "Lê Văn Bình",
      "--dob", "01/02/2013", "--gender", "nam", "--ethnic", "Klingon"], "Dân tộc"),
    (["student", "add", "--year", "2024-2025", "--class", "6A1", "--name", "Lê Văn Bình",
      "--dob", "01/02/2013", "--gender", "nam", "--date", "01/08/2024"], "năm học"),
    (["class", "add", "6A1", "--grade", "6", "--year", "2024-2025"], "6A1"),
    (["class", "add", "7B", "--grade", "6", "--year", "2024-2025"], "khối"),
    (["year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025"], "2024-2025"),
    (["year", "add", "2025-2027", "--start", "05/09/2025", "--end", "31/05/2026"], "Tên năm học"),
    (["year", "add", "2025-2026", "--start", "05/09/2025", "--end", "31/13/2026"], "Ngày kết thúc"),
    (["student", "show", "HS999999"], "HS999999"),
    (["student", "list", "--year", "2024-2025", "--as-of", "32/01/2025"], "Ngày tính"),
    (["settings", "set", "cap_hoc", "Đại học"], "Cấp học"),
])
def test_errors_are_one_vietnamese_line_and_change_nothing(school, argv, field):
    assert add(school, "--code", "HS0001", "--national-id", "064213000001",
               name="Nguyễn Văn An")[0] == 0
    before = counts(school.path)
    audits = Audit.select().count()
    rc, out, err = school(*argv)
    assert rc == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: "), err
    assert field in lines[0]
    assert counts(school.path) == before
    assert Audit.select().count() == audits


def test_argument_errors_are_vietnamese_too(cli, capsys):
    with pytest.raises(SystemExit) as exc:
        cli("student", "add", "--name", "Lê Văn Bình")
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: thiếu tham số") and "--class" in err


def test_no_year_yet_is_explained(cli):
    rc, _, err = cli("class", "add", "6A1", "--grade", "6")
    assert rc == 2 and "Chưa có năm học" in err

"""People and what each may do, through the command line: ``siso user …``, ``siso whoami``,
``siso audit``, and every role refused what it may not write (exit 2, nothing changed)."""

import json
from datetime import date

import pytest

from db import clock, users
from db.connection import close_database, open_database
from refusals import snapshot

DAY = "01/10/2024"


@pytest.fixture
def school(tmp_path, capsys, monkeypatch):
    """A school of 2024-2025 (6A1, 6A2, 7A1, one student each) and a runner ``run(account,
    *argv)`` for ``siso --db FILE …`` as if the process ran under that system account."""
    from db import school as sch
    from db.students import add_student
    from cli import main

    clock.set_today(date(2024, 10, 1))
    path = str(tmp_path / "roles.sqlite3")
    open_database(path)
    year = sch.add_year("2024-2025", "05/09/2024", "31/05/2025", ref="30/09/2024", hk2="13/01/2025")
    codes = {}
    for name, grade, who in (("6A1", 6, "An"), ("6A2", 6, "Bình"), ("7A1", 7, "Chi")):
        k = sch.add_class(name, grade, year)
        st = add_student({"name": f"Nguyễn Văn {who}", "dob": "05/09/2012", "gender": "nam"}, year, k,
                         day=year.start)
        codes[name] = st.code
    close_database()
    account = {"name": "vt"}
    monkeypatch.setattr(users, "system_account", lambda: account["name"])

    def run(who, *argv):
        account["name"] = who
        users.set_current_actor(None)
        rc = main(["--db", path, *argv])
        out, err = capsys.readouterr()
        return rc, out, err

    def unchanged(who, *argv, match=None):
        open_database(path)
        before = snapshot()
        close_database()
        rc, out, err = run(who, *argv)
        assert rc == 2, (rc, out, err)
        if match:
            assert match in err, err
        open_database(path)
        assert snapshot() == before
        close_database()
        return err

    run.codes = codes
    run.unchanged = unchanged
    run.path = path
    yield run
    close_database()


@pytest.fixture
def staff(school):
    run = school
    assert run("vt", "user", "add", "vt", "--name", "Lê Văn Thư", "--role", "clerk")[0] == 0
    for argv in (["ht", "--name", "Hiệu Trưởng", "--role", "principal", "--system-account", "ht"],
                 ["pht", "--name", "Phó Hiệu Trưởng", "--role", "vice-principal", "--grades", "6",
                  "--system-account", "pht"],
                 ["lan", "--name", "Cô Lan", "--role", "homeroom", "--class", "6A1",
                  "--system-account", "lan"]):
        rc, out, err = run("vt", "user", "add", *argv)
        assert rc == 0, err
    return run


def test_no_users_works_as_before(school):
    rc, out, _ = school("anyone", "whoami")
    assert rc == 0 and out.splitlines()[0] == "anyone" and "văn thư" in out
    rc, _, _ = school("anyone", "class", "add", "6A3", "--grade", "6")
    assert rc == 0


def test_user_list_json_and_whoami(staff):
    rc, out, _ = staff("vt", "user", "list", "--format", "json")
    rows = json.loads(out)
    assert [r["ten_dang_nhap"] for r in rows] == ["ht", "lan", "pht", "vt"]
    assert set(rows[0]) == {"ten_dang_nhap", "ho_ten", "vai_tro", "khoi", "lop", "tai_khoan", "hoat_dong"}
    lan = rows[1]
    assert lan["vai_tro"] == ["homeroom"] and lan["lop"] == "6A1" and lan["tai_khoan"] == "lan"
    assert rows[2]["khoi"] == [6] and rows[3]["tai_khoan"] == "vt"
    rc, out, _ = staff("lan", "whoami")
    assert out.splitlines() == ["lan", "Cô Lan — giáo viên chủ nhiệm"]


def test_the_bad_inputs_change_nothing(staff):
    staff.unchanged("vt", "user", "add", "xy", "--name", "X", "--role", "vice-principal",
                    match="--grades 6,7")
    staff.unchanged("vt", "user", "add", "xy", "--name", "X", "--role", "homeroom", match="--class 6A1")
    staff.unchanged("vt", "user", "add", "xy", "--name", "X", "--role", "homeroom", "--class",
                    "2023-2024/6A1", match="không phải năm học hiện tại")
    staff.unchanged("vt", "user", "add", "xy", "--name", "X", "--role", "clerk", "--system-account", "lan",
                    match="đã gắn với người dùng «lan»")
    staff.unchanged("vt", "user", "add", "xy", "--name", "X", "--role", "clerk", "--grades", "6",
                    match="--grades chỉ dùng")
    assert staff("vt", "user", "disable", "ht")[0] == 0
    staff.unchanged("vt", "user", "disable", "vt", match="cuối cùng")


def test_the_first_user_must_be_mine_and_an_admin(school):
    school.unchanged("vt", "user", "add", "lan", "--name", "Cô Lan", "--role", "homeroom", "--class", "6A1",
                     match="Người dùng đầu tiên")
    school.unchanged("vt", "user", "add", "ht", "--name", "HT", "--role", "principal", "--system-account",
                     "other", match="chính tài khoản máy")


def test_user_option_and_unmapped_account(staff):
    staff.unchanged("lan", "--user", "vt", "class", "add", "6A3", "--grade", "6",
                    match="Không được ghi dưới tên người khác")
    assert staff("lan", "--user", "lan", "whoami")[0] == 0
    err = staff.unchanged("khach", "class", "add", "6A3", "--grade", "6")
    assert "«khach»" in err and "--system-account khach" in err


def test_homeroom_teacher_writes_only_for_their_class(staff):
    c = staff.codes
    rc, out, err = staff("lan", "absence", "add", "--student", c["6A1"], "--date", DAY)
    assert rc == 0, err
    staff.unchanged("lan", "absence", "add", "--student", c["6A2"], "--date", DAY,
                    match="Vai trò giáo viên chủ nhiệm (lan) không được ghi vắng")
    assert staff("lan", "risk", "open", "--student", c["6A1"], "--cause", "01", "--date", DAY)[0] == 0
    staff.unchanged("lan", "risk", "open", "--student", c["7A1"], "--cause", "01", "--date", DAY,
                    match="không được mở hồ sơ nguy cơ bỏ học")
    staff.unchanged("lan", "event", "add", "--student", c["6A2"], "--kind", "transfer-out",
                    "--date", DAY, "--school", "THCS B", "--scope", "trong-tinh", match="không được ghi «")
    staff.unchanged("lan", "class", "add", "6A3", "--grade", "6", match="không được thêm lớp")
    staff.unchanged("lan", "settings", "set", "tinh", "Gia Lai", match="không được sửa thông tin nhà trường")
    staff.unchanged("lan", "village", "add", "Thôn 1", match="không được thêm thôn/làng")
    staff.unchanged("lan", "user", "add", "xy", "--name", "X", "--role", "clerk", "--system-account", "x",
                    match="không được thêm người dùng")
    staff.unchanged("lan", "user", "list", match="không được xem danh sách người dùng")
    staff.unchanged("lan", "backup", match="không được sao lưu dữ liệu")


def test_vice_principal_events_and_cases_in_their_grades_not_attendance(staff):
    c = staff.codes
    assert staff("pht", "risk", "open", "--student", c["6A2"], "--cause", "01", "--date", DAY)[0] == 0
    staff.unchanged("pht", "risk", "open", "--student", c["7A1"], "--cause", "01", "--date", DAY,
                    match="Vai trò phó hiệu trưởng (pht)")
    rc, _, err = staff("pht", "event", "add", "--student", c["6A2"], "--kind", "transfer-out",
                       "--date", DAY, "--school", "THCS B", "--scope", "trong-tinh")
    assert rc == 0, err
    staff.unchanged("pht", "event", "add", "--student", c["7A1"], "--kind", "transfer-out",
                    "--date", DAY, "--school", "THCS B", "--scope", "trong-tinh")
    staff.unchanged("pht", "absence", "add", "--student", c["6A1"], "--date", DAY, match="không được ghi vắng")
    staff.unchanged("pht", "target", "set", "--level", "THCS", "--name", "ty_le_bo_hoc", "--value", "1",
                    match="không được đăng ký chỉ tiêu")


def test_principal_changes_everything_but_attendance(staff):
    assert staff("ht", "class", "add", "6A3", "--grade", "6")[0] == 0
    assert staff("ht", "settings", "set", "tinh", "Gia Lai")[0] == 0
    staff.unchanged("ht", "absence", "add", "--student", staff.codes["6A1"], "--date", DAY,
                    match="chỉ văn thư, giáo viên chủ nhiệm của lớp")
    assert staff("vt", "absence", "add", "--student", staff.codes["6A1"], "--date", DAY)[0] == 0


def test_audit_log_json_filters_and_own_lines(staff):
    c = staff.codes
    staff("lan", "absence", "add", "--student", c["6A1"], "--date", DAY)
    rc, out, _ = staff("vt", "audit", "--format", "json")
    rows = json.loads(out)
    assert rc == 0 and all(set(r) == {"luc", "nguoi", "viec", "doi_tuong", "truoc", "sau"} for r in rows)
    assert {r["nguoi"] for r in rows} >= {"vt", "lan"}
    rc, out, _ = staff("vt", "audit", "--format", "json", "--by", "lan")
    assert [r["viec"] for r in json.loads(out)] == ["absence.add"]
    rc, out, _ = staff("vt", "audit", "--format", "json", "--student", c["6A1"])
    assert [r["viec"] for r in json.loads(out)] == ["absence.add", "student.add"]
    rc, out, _ = staff("vt", "audit", "--format", "json", "--action", "user")
    assert {r["viec"] for r in json.loads(out)} == {"user.add"} and len(json.loads(out)) == 4
    rc, out, _ = staff("vt", "audit", "--format", "json", "--to", "30/09/2024")
    assert json.loads(out) == []
    # a homeroom teacher reads their own lines only
    rc, out, _ = staff("lan", "audit", "--format", "json")
    assert {r["nguoi"] for r in json.loads(out)} == {"lan"}
    staff.unchanged("lan", "audit", "--by", "vt", match="chỉ được xem nhật ký của chính mình")
    rc, out, _ = staff("vt", "audit", "--format", "csv", "--by", "lan")
    assert out.splitlines()[0] == "Lúc,Người,Việc,Đối tượng,Trước,Sau"


def test_passwd_from_stdin_and_only_admins_set_others(staff, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("một mật khẩu dài\n"))
    assert staff("lan", "user", "passwd", "lan", "--stdin")[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("một mật khẩu khác\n"))
    staff.unchanged("lan", "user", "passwd", "pht", "--stdin", match="đặt mật khẩu cho người khác")
    open_database(staff.path)
    try:
        assert users.authenticate("lan", "một mật khẩu dài").login == "lan"
    finally:
        close_database()


def test_passwd_asks_twice_without_echo(staff, monkeypatch):
    answers = iter(["mật khẩu số một", "mật khẩu số hai"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    staff.unchanged("vt", "user", "passwd", "lan", match="không giống nhau")


def test_restore_is_for_admins_and_warns_when_the_users_differ(staff, tmp_path):
    copy = str(tmp_path / "copy.sqlite3")
    rc, _, err = staff("vt", "backup", "-o", copy)
    assert rc == 0, err
    staff.unchanged("lan", "restore", copy, "--yes", match="không được khôi phục dữ liệu")
    assert staff("vt", "user", "add", "moi", "--name", "Người Mới", "--role", "principal")[0] == 0
    rc, out, err = staff("vt", "restore", copy, "--yes")
    assert rc == 0, err
    assert "người dùng trong bản sao khác hiện tại (mất người dùng moi)" in out
    rc, out, _ = staff("vt", "user", "list", "--format", "json")
    assert "moi" not in [r["ten_dang_nhap"] for r in json.loads(out)]


def test_the_calendar_and_the_incoming_cohort_are_the_clerks_and_the_principals(staff, tmp_path):
    """Deadlines, submissions and expected children: the clerk and the principal only
    (docs/domain.md); a teacher or a vice-principal is refused, naming the role, and nothing
    changes."""
    sent = tmp_path / "si-so-2024-09.xlsx"
    sent.write_bytes(b"PK\x03\x04 a form")
    child = ["expected", "add", "--year", "2024-2025", "--name", "Lò Văn Tèo", "--dob", "01/02/2013",
             "--gender", "nam", "--source", "Trường TH Kim Đồng"]
    for who in ("lan", "pht"):
        staff.unchanged(who, "deadline", "edit", "si-so", "--year", "2024-2025", "--period", "2024-10",
                        "--from", "15/10/2024", "--to", "28/10/2024", match="không được sửa hạn nộp")
        staff.unchanged(who, "submit", "si-so", "--period", "2024-09", "--file", str(sent),
                        "--recipient", "UBND xã", "--date", DAY, match="không được ghi việc gửi báo cáo")
        staff.unchanged(who, *child, match="không được thêm trẻ dự kiến")
    assert staff("ht", "deadline", "edit", "si-so", "--year", "2024-2025", "--period", "2024-10",
                 "--from", "15/10/2024", "--to", "28/10/2024")[0] == 0
    assert staff("vt", "submit", "si-so", "--period", "2024-09", "--file", str(sent),
                 "--recipient", "UBND xã", "--date", DAY)[0] == 0
    assert staff("vt", *child)[0] == 0


def test_a_teacher_cannot_take_a_sent_form_of_the_whole_school(staff, tmp_path):
    """A submitted file is a form of the whole school (names of every class): a homeroom
    teacher's `submission get` is refused and writes no file; the clerk gets it back."""
    sent = tmp_path / "bo-hoc-hk1.xlsx"
    sent.write_bytes(b"PK\x03\x04 every class")
    assert staff("vt", "submit", "si-so", "--period", "2024-09", "--file", str(sent),
                 "--recipient", "UBND xã", "--date", DAY)[0] == 0
    out = tmp_path / "got.xlsx"
    staff.unchanged("lan", "submission", "get", "1", "-o", str(out), match="ngoài phạm vi bạn được xem")
    assert not out.exists()
    assert staff("vt", "submission", "get", "1", "-o", str(out))[0] == 0
    assert out.read_bytes() == sent.read_bytes()

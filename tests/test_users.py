"""db.users: users, roles, passwords (salted scrypt, 5 wrong tries lock 5 minutes), who acts,
and the rules that refuse a write."""

from datetime import date, datetime, timedelta

import pytest

from db import clock, school, users
from db.errors import SisoError
from db.models import Audit, User, UserRole
from db.users import Actor
from refusals import refused

ME = users.system_account()


@pytest.fixture
def school_year(year):
    clock.set_today(date(2024, 10, 1))
    for n in ("6A1", "6A2", "7A1", "8A1"):
        school.add_class(n, n[0], year)
    return year


@pytest.fixture
def clerk(school_year):
    actor = users.add_user("van.thu", "Lê Thị Văn Thư", [("clerk", None)])
    users.set_current_actor(actor)
    return actor


def test_no_users_means_one_clerk_as_before(db):
    assert not users.any_users()
    actor = users.current_actor()
    assert actor.has("clerk") and actor.login == ME
    assert users.require("clerk", "principal", what="nhập danh sách") == actor


def test_the_first_user_is_a_clerk_or_principal_mapped_to_me(school_year):
    refused(users.add_user, "gv", "Giáo Viên", [("homeroom", "6A1")], match="đầu tiên")
    refused(users.add_user, "vt", "Văn Thư", [("clerk", None)], system_account="someone-else",
            match="chính tài khoản máy")
    actor = users.add_user("VT", "  Văn   Thư ", [("clerk", None)])
    assert actor.login == "vt" and actor.ho_ten == "Văn Thư" and actor.roles == {"clerk"}
    assert User.get().system_account == ME
    assert users.actor_for_account(ME) == actor
    assert Audit.get(Audit.action == "user.add").target == "user:vt"


def test_roles_need_their_grades_or_class(clerk, school_year):
    refused(users.add_user, "pht", "Phó HT", [("vice-principal", None)], match="--grades")
    refused(users.add_user, "pht", "Phó HT", [("vice-principal", "6,13")], match="Khối 13")
    refused(users.add_user, "gv", "GV", [("homeroom", None)], match="--class")
    refused(users.add_user, "gv", "GV", [("homeroom", "9Z9")], match="không có lớp")
    refused(users.add_user, "gv", "GV", [("teacher", None)], match="Vai trò «teacher»")
    refused(users.add_user, "gv", "GV", [], match="ít nhất một vai trò")
    refused(users.add_user, "g v", "GV", [("homeroom", "6A1")], match="Tên đăng nhập")
    refused(users.add_user, "van.thu", "GV", [("homeroom", "6A1")], match="Đã có")
    refused(users.add_user, "gv", "GV", [("homeroom", "6A1")], system_account=ME, match="đã gắn")
    both = users.add_user("pht", "Phó HT", [("vice-principal", "6, 7"), ("homeroom", "6A1")],
                          system_account="pht")
    assert both.roles == {"vice-principal", "homeroom"} and both.grades == {6, 7}
    assert len(both.class_ids) == 1
    assert both.home_grades == {6, 7} and both.scope().whole


def test_a_homeroom_of_another_year_is_refused(clerk, school_year):
    old = school.add_year("2023-2024", "05/09/2023", "31/05/2024")
    school.add_class("9B1", 9, old)
    refused(users.add_user, "gv", "GV", [("homeroom", "9B1")], match="2023-2024, không phải năm học hiện tại")
    refused(users.add_user, "gv", "GV", [("homeroom", "2023-2024/6A1")], match="không phải năm học hiện tại")


def test_homeroom_scope_is_their_class(clerk, school_year):
    gv = users.add_user("gv6a1", "Cô Lan", [("homeroom", "6A1")], system_account="lan")
    sc = gv.scope(school_year)
    assert not sc.whole and sc.class_ids == gv.class_ids and "6A1" in sc.label
    users.set_current_actor(gv)
    from db import scope

    assert scope.current() == gv.scope()


def test_only_clerk_or_principal_adds_users_and_require_names_the_role(clerk, school_year):
    gv = users.add_user("gv", "Cô Lan", [("homeroom", "6A1")], system_account="lan")
    users.set_current_actor(gv)
    err = refused(users.add_user, "x", "X", [("clerk", None)], system_account="x")
    assert "giáo viên chủ nhiệm" in str(err) and "văn thư, hiệu trưởng" in str(err)
    err = refused(users.disable, "van.thu")
    assert "không được khóa người dùng" in str(err)


def test_the_last_clerk_cannot_be_disabled(clerk, school_year):
    refused(users.disable, "van.thu", match="cuối cùng")
    users.add_user("ht", "Hiệu Trưởng", [("principal", None)], system_account="ht")
    users.disable("van.thu")  # the principal remains
    assert not User.get(User.login == "van.thu").active and User.select().count() == 2
    refused(users.disable, "van.thu", match="đã bị khóa")
    refused(users.disable, "ht", match="cuối cùng")
    assert users.actor_for_account(ME) is None  # a disabled user no longer acts


def test_passwords_are_salted_scrypt(clerk):
    refused(users.set_password, "van.thu", "short", match="ít nhất 8")
    users.set_password("van.thu", "mật khẩu dài")
    stored = User.get().password_hash
    assert stored.startswith("scrypt$") and "mật" not in stored
    users.add_user("ht", "Hiệu Trưởng", [("principal", None)], system_account="ht")
    users.set_password("ht", "mật khẩu dài")
    assert User.get(User.login == "ht").password_hash != stored  # its own salt
    assert users.authenticate("van.thu", "mật khẩu dài") == clerk
    assert users.has_password_user()
    assert "mật khẩu" not in Audit.get(Audit.action == "user.passwd").detail


def test_a_wrong_password_says_the_same_as_an_unknown_login(clerk):
    users.set_password("van.thu", "đúng mật khẩu")
    with pytest.raises(SisoError) as wrong:
        users.authenticate("van.thu", "sai mật khẩu")
    with pytest.raises(SisoError) as unknown:
        users.authenticate("nobody", "sai mật khẩu")
    assert str(wrong.value) == str(unknown.value) == users.WRONG_PASSWORD


def test_five_wrong_tries_lock_for_five_minutes(clerk):
    users.set_password("van.thu", "đúng mật khẩu")
    t0 = datetime(2024, 10, 1, 8, 0)
    for i in range(5):
        with pytest.raises(SisoError, match="không đúng"):
            users.authenticate("van.thu", "sai", now=t0 + timedelta(seconds=i))
    with pytest.raises(SisoError, match="tạm khóa"):  # even the right password, while locked
        users.authenticate("van.thu", "đúng mật khẩu", now=t0 + timedelta(minutes=4))
    assert users.authenticate("van.thu", "đúng mật khẩu", now=t0 + timedelta(minutes=5, seconds=5)) == clerk
    # four wrong tries and a right one: the count starts again
    for _ in range(4):
        with pytest.raises(SisoError):
            users.authenticate("van.thu", "sai", now=t0 + timedelta(minutes=10))
    users.authenticate("van.thu", "đúng mật khẩu", now=t0 + timedelta(minutes=10))
    with pytest.raises(SisoError, match="không đúng"):
        users.authenticate("van.thu", "sai", now=t0 + timedelta(minutes=10))


def test_terminal_mapping_and_user_option(clerk, school_year):
    users.set_current_actor(None)
    assert users.act_in_terminal() == clerk
    assert users.act_in_terminal("van.thu") == clerk
    with pytest.raises(SisoError, match="không phải «ht»"):
        users.act_in_terminal("ht")


def test_an_unmapped_account_is_refused_with_how_to_map_it(clerk, school_year, monkeypatch):
    monkeypatch.setattr(users, "system_account", lambda: "khach")
    users.set_current_actor(None)
    with pytest.raises(SisoError) as err:
        users.act_in_terminal()
    assert "«khach»" in str(err.value) and "--system-account khach" in str(err.value)


def test_list_users(clerk, school_year):
    users.add_user("pht", "Phó HT", [("vice-principal", "8,6"), ("homeroom", "8A1")], system_account="p")
    users.disable("pht")
    rows = users.list_users()
    assert rows == [
        {"ten_dang_nhap": "pht", "ho_ten": "Phó HT", "vai_tro": ["vice-principal", "homeroom"], "khoi": [6, 8],
         "lop": "8A1", "tai_khoan": "p", "hoat_dong": False},
        {"ten_dang_nhap": "van.thu", "ho_ten": "Lê Thị Văn Thư", "vai_tro": ["clerk"], "khoi": [], "lop": "",
         "tai_khoan": ME, "hoat_dong": True},
    ]


def test_require_class_and_student_scope(clerk, school_year):
    from db.models import SchoolClass

    c = {k.name: k for k in SchoolClass.select()}
    gv = users.add_user("gv", "GV", [("homeroom", "6A1")], system_account="gv")
    vp = users.add_user("vp", "VP", [("vice-principal", "6")], system_account="vp")
    users.set_current_actor(gv)
    users.require_class([c["6A1"]], "điểm danh")
    with pytest.raises(SisoError, match="giáo viên chủ nhiệm"):
        users.require_class([c["6A2"]], "điểm danh")
    users.set_current_actor(vp)
    users.require_class([c["6A2"]], "ghi biến động")
    with pytest.raises(SisoError, match="phó hiệu trưởng"):
        users.require_class([c["7A1"]], "ghi biến động")
    with pytest.raises(SisoError):
        users.require_class([c["6A2"]], "điểm danh", whole=("clerk",), vice=False)


def test_actor_is_frozen():
    a = Actor("a", "A", frozenset({"clerk"}))
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        a.login = "b"


def test_a_version_5_database_gains_the_user_tables(tmp_path):
    import sqlite3
    from pathlib import Path

    from db.connection import SCHEMA_VERSION, close_database, open_database, schema_version

    path = tmp_path / "v5.sqlite3"
    with sqlite3.connect(path) as con:
        con.executescript((Path(__file__).with_name("schemas") / "v5.sql").read_text(encoding="utf-8"))
        assert not con.execute("SELECT 1 FROM sqlite_master WHERE name='siso_user'").fetchall()
    db = open_database(str(path))
    try:
        assert schema_version(db) == SCHEMA_VERSION
        assert not users.any_users() and users.current_actor().has("clerk")
        clock.set_today(date(2024, 10, 1))
        users.add_user("vt", "Văn Thư", [("clerk", None)])
        assert UserRole.select().count() == 1
    finally:
        close_database()


def test_an_export_to_a_file_is_audited_or_logged_when_read_only(db, tmp_path, monkeypatch):
    import json

    from db import audit_log
    from db.connection import state
    from exports.students import write_student_list

    out = tmp_path / "ds.xlsx"
    write_student_list([], out, title="Lớp 6A1")
    rows = audit_log.lines(action="export")
    assert len(rows) == 1 and rows[0]["nguoi"] == ME and rows[0]["doi_tuong"] == "file:ds.xlsx"
    assert rows[0]["sau"]["bieu_mau"] == "danh-sach-hoc-sinh"
    log = tmp_path / "log" / "exports.log"
    monkeypatch.setattr(audit_log, "export_log_path", lambda: log)
    monkeypatch.setattr(state, "read_only", "Tệp chỉ đọc.")
    write_student_list([], tmp_path / "ds2.xlsx")
    assert Audit.select().where(Audit.action == "export").count() == 1
    line = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert line["nguoi"] == ME and line["doi_tuong"] == "file:ds2.xlsx"


def test_a_teacher_cannot_pull_another_class_s_student_into_their_own(clerk, school_year):
    from db.models import SchoolClass
    from db.students import add_student

    c = {k.name: k for k in SchoolClass.select()}
    other = add_student({"name": "Trần Văn Bình", "dob": "05/09/2012", "gender": "nam"}, school_year,
                        c["6A2"], day=school_year.start)
    gv = users.add_user("gv", "GV", [("homeroom", "6A1")], system_account="gv")
    vp = users.add_user("vp", "VP", [("vice-principal", "6")], system_account="vp")
    users.set_current_actor(gv)
    with pytest.raises(SisoError, match="giáo viên chủ nhiệm của lớp học sinh"):
        users.require_student(other, "chuyển lớp", klass=c["6A1"])
    users.require_student(None, "chuyển đến", klass=c["6A1"])  # a new student into their class
    users.set_current_actor(vp)
    users.require_student(other, "chuyển lớp", klass=c["6A1"])
    with pytest.raises(SisoError, match="phó hiệu trưởng"):
        users.require_student(other, "chuyển lớp", klass=c["7A1"])  # into a grade not theirs

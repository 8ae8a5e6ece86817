"""The same models and services on PostgreSQL (a shared deployment): schema, writes with their
audit, Vietnamese order and search, events, F1, void, rollover and undo, import, the demo and
``siso check``. Runs when ``SISO_TEST_PG`` names an empty database (``.ci/run`` starts one)."""

import os
from datetime import date

import pytest

PG = os.environ.get("SISO_TEST_PG")
pytestmark = pytest.mark.skipif(not PG, reason="set SISO_TEST_PG=postgresql://… (.ci/run does)")


@pytest.fixture
def pg():
    from db.connection import close_database, open_database
    from db.models import MODELS

    db = open_database(PG)
    db.drop_tables(MODELS, cascade=True)
    close_database()
    db = open_database(PG)  # a fresh schema
    yield db
    close_database()


def test_services_reports_and_year_end_on_postgresql(pg, tmp_path):
    from db import movements, rollover
    from db.check import check_database
    from db.errors import SisoError
    from db.imports import review, run_import
    from db.models import Audit, Setting
    from db.si_so import report_si_so
    from db.roster import roster_rows
    from db.school import add_class, add_year, get_year, set_setting
    from db.students import add_student
    from exports.importer import read_students

    assert pg.__class__.__name__ == "PostgresqlDatabase"
    set_setting("ten_truong", "Trường THCS Thử")
    set_setting("ten_truong", "Trường THCS Tơ Tung")  # an upsert, not a second row
    assert [s.value for s in Setting.select()] == ["Trường THCS Tơ Tung"]
    year = add_year("2024-2025", "05/09/2024", "31/05/2025", ref="30/09/2024")
    a, b = add_class("6A1", 6, year), add_class("6A2", 6, year)
    names = ["Trần Thị Hòa", "Nguyễn Văn An", "Ksor H'Hen", "Lê Hoà", "Đinh Văn Blưn", "Phạm Ăn"]
    st = {n: add_student({"name": n, "dob": "01/01/2013", "gender": "nam"}, year, a,
                         day=year.start) for n in names}
    rows = roster_rows(year, date(2024, 10, 1))
    # given name, letters before tones (ă after a, Đ after D), Hòa = Hoà then by family name
    assert [r.full_name for r in rows] == ["Nguyễn Văn An", "Phạm Ăn", "Đinh Văn Blưn",
                                           "Ksor H'Hen", "Lê Hoà", "Trần Thị Hòa"]
    assert [r.full_name for r in roster_rows(year, date(2024, 10, 1), search="hoa")] == \
        ["Lê Hoà", "Trần Thị Hòa"]
    movements.record_class_change(st["Nguyễn Văn An"], year, "03/10/2024", b)
    drop = movements.record_dropout(st["Ksor H'Hen"], year, "03/11/2024", "01", without_visits="gia đình đi làm ăn xa, chưa gặp được")
    with pytest.raises(SisoError, match="đang học"):
        movements.record_transfer_in(year, "05/11/2024", b, student=st["Lê Hoà"], school="X")
    form = report_si_so(year, date(2024, 11, 30))
    assert form["can_bang"] is True
    assert [(r["lop"], r["dau_nam"]["ts"], r["hien_co"]["ts"], r["ty_le_bo_hoc"]) for r in form["lop"]] \
        == [("6A1", 6, 4, 16.7), ("6A2", 0, 1, None)]
    movements.void_event(drop.id, "ghi nhầm")
    assert report_si_so(year, date(2024, 11, 30))["lop"][0]["hien_co"]["ts"] == 5
    audits = Audit.select().count()
    rollover.rollover(year)
    assert roster_rows(get_year("2025-2026"), date(2025, 9, 30))[0].klass in ("7A1", "7A2")
    rollover.undo_rollover("2025-2026")
    assert Audit.select().count() > audits  # both written with their audit records
    csv = tmp_path / "ds.csv"
    csv.write_text("Họ và tên,Ngày sinh,Giới tính,Dân tộc,Lớp\n"
                   "Rơ Châm Yuih,12/03/2013,Nữ,Gia Rai,6A3\nY Hăm Byă,06/03/2013,Nam,Ê-đê,6A3\n",
                   encoding="utf-8-sig")
    plan = read_students(str(csv))
    assert review(plan, year).ok
    assert run_import(plan, year).count == 2
    assert check_database() == []


def test_demo_school_on_postgresql(pg):
    from db.check import check_database
    from db.demo import build_demo
    from db.si_so import report_si_so

    year = build_demo(students=200, seed=3, today=date(2026, 11, 22))
    form = report_si_so(year, date(2026, 11, 22))
    assert form["can_bang"] is True and form["toan_truong"]["dau_nam"]["ts"] > 150
    assert check_database() == []


def test_reporting_calendar_on_postgresql(pg, tmp_path):
    """Deadlines of a new year, a file kept as bytea and read back byte for byte with its
    SHA-256, the replacement of a form sent twice, and the states."""
    import hashlib

    from db import clock, deadlines
    from db.school import add_year

    year = add_year("2024-2025", "05/09/2024", "31/05/2025")
    content = bytes(range(256)) * 8
    f = tmp_path / "f1.xlsx"
    f.write_bytes(content)
    with clock.fixed(date(2024, 10, 30)):
        first = deadlines.submit("si-so", "2024-10", f, "UBND xã", sent_on="24/10/2024")
        second = deadlines.submit("si-so", "2024-10", f, "UBND xã", sent_on="28/10/2024")
    assert second.replaces_id == first.id
    sub, back = deadlines.get_submission(first.id)
    assert back == content and sub.sha256 == hashlib.sha256(content).hexdigest()
    states = {(r["bieu_mau"], r["ky"]): r["trang_thai"]
              for r in deadlines.list_deadlines(year, date(2024, 10, 30))}
    assert len(states) == 12
    assert states[("si-so", "2024-10")] == "da_gui" and states[("pcgd-nhap", "CN")] == "qua_han"


def test_users_roles_and_passwords_on_postgresql(pg):
    from datetime import datetime, timedelta

    from db import clock, users
    from db.errors import SisoError
    from db.school import add_class, add_year

    clock.set_today(date(2024, 10, 1))
    year = add_year("2024-2025", "05/09/2024", "31/05/2025")
    add_class("6A1", 6, year)
    clerk = users.add_user("vt", "Văn Thư", [("clerk", None)])
    users.set_current_actor(clerk)
    users.add_user("lan", "Cô Lan", [("homeroom", "6A1")], system_account="lan")
    users.set_password("lan", "mật khẩu dài")
    t0 = datetime(2024, 10, 1, 8, 0)
    for _ in range(5):
        with pytest.raises(SisoError, match="không đúng"):
            users.authenticate("lan", "sai", now=t0)
    with pytest.raises(SisoError, match="tạm khóa"):
        users.authenticate("lan", "mật khẩu dài", now=t0 + timedelta(minutes=1))
    assert users.authenticate("lan", "mật khẩu dài", now=t0 + timedelta(minutes=6)).login == "lan"
    with pytest.raises(SisoError, match="cuối cùng"):
        users.disable("vt")
    assert [u["ten_dang_nhap"] for u in users.list_users()] == ["lan", "vt"]

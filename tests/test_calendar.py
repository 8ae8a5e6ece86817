"""The reporting calendar: default deadlines, their states on fixed days, submissions kept
byte for byte with their SHA-256, the replacement of a form sent twice, the bad inputs, the
CLI and the migration from schema 5."""

import hashlib
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from db import clock, deadlines
from db.errors import SisoError
from db.models import Audit, Deadline, SchoolYear, Submission


def _d(s: str) -> date:
    d, m, y = (int(x) for x in s.split("/"))
    return date(y, m, d)


# ---- defaults -------------------------------------------------------------------------------

def test_a_new_year_gets_the_seeds_deadlines(year):
    got = {(d.form, d.period): (d.start, d.end) for d in Deadline.select().where(Deadline.year == year.id)}
    expected = {
        ("si-so", "2024-09"): (_d("15/09/2024"), _d("25/09/2024")),
        ("si-so", "2024-10"): (_d("15/10/2024"), _d("25/10/2024")),
        ("si-so", "2024-11"): (_d("15/11/2024"), _d("25/11/2024")),
        ("si-so", "2024-12"): (_d("15/12/2024"), _d("25/12/2024")),
        ("si-so", "2025-01"): (_d("15/01/2025"), _d("25/01/2025")),
        ("si-so", "2025-02"): (_d("15/02/2025"), _d("25/02/2025")),
        ("si-so", "2025-03"): (_d("15/03/2025"), _d("25/03/2025")),
        ("si-so", "2025-04"): (_d("15/04/2025"), _d("25/04/2025")),
        ("si-so", "2025-05"): (_d("15/05/2025"), _d("25/05/2025")),
        ("chi-tieu", "CN"): (_d("01/09/2024"), _d("20/09/2024")),
        ("pcgd-nhap", "CN"): (_d("05/09/2024"), _d("30/09/2024")),
        ("pcgd-kiem-tra", "CN"): (_d("01/10/2024"), _d("20/10/2024")),
    }
    assert got == expected


# ---- states ---------------------------------------------------------------------------------

def _file(tmp_path, name="f1.xlsx", content=b"PK\x03\x04 bao cao si so thang 10"):
    p = tmp_path / name
    p.write_bytes(content)
    return p


def _states(year, today):
    return {(r["bieu_mau"], r["ky"]): r["trang_thai"] for r in deadlines.list_deadlines(year, today)}


def test_states_on_fixed_days(year, tmp_path):
    f = _file(tmp_path)
    # F1 October: 15/10 – 25/10
    assert _states(year, _d("14/10/2024"))[("si-so", "2024-10")] == "chua_den"
    assert _states(year, _d("15/10/2024"))[("si-so", "2024-10")] == "den_han"  # due from its start
    assert _states(year, _d("25/10/2024"))[("si-so", "2024-10")] == "den_han"  # its last day
    assert _states(year, _d("26/10/2024"))[("si-so", "2024-10")] == "qua_han"  # late the day after
    with clock.fixed(_d("27/10/2024")):
        deadlines.submit("si-so", "2024-10", f, "UBND xã Tơ Tung", sent_on="20/10/2024")
        # September: sent on 26/09, one day after its end 25/09
        deadlines.submit("si-so", "2024-09", f, "UBND xã Tơ Tung", sent_on="26/09/2024")
        # PCGD data: sent on its last day 30/09
        deadlines.submit("pcgd-nhap", "CN", f, "UBND xã Tơ Tung", sent_on="30/09/2024")
    s = _states(year, _d("27/10/2024"))
    assert s[("si-so", "2024-10")] == "da_gui"
    assert s[("si-so", "2024-09")] == "gui_muon"
    assert s[("pcgd-nhap", "CN")] == "da_gui"
    assert s[("chi-tieu", "CN")] == "qua_han"  # 20/09 passed, nothing sent
    assert s[("pcgd-kiem-tra", "CN")] == "qua_han"  # 20/10 passed
    assert s[("si-so", "2024-11")] == "chua_den"
    # a submission sent before the deadline opens counts as sent (on time)
    assert _states(year, _d("10/10/2024"))[("si-so", "2024-10")] == "da_gui"


def test_the_first_submission_decides_on_time_a_later_correction_does_not_make_it_late(year, tmp_path):
    f = _file(tmp_path)
    with clock.fixed(_d("01/11/2024")):
        deadlines.submit("si-so", "2024-10", f, "UBND xã", sent_on="24/10/2024")
        deadlines.submit("si-so", "2024-10", f, "UBND xã", sent_on="29/10/2024")
    row = next(r for r in deadlines.list_deadlines(year, _d("01/11/2024")) if r["ky"] == "2024-10")
    assert (row["trang_thai"], row["ngay_gui"], row["so_lan_gui"]) == ("da_gui", _d("24/10/2024"), 2)
    subs = deadlines.list_submissions(year)
    assert [s["muon"] for s in subs] == [False, True]  # 29/10 is after 25/10


def test_watch_lists_due_in_7_days_late_and_sent(year, tmp_path):
    f = _file(tmp_path)
    with clock.fixed(_d("10/10/2024")):
        deadlines.submit("chi-tieu", "CN", f, "UBND xã", sent_on="18/09/2024")
        deadlines.submit("si-so", "2024-09", f, "UBND xã", sent_on="24/09/2024")
    w = deadlines.watch(year, _d("10/10/2024"))
    # open now: pcgd-kiem-tra 01/10–20/10; opening within 7 days (by 17/10): F1 October 15/10
    assert [deadlines.short(r) for r in w["sap_den_han"]] == ["pcgd-kiem-tra CN", "si-so 10/2024"]
    # over and not sent: pcgd-nhap (30/09)
    assert [deadlines.short(r) for r in w["qua_han"]] == ["pcgd-nhap CN"]
    # sent in the last 30 days, newest first
    assert [deadlines.short(r) for r in w["da_gui"]] == ["si-so 09/2024", "chi-tieu CN"]
    # 9 days before F1 October opens, it is not yet "due in the next 7 days"
    w = deadlines.watch(year, _d("06/10/2024"))
    assert "si-so 10/2024" not in [deadlines.short(r) for r in w["sap_den_han"]]


# ---- submissions ----------------------------------------------------------------------------

def test_the_file_is_kept_byte_for_byte_with_its_sha256(year, tmp_path):
    content = bytes(range(256)) * 40 + "Báo cáo sĩ số".encode()
    f = _file(tmp_path, "si-so_2024-10.xlsx", content)
    with clock.fixed(_d("20/10/2024")):
        s = deadlines.submit("si-so", "2024-10", f, "UBND xã Tơ Tung")
    assert s.sent_on == _d("20/10/2024")  # default: today
    expected = hashlib.sha256(f.read_bytes()).hexdigest()
    stored = Submission.get_by_id(s.id)
    assert (stored.sha256, stored.size, stored.filename) == (expected, len(content), "si-so_2024-10.xlsx")
    sub, back = deadlines.get_submission(s.id)
    assert back == content and hashlib.sha256(back).hexdigest() == expected


def test_a_damaged_blob_is_refused_by_its_sha256(year, tmp_path):
    with clock.fixed(_d("20/10/2024")):
        s = deadlines.submit("si-so", "2024-10", _file(tmp_path), "UBND xã")
    Submission.update(content=b"something else").where(Submission.id == s.id).execute()
    with pytest.raises(SisoError, match="SHA-256"):
        deadlines.get_submission(s.id)


def test_sending_twice_keeps_both_and_marks_the_replacement(year, tmp_path):
    a = _file(tmp_path, "a.xlsx", b"first version")
    b = _file(tmp_path, "b.xlsx", b"second version")
    c = _file(tmp_path, "c.xlsx", b"third version")
    with clock.fixed(_d("30/10/2024")):
        s1 = deadlines.submit("si-so", "2024-10", a, "UBND xã", sent_on="20/10/2024")
        other = deadlines.submit("si-so", "2024-09", a, "UBND xã", sent_on="21/10/2024")
        s2 = deadlines.submit("si-so", "2024-10", b, "UBND xã", sent_on="22/10/2024")
        s3 = deadlines.submit("si-so", "2024-10", c, "Sở GD&ĐT", sent_on="23/10/2024")
    assert (s1.replaces_id, s2.replaces_id, s3.replaces_id, other.replaces_id) == (None, s1.id, s2.id, None)
    rows = {r["id"]: r for r in deadlines.list_submissions(year)}
    assert len(rows) == 4
    assert (rows[s1.id]["thay_cho"], rows[s1.id]["bi_thay_boi"]) == (None, s2.id)
    assert (rows[s2.id]["thay_cho"], rows[s2.id]["bi_thay_boi"]) == (s1.id, s3.id)
    assert (rows[s3.id]["thay_cho"], rows[s3.id]["bi_thay_boi"]) == (s2.id, None)
    assert rows[other.id]["bi_thay_boi"] is None
    assert deadlines.get_submission(s1.id)[1] == b"first version"  # the replaced one is kept


def test_the_year_of_a_submission(db, tmp_path):
    from db.school import add_year

    y1 = add_year("2023-2024", "05/09/2023", "31/05/2024")
    y2 = add_year("2024-2025", "05/09/2024", "31/05/2025")
    f = _file(tmp_path)
    with clock.fixed(_d("10/09/2024")):
        assert deadlines.submit("si-so", "2024-05", f, "UBND xã").year_id == y1.id  # by its month
        assert deadlines.submit("si-so", "2024-09", f, "UBND xã").year_id == y2.id
        assert deadlines.submit("len-lop", "CN", f, "UBND xã", year_name="2023-2024").year_id == y1.id
        assert deadlines.submit("chi-tieu", "CN", f, "UBND xã").year_id == y2.id  # the day's year


# ---- bad input ------------------------------------------------------------------------------

def _nothing_changed(before):
    assert (Deadline.select().count(), Submission.select().count(), Audit.select().count()) == before


def _counts():
    return Deadline.select().count(), Submission.select().count(), Audit.select().count()


@pytest.mark.parametrize("call, message", [
    (lambda y, f: deadlines.add_deadline(y, "bo-hoc", "20/01/2025", "10/01/2025", "HK1"),
     "Ngày kết thúc hạn nộp 10/01/2025 trước ngày bắt đầu 20/01/2025"),
    (lambda y, f: deadlines.edit_deadline(y, "si-so", "25/10/2024", "15/10/2024", "2024-10"),
     "Ngày kết thúc hạn nộp 15/10/2024 trước ngày bắt đầu 25/10/2024"),
    (lambda y, f: deadlines.add_deadline(y, "so-lieu", "01/10/2024", "10/10/2024"),
     "Biểu mẫu «so-lieu» không có"),
    (lambda y, f: deadlines.add_deadline(y, "bo-hoc", "01/10/2024", "10/10/2024", "2024-13"),
     "Kỳ báo cáo «2024-13» không hợp lệ"),
    (lambda y, f: deadlines.add_deadline(y, "bo-hoc", "01/10/2024", "10/10/2024", "2026-01"),
     "Tháng 01/2026 không thuộc năm học 2024-2025"),
    (lambda y, f: deadlines.add_deadline(y, "si-so", "01/10/2024", "10/10/2024", "2024-10"),
     "đã có hạn nộp si-so kỳ 2024-10"),
    (lambda y, f: deadlines.edit_deadline(y, "si-so", "01/10/2024", "10/10/2024"),
     "cần --period"),
    (lambda y, f: deadlines.submit("si-so", "2024-10", f.parent / "khong-co.xlsx", "UBND xã"),
     "Không có tệp"),
    (lambda y, f: deadlines.submit("si-so", "thang 10", f, "UBND xã"),
     "Kỳ báo cáo «thang 10» không hợp lệ: cần YYYY-MM"),
    (lambda y, f: deadlines.submit("xyz", "2024-10", f, "UBND xã"), "Biểu mẫu «xyz» không có"),
    (lambda y, f: deadlines.submit("si-so", "2024-10", f, "  "), "Thiếu nơi nhận"),
    (lambda y, f: deadlines.submit("si-so", "2024-10", f, "UBND xã", sent_on="31/10/2024"),
     "sau hôm nay"),
], ids=["deadline-end-before-start", "edit-end-before-start", "unknown-form", "bad-month",
        "month-outside-year", "duplicate", "edit-needs-period", "missing-file", "bad-period",
        "submit-unknown-form", "no-recipient", "sent-in-the-future"])
def test_bad_input_is_refused_and_changes_nothing(year, tmp_path, call, message):
    f = _file(tmp_path)
    before = _counts()
    with clock.fixed(_d("30/10/2024")):
        with pytest.raises(SisoError, match=message):
            call(year, f)
    _nothing_changed(before)
    assert Deadline.get((Deadline.form == "si-so") & (Deadline.period == "2024-10")).end == _d("25/10/2024")


def test_edit_and_add(year):
    d = deadlines.edit_deadline(year, "chi-tieu", "01/09/2024", "25/09/2024")  # its only deadline
    assert (d.start, d.end) == (_d("01/09/2024"), _d("25/09/2024"))
    d = deadlines.add_deadline(year, "bo-hoc", "10/01/2025", "20/01/2025", "hk1")
    assert (d.form, d.period, d.start, d.end) == ("bo-hoc", "HK1", _d("10/01/2025"), _d("20/01/2025"))
    assert Audit.select().where(Audit.action.in_(["deadline.add", "deadline.edit"])).count() == 2


# ---- CLI ------------------------------------------------------------------------------------

@pytest.fixture
def school(cli):
    rc, _, err = cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025")
    assert rc == 0, err
    return cli


def test_cli_deadlines_and_submissions(school, tmp_path):
    cli = school
    clock.set_today(_d("27/10/2024"))
    f = _file(tmp_path, "bao-cao.xlsx", b"the exact bytes sent")
    rc, out, err = cli("deadline", "edit", "si-so", "--period", "2024-10", "--from", "15/10/2024",
                       "--to", "28/10/2024")
    assert rc == 0, err
    rc, out, err = cli("submit", "si-so", "--period", "2024-10", "--file", str(f),
                       "--recipient", "UBND xã Tơ Tung", "--date", "26/10/2024")
    assert rc == 0, err and "số 1" in out
    rc, out, err = cli("submit", "si-so", "--period", "2024-10", "--file", str(f),
                       "--recipient", "UBND xã Tơ Tung")
    assert rc == 0 and "thay cho lần gửi số 1" in out
    rc, out, _ = cli("deadline", "list", "--format", "json")
    rows = {(r["bieu_mau"], r["ky"]): r for r in json.loads(out)}
    assert rows[("si-so", "2024-10")] == {
        "id": rows[("si-so", "2024-10")]["id"], "nam_hoc": "2024-2025", "bieu_mau": "si-so",
        "ky": "2024-10", "tu_ngay": "2024-10-15", "den_ngay": "2024-10-28", "trang_thai": "da_gui",
        "ngay_gui": "2024-10-26", "so_lan_gui": 2}
    assert rows[("pcgd-kiem-tra", "CN")]["trang_thai"] == "qua_han"
    rc, out, _ = cli("deadline", "list")
    assert rc == 0 and "Quá hạn" in out and "Đã gửi" in out
    rc, out, _ = cli("submission", "list", "--format", "json")
    subs = json.loads(out)
    assert [(s["id"], s["thay_cho"], s["bi_thay_boi"], s["ngay_gui"]) for s in subs] == \
        [(1, None, 2, "2024-10-26"), (2, 1, None, "2024-10-27")]
    assert subs[0]["sha256"] == hashlib.sha256(b"the exact bytes sent").hexdigest()
    assert "content" not in subs[0]
    out_file = tmp_path / "back.xlsx"
    rc, out, err = cli("submission", "get", "1", "-o", str(out_file))
    assert rc == 0, err
    assert out_file.read_bytes() == b"the exact bytes sent"
    rc, _, err = cli("submission", "get", "1", "-o", str(out_file))
    assert rc == 2 and "--overwrite" in err


@pytest.mark.parametrize("argv, message", [
    (("deadline", "add", "bo-hoc", "--from", "20/01/2025", "--to", "10/01/2025", "--period", "HK1"),
     "Ngày kết thúc hạn nộp 10/01/2025 trước ngày bắt đầu 20/01/2025"),
    (("submit", "si-so", "--period", "2024-10", "--file", "/khong/co/tep.xlsx", "--recipient", "UBND xã"),
     "Không có tệp «/khong/co/tep.xlsx»"),
    (("submit", "si-so-x", "--period", "2024-10", "--file", "F", "--recipient", "UBND xã"),
     "Biểu mẫu «si-so-x» không có"),
    (("submit", "si-so", "--period", "10/2024", "--file", "F", "--recipient", "UBND xã"),
     "Kỳ báo cáo «10/2024» không hợp lệ"),
    (("submission", "get", "99", "-o", "X"), "Không có lần gửi số 99"),
])
def test_cli_bad_input_exit_2_and_nothing_written(school, tmp_path, argv, message):
    cli = school
    clock.set_today(_d("27/10/2024"))
    f = _file(tmp_path)
    argv = [str(f) if a == "F" else str(tmp_path / "x.xlsx") if a == "X" else a for a in argv]
    con = sqlite3.connect(cli.path)
    before = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("deadline", "submission", "audit")]
    rc, out, err = cli(*argv)
    assert rc == 2 and message in err, err
    after = [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("deadline", "submission", "audit")]
    con.close()
    assert after == before


# ---- migration ------------------------------------------------------------------------------

def test_migration_from_v5_gives_every_year_its_default_deadlines(tmp_path):
    from db.connection import SCHEMA_VERSION, close_database, open_database, schema_version

    path = tmp_path / "v5.sqlite3"
    dump = Path(__file__).with_name("schemas") / "v5.sql"
    with sqlite3.connect(path) as con:
        con.executescript(dump.read_text(encoding="utf-8"))
    db = open_database(str(path))
    try:
        assert schema_version(db) == SCHEMA_VERSION
        years = list(SchoolYear.select())
        assert years
        for y in years:
            first = int(y.name[:4])
            got = {(d.form, d.period): (d.start, d.end)
                   for d in Deadline.select().where(Deadline.year == y.id)}
            assert len(got) == 12
            assert got[("si-so", f"{first}-09")] == (date(first, 9, 15), date(first, 9, 25))
            assert got[("si-so", f"{first + 1}-05")] == (date(first + 1, 5, 15), date(first + 1, 5, 25))
            assert got[("chi-tieu", "CN")] == (date(first, 9, 1), date(first, 9, 20))
            assert got[("pcgd-nhap", "CN")] == (date(first, 9, 5), date(first, 9, 30))
            assert got[("pcgd-kiem-tra", "CN")] == (date(first, 10, 1), date(first, 10, 20))
        assert Submission.select().count() == 0
        # a submission round-trips on the migrated file
        f = _file(tmp_path, content=b"\x00\x01migrated")
        y = years[-1]
        with clock.fixed(y.end):
            s = deadlines.submit("si-so", "CN", f, "UBND xã", year_name=y.name)
        assert deadlines.get_submission(s.id)[1] == b"\x00\x01migrated"
    finally:
        close_database()
    db = open_database(str(path))  # opening again adds nothing
    try:
        assert schema_version(db) == SCHEMA_VERSION
        assert Deadline.select().count() == 12 * SchoolYear.select().count()
    finally:
        close_database()


def test_siso_check_names_a_kept_file_that_no_longer_matches_its_sha256(year, tmp_path):
    from db.check import check_database

    with clock.fixed(_d("20/10/2024")):
        good = deadlines.submit("si-so", "2024-10", _file(tmp_path, "a.xlsx", b"kept as sent"), "UBND xã")
        bad = deadlines.submit("si-so", "2024-09", _file(tmp_path, "b.xlsx", b"will be damaged"), "UBND xã")
    assert check_database() == []
    Submission.update(content=b"will be damagex").where(Submission.id == bad.id).execute()
    Deadline.update(end=_d("01/11/2024")).where((Deadline.form == "si-so") & (Deadline.period == "2024-11")).execute()
    assert check_database() == [
        f"Lần gửi báo cáo số {bad.id}: tệp đã lưu không khớp kích thước hoặc mã SHA-256 ghi lúc gửi "
        "(dữ liệu bị hỏng).",
        "Hạn nộp si-so kỳ 2024-11: hạn cuối 01/11/2024 trước ngày bắt đầu 15/11/2024."]
    assert good.id != bad.id

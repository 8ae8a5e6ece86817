"""``siso event add|void|list`` and ``siso year outcome|rollover|undo-rollover``."""

import csv
import io
import json
from datetime import date

import pytest

from db.connection import close_database, open_database
from db.models import MODELS, Audit, Batch, Event, SchoolYear, Span


@pytest.fixture
def cli(cli):
    """The shared CLI runner, on a small school built with the services."""
    path = cli.path
    open_database(path)
    from db.school import add_class, add_year
    from db.students import add_student

    year = add_year("2024-2025", "05/09/2024", "31/05/2025", ref="30/09/2024", hk2="13/01/2025")
    a = add_class("6A1", 6, year)
    add_class("6A2", 6, year)
    k9 = add_class("9A1", 9, year)
    add_student({"name": "Nguyễn Văn An", "dob": "01/01/2013", "gender": "nam", "code": "HS1"}, year, a,
                day=year.start)
    add_student({"name": "Trần Thị Bình", "dob": "01/01/2013", "gender": "nữ", "code": "HS2"}, year, a,
                day=year.start)
    add_student({"name": "Lê Văn Cường", "dob": "01/01/2010", "gender": "nam", "code": "HS3"}, year, k9,
                day=year.start)
    close_database()
    return cli


def dump(path, skip=(Batch, Audit)):
    open_database(path)
    # span ids change when a student's spans are rebuilt; compare their content
    out = {m.__name__: sorted(str(t[1:] if m is Span else t) for t in m.select().tuples())
           for m in MODELS if m not in skip}
    close_database()
    return out


def test_add_prints_only_the_new_id_and_list_shows_it(cli):
    rc, out, err = cli("event", "add", "--student", "HS1", "--kind", "dropout", "--date", "10/10/2024",
                       "--reason", "01", "--without-visits", "gia đình đi làm ăn xa, chưa gặp được", "--doc", "12/BB", "--note", "gia đình khó khăn")
    assert (rc, err) == (0, "")
    eid = int(out.strip())
    rc, out, _ = cli("event", "add", "--student", "HS2", "--kind", "class-change", "--date",
                     "2024-11-11", "--class", "6A2")
    cc = int(out.strip())
    rc, out, _ = cli("event", "add", "--kind", "transfer-in", "--date", "12/11/2024", "--class", "6A2",
                     "--school", "THCS Lê Lợi", "--province", "Gia Lai", "--scope", "ngoai-tinh",
                     "--name", "Phạm Thị Hoa", "--dob", "03/03/2013", "--gender", "nữ")
    tin = int(out.strip())
    rc, out, _ = cli("event", "list", "--year", "2024-2025", "--format", "json")
    rows = json.loads(out)
    assert [(r["id"], r["loai"], r["ma"], r["lop"]) for r in rows] == [
        (eid, "dropout", "HS1", "6A1"), (cc, "class_change", "HS2", "6A2"),
        (tin, "transfer_in", "HS000004", "6A2")]
    assert rows[0]["ly_do"].startswith("01 - ") and rows[0]["so_van_ban"] == "12/BB"
    assert rows[0]["ly_do_ma"] == "01" and rows[0]["hoc_ky"] == "HK1"  # codes, not labels
    assert rows[1]["tu_lop"] == "6A1" and rows[2]["pham_vi"] == "ngoai_tinh"
    assert rows[2]["ten_pham_vi"] == "Ngoài tỉnh" and rows[2]["ngay"] == "2024-11-12"
    rc, out, _ = cli("event", "list", "--year", "2024-2025", "--kind", "dropout", "--format", "csv")
    table = list(csv.reader(io.StringIO(out)))
    assert table[0][:3] == ["Số", "Ngày", "Biến động"] and table[1][:3] == [str(eid), "10/10/2024", "Bỏ học"]
    assert len(table) == 2
    rc, out, _ = cli("event", "list", "--year", "2024-2025", "--class", "6A1", "--from", "01/11/2024")
    lines = out.strip().splitlines()
    assert len(lines) == 3 and "Chuyển lớp" in lines[2]


def test_errors_are_one_vietnamese_line_and_write_nothing(cli):
    before = dump(cli.path, skip=())
    for argv, words in [
        (("event", "add", "--student", "HS1", "--kind", "dropout", "--date", "10/10/2024"), "lý do"),
        (("event", "add", "--student", "HS9", "--kind", "dropout", "--date", "10/10/2024"), "HS9"),
        (("event", "add", "--student", "HS1", "--kind", "return", "--date", "10/10/2024"), "đang học"),
        (("event", "add", "--student", "HS1", "--kind", "class-change", "--date", "10/10/2024",
          "--class", "9A1"), "cùng khối"),
        (("event", "add", "--student", "HS1", "--kind", "dropout", "--date", "10/13/2024",
          "--reason", "1", "--without-visits", "gia đình đi làm ăn xa, chưa gặp được"), "không có trên lịch"),
        (("event", "void", "999", "--reason", "x"), "Không có sự kiện"),
        (("year", "outcome", "--student", "HS1", "--result", "completed", "--year", "2024-2025"), "khối cuối cấp (khối 9"),
        (("year", "undo-rollover", "2024-2025"), "không có đợt chuyển năm"),
    ]:
        rc, out, err = cli(*argv)
        assert rc == 2 and out == "", argv
        assert err.startswith("Lỗi: ") and err.count("\n") == 1 and words in err, err
    assert dump(cli.path, skip=()) == before


def test_void_then_list(cli):
    _, out, _ = cli("event", "add", "--student", "HS1", "--kind", "dropout", "--date", "10/10/2024",
                    "--reason", "02", "--without-visits", "gia đình đi làm ăn xa, chưa gặp được")
    eid = int(out)
    _, out, _ = cli("event", "add", "--student", "HS1", "--kind", "return", "--date", "10/12/2024")
    back = int(out)
    rc, out, err = cli("event", "void", str(eid), "--reason", "nhập nhầm")
    assert rc == 2 and f"(số {back})" in err
    assert cli("event", "void", str(back), "--reason", "nhập nhầm")[0] == 0
    assert cli("event", "void", str(eid), "--reason", "nhập nhầm")[0] == 0
    _, out, _ = cli("event", "list", "--year", "2024-2025", "--format", "json")
    assert [(r["id"], r["da_huy"], r["ly_do_huy"]) for r in json.loads(out)] == [
        (eid, True, "nhập nhầm"), (back, True, "nhập nhầm")]
    _, out, _ = cli("event", "list", "--year", "2024-2025", "--valid-only", "--format", "json")
    assert json.loads(out) == []


def test_outcome_rollover_dry_run_rollover_and_undo(cli):
    before = dump(cli.path)
    rc, out, _ = cli("year", "outcome", "--class", "6A1", "--student", "HS2", "--result", "pending",
                     "--year", "2024-2025")
    assert rc == 0 and int(out.strip()) > 0
    rc, out, err = cli("year", "rollover", "--from", "2024-2025", "--to", "2025-2026", "--dry-run")
    assert rc == 2 and "Trần Thị Bình" in err
    assert cli("year", "outcome", "--student", "HS2", "--result", "held-back", "--date", "15/07/2025",
               "--year", "2024-2025")[0] == 0
    rc, out, err = cli("year", "rollover", "--from", "2024-2025", "--to", "2025-2026", "--dry-run",
                       "--map", "6A1=7A3")
    assert rc == 0 and "Chạy thử" in out and "7A3" in out
    assert "Lên lớp: 1; lưu ban: 1; hoàn thành, rời trường: 1." in out
    rc, out, err = cli("year", "rollover", "--from", "2024-2025", "--to", "2025-2026", "--start",
                       "08/09/2025", "--end", "31/05/2026", "--map", "6A1=7A3")
    assert rc == 0, err
    open_database(cli.path)
    new = SchoolYear.get(SchoolYear.name == "2025-2026")
    assert str(new.start) == "2025-09-08"
    placed = sorted((e.student.code, e.klass.name) for e in Event.select().where(Event.year == new.id))
    assert placed == [("HS1", "7A3"), ("HS2", "6A1")]
    close_database()
    rc, out, err = cli("year", "undo-rollover", "2025-2026")
    assert rc == 0, err
    after = dump(cli.path)
    # only the two outcome events (and their spans: none) differ from the start
    assert {k: v for k, v in after.items() if k != "Event"} == {k: v for k, v in before.items() if k != "Event"}
    assert len(after["Event"]) == len(before["Event"]) + 2


@pytest.fixture
def today():
    from db import clock

    yield clock.set_today
    clock.set_today(None)


def test_grade9_retest_resolved_to_completed_then_rollover(cli, today):
    today(date(2025, 6, 2))
    assert cli("year", "outcome", "--student", "HS3", "--result", "pending", "--year", "2024-2025")[0] == 0
    rc, out, err = cli("year", "outcome", "--student", "HS3", "--result", "promoted", "--year", "2024-2025")
    assert rc == 2 and "không có khối 10" in err and "Tốt nghiệp THCS" in err
    today(date(2025, 7, 15))
    rc, out, err = cli("year", "outcome", "--student", "HS3", "--result", "completed", "--year", "2024-2025")
    assert rc == 0, err
    open_database(cli.path)
    ev = Event.get_by_id(int(out.strip()))
    assert (ev.kind, str(ev.date)) == ("completed", "2025-07-15")
    close_database()
    rc, out, err = cli("year", "rollover", "--from", "2024-2025", "--to", "2025-2026")
    assert rc == 0, err
    assert "Lên lớp: 2; lưu ban: 0; hoàn thành, rời trường: 1." in out


def test_rollover_before_the_year_end_needs_before_end(cli, today):
    today(date(2025, 5, 20))
    before = dump(cli.path)
    rc, out, err = cli("year", "rollover", "--from", "2024-2025", "--to", "2025-2026")
    assert rc == 2 and err.count("\n") == 1
    assert "Năm học 2024-2025 chưa kết thúc (ngày kết thúc 31/05/2025, hôm nay 20/05/2025)" in err
    assert "--before-end" in err
    assert dump(cli.path) == before
    rc, out, err = cli("year", "rollover", "--from", "2024-2025", "--dry-run")
    assert rc == 0 and "Cảnh báo: Năm học 2024-2025 chưa kết thúc" in out
    rc, out, err = cli("year", "rollover", "--from", "2024-2025", "--to", "2025-2026", "--before-end")
    assert rc == 0, err
    open_database(cli.path)
    new = SchoolYear.get(SchoolYear.name == "2025-2026")
    assert (str(new.ref_date), str(new.hk2_start)) == ("2025-09-30", "2026-01-13")
    close_database()


def test_class_add_outside_the_school_level_is_refused(cli):
    before = dump(cli.path)
    rc, out, err = cli("class", "add", "12A1", "--grade", "12", "--year", "2024-2025")
    assert rc == 2 and out == ""
    assert err == ("Lỗi: Khối 12 không thuộc cấp học của trường: trường THCS (trung học cơ sở) chỉ có "
                   "khối 6 đến khối 9. Sửa khối của lớp, hoặc đổi cấp học của trường trong thông tin "
                   "nhà trường (mục cap_hoc).\n")
    assert dump(cli.path) == before
    rc, out, err = cli("settings", "set", "cap_hoc", "TH")
    assert rc == 2 and "6A1 (khối 6, năm học 2024-2025)" in err

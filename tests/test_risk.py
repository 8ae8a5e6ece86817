"""At-risk cases, home visits (fixed numbers, voids), the dropout rule (3 visits or a written
reason, printed in F2), and the ``siso risk|visit`` commands."""

import json
from datetime import date

import pytest

from db import clock, movement_lists, movements, risk
from db.errors import SisoError
from db.models import Audit, Event, RiskCase, Visit
from db.school import add_class
from db.students import add_student

from home_visits import visits

BY = ["Lò Thị Mai:Giáo viên chủ nhiệm", "A Sáu:Trưởng thôn"]


@pytest.fixture
def school(year):
    clock.set_today(date(2024, 11, 20))
    a = add_class("6A1", 6, year, homeroom="Lò Thị Mai")
    s1 = add_student({"name": "Nguyễn Văn An", "dob": "01/01/2013", "gender": "nam", "code": "HS1",
                      "village": "Làng Kon Lanh", "new_village": True},  # a new village
                     year, a, day="10/09/2024")
    s2 = add_student({"name": "Trần Thị Bình", "dob": "02/02/2013", "gender": "nữ", "code": "HS2"},
                     year, a, day=year.start)
    return year, a, s1, s2


def counts():
    return (Event.select().count(), RiskCase.select().count(), Visit.select().count(),
            Audit.select().count())


def refused(fn, *words):
    before = counts()
    with pytest.raises(SisoError) as err:
        fn()
    assert counts() == before, "a refused action wrote something"
    for w in words:
        assert w in str(err.value), str(err.value)
    return err.value


# ---- cases -----------------------------------------------------------------------------------

def test_one_open_case_per_student_opened_and_closed(school):
    year, a, s1, s2 = school
    case = risk.open_case(s1, ["1", "03"], sponsor="Lò Thị Mai", day="01/10/2024")
    assert (case.causes, case.sponsor, case.opened, case.closed) == ("01,03", "Lò Thị Mai",
                                                                     date(2024, 10, 1), None)
    refused(lambda: risk.open_case(s1, ["02"], day="02/10/2024"), "đã có hồ sơ", "số 1")
    refused(lambda: risk.open_case(s2, [], day="02/10/2024"), "nguyên nhân")
    refused(lambda: risk.open_case(s2, ["99"], day="02/10/2024"), "không có trong danh mục")
    refused(lambda: risk.close_case(s2, "returned"), "không có hồ sơ", "đang mở")
    refused(lambda: risk.close_case(s1, "returned", day="30/09/2024"), "trước ngày mở")
    closed = risk.close_case(s1, "returned", day="10/11/2024")
    assert (closed.closed, closed.result) == (date(2024, 11, 10), "returned")
    refused(lambda: risk.close_case(s1, "returned"), "không có hồ sơ")
    again = risk.open_case(s1, ["01"], day="12/11/2024")  # closed: a new one may be opened
    rows = risk.list_cases()
    assert [r["id"] for r in rows] == [again.id, case.id]
    assert set(rows[0]) == {"id", "ma", "ho_ten", "lop", "ngay_mo", "ngay_dong", "nguyen_nhan",
                            "do_dau", "ket_qua"}
    assert rows[1] == {"id": case.id, "ma": "HS1", "ho_ten": "Nguyễn Văn An", "lop": "6A1",
                       "ngay_mo": "2024-10-01", "ngay_dong": "2024-11-10",
                       "nguyen_nhan": ["01", "03"], "do_dau": "Lò Thị Mai", "ket_qua": "returned"}
    assert [r["id"] for r in risk.list_cases(open_only=True)] == [again.id]


@pytest.mark.parametrize("kind, result", [("dropout", "dropped"), ("transfer_out", "transferred"),
                                          ("death", "died")])
def test_a_dropout_transfer_out_or_death_closes_the_open_case(school, kind, result):
    year, a, s1, s2 = school
    risk.open_case(s2, ["02"], day="01/10/2024")
    fields = {"dropout": {"reason": "02", "without_visits": "gia đình chuyển đi nơi khác"},
              "transfer_out": {"school": "THCS Lê Lợi", "scope": "01"}, "death": {}}[kind]
    movements.record(kind, s2, year, "05/11/2024", **fields)
    case = RiskCase.get()
    assert (case.closed, case.result) == (date(2024, 11, 5), result)
    assert risk.open_case_of(s2) is None


def test_a_refused_dropout_leaves_the_case_open(school):
    year, a, s1, s2 = school
    risk.open_case(s2, ["02"], day="01/10/2024")
    refused(lambda: movements.record_dropout(s2, year, "05/11/2024", "02"), "0 lần vận động")
    assert risk.open_case_of(s2) is not None


# ---- visits ----------------------------------------------------------------------------------

def test_a_visit_keeps_every_field_and_its_number_is_fixed(school):
    year, a, s1, s2 = school
    risk.open_case(s1, ["01"], day="01/10/2024")
    v1 = risk.add_visit(s1, "05/10/2024", BY, "Mẹ: Y Hlin", "Em đi rẫy cùng gia đình",
                        "Cho em đi học từ thứ Hai", "promised", "Y Hlin")
    v3 = risk.add_visit(s1, "20/10/2024", BY[:1], "", "Không có ai ở nhà", "", "nobody", "")
    # recorded later, dated between: it is the 2nd by date when recorded; the others keep theirs
    v2 = risk.add_visit(s1, "12/10/2024", BY[:1], "Bố", "Em ốm", "", "promised", "Bố")
    assert [v.number for v in (v1, v3, v2)] == [1, 2, 2]
    risk.void_visit(v1.id, "ghi nhầm học sinh")
    v4 = risk.add_visit(s1, "01/11/2024", BY[:1], "Bố", "Em đã đi học", "", "returned", "Bố")
    assert v4.number == 3  # the 3rd non-voided visit by date (12/10, 20/10, 01/11)
    numbers = {v["id"]: v["lan"] for v in risk.list_visits(s1)}
    assert numbers == {v1.id: 1, v3.id: 2, v2.id: 2, v4.id: 3}  # voiding renumbers nothing
    first = risk.list_visits(s1)[0]
    assert first == {
        "id": v1.id, "ma": "HS1", "bieu_mau": "bien-ban", "lan": 1, "ngay": "2024-10-05",
        "dia_diem": "Làng Kon Lanh",
        "nguoi_di": [{"ho_ten": "Lò Thị Mai", "vai_tro": "gvcn", "ten_vai_tro": "Giáo viên chủ nhiệm"},
                     {"ho_ten": "A Sáu", "vai_tro": "truong_thon", "ten_vai_tro": "Trưởng thôn"}],
        "hoc_sinh": {"ma": "HS1", "ho_ten": "Nguyễn Văn An", "lop": "6A1"},
        "nguoi_gap": "Mẹ: Y Hlin", "tinh_hinh": "Em đi rẫy cùng gia đình",
        "cam_ket": "Cho em đi học từ thứ Hai", "ket_qua": "promised", "nguoi_ky": "Y Hlin",
        "da_huy": True, "ly_do_huy": "ghi nhầm học sinh"}
    assert Visit.get_by_id(v1.id).case_id == RiskCase.get().id
    assert risk.visit_count(s1.id, year.id) == 3
    refused(lambda: risk.void_visit(v1.id, "lại"), "đã bị hủy")
    refused(lambda: risk.void_visit(v2.id, " "), "lý do hủy")


def test_bad_visits_are_refused_and_write_nothing(school):
    year, a, s1, s2 = school
    refused(lambda: visits(s1, "21/11/2024"), "sau hôm nay (20/11/2024)")
    refused(lambda: visits(s1, "09/09/2024"), "trước ngày học sinh", "10/09/2024")
    refused(lambda: risk.add_visit(s1, "01/10/2024", ["Lò Thị Mai"], "Mẹ", "x", "", "promised", "Mẹ"),
            "Họ tên:vai trò")
    refused(lambda: risk.add_visit(s1, "01/10/2024", [], "Mẹ", "x", "", "promised", "Mẹ"), "ít nhất một")
    refused(lambda: risk.add_visit(s1, "01/10/2024", BY, "Mẹ", "x", "", "maybe", "Mẹ"), "returned")
    refused(lambda: risk.add_visit(s1, "01/10/2024", BY, "Mẹ", "", "", "promised", "Mẹ"), "Tình hình")
    refused(lambda: risk.add_visit(s1, "01/10/2024", BY, "Mẹ", "x", "", "promised", ""), "Người ký")


# ---- the dropout rule ------------------------------------------------------------------------

def test_a_dropout_needs_three_visits_dated_on_or_before_it(school):
    year, a, s1, s2 = school
    refused(lambda: movements.record_dropout(s2, year, "10/11/2024", "01"),
            "mới có 0 lần vận động", "cần ít nhất 3", "--without-visits")
    vs = visits(s2, "01/10/2024", "15/10/2024", "12/11/2024")  # the 3rd after the dropout date
    refused(lambda: movements.record_dropout(s2, year, "10/11/2024", "01"), "mới có 2 lần vận động")
    extra = visits(s2, "05/11/2024")[0]
    risk.void_visit(vs[0].id, "ghi nhầm")  # a voided visit does not count
    refused(lambda: movements.record_dropout(s2, year, "10/11/2024", "01"), "mới có 2 lần vận động")
    visits(s2, "02/10/2024")
    ev = movements.record_dropout(s2, year, "10/11/2024", "01")
    assert ev.without_visits is None and extra.number == 3


def test_a_dropout_without_visits_needs_a_written_reason_audited_and_printed_in_f2(school):
    year, a, s1, s2 = school
    visits(s1, "01/10/2024")
    ev = movements.record_dropout(s1, year, "10/11/2024", "03",
                                  without_visits="Gia đình chuyển vào Bình Phước, không liên lạc được")
    assert ev.without_visits == "Gia đình chuyển vào Bình Phước, không liên lạc được"
    detail = json.loads(Audit.select().where(Audit.action == "event.dropout").get().detail)
    assert detail["khong_van_dong"] == ev.without_visits  # Vietnamese keys (db.audit.KEYS)
    visits(s2, "01/10/2024", "15/10/2024", "01/11/2024")
    movements.record_dropout(s2, year, "12/11/2024", "01")
    form = movement_lists.report_bo_hoc(year, "20/11/2024", "05/09/2024")
    rows = {s["ma"]: s for g in form["khoi"] for s in g["hoc_sinh"]}
    assert (rows["HS1"]["so_lan_van_dong"], rows["HS1"]["ghi_chu"]) == (1, ev.without_visits)
    assert (rows["HS2"]["so_lan_van_dong"], rows["HS2"]["ghi_chu"]) == (3, "")
    from exports.forms import tables_of

    table = tables_of(form)[0]
    assert table.headers[-3:] == ["Số lần vận động", "Kết quả", "Ghi chú"]
    body = {r[1]: r for r, style in zip(table.rows, table.styles) if not style}
    assert (body["HS1"][-3], body["HS1"][-1]) == (1, ev.without_visits)
    assert (body["HS2"][-3], body["HS2"][-1]) == (3, "")


def test_f2_counts_zero_visits_as_zero(school):
    year, a, s1, s2 = school
    movements.record_dropout(s1, year, "10/11/2024", "01", without_visits="không gặp được gia đình")
    form = movement_lists.report_bo_hoc(year, "20/11/2024", "05/09/2024")
    assert form["khoi"][0]["hoc_sinh"][0]["so_lan_van_dong"] == 0


# ---- the CLI ---------------------------------------------------------------------------------

@pytest.fixture
def cli(cli):
    from db.connection import close_database, open_database
    from db.school import add_year

    open_database(cli.path)
    y = add_year("2024-2025", "05/09/2024", "31/05/2025", ref="30/09/2024", hk2="13/01/2025")
    a = add_class("6A1", 6, y, homeroom="Lò Thị Mai")
    add_student({"name": "Nguyễn Văn An", "dob": "01/01/2013", "gender": "nam", "code": "HS1"}, y, a,
                day=y.start)
    close_database()
    clock.set_today(date(2024, 11, 20))
    return cli


def test_cli_risk_and_visit_commands(cli):
    assert cli("risk", "close", "--student", "HS1", "--result", "returned")[0] == 2
    rc, out, err = cli("risk", "open", "--student", "HS1", "--cause", "01", "--cause", "03",
                       "--sponsor", "Lò Thị Mai", "--date", "01/10/2024")
    assert (rc, err) == (0, "") and out.strip().isdigit()
    rc, out, err = cli("risk", "open", "--student", "HS1", "--cause", "02")
    assert rc == 2 and "đã có hồ sơ" in err
    ids = []
    for day in ("05/10/2024", "12/10/2024"):
        rc, out, err = cli("visit", "add", "--student", "HS1", "--date", day, "--by", BY[0], "--by", BY[1],
                           "--met", "Mẹ", "--found", "Em đi rẫy", "--commitment", "Cho em đi học",
                           "--result", "promised", "--signed-by", "Mẹ")
        assert (rc, err) == (0, ""), err
        ids.append(int(out))
    rc, out, err = cli("visit", "add", "--student", "HS1", "--date", "21/11/2024", "--by", BY[0],
                       "--found", "x", "--result", "nobody")
    assert rc == 2 and "sau hôm nay" in err
    rc, out, _ = cli("visit", "list", "--student", "HS1", "--format", "json")
    rows = json.loads(out)
    assert [(r["id"], r["lan"], r["ma"]) for r in rows] == [(ids[0], 1, "HS1"), (ids[1], 2, "HS1")]
    assert {"bieu_mau", "lan", "ngay", "dia_diem", "nguoi_di", "hoc_sinh", "nguoi_gap", "tinh_hinh",
            "cam_ket", "ket_qua", "nguoi_ky", "id", "ma"} <= set(rows[0])
    assert cli("visit", "void", str(ids[1]), "--reason", "ghi nhầm")[0] == 0
    rc, out, err = cli("event", "add", "--student", "HS1", "--kind", "dropout", "--date", "15/11/2024",
                       "--reason", "01")
    assert rc == 2 and "mới có 1 lần vận động" in err and "--without-visits" in err
    rc, out, err = cli("event", "add", "--student", "HS1", "--kind", "dropout", "--date", "15/11/2024",
                       "--reason", "01", "--without-visits", "Gia đình đi làm ăn xa")
    assert (rc, err) == (0, ""), err
    rc, out, _ = cli("risk", "list", "--format", "json")
    case = json.loads(out)[0]
    assert (case["ngay_dong"], case["ket_qua"], case["nguyen_nhan"]) == ("2024-11-15", "dropped", ["01", "03"])
    rc, out, _ = cli("risk", "list", "--open")
    assert "HS1" not in out
    rc, out, _ = cli("report", "bo-hoc", "--year", "2024-2025", "--as-of", "20/11/2024", "--from",
                     "05/09/2024", "--format", "json")
    student = json.loads(out)["khoi"][0]["hoc_sinh"][0]
    assert (student["so_lan_van_dong"], student["ghi_chu"]) == (1, "Gia đình đi làm ăn xa")


def test_cli_close_a_case_and_a_dropout_after_three_visits(cli):
    cli("risk", "open", "--student", "HS1", "--cause", "01", "--date", "01/10/2024")
    rc, out, err = cli("risk", "close", "--student", "HS1", "--result", "returned", "--date", "10/10/2024")
    assert rc == 0 and "Đã trở lại lớp" in out
    for day in ("11/10/2024", "18/10/2024", "25/10/2024"):
        assert cli("visit", "add", "--student", "HS1", "--date", day, "--by", BY[0], "--met", "Mẹ",
                   "--found", "Em lại nghỉ học", "--result", "refused", "--signed-by", "Mẹ")[0] == 0
    rc, out, err = cli("event", "add", "--student", "HS1", "--kind", "dropout", "--date", "01/11/2024",
                       "--reason", "01")
    assert (rc, err) == (0, ""), err


# ---- the migration ---------------------------------------------------------------------------

def test_a_v1_database_gains_cases_visits_and_keeps_every_event(tmp_path):
    import sqlite3
    from pathlib import Path

    from db import check
    from db.connection import close_database, open_database
    from db.models import Student

    dump = Path(__file__).with_name("schemas") / "v1.sql"
    path = tmp_path / "v1.sqlite3"
    with sqlite3.connect(path) as con:
        con.executescript(dump.read_text(encoding="utf-8"))
        before = con.execute("SELECT id, kind, date, reason, note FROM event ORDER BY id").fetchall()
    open_database(str(path))
    try:
        after = [(e.id, e.kind, e.date.isoformat(), e.reason, e.note)
                 for e in Event.select().order_by(Event.id)]
        assert after == before
        assert Event.select().where(Event.without_visits.is_null(False)).count() == 0
        assert (RiskCase.select().count(), Visit.select().count()) == (0, 0)
        assert check.check_database() == []
        st = Student.select().order_by(Student.id).first()
        first = Event.select().where(Event.student == st.id).order_by(Event.date).first()
        clock.set_today(first.date)
        v = risk.add_visit(st, first.date, BY[:1], "Mẹ", "Em nghỉ học", "", "promised", "Mẹ")
        assert Visit.get_by_id(v.id).number == 1
    finally:
        close_database()


# ---- the demo school -------------------------------------------------------------------------

@pytest.mark.parametrize("today, n", [(date(2026, 11, 22), 600), (date(2027, 7, 20), 200),
                                      (date(2026, 9, 8), 60)])
def test_the_demo_has_cases_and_visits_and_its_dropouts_keep_the_rule(db, today, n):
    from collections import Counter

    from db.demo import build_demo

    year = build_demo(n, seed=1, today=today)
    drops = list(Event.select().where((Event.kind == "dropout") & Event.voided_at.is_null()))
    for ev in drops:  # each dropout: 3 visits that year on or before it, and its case closed
        assert risk.visit_count(ev.student_id, year.id, ev.date) >= 3, ev.student_id
        case = RiskCase.get(RiskCase.student == ev.student_id)
        assert (case.closed, case.result) == (ev.date, "dropped")
    for v in Visit.select():
        assert v.date <= today
        first = Event.select().where(Event.student == v.student_id).order_by(Event.date).first()
        assert v.date >= first.date
        earlier = Visit.select().where((Visit.student == v.student_id) & (Visit.date <= v.date)).count()
        assert v.number <= earlier
    results = Counter(c.result for c in RiskCase.select())
    if n >= 200:
        assert results["dropped"] >= 1 and results["returned"] >= 1 and results[None] >= 1
        per_case = Counter(v.case_id for v in Visit.select() if v.case.result != "dropped")
        assert set(per_case.values()) <= {1, 2, 3} and len(set(per_case.values())) >= 2
        assert Visit.select().where(Visit.result == "returned").count() >= 1
    form = movement_lists.report_bo_hoc(year, min(today, year.end), year.start)
    assert all(s["so_lan_van_dong"] >= 3 and s["ghi_chu"] == ""
               for g in form["khoi"] for s in g["hoc_sinh"])


def test_voiding_the_dropout_that_closed_a_case_opens_it_again(school):
    year, a, s1, s2 = school
    risk.open_case(s2, ["02"], day="01/10/2024")
    ev = movements.record_dropout(s2, year, "05/11/2024", "02", without_visits="gia đình đi xa")
    assert risk.open_case_of(s2) is None
    movements.void_event(ev.id, "ghi nhầm học sinh")
    case = risk.open_case_of(s2)
    assert case is not None and (case.closed, case.result) == (None, None)

"""The incoming cohort: expected children, their matching, F12 ``huy-dong`` and the cohort
targets. Every number below is counted by hand from this small THCS school (2024-2025, grade
6, on-age = born 2013):

    students admitted to 6A1               expected children (grade 6)
    S1 Nguyễn Văn An 04/03/2013, ID …901    E1 Nguyễn Văn Ân 04/03/2013, ID …901, Thôn 1
                                               sources: Trường TH Kim Đồng, UBND xã Ia Ka  -> by ID
    S2 Trần Thị Hoà 06/05/2013              E2 TRẦN THỊ HÒA (NFD) 06/05/2013, Thôn 1, Kim Đồng
                                               -> same name (tone placement, case) and dob
    S3 Lê Văn Bình 08/07/2013               E3 Le Van Binh 08/07/2013, Làng Kon, Kim Đồng
                                               -> proposed (no accents), confirmed by the clerk
    S4 Phạm Thị Lan 02/01/2013              E4 Phạm Thị Lam 02/01/2013, Làng Kon, UBND
                                               -> proposed (one letter), rejected by the clerk
    S5 Ksor Y Nhi 03/02/2012, admitted      E6 Ksor Y Nhi 03/02/2012, Thôn 1, UBND (not on-age)
       20/10/2024                              -> by name, from 20/10/2024
                                            E5 Đinh Văn Hùng 09/09/2013, Làng Kon, Kim Đồng
                                               -> never arrives
    S7 Hồ Văn Tư, 7A1 (another grade); S8 Vũ Văn Tám, 6A1 of 2025-2026 (another year)

Thôn 1 (staff Lê Thị Hoa): E1, E2, E6; Làng Kon (staff Trần Văn Bảo): E3, E4, E5.
"""

import json
from datetime import date

import openpyxl
import pytest

from db import clock, cohort, cohort_match, huy_dong, villages
from db.errors import SisoError
from db.models import ExpectedChild, ExpectedDecision, ExpectedSource
from db.school import add_class, add_year
from db.students import add_student
from exports.files import write_form
from exports.importer import make_plan
from exports.readers import read_table

KIM_DONG, UBND = "Trường TH Kim Đồng", "UBND xã Ia Ka"
NID = "012345678901"
LIST = (
    "STT,Họ và tên,Ngày sinh,Giới tính,Thôn,Mã định danh\n"
    f"1,Nguyễn Văn Ân,04/03/2013,Nam,Thôn 1,{NID}\n"
    "2,TRA\u0302\u0300N THI\u0323 HO\u0300A,06/05/2013,Nữ,Thôn 1,\n"
    "3,Le Van Binh,08/07/2013,Nam,Làng Kon,\n"
    "4,Đinh Văn Hùng,09/09/2013,Nam,Làng Kon,\n"
)


@pytest.fixture
def school(year, tmp_path):
    clock.set_today(date(2024, 12, 1))
    villages.add_village("Thôn 1", "Xã Ia Ka", staff="Lê Thị Hoa")
    villages.add_village("Làng Kon", "Xã Ia Ka", staff="Trần Văn Bảo")
    k6, k7 = add_class("6A1", 6, year), add_class("7A1", 7, year)
    s = {}
    for key, name, dob, gender, nid, klass, day in (
            ("S1", "Nguyễn Văn An", "04/03/2013", "nam", NID, k6, "05/09/2024"),
            ("S2", "Trần Thị Hoà", "06/05/2013", "nu", None, k6, "05/09/2024"),
            ("S3", "Lê Văn Bình", "08/07/2013", "nam", None, k6, "05/09/2024"),
            ("S4", "Phạm Thị Lan", "02/01/2013", "nu", None, k6, "05/09/2024"),
            ("S5", "Ksor Y Nhi", "03/02/2012", "nu", None, k6, "20/10/2024"),
            ("S7", "Hồ Văn Tư", "01/01/2012", "nam", None, k7, "05/09/2024")):
        data = {"name": name, "dob": dob, "gender": gender, "code": key}
        if nid:
            data["national_id"] = nid
        s[key] = add_student(data, year, klass, day=day)
    nxt = add_year("2025-2026", "05/09/2025", "31/05/2026", ref="30/09/2025", hk2="12/01/2026")
    s["S8"] = add_student({"name": "Vũ Văn Tám", "dob": "01/01/2014", "gender": "nam", "code": "S8"},
                          nxt, add_class("6A1", 6, nxt), day="05/09/2025")
    path = tmp_path / "kim-dong.csv"
    path.write_text(LIST, encoding="utf-8")
    plan = make_plan(read_table(str(path)), ref_date=year.start)
    assert cohort.run_expected_import(plan, year, source=KIM_DONG) == 4
    e = {c.given: c for c in ExpectedChild.select()}
    e = {"E1": e["Ân"], "E2": e["Hòa"], "E3": e["Binh"], "E5": e["Hùng"]}
    e["E1b"] = cohort.add_expected(year, {"name": "Nguyễn Văn Ân", "dob": "04/03/2013", "gender": "nam",
                                          "national_id": NID}, source=UBND)
    e["E4"] = cohort.add_expected(year, {"name": "Phạm Thị Lam", "dob": "02/01/2013", "gender": "nữ",
                                         "village": "Làng Kon"}, source=UBND)
    e["E6"] = cohort.add_expected(year, {"name": "Ksor Y Nhi", "dob": "03/02/2012", "gender": "nữ",
                                         "village": "Thôn 1"}, source=UBND)
    return year, s, e


def test_a_child_on_two_lists_is_one_child_with_two_sources(school):
    year, s, e = school
    assert e["E1b"].id == e["E1"].id
    assert ExpectedChild.select().count() == 6
    assert sorted(x.source for x in ExpectedSource.select().where(ExpectedSource.child == e["E1"].id)) == [
        KIM_DONG, UBND]
    assert e["E2"].full_name == "Trần Thị Hòa"  # stored NFC, as a name is written
    assert e["E2"].village_ref is not None and e["E2"].village_ref.name == "Thôn 1"


def test_matching_by_id_by_name_and_near_matches_only_proposed(school):
    year, s, e = school
    m = cohort_match.match_cohort(year)
    assert (m[e["E1"].id].student, m[e["E1"].id].how) == (s["S1"].id, cohort_match.BY_ID)
    assert (m[e["E2"].id].student, m[e["E2"].id].how) == (s["S2"].id, cohort_match.BY_NAME)
    assert (m[e["E6"].id].student, m[e["E6"].id].how) == (s["S5"].id, cohort_match.BY_NAME)
    assert (m[e["E3"].id].student, m[e["E3"].id].proposed) == (None, s["S3"].id)
    assert (m[e["E4"].id].student, m[e["E4"].id].proposed) == (None, s["S4"].id)
    assert (m[e["E5"].id].student, m[e["E5"].id].proposed) == (None, None)
    assert ExpectedDecision.select().count() == 0  # nothing is stored by matching
    rows = {r["id"]: r for r in cohort_match.list_expected(year)}
    assert rows[e["E3"].id] == {"id": e["E3"].id, "ho_ten": "Le Van Binh", "ngay_sinh": "2013-07-08",
                                "nu": False, "thon": "Làng Kon", "nguon": [KIM_DONG], "ma": None,
                                "de_xuat": "S3"}
    assert rows[e["E1"].id]["nguon"] == [KIM_DONG, UBND] and rows[e["E1"].id]["ma"] == "S1"
    assert [r["id"] for r in cohort_match.list_expected(year, unmatched=True)] == sorted(
        [e["E3"].id, e["E4"].id, e["E5"].id], key=lambda i: rows[i]["ho_ten"].split()[-1])


def test_one_apart():
    assert cohort_match.one_apart("pham thi lan", "pham thi lam")
    assert cohort_match.one_apart("le van binh", "le van bin")
    assert not cohort_match.one_apart("pham thi lan", "pham thi lanh1")
    assert not cohort_match.one_apart("an", "bo")


def _decide(e):
    cohort_match.confirm_match(e["E3"].id, "S3")
    assert cohort_match.reject_match(e["E4"].id).code == "S4"


def test_f12_by_hand(school, tmp_path):
    year, s, e = school
    before = huy_dong.report_huy_dong(year, date(2024, 11, 30))
    assert (before["du_kien"], before["da_ra_lop"], before["ty_le"]) == (6, 3, 50.0)
    early = huy_dong.report_huy_dong(year, date(2024, 9, 30))  # S5 admitted on 20/10
    assert (early["da_ra_lop"], early["ty_le"]) == (2, 33.3)
    _decide(e)
    f = huy_dong.report_huy_dong(year, date(2024, 11, 30))
    assert (f["bieu_mau"], f["nam_hoc"], f["den_ngay"]) == ("huy-dong", "2024-2025", "2024-11-30")
    assert (f["du_kien"], f["da_ra_lop"], f["ty_le"]) == (6, 4, 66.7)
    assert (f["du_kien_dung_do_tuoi"], f["da_ra_lop_dung_do_tuoi"], f["ty_le_dung_do_tuoi"]) == (5, 3, 60.0)
    thon = {r["thon"]: (r["du_kien"], r["da_ra_lop"], r["ty_le"], r["phu_trach"]) for r in f["theo_thon"]}
    assert thon == {"Thôn 1": (3, 3, 100.0, ["Lê Thị Hoa"]), "Làng Kon": (3, 1, 33.3, ["Trần Văn Bảo"])}
    src = {r["nguon"]: (r["du_kien"], r["da_ra_lop"], r["ty_le"]) for r in f["theo_nguon"]}
    assert src == {KIM_DONG: (4, 3, 75.0), UBND: (3, 2, 66.7)}
    assert [(r["ho_ten"], r["ngay_sinh"], r["thon"], r["nguon"], r["phu_trach"], r["de_xuat"])
            for r in f["chua_ra_lop"]] == [
        ("Đinh Văn Hùng", "2013-09-09", "Làng Kon", [KIM_DONG], ["Trần Văn Bảo"], None),
        ("Phạm Thị Lam", "2013-01-02", "Làng Kon", [UBND], ["Trần Văn Bảo"], None)]
    # the same numbers in the files
    write_form(f, tmp_path / "f12.json", "json")
    assert json.loads((tmp_path / "f12.json").read_text(encoding="utf-8"))["ty_le"] == 66.7
    write_form(f, tmp_path / "f12.xlsx", "xlsx")
    wb = openpyxl.load_workbook(tmp_path / "f12.xlsx")
    assert wb.sheetnames == ["Theo thon", "Theo nguon", "Chua ra lop"]
    cells = [c for row in wb["Theo thon"].iter_rows(values_only=True) for c in row if c is not None]
    assert "HUY ĐỘNG TRẺ RA LỚP" in cells and "Trần Văn Bảo" in cells and 0.667 in cells
    names = [c for row in wb["Chua ra lop"].iter_rows(values_only=True) for c in row]
    assert "Đinh Văn Hùng" in names and "Phạm Thị Lam" in names and "Ksor Y Nhi" not in names
    write_form(f, tmp_path / "f12.csv", "csv")
    assert "Đinh Văn Hùng" in (tmp_path / "f12.csv").read_text(encoding="utf-8-sig")


def test_cohort_targets_in_f5(school):
    from db import chi_tieu, targets

    year, s, e = school
    _decide(e)
    targets.set_target(year, "ty_le_huy_dong", 90, level="THCS")
    targets.set_target(year, "ty_le_vao_lop_6", 70, grade=6)
    rows = {r["ten"]: r for r in chi_tieu.report_chi_tieu(year, date(2024, 11, 30))["chi_tieu"]}
    hd, v6 = rows["ty_le_huy_dong"], rows["ty_le_vao_lop_6"]
    assert (hd["tu_so"], hd["mau_so"], hd["thuc_hien"], hd["dat"]) == (4, 6, 66.7, False)
    # feeder-school lists only: E1, E2, E3, E5; arrived E1, E2, E3
    assert (v6["tu_so"], v6["mau_so"], v6["thuc_hien"], v6["dat"]) == (3, 4, 75.0, True)
    assert v6["them_de_khong_dat"] == 1  # 2 of 4 = 50.0 < 70


def test_match_refused_for_another_grade_year_or_a_student_already_matched(school):
    year, s, e = school
    for code, words in (("S7", "khối 6"), ("S8", "năm học 2024-2025")):
        with pytest.raises(SisoError) as err:
            cohort_match.confirm_match(e["E5"].id, code)
        assert "Không ghép được" in str(err.value) and words in str(err.value)
    with pytest.raises(SisoError, match="đã được ghép với trẻ dự kiến số"):
        cohort_match.confirm_match(e["E5"].id, "S2")
    with pytest.raises(SisoError, match="không có học sinh nào được ghép"):
        cohort_match.reject_match(e["E5"].id)
    assert ExpectedDecision.select().count() == 0


def test_a_rejected_pair_is_never_proposed_again_and_a_confirmed_one_holds(school):
    year, s, e = school
    _decide(e)
    m = cohort_match.match_cohort(year)
    assert (m[e["E3"].id].student, m[e["E3"].id].how) == (s["S3"].id, cohort_match.CONFIRMED)
    assert (m[e["E4"].id].student, m[e["E4"].id].proposed) == (None, None)
    assert ExpectedDecision.select().count() == 2


def test_file_with_errors_names_row_and_column_and_writes_nothing(school, tmp_path, cli):
    year, s, e = school
    bad = tmp_path / "xa.csv"
    bad.write_text("Họ và tên,Ngày sinh,Giới tính\nHà Văn Một,31/02/2013,Nam\nHà Thị Hai,01/01/2013,Không rõ\n",
                   encoding="utf-8")
    rv = cohort.review_expected(make_plan(read_table(str(bad)), ref_date=year.start), year, source=UBND)
    lines = [p.line() for p in rv.errors]
    assert any("dòng 2" in x and "cột «Ngày sinh»" in x for x in lines)
    assert any("dòng 3" in x and "cột «Giới tính»" in x for x in lines)
    with pytest.raises(SisoError):
        cohort.run_expected_import(make_plan(read_table(str(bad)), ref_date=year.start), year, source=UBND)
    assert ExpectedChild.select().count() == 6


def test_cli(tmp_path, cli):
    clock.set_today(date(2024, 12, 1))
    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025")[0] == 0
    assert cli("class", "add", "6A1", "--grade", "6", "--year", "2024-2025")[0] == 0
    assert cli("student", "add", "--year", "2024-2025", "--class", "6A1", "--name", "Phạm Thị Lan",
               "--dob", "02/01/2013", "--gender", "nu", "--code", "HS1", "--date", "05/09/2024")[0] == 0
    lst = tmp_path / "ds.csv"
    lst.write_text("Họ và tên,Ngày sinh,Giới tính\nPhạm Thị Lam,02/01/2013,Nữ\nHà Văn Ba,31/02/2013,Nam\n",
                   encoding="utf-8")
    rc, out, err = cli("expected", "import", str(lst), "--year", "2024-2025", "--source", KIM_DONG, "--dry-run")
    assert rc == 2 and "dòng 3, cột «Ngày sinh»" in out
    assert "Lỗi" in out
    lst.write_text("Họ và tên,Ngày sinh,Giới tính\nPhạm Thị Lam,02/01/2013,Nữ\n", encoding="utf-8")
    rc, out, err = cli("expected", "import", str(lst), "--year", "2024-2025", "--source", KIM_DONG, "--dry-run")
    assert rc == 0 and "Chạy thử" in out
    rc, out, err = cli("expected", "list", "--year", "2024-2025", "--format", "json")
    assert json.loads(out) == []
    assert cli("expected", "import", str(lst), "--year", "2024-2025", "--source", KIM_DONG)[0] == 0
    assert cli("expected", "add", "--year", "2024-2025", "--name", "Đinh Văn Hùng", "--dob", "09/09/2013",
               "--gender", "nam", "--source", UBND)[0] == 0
    rc, out, err = cli("expected", "list", "--year", "2024-2025", "--format", "json")
    rows = json.loads(out)
    assert [(r["ho_ten"], r["ma"], r["de_xuat"]) for r in rows] == [
        ("Đinh Văn Hùng", None, None), ("Phạm Thị Lam", None, "HS1")]
    assert set(rows[0]) == {"id", "ho_ten", "ngay_sinh", "nu", "thon", "nguon", "ma", "de_xuat"}
    lam = rows[1]["id"]
    assert cli("expected", "match", str(lam), "--student", "HS1")[0] == 0
    rc, out, err = cli("expected", "list", "--year", "2024-2025", "--unmatched", "--format", "json")
    assert [r["ho_ten"] for r in json.loads(out)] == ["Đinh Văn Hùng"]
    rc, out, err = cli("report", "huy-dong", "--year", "2024-2025", "--as-of", "30/11/2024", "--format", "json")
    f = json.loads(out)
    assert (f["du_kien"], f["da_ra_lop"], f["ty_le"]) == (2, 1, 50.0)
    rc, out, err = cli("expected", "match", str(rows[0]["id"]), "--student", "HS1")
    assert rc != 0 and "đã được ghép" in err


def test_a_v5_school_gets_the_cohort_tables_empty(tmp_path):
    """Migration 5 → 6 from the frozen v5 dump: the three tables exist, empty, and work."""
    import sqlite3
    from pathlib import Path

    from db.connection import close_database, open_database
    from db.models import Student

    path = tmp_path / "v5.sqlite3"
    with sqlite3.connect(path) as con:
        con.executescript((Path(__file__).with_name("schemas") / "v5.sql").read_text(encoding="utf-8"))
    db = open_database(str(path))
    try:
        tables = set(db.get_tables())
        assert {"expected_child", "expected_source", "expected_decision"} <= tables
        assert ExpectedChild.select().count() == 0
        from db import school

        year = school.list_years()[-1]
        n = Student.select().count()
        assert cohort_match.list_expected(year) == []
        assert huy_dong.report_huy_dong(year, year.start)["ty_le"] is None  # no expected child: no rate
        assert Student.select().count() == n
    finally:
        close_database()


def test_bad_input_to_add_changes_nothing(school):
    from db import school as sch

    year, s, e = school
    with pytest.raises(SisoError, match="Thiếu nguồn danh sách"):
        cohort.add_expected(year, {"name": "Hà Văn Mới", "dob": "01/01/2013", "gender": "nam"}, source=" ")
    with pytest.raises(SisoError, match="Khối vào học «7» không hợp lệ"):
        cohort.add_expected(year, {"name": "Hà Văn Mới", "dob": "01/01/2013", "gender": "nam"},
                            source=UBND, grade=7)
    with pytest.raises(SisoError, match="Mã định danh «123» không hợp lệ"):
        cohort.add_expected(year, {"name": "Hà Văn Mới", "dob": "01/01/2013", "gender": "nam",
                                   "national_id": "123"}, source=UBND)
    sch.set_setting("cap_hoc", "TH-THCS")  # a combined school has two first grades: say which
    with pytest.raises(SisoError, match="hai khối đầu cấp"):
        cohort.add_expected(year, {"name": "Hà Văn Mới", "dob": "01/01/2013", "gender": "nam"}, source=UBND)
    assert ExpectedChild.select().count() == 6
    child = cohort.add_expected(year, {"name": "Hà Thị Nhỏ", "dob": "01/01/2018", "gender": "nữ"},
                                source=UBND, grade=1)
    assert child.grade == 1 and not cohort.is_feeder(UBND) and cohort.is_feeder(KIM_DONG)


def test_the_demo_school_has_its_incoming_cohort(db):
    from db.demo import build_demo

    year = build_demo(600, seed=1, today=date(2026, 11, 30))
    m = cohort_match.match_cohort(year)
    matched = sum(1 for x in m.values() if x.student)
    proposed = sum(1 for x in m.values() if x.proposed)
    never = sum(1 for x in m.values() if not x.student and not x.proposed)
    assert matched > 0.85 * len(m) and proposed >= 2 and never >= 2
    from peewee import fn

    two = (ExpectedSource.select(ExpectedSource.child).group_by(ExpectedSource.child)
           .having(fn.COUNT(ExpectedSource.id) == 2).count())
    assert two > 0  # children on a feeder school's list and the commune's

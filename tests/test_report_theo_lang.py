"""F11 ``theo-lang``: class size and movements per village, as of a day. The expected numbers
are counted by hand from the small school below (ref date 30/09/2024):

    Thôn 1 (Xã Ia Ka, head Y Hmok 0905111222, staff Lê Thị Hoa, Trần Văn Bảo)
      a  girl, Kinh
      b  boy, Ba Na
      c  girl, Ba Na       visits 01/10, 05/10, 08/10/2024; dropout 10/10/2024, return 20/11/2024
      (b has an at-risk case opened 01/11/2024, still open)
    Làng Kon (Xã Ia Ka)
      d  boy, Kinh         dropout 15/10/2024 (still out; no visits, a written reason)
      e  girl, Ba Na       transfer out 01/11/2024
      g  girl, Kinh        transfer in 05/11/2024
    no village
      f  boy, Kinh         dropout 25/09/2024 (before the reference date: not counted)
      h  girl, Kinh

At the end of 30/11/2024: Làng Kon ts 1 (g) nu 1 dtts 0, bo_hoc 1 (d) still out 1, in 1 (g),
out 1 (e); Thôn 1 ts 3 nu 2 (a, c) dtts 2 (b, c), bo_hoc 1 (c) still out 0; no village ts 1
(h) nu 1. Open cases: Thôn 1 1 (b); visits: Thôn 1 3 (c); flagged "nghỉ học quá 3 ngày" on
30/11/2024 (a Saturday: the flag of Friday 29/11): Thôn 1 1 (a, absent the whole day Tue 26 –
Fri 29/11, a run of 4); the others 0. At the end of 15/11/2024 c is still out: Thôn 1 ts 2 nu
1 dtts 1, still out 1.
"""

import json
from datetime import date

import openpyxl
import pytest

from db import attendance, clock, movements, reports, risk, villages
from home_visits import visits
from db.school import add_class
from db.students import add_student
from exports.files import write_form

ZERO = {"ts": 0, "nu": 0, "dtts": 0, "bo_hoc": 0, "bo_hoc_chua_ra_lop": 0, "chuyen_den": 0,
        "chuyen_di": 0}
UNTRACKED = {"so_hs_canh_bao": 0, "so_hs_nguy_co": 0, "van_dong": 0}


@pytest.fixture
def school(year):
    clock.set_today(date(2024, 12, 1))
    klass = add_class("6A1", 6, year)
    villages.add_village("Thôn 1", "Xã Ia Ka", head="Y Hmok", head_phone="0905111222",
                         staff="Lê Thị Hoa, Trần Văn Bảo")
    villages.add_village("Làng Kon", "Xã Ia Ka")
    s = {}
    for key, village, gender, ethnic, day, entry in (
            ("a", "Thôn 1", "nu", "01", "05/09/2024", "admit"),
            ("b", "Thôn 1", "nam", "13", "05/09/2024", "admit"),
            ("c", "Thôn 1", "nu", "13", "05/09/2024", "admit"),
            ("d", "Làng Kon", "nam", "01", "05/09/2024", "admit"),
            ("e", "Làng Kon", "nu", "13", "05/09/2024", "admit"),
            ("f", "", "nam", "01", "05/09/2024", "admit"),
            ("g", "Làng Kon", "nu", "01", "05/11/2024", "transfer_in"),
            ("h", "", "nu", "01", "05/09/2024", "admit")):
        s[key] = add_student({"name": f"Nguyễn Văn {key.upper()}", "dob": "01/01/2013", "gender": gender,
                              "ethnic": ethnic, "village": village}, year, klass, entry=entry, day=day)
    visits(s["c"], "01/10/2024", "05/10/2024", "08/10/2024")
    attendance.add_absences(s["a"].code, date(2024, 11, 26), date(2024, 11, 29))
    risk.open_case(s["b"], ["01"], day="01/11/2024")
    movements.record_dropout(s["c"], year, "10/10/2024", "01")
    movements.record_return(s["c"], year, "20/11/2024")
    movements.record_dropout(s["d"], year, "15/10/2024", "01", without_visits="Gia đình đi làm ăn xa")
    movements.record_transfer_out(s["e"], year, "01/11/2024", school="THCS Ea Kar", scope="02")
    movements.record_dropout(s["f"], year, "25/09/2024", "01", without_visits="Gia đình đi làm ăn xa")
    yield year
    clock.set_today(None)


def test_f11_counts_per_village_by_hand(school):
    form = reports.build("theo-lang", school, "30/11/2024")
    assert (form["bieu_mau"], form["nam_hoc"], form["den_ngay"]) == ("theo-lang", "2024-2025", "2024-11-30")
    assert form["thon"] == [
        {"thon": "Làng Kon", "xa": "Xã Ia Ka", "truong_thon": None, "dien_thoai": None, "phu_trach": [],
         **ZERO, "ts": 1, "nu": 1, "bo_hoc": 1, "bo_hoc_chua_ra_lop": 1, "chuyen_den": 1,
         "chuyen_di": 1, **UNTRACKED},
        {"thon": "Thôn 1", "xa": "Xã Ia Ka", "truong_thon": "Y Hmok", "dien_thoai": "0905111222",
         "phu_trach": ["Lê Thị Hoa", "Trần Văn Bảo"],
         **ZERO, "ts": 3, "nu": 2, "dtts": 2, "bo_hoc": 1, **UNTRACKED, "so_hs_nguy_co": 1, "van_dong": 3,
         "so_hs_canh_bao": 1},
        {"thon": None, "xa": None, "truong_thon": None, "dien_thoai": None, "phu_trach": [],
         **ZERO, "ts": 1, "nu": 1, **UNTRACKED},
    ]
    assert form["tong"] == {**ZERO, "ts": 5, "nu": 4, "dtts": 2, "bo_hoc": 2, "bo_hoc_chua_ra_lop": 1,
                            "chuyen_den": 1, "chuyen_di": 1, **UNTRACKED, "so_hs_nguy_co": 1,
                            "van_dong": 3, "so_hs_canh_bao": 1}
    assert form["chua_theo_doi"] == []


def test_f11_before_the_return(school):
    form = reports.build("theo-lang", school, "15/11/2024")
    thon1 = form["thon"][1]
    assert (thon1["ts"], thon1["nu"], thon1["dtts"], thon1["bo_hoc"], thon1["bo_hoc_chua_ra_lop"]) == (
        2, 1, 1, 1, 1)


def test_f11_refuses_a_period_start(school):
    with pytest.raises(Exception, match="--from"):
        reports.build("theo-lang", school, "30/11/2024", "01/11/2024")


def test_f11_in_every_format_and_the_xlsx_layout(school, tmp_path):
    form = reports.build("theo-lang", school, "30/11/2024")
    for fmt in ("xlsx", "ods", "csv", "json"):
        path = write_form(form, tmp_path / f"f11.{fmt}", signed_on=date(2024, 12, 1))
        assert path.stat().st_size > 0
    assert json.loads((tmp_path / "f11.json").read_text(encoding="utf-8")) == form
    csv_text = (tmp_path / "f11.csv").read_text(encoding="utf-8-sig")
    assert "Thôn 1" in csv_text and "(Chưa ghi thôn)" in csv_text
    ws = openpyxl.load_workbook(tmp_path / "f11.xlsx").active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    flat = [v for row in cells for v in row if v is not None]
    assert "SĨ SỐ VÀ VẬN ĐỘNG THEO THÔN/LÀNG" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    total = next(row for row in cells if "Tổng cộng" in row)
    assert [v for v in total if isinstance(v, int)] == [5, 4, 2, 1, 1, 2, 1, 3, 1, 1]
    assert not any("chưa theo dõi" in str(v) for v in flat)  # every column is counted
    assert ws.page_setup.orientation == "landscape"


def test_cli_f11_json_and_from_refused(cli):
    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025",
               "--ref", "30/09/2024")[0] == 0
    rc, out, err = cli("report", "theo-lang", "--year", "2024-2025", "--as-of", "30/11/2024",
                       "--from", "01/11/2024")
    assert (rc, out) == (2, "") and "--from" in err
    rc, out, err = cli("report", "theo-lang", "--year", "2024-2025", "--as-of", "30/11/2024",
                       "--format", "json")
    assert rc == 0 and json.loads(out)["thon"] == []
    rc, out, err = cli("report", "theo-lang", "--year", "2024-2025", "--as-of", "30/11/2024")
    assert rc == 0 and "SĨ SỐ VÀ VẬN ĐỘNG THEO THÔN/LÀNG" in out

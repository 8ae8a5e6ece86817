"""F10 «chuyen-can» on a small school, every figure worked out by hand below."""

import json
from datetime import date

from db import attendance as att, attendance_days
from db import clock, movements, risk, school
from db.reports import build
from db.students import add_student
from home_visits import visits


def small_school(year):
    clock.set_today(date(2024, 12, 20))
    a1, a2 = school.add_class("6A1", 6, year), school.add_class("6A2", 6, year)

    def add(name, klass):
        return add_student({"name": name, "dob": "05/09/2013", "gender": "nam", "village": "Thôn 1", "new_village": True},
                           year, klass, day=year.start)

    an, binh, cuong = add("Nguyễn Văn An", a1), add("Trần Văn Bình", a1), add("Lê Văn Cường", a2)
    attendance_days.add_holiday(date(2024, 11, 20), "Ngày Nhà giáo")
    att.add_absences(an.code, date(2024, 11, 7), date(2024, 11, 12), excused=True)  # Thu–Tue: 4
    att.add_absences(binh.code, date(2024, 11, 5), session="sang")  # 0.5 unexcused
    att.add_absences(cuong.code, date(2024, 11, 14))  # 1 unexcused
    movements.record_transfer_out(cuong, year, date(2024, 11, 18), school="THCS B", scope="01")
    # An's run of absences: an at-risk case opened 13/11 and two home visits (one voided)
    risk.open_case(an, ["01"], day=date(2024, 11, 13))
    visits(an, "13/11/2024", "15/11/2024")
    risk.void_visit(visits(an, "16/11/2024")[0].id, "Ghi nhầm ngày")
    return an


def test_chuyen_can_by_hand(year):
    small_school(year)
    form = build("chuyen-can", year, date(2024, 11, 29))
    # November 2024 (Mon–Fri): Fri 1, then four full weeks = 21 school days, less 20/11 = 20
    assert (form["tu_ngay"], form["den_ngay"], form["so_ngay_hoc"]) == ("2024-11-01", "2024-11-29", 20)
    a1, a2 = form["lop"]
    # 6A1: An and Bình, 20 days each = 40; P 4, K 0.5; (80 − 9) ÷ 80 half-days = 88.75 -> 88.8
    assert a1 == {"lop": "6A1", "khoi": 6, "ngay_hs_du_kien": 40, "co_phep": 4, "khong_phep": 0.5,
                  "ty_le_chuyen_can": 88.8, "so_hs_canh_bao": 1, "so_hs_vang_nhieu": 0,
                  "so_hs_sap_vang_nhieu": 1}
    # 6A2: Cường left at the end of 18/11's start: enrolled 1/11, 4–8, 11–15 = 11 days; K 1;
    # (22 − 2) ÷ 22 = 90.9
    assert a2 == {"lop": "6A2", "khoi": 6, "ngay_hs_du_kien": 11, "co_phep": 0, "khong_phep": 1,
                  "ty_le_chuyen_can": 90.9, "so_hs_canh_bao": 0, "so_hs_vang_nhieu": 0,
                  "so_hs_sap_vang_nhieu": 0}
    # the school: 51 days, 5.5 absent: (102 − 11) ÷ 102 = 89.2
    assert form["toan_truong"] == {"ngay_hs_du_kien": 51, "co_phep": 4, "khong_phep": 1.5,
                                   "ty_le_chuyen_can": 89.2, "so_hs_canh_bao": 1,
                                   "so_hs_vang_nhieu": 0, "so_hs_sap_vang_nhieu": 1}
    # An: school days 05/09 … 29/11 = 18 (Sept) + 23 (Oct) + 20 (Nov) = 61; 4 ÷ 61 = 6.6%
    assert form["canh_bao"] == [{"ma": "HS000001", "ho_ten": "Nguyễn Văn An", "lop": "6A1",
                                 "thon": "Thôn 1", "nghi_lien_tiep": 4, "khong_phep_30_ngay": 0,
                                 "ty_le_vang": 6.6, "vang_nhieu": "approaching", "nguy_co": True,
                                 "so_lan_van_dong": 2}]
    # a period after the run: An no longer flagged in it, so not listed (not chronic)
    later = build("chuyen-can", year, date(2024, 11, 29), date(2024, 11, 13))
    assert later["canh_bao"] == [] and later["lop"][0]["so_hs_canh_bao"] == 0
    # the run ending on 12/11 is counted in full when the period starts on 12/11
    part = build("chuyen-can", year, date(2024, 11, 29), date(2024, 11, 12))
    assert part["canh_bao"][0]["nghi_lien_tiep"] == 4


def test_chuyen_can_cli_json_and_xlsx(cli, tmp_path):
    rc, out, err = cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025")
    from db.models import SchoolYear

    small_school(SchoolYear.get())
    rc, out, err = cli("report", "chuyen-can", "--as-of", "29/11/2024", "--format", "json")
    assert rc == 0
    form = json.loads(out)
    assert set(form) == {"bieu_mau", "nam_hoc", "tu_ngay", "den_ngay", "so_ngay_hoc", "lop",
                         "toan_truong", "canh_bao"}
    path = tmp_path / "f10.xlsx"
    rc, out, err = cli("report", "chuyen-can", "--as-of", "29/11/2024", "-o", str(path))
    assert rc == 0 and path.exists()
    from openpyxl import load_workbook

    wb = load_workbook(path)
    assert wb.sheetnames == ["Chuyen can", "Can chu y"]
    rows = list(wb["Chuyen can"].iter_rows(values_only=True))
    assert ("THEO DÕI CHUYÊN CẦN",) == rows[3][:1]
    a1 = next(r for r in rows if r[1] == "6A1")
    assert a1[2:5] == (40, 4, 0.5) and abs(a1[5] - 0.888) < 1e-9 and a1[6:] == (1, 0, 1)
    listed = [r for r in wb["Can chu y"].iter_rows(values_only=True) if r[1] == "HS000001"]
    assert listed[0][2:7] == ("Nguyễn Văn An", "6A1", "Thôn 1", 4, 0)

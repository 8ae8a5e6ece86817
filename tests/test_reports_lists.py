"""F2 bo-hoc, F3 chuyen-truong, F4 len-lop and F5 chi-tieu against hand-worked numbers."""

from datetime import date

import pytest

from db.errors import SisoError
from db.len_lop import report_len_lop
from db.movement_lists import report_bo_hoc, report_chuyen_truong
from db.chi_tieu import more_to_exceed, more_to_fall, report_chi_tieu
from db.targets import list_targets, set_target
from report_school import build_school


@pytest.fixture
def school(year):
    return build_school(year)


def test_bo_hoc_period_and_result(year, school):
    f = report_bo_hoc(year, date(2024, 11, 30), date(2024, 9, 5))
    assert f["tong"] == 2  # s14's voided dropout is left out
    assert [(g["khoi"], g["so_luong"]) for g in f["khoi"]] == [(6, 1), (7, 1)]
    em = f["khoi"][0]["hoc_sinh"][0]
    assert em["stt"] == 1 and em["ma"] == "S5" and em["ho_ten"] == "Hoàng Văn Em"
    assert (em["lop"], em["ngay_bo_hoc"], em["thoi_diem"]) == ("6A1", "2024-10-10", "HK I")
    assert em["ly_do"] == "01 - Hoàn cảnh kinh tế gia đình khó khăn"
    assert em["ket_qua"] == "Đã ra lớp" and em["thon"] == "=1+1" and em["giam_ho"] == "Hoàng Văn Ba"
    phuc = f["khoi"][1]["hoc_sinh"][0]
    assert (phuc["stt"], phuc["ma"], phuc["lop"], phuc["ket_qua"]) == (2, "S13", "7A1", "Chưa ra lớp")
    assert [(r["ma"], r["so_luong"]) for r in f["theo_ly_do"]] == [("01", 1), ("02", 1)]
    # before the return, s5 has not come back yet
    oct_ = report_bo_hoc(year, date(2024, 10, 31), date(2024, 9, 5))
    assert oct_["khoi"][0]["hoc_sinh"][0]["ket_qua"] == "Chưa ra lớp"
    # the October period alone holds only s5
    only = report_bo_hoc(year, date(2024, 10, 31))
    assert only["tong"] == 1 and only["khoi"][0]["hoc_sinh"][0]["ma"] == "S5"
    assert report_bo_hoc(year, date(2024, 9, 5))["tong"] == 0


def test_chuyen_truong(year, school):
    f = report_chuyen_truong(year, date(2024, 11, 30), date(2024, 9, 5))
    assert [(x["ma"], x["lop"], x["ngay_chuyen"]) for x in f["chuyen_den"]] == [
        ("S9", "6A2", "2024-09-20"), ("S12", "7A1", "2024-11-05")]
    oanh = f["chuyen_den"][1]
    assert (oanh["truong"], oanh["dia_ban"], oanh["pham_vi"], oanh["so_van_ban"]) == (
        "THCS Ia Grai", "Ia Grai, Gia Lai", "Trong tỉnh", "7/GT")
    assert len(f["chuyen_di"]) == 1
    dung = f["chuyen_di"][0]
    assert (dung["stt"], dung["ma"], dung["lop"], dung["ngay_chuyen"], dung["truong"], dung["pham_vi"],
            dung["ly_do"], dung["so_van_ban"]) == (1, "S4", "6A1", "2024-10-15", "THCS Ea Kar", "Ngoài tỉnh",
                                                   "Theo gia đình", "12/GCT")
    oct_ = report_chuyen_truong(year, date(2024, 10, 31))
    assert oct_["chuyen_den"] == [] and [x["ma"] for x in oct_["chuyen_di"]] == ["S4"]


def _o(row):
    return (row["tong_so"], row["len_lop"]["sl"], row["thi_lai"]["sl"], row["luu_ban"]["sl"],
            row["hoan_thanh"]["sl"], row["chua_co_ket_qua"])


def test_len_lop_latest_outcome_wins(year, school):
    f = report_len_lop(year, date(2025, 5, 31))
    by = {r["lop"]: r for r in f["lop"]}
    assert _o(by["6A1"]) == (4, 2, 1, 1, 0, 0)
    assert (by["6A1"]["len_lop"]["ty_le"], by["6A1"]["thi_lai"]["ty_le"]) == (50.0, 25.0)
    assert _o(by["6A2"]) == (4, 2, 1, 1, 0, 0)
    # 31/05/2025 is the year's end: s11 has nothing recorded, so he is under «Chưa có kết
    # quả», never presumed promoted; the percentages keep the class total as denominator
    assert _o(by["6A10"]) == (1, 0, 0, 0, 0, 1)
    assert by["6A10"]["len_lop"]["ty_le"] == 0.0
    assert _o(by["7A1"]) == (2, 1, 1, 0, 0, 0)
    g6 = f["khoi"][0]
    assert _o(g6) == (9, 4, 2, 2, 0, 1)  # 4/9 = 44.4 %, 2/9 = 22.2 %
    assert (g6["len_lop"]["ty_le"], g6["thi_lai"]["ty_le"], g6["luu_ban"]["ty_le"]) == (44.4, 22.2, 22.2)
    t = f["toan_truong"]
    assert _o(t) == (11, 5, 3, 2, 0, 1)  # 5/11 = 45.5 %, 3/11 = 27.3 %, 2/11 = 18.2 %
    assert (t["len_lop"]["ty_le"], t["thi_lai"]["ty_le"], t["luu_ban"]["ty_le"]) == (45.5, 27.3, 18.2)
    for row in (*f["lop"], *f["khoi"], t):  # the SL columns add up to the total
        assert sum(_o(row)[1:]) == row["tong_so"]
    # the outcome's code under ket_qua (as every JSON), its label under ten_ket_qua
    assert [(x["ma"], x["lop"], x["ket_qua"], x["ten_ket_qua"]) for x in f["danh_sach"]] == [
        ("S3", "6A1", "held_back", "Lưu ban"), ("S5", "6A1", "pending", "Thi lại / rèn luyện hè"),
        ("S6", "6A2", "pending", "Thi lại / rèn luyện hè"), ("S9", "6A2", "held_back", "Lưu ban"),
        ("S12", "7A1", "pending", "Thi lại / rèn luyện hè")]
    summer = report_len_lop(year, date(2025, 6, 30))
    by = {r["lop"]: r for r in summer["lop"]}
    assert _o(by["6A1"]) == (4, 3, 0, 1, 0, 0)  # s5 passed the retest on 10/06
    assert "S5" not in [x["ma"] for x in summer["danh_sach"]]
    before = report_len_lop(year, date(2024, 10, 31))
    assert _o(before["toan_truong"]) == (9, 0, 0, 0, 0, 9)
    assert before["toan_truong"]["len_lop"]["ty_le"] is None  # no rate before the year end
    # the day before the year end, s11 has no outcome yet and nothing has a rate
    eve = report_len_lop(year, date(2025, 5, 30))
    assert _o({r["lop"]: r for r in eve["lop"]}["6A10"]) == (1, 0, 0, 0, 0, 1)
    assert _o(eve["toan_truong"]) == (11, 5, 3, 2, 0, 1)
    assert eve["toan_truong"]["luu_ban"]["ty_le"] is None


def test_targets_and_f5(year, school):
    set_target(year, "ty_le_bo_hoc", 2, level="THCS")
    set_target(year, "ty_le_bo_hoc", 25, grade=6)
    set_target(year, "ty_le_duy_tri", 75, grade=6)
    set_target(year, "ty_le_dung_do_tuoi", 90, grade=6)
    set_target(year, "ty_le_dung_do_tuoi", 80, level="THCS")
    set_target(year, "ty_le_luu_ban", "1", level="THCS")
    set_target(year, "ty_le_hoan_thanh", 100, grade=9)
    set_target(year, "ty_le_luu_ban", "0,5", level="THCS")  # changes the earlier value
    assert [(t["pham_vi"], t["ten"], t["gia_tri"]) for t in list_targets(year)] == [
        ("Cấp THCS", "ty_le_bo_hoc", 2.0), ("Cấp THCS", "ty_le_luu_ban", 0.5),
        ("Cấp THCS", "ty_le_dung_do_tuoi", 80.0), ("Khối 6", "ty_le_bo_hoc", 25.0),
        ("Khối 6", "ty_le_duy_tri", 75.0), ("Khối 6", "ty_le_dung_do_tuoi", 90.0),
        ("Khối 9", "ty_le_hoan_thanh", 100.0)]
    f = report_chi_tieu(year, date(2024, 10, 31))
    got = {(r["pham_vi"], r["ten"]): r for r in f["chi_tieu"]}

    def row(key):
        r = got[key]
        return r["thuc_hien"], r["chenh_lech"], r["dat"], r["them_de_khong_dat"]

    # THCS dropout: 1 of 11 = 9.1 % > 2 % → missed
    assert row(("Cấp THCS", "ty_le_bo_hoc")) == (9.1, 7.1, False, None)
    # grade 6 dropout: 1 of 10 = 10 %; 2 more (3/10 = 30 %) break 25 %
    assert row(("Khối 6", "ty_le_bo_hoc")) == (10.0, -15.0, True, 2)
    # grade 6 retention 8 / 9 = 88.9 %; 2 more dropouts give 6/9 = 66.7 % < 75 %
    assert row(("Khối 6", "ty_le_duy_tri")) == (88.9, 13.9, True, 2)
    # grade 6 on-age: 7 of 8 (s3 born 2012) = 87.5 % < 90 %
    assert row(("Khối 6", "ty_le_dung_do_tuoi")) == (87.5, -2.5, False, None)
    # THCS on-age: 8 of 9 = 88.9 %; 5 on-age leaving → 3/4 = 75 % < 80 % (4 → 4/5 = 80 %)
    assert row(("Cấp THCS", "ty_le_dung_do_tuoi")) == (88.9, 8.9, True, 5)
    # repetition before the year end is not known yet
    assert row(("Cấp THCS", "ty_le_luu_ban")) == (None, None, None, None)
    assert got[("Cấp THCS", "ty_le_luu_ban")]["chua_co"] == "Chưa đến cuối năm"
    # no grade 9 in this school (and not the year end yet): no figure
    assert row(("Khối 9", "ty_le_hoan_thanh")) == (None, None, None, None)
    assert got[("Cấp THCS", "ty_le_bo_hoc")]["loai"] == "toi_da"
    assert got[("Khối 6", "ty_le_duy_tri")]["loai"] == "toi_thieu"
    end = {(r["pham_vi"], r["ten"]): r for r in report_chi_tieu(year, date(2025, 5, 31))["chi_tieu"]}
    # held back at year end: s3, s9 → 2 of 11 = 18.2 %
    assert (end[("Cấp THCS", "ty_le_luu_ban")]["thuc_hien"], end[("Cấp THCS", "ty_le_luu_ban")]["dat"]) == (18.2, False)
    # still no grade 9 at the year end: no figure, but not «Chưa đến cuối năm» either
    k9 = end[("Khối 9", "ty_le_hoan_thanh")]
    assert (k9["thuc_hien"], k9["dat"], k9["chua_co"]) == (None, None, None)


def test_target_validation(year):
    with pytest.raises(SisoError, match="đúng một phạm vi"):
        set_target(year, "ty_le_bo_hoc", 2)
    with pytest.raises(SisoError, match="từ 0 đến 100"):
        set_target(year, "ty_le_bo_hoc", 120, level="THCS")
    with pytest.raises(SisoError, match="Không có chỉ tiêu"):
        set_target(year, "ty_le_vui", 2, level="THCS")
    with pytest.raises(SisoError, match="Cấp học"):
        set_target(year, "ty_le_bo_hoc", 2, level="ĐH")
    assert list_targets(year) == []


def test_margins_by_hand():
    assert more_to_exceed(0, 100, 2) == 3  # 3 % > 2 %; 2 % is still met
    assert more_to_exceed(0, 1000, 2) == 21  # 20/1000 = 2.0 %, 21 → 2.1 %
    assert more_to_exceed(3, 100, 2) is None  # already missed
    assert more_to_fall(99, 100, 98) == 2  # 97 % < 98 %
    assert more_to_fall(980, 1000, 98) == 1  # 979/1000 = 97.9 %
    assert more_to_fall(5, 10, 100) is None

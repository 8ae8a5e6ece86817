"""F1 si-so against numbers worked out by hand from the history in report_school.py."""

from datetime import date

import pytest

from db.models import Event, Span
from db.report_common import rate
from db.si_so import report_si_so
from report_school import build_school

Z8 = {"chuyen_den": 0, "di_hoc_lai": 0, "tang_khac": 0, "chuyen_lop_den": 0,
      "chuyen_di": 0, "bo_hoc": 0, "giam_khac": 0, "chuyen_lop_di": 0}


def m(**kw):
    return {**Z8, **kw}


def h(ts, nu=0, dtts=0, kt=0):
    return {"ts": ts, "nu": nu, "dtts": dtts, "kt": kt}


@pytest.fixture
def school(year):
    return build_school(year)


def rows(form):
    out = {r["lop"]: r for r in form["lop"]}
    out.update({f"K{r['khoi']}": r for r in form["khoi"]})
    out["ALL"] = form["toan_truong"]
    return out


def check_balance(form):
    for r in [*form["lop"], *form["khoi"], form["toan_truong"]]:
        lk = r["luy_ke"]
        inc = lk["chuyen_den"] + lk["di_hoc_lai"] + lk["tang_khac"] + lk["chuyen_lop_den"]
        dec = lk["chuyen_di"] + lk["bo_hoc"] + lk["giam_khac"] + lk["chuyen_lop_di"]
        assert r["hien_co"]["ts"] == r["dau_nam"]["ts"] + inc - dec


def test_end_of_october(year, school):
    f = report_si_so(year, date(2024, 10, 31))
    assert (f["bieu_mau"], f["nam_hoc"], f["tu_ngay"], f["den_ngay"]) == ("si-so", "2024-2025", "2024-10-01", "2024-10-31")
    assert [r["lop"] for r in f["lop"]] == ["6A1", "6A2", "6A10", "7A1"]
    assert f["lop"][0]["gvcn"] == "Lê Thị Hoa"
    r = rows(f)
    assert r["6A1"]["dau_nam"] == h(6, 3, 1, 1)
    assert r["6A1"]["hien_co"] == h(3, 2, 1, 1)
    assert r["6A1"]["luy_ke"] == m(chuyen_di=1, bo_hoc=1, chuyen_lop_di=1)
    assert r["6A1"]["trong_ky"] == m(chuyen_di=1, bo_hoc=1, chuyen_lop_di=1)
    assert (r["6A1"]["ty_le_bo_hoc"], r["6A1"]["ty_le_duy_tri"]) == (16.7, 75.0)
    assert r["6A2"]["dau_nam"] == h(3, 2, 1, 0)
    assert r["6A2"]["hien_co"] == h(4, 3, 1, 0)
    assert r["6A2"]["luy_ke"] == m(tang_khac=1, chuyen_lop_den=1, giam_khac=1)
    assert (r["6A2"]["ty_le_bo_hoc"], r["6A2"]["ty_le_duy_tri"]) == (0.0, 100.0)
    assert r["6A10"]["dau_nam"] == h(1) and r["6A10"]["hien_co"] == h(1)
    # s13 dropped out on the reference date itself, s14's dropout is voided
    assert r["7A1"]["dau_nam"] == h(1) and r["7A1"]["hien_co"] == h(1)
    assert r["7A1"]["luy_ke"] == Z8 and r["7A1"]["trong_ky"] == Z8
    assert r["K6"]["dau_nam"] == h(10, 5, 2, 1) and r["K6"]["hien_co"] == h(8, 5, 2, 1)
    assert r["K6"]["luy_ke"] == m(tang_khac=1, chuyen_lop_den=1, chuyen_di=1, bo_hoc=1, giam_khac=1,
                                  chuyen_lop_di=1)
    assert (r["K6"]["ty_le_bo_hoc"], r["K6"]["ty_le_duy_tri"]) == (10.0, 88.9)
    assert r["ALL"]["dau_nam"] == h(11, 5, 2, 1) and r["ALL"]["hien_co"] == h(9, 5, 2, 1)
    assert (r["ALL"]["ty_le_bo_hoc"], r["ALL"]["ty_le_duy_tri"]) == (9.1, 90.0)
    assert f["can_bang"] is True and f["lech"] == []
    check_balance(f)


def test_end_of_november_return_and_transfer_in(year, school):
    f = report_si_so(year, "30/11/2024")
    r = rows(f)
    assert f["tu_ngay"] == "2024-11-01"
    assert r["6A1"]["hien_co"] == h(4, 2, 1, 1)
    assert r["6A1"]["trong_ky"] == m(di_hoc_lai=1)
    assert r["6A1"]["luy_ke"] == m(di_hoc_lai=1, chuyen_di=1, bo_hoc=1, chuyen_lop_di=1)
    assert (r["6A1"]["ty_le_bo_hoc"], r["6A1"]["ty_le_duy_tri"]) == (0.0, 100.0)
    assert r["6A2"]["trong_ky"] == Z8 and r["6A2"]["hien_co"] == h(4, 3, 1, 0)
    assert r["7A1"]["hien_co"] == h(2, 1, 0, 0)
    assert r["7A1"]["trong_ky"] == m(chuyen_den=1) and r["7A1"]["luy_ke"] == m(chuyen_den=1)
    assert r["ALL"]["hien_co"]["ts"] == 11
    assert (r["ALL"]["ty_le_bo_hoc"], r["ALL"]["ty_le_duy_tri"]) == (0.0, 100.0)
    check_balance(f)
    assert f["can_bang"]


def test_reference_date_itself(year, school):
    f = report_si_so(year, date(2024, 9, 30), date(2024, 9, 5))
    r = rows(f)
    for key in ("6A1", "6A2", "6A10", "7A1", "K6", "K7", "ALL"):
        assert r[key]["dau_nam"] == r[key]["hien_co"]
        assert r[key]["luy_ke"] == Z8
    assert r["6A2"]["trong_ky"] == m(chuyen_den=1)  # s9 on 20/09
    assert r["7A1"]["trong_ky"] == m(bo_hoc=1)  # s13 on 30/09
    assert r["6A1"]["trong_ky"] == Z8  # admissions before the reference date are not "tăng khác"
    assert r["ALL"]["hien_co"] == h(11, 5, 2, 1)
    assert r["ALL"]["ty_le_duy_tri"] == 100.0 and r["ALL"]["ty_le_bo_hoc"] == 0.0


def test_first_day_of_month(year, school):
    f = report_si_so(year, date(2024, 10, 1))
    r = rows(f)
    assert r["6A1"]["hien_co"]["ts"] == 5 and r["6A2"]["hien_co"]["ts"] == 4
    assert r["6A1"]["trong_ky"] == m(chuyen_lop_di=1)
    assert r["6A2"]["trong_ky"] == m(chuyen_lop_den=1)
    assert r["K6"]["trong_ky"] == m(chuyen_lop_den=1, chuyen_lop_di=1)
    check_balance(f)


def test_before_the_reference_date_the_count_is_provisional(year, school):
    """On the year's first day (05/09) the start-of-year count (30/09) is not taken yet:
    dau_nam is counted at the end of 05/09 and the form says "tạm tính". Everyone admitted
    on 05/09 is in: 6A1 s1–s6, 6A2 s7 s8, 6A10 s11, 7A1 s13 s14; s9 (20/09), s10 (15/10)
    and s12 (05/11) are not yet."""
    f = report_si_so(year, date(2024, 9, 5))
    assert f["tam_tinh"] is True and f["ngay_chot_dau_nam"] == "2024-09-05"
    assert f["tu_ngay"] == "2024-09-05"  # the month's first day is before the year: its first day
    r = rows(f)
    assert r["6A1"]["dau_nam"] == h(6, 3, 1, 1) and r["6A2"]["dau_nam"] == h(2, 1, 1, 0)
    assert r["6A10"]["dau_nam"] == h(1) and r["7A1"]["dau_nam"] == h(2)
    assert r["ALL"]["dau_nam"] == h(11, 4, 2, 1)
    for row in r.values():
        assert row["dau_nam"] == row["hien_co"]
        assert row["trong_ky"] == Z8 and row["luy_ke"] == Z8  # admissions before the count
        assert row["bo_hoc_chua_ra_lop"] == 0
        assert (row["ty_le_bo_hoc"], row["ty_le_duy_tri"]) == ((0.0, 100.0) if row["dau_nam"]["ts"] else
                                                               (None, None))
    # 20/09: s9 has transferred into 6A2, still provisional
    f = report_si_so(year, date(2024, 9, 20))
    assert f["tam_tinh"] is True
    assert rows(f)["6A2"]["dau_nam"] == h(3, 2, 1, 0) and rows(f)["6A2"]["trong_ky"] == m(chuyen_den=1)
    check_balance(f)
    # from the reference date on, the count is final
    assert report_si_so(year, date(2024, 9, 30))["tam_tinh"] is False
    assert report_si_so(year, date(2024, 10, 31))["tam_tinh"] is False


@pytest.mark.parametrize("as_of, start, named", [
    (date(2024, 9, 1), None, "Ngày báo cáo 01/09/2024"),  # before the year's first day
    (date(2025, 9, 1), None, "Ngày báo cáo 01/09/2025"),  # after the end of its summer
    (date(2024, 10, 31), date(2020, 10, 1), "Ngày bắt đầu kỳ báo cáo 01/10/2020"),
])
def test_report_days_outside_the_year_are_refused(year, school, as_of, start, named):
    """2024-2025 runs from 05/09/2024; with no later year its summer ends on 31/08/2025."""
    from db.errors import SisoError
    from db.reports import build

    for form in ("si-so", "bo-hoc", "chuyen-truong", "len-lop", "chi-tieu"):
        if start is not None and form in ("len-lop", "chi-tieu"):
            continue  # these two take no period start
        with pytest.raises(SisoError) as err:
            build(form, year, as_of, start)
        assert err.value.message == (f"{named} nằm ngoài năm học 2024-2025: cần từ ngày 05/09/2024 "
                                     "đến ngày 31/08/2025 (hết hè).")
    assert report_si_so(year, date(2025, 8, 31))["den_ngay"] == "2025-08-31"  # the summer's last day


def test_corrupted_span_is_reported(year, school):
    s11 = school["students"]["s11"]
    admit = Event.get((Event.student == s11) & (Event.kind == "admit"))
    Span.create(student=s11, year=year, klass=school["classes"]["6A10"], start=date(2024, 10, 20),
                end=None, start_event=admit)
    f = report_si_so(year, date(2024, 10, 31))
    assert f["can_bang"] is False
    scopes = {x["pham_vi"]: x for x in f["lech"]}
    assert set(scopes) == {"Lớp 6A10", "Khối 6", "Toàn trường"}
    assert scopes["Lớp 6A10"]["hien_co"] == 2 and scopes["Lớp 6A10"]["theo_bien_dong"] == 1
    assert scopes["Lớp 6A10"]["hoc_sinh"] == [{"ma": "S11", "ho_ten": "Lý Văn Nam"}]
    assert scopes["Toàn trường"]["hoc_sinh"] == [{"ma": "S11", "ho_ten": "Lý Văn Nam"}]


def test_rate_rounds_half_up_and_zero_denominator():
    assert rate(1, 8) == 12.5
    assert rate(1, 16) == 6.3  # 6.25 → 6.3 (half up, not banker's 6.2)
    assert rate(2, 3) == 66.7
    assert rate(1, 0) is None


def test_period_start_after_as_of_is_refused(year, school):
    from db.errors import SisoError

    with pytest.raises(SisoError, match="Ngày bắt đầu kỳ báo cáo"):
        report_si_so(year, date(2024, 10, 1), date(2024, 10, 5))

"""Rates over odd denominators, and the year-end rule shared by F4, F5 and the rollover.

Every expected number is worked out by hand in the comments next to it.
"""

from datetime import date

import pytest

from db import audit
from db.events import record_event
from db.len_lop import report_len_lop
from db.report_common import rate
from db.si_so import report_si_so
from exports.numbers import fmt_rate
from db.school import add_class, add_year, set_settings
from db.students import add_student
from db.chi_tieu import report_chi_tieu
from db.targets import set_target
from exports.forms import tables_of
from exports.table import display

D = date
END = D(2025, 5, 31)  # conftest year: 05/09/2024 – 31/05/2025, reference date 30/09/2024


def _ev(student, year, kind, day, **kw):
    with audit.write(f"test.{kind}"):
        return record_event(student, year, kind, day, **kw)


NAMES = "An Bình Chi Dũng Em Giang Hà Khoa Lan Minh Nam Oanh Phúc".split()


def _student(code, klass, year, day="05/09/2024", dob="01/03/2013", gender="nam"):
    given = NAMES[sum(map(ord, code)) % len(NAMES)]
    data = {"name": f"Nguyễn Văn {given}", "dob": dob, "gender": gender, "code": code}
    return add_student(data, year, klass, entry="admit", day=day)


def _o(row):
    return (row["tong_so"], row["len_lop"]["sl"], row["thi_lai"]["sl"], row["luu_ban"]["sl"],
            row["hoan_thanh"]["sl"], row["chua_co_ket_qua"])


def _rates(row):
    return tuple(row[k]["ty_le"] for k in ("len_lop", "thi_lai", "luu_ban", "hoan_thanh"))


# ---- 1. rates over a denominator of zero or less ---------------------------------------------

def test_rate_needs_a_positive_denominator_and_is_never_minus_zero():
    assert rate(0, -1) is None and rate(5, -4) is None and rate(3, 0) is None
    assert rate(3, None) is None
    tiny = rate(-1, 10000)  # −0.01 % rounds to zero: plain 0.0, not −0.0
    assert tiny == 0.0 and str(tiny) == "0.0"
    assert fmt_rate(tiny) == "0,0%" and fmt_rate(-0.0) == "0,0%"
    assert display(-0.0, "pct") == "0,0" and display(-0.04, "pct") == "0,0"
    assert fmt_rate(rate(2, 3)) == "66,7%" and fmt_rate(None) == ""


def test_dropout_before_reference_date_returns_then_transfers_out(year):
    """8A1 has one student, who dropped out on 20/09 (before the count on 30/09), came back
    on 15/10 and transferred out on 01/11. At the end of November:
    dau_nam 0, luy_ke di_hoc_lai 1, chuyen_di 1, hien_co 0 (balance 0 + 1 − 1 = 0);
    retention base 0 + 0 − 1 = −1 → no rate (it was printed as "-0,0%");
    dropout rate (0 − 1) ÷ 0 → no rate."""
    k = add_class("8A1", 8, year)
    x = _student("X1", k, year)
    _ev(x, year, "dropout", D(2024, 9, 20), reason="01")
    _ev(x, year, "return", D(2024, 10, 15), klass=k)
    _ev(x, year, "transfer_out", D(2024, 11, 1), school="THCS Chư Sê")
    f = report_si_so(year, D(2024, 11, 30), D(2024, 9, 5))
    row = f["lop"][0]
    assert row["dau_nam"]["ts"] == 0 and row["hien_co"]["ts"] == 0
    assert row["luy_ke"]["di_hoc_lai"] == 1 and row["luy_ke"]["chuyen_di"] == 1
    assert row["ty_le_duy_tri"] is None and row["ty_le_bo_hoc"] is None
    for r in (f["khoi"][0], f["toan_truong"]):
        assert r["ty_le_duy_tri"] is None and r["ty_le_bo_hoc"] is None
    assert f["can_bang"] is True
    cells = [display(v, c.kind) for t in tables_of(f) for r in t.rows for v, c in zip(r, t.columns)]
    assert not any(c.startswith("-") for c in cells)


# ---- 2. year-end outcomes: F4, F5 and the rollover agree -------------------------------------

@pytest.fixture
def thcs(year):
    """A THCS school (grades 6–9). 9A: G1 completed (25/05), G2 nothing recorded, G3 held
    back, G4 pending; 8A: P1 nothing recorded. Start of year: 5 students."""
    set_settings({"cap_hoc": "THCS"})
    k9, k8 = add_class("9A", 9, year), add_class("8A", 8, year)
    s = {c: _student(c, k9, year, dob="01/03/2010") for c in ("G1", "G2", "G3", "G4")}
    s["P1"] = _student("P1", k8, year, dob="01/03/2011")
    _ev(s["G1"], year, "completed", D(2025, 5, 25))
    _ev(s["G3"], year, "held_back", D(2025, 5, 25))
    _ev(s["G4"], year, "pending", D(2025, 5, 25))
    set_target(year, "ty_le_hoan_thanh", 75, level="THCS")
    set_target(year, "ty_le_luu_ban", 5, level="THCS")
    return s


def test_before_year_end_outcome_rates_are_not_known(year, thcs):
    f = report_len_lop(year, D(2025, 5, 30))
    assert f["den_cuoi_nam"] is False and f["ngay_cuoi_nam"] == "2025-05-31"
    by = {r["lop"]: r for r in f["lop"]}
    # recorded so far: G1 completed, G3 held back, G4 pending; G2 nothing yet
    assert _o(by["9A"]) == (4, 0, 1, 1, 1, 1)
    assert _o(by["8A"]) == (1, 0, 0, 0, 0, 1)
    assert _o(f["toan_truong"]) == (5, 0, 1, 1, 1, 2)
    for r in (*f["lop"], *f["khoi"], f["toan_truong"]):
        assert _rates(r) == (None, None, None, None)
    t = tables_of(f)[0]
    assert t.rows[0][5] == "chưa có" and t.rows[0][4] == 0  # % cells say so; SL stays
    assert any("Chưa đến ngày kết thúc năm học (31/05/2025)" in n for n in t.footnotes)
    chi = report_chi_tieu(year, D(2025, 5, 30))["chi_tieu"]
    for r in chi:  # repetition and completion: nothing to judge yet
        assert (r["thuc_hien"], r["chenh_lech"], r["dat"], r["them_de_khong_dat"]) == (None, None, None, None)
        assert r["chua_co"] == "Chưa đến cuối năm"
    verdicts = [row[7] for row in tables_of(report_chi_tieu(year, D(2025, 5, 30)))[0].rows]
    assert verdicts == ["Chưa đến cuối năm", "Chưa đến cuối năm"]


def test_from_year_end_a_student_with_no_outcome_is_never_presumed_promoted(year, thcs):
    """F4 used to count G2 as completed and P1 as promoted from the year's end date on;
    docs/forms.md F4 now puts them under «Chưa có kết quả» until an outcome is recorded —
    which the rollover does for the outcome it gives them."""
    from db.rollover import rollover, undo_rollover
    from db.rollover_plan import rollover_preview

    f = report_len_lop(year, END)
    assert f["den_cuoi_nam"] is True
    by = {r["lop"]: r for r in f["lop"]}
    # 9A: G1 completed, G3 held back, G4 pending, G2 nothing recorded; rates over the 4
    assert _o(by["9A"]) == (4, 0, 1, 1, 1, 1)
    assert _rates(by["9A"]) == (0.0, 25.0, 25.0, 25.0)
    # 8A: P1 nothing recorded — no promotion rate the school does not have
    assert _o(by["8A"]) == (1, 0, 0, 0, 0, 1) and _rates(by["8A"])[0] == 0.0
    assert _o(f["toan_truong"]) == (5, 0, 1, 1, 1, 2)
    assert _rates(f["toan_truong"]) == (0.0, 20.0, 20.0, 20.0)
    t = tables_of(f)[0]
    assert t.columns[-1].group == "Chưa có kết quả"
    assert [row[-1] for row in t.rows] == [1, 1, 1, 1, 2]  # 8A, khối 8, 9A, khối 9, school
    assert any("«Chưa có kết quả», không coi là lên lớp" in n for n in t.footnotes)
    chi = {r["ten"]: r for r in report_chi_tieu(year, END)["chi_tieu"]}
    # graduation: only G1 has completed: 1 of the 4 grade-9 students at year end = 25 % < 75 %
    c = chi["ty_le_hoan_thanh"]
    assert (c["tu_so"], c["mau_so"], c["thuc_hien"], c["chenh_lech"], c["dat"]) == (1, 4, 25.0, -50.0, False)
    assert c["chua_co"] is None and c["ghi_chu"] is None
    # repetition: 1 held back of 5 at the start of the year = 20 % > 5 %
    r = chi["ty_le_luu_ban"]
    assert (r["tu_so"], r["mau_so"], r["thuc_hien"], r["dat"]) == (1, 5, 20.0, False)
    verdicts = [row[7] for row in tables_of(report_chi_tieu(year, END))[0].rows]
    assert verdicts == ["Không đạt", "Không đạt"]
    # the rollover (pending treated as held back) gives G2 completion and P1 promotion, and
    # records them: from then on F4 counts them like any other recorded outcome
    plan = rollover_preview(year, pending_as="held-back")
    assert (plan.completers, plan.promoted) == (2, 1)
    rollover(year, pending_as="held-back")
    after = report_len_lop(year, END)
    by = {r["lop"]: r for r in after["lop"]}
    assert _o(by["9A"]) == (4, 0, 1, 1, 2, 0) and _o(by["8A"]) == (1, 1, 0, 0, 0, 0)
    c = {r["ten"]: r for r in report_chi_tieu(year, END)["chi_tieu"]}["ty_le_hoan_thanh"]
    assert (c["tu_so"], c["mau_so"], c["thuc_hien"]) == (2, 4, 50.0)
    assert report_si_so(year, END)["can_bang"] is True  # outcomes move nobody
    # undoing the rollover removes the outcomes it recorded
    undo_rollover("2025-2026")
    assert _o(report_len_lop(year, END)["toan_truong"]) == (5, 0, 1, 1, 1, 2)


def test_promotion_and_dropout_repetition_targets(year, thcs):
    """docs/forms.md F5: ty_le_len_lop = (promoted + completed) ÷ F4's total, pending and no
    result counted as not promoted; ty_le_bo_hoc_luu_ban = (bo_hoc_chua_ra_lop + held
    back) ÷ dau_nam."""
    set_target(year, "ty_le_len_lop", 90, level="THCS")
    set_target(year, "ty_le_bo_hoc_luu_ban", 25, level="THCS")
    early = {r["ten"]: r for r in report_chi_tieu(year, D(2025, 5, 30))["chi_tieu"]}
    for name in ("ty_le_len_lop", "ty_le_bo_hoc_luu_ban"):
        assert (early[name]["thuc_hien"], early[name]["chua_co"]) == (None, "Chưa đến cuối năm")
    chi = {r["ten"]: r for r in report_chi_tieu(year, END)["chi_tieu"]}
    up = chi["ty_le_len_lop"]
    # G1 completed; nobody recorded promoted; 5 students in F4: 1 ÷ 5 = 20 % < 90 %
    assert (up["tu_so"], up["mau_so"], up["thuc_hien"], up["dat"], up["loai"]) == (1, 5, 20.0, False, "toi_thieu")
    both = chi["ty_le_bo_hoc_luu_ban"]
    # no dropout, G3 held back: 1 ÷ 5 = 20 % ≤ 25 %; one more (2 ÷ 5 = 40 %) misses it
    assert (both["tu_so"], both["mau_so"], both["thuc_hien"], both["dat"], both["them_de_khong_dat"]) == (
        1, 5, 20.0, True, 1)


# ---- 3. primary completion: grade-5 completers ÷ grade-1 students four years earlier ---------

def _primary(year, level):
    """5A of 2024-2025: C1 completed, C2 nothing recorded, C3 held back."""
    set_settings({"cap_hoc": level})
    k5 = add_class("5A", 5, year)
    s = {c: _student(c, k5, year, dob="01/03/2014") for c in ("C1", "C2", "C3")}
    _ev(s["C1"], year, "completed", D(2025, 5, 25))
    _ev(s["C3"], year, "held_back", D(2025, 5, 25))
    set_target(year, "ty_le_hoan_thanh", 90, level="TH")
    return s


def test_primary_completion_over_grade_one_four_years_earlier(year):
    _primary(year, "TH")
    old = add_year("2020-2021", "05/09/2020", "31/05/2021", ref="30/09/2020", hk2="11/01/2021")
    k1 = add_class("1A", 1, old)
    for code in ("A1", "A2", "A3", "A4"):
        _student(code, k1, old, day="05/09/2020", dob="01/03/2014")
    late = _student("A5", k1, old, day="15/10/2020", dob="01/03/2014")  # after the count: not in it
    assert late is not None
    f = report_len_lop(year, END)
    # C2 has no recorded outcome: not presumed to complete
    assert _o(f["lop"][0]) == (3, 0, 0, 1, 1, 1)
    row = report_chi_tieu(year, END)["chi_tieu"][0]
    # 1 completer (C1) ÷ 4 grade-1 students at 30/09/2020 = 25 %
    assert (row["tu_so"], row["mau_so"], row["thuc_hien"], row["dat"]) == (1, 4, 25.0, False)
    assert row["ghi_chu"] == "mẫu số là học sinh lớp 1 năm học 2020-2021 (đến hết ngày 30/09/2020)"
    notes = tables_of(report_chi_tieu(year, END))[0].footnotes
    assert any(n.startswith("Dòng 1 (Cấp TH,") and "lớp 1 năm học 2020-2021" in n for n in notes)


def test_primary_completion_falls_back_to_grade_five_in_a_combined_school(year):
    _primary(year, "TH-THCS")
    f = report_len_lop(year, END)
    # C2 has no recorded outcome: neither promoted nor completed
    assert _o(f["lop"][0]) == (3, 0, 0, 1, 1, 1)
    row = report_chi_tieu(year, END)["chi_tieu"][0]
    # no 2020-2021 in the database: C1 completed ÷ 3 grade-5 students = 33.3 %
    assert (row["tu_so"], row["mau_so"], row["thuc_hien"], row["chenh_lech"], row["dat"]) == (
        1, 3, 33.3, -56.7, False)
    assert row["ghi_chu"].startswith("chưa có dữ liệu lớp 1 năm học 2020-2021")
    notes = tables_of(report_chi_tieu(year, END))[0].footnotes
    assert any("chưa có dữ liệu lớp 1 năm học 2020-2021, nên mẫu số là học sinh lớp 5" in n for n in notes)


def test_a_dropout_from_before_the_count_brought_back_lowers_no_rate(year):
    """7A1: nine students from the start, plus one who dropped out on 20/09 (before the count on
    30/09) and was brought back on 15/10 after home visits. A second student drops out on 05/11
    and comes back on 20/11; a third drops out on 25/11 and is still out.

    End of November: dau_nam 9 (the returnee was out on 30/09), hien_co 9 + 1 − 1 = 9.
    Dropouts after the count still out: 1 (the third). Dropout rate 1 ÷ 9 = 11,1%;
    retention 9 ÷ (9 + 1) = 90,0%. (Subtracting every return from every dropout would give
    (2 − 2) ÷ 9 = 0% and 9 ÷ 8 = 112,5%.)"""
    k = add_class("7A1", 7, year)
    students = [_student(f"S{i:02d}", k, year) for i in range(10)]
    back = students[9]
    _ev(back, year, "dropout", D(2024, 9, 20), reason="01")
    _ev(back, year, "return", D(2024, 10, 15), klass=k)
    _ev(students[0], year, "dropout", D(2024, 11, 5), reason="02")
    _ev(students[0], year, "return", D(2024, 11, 20), klass=k)
    _ev(students[1], year, "dropout", D(2024, 11, 25), reason="03")
    form = report_si_so(year, D(2024, 11, 30))
    row = form["lop"][0]
    assert (row["dau_nam"]["ts"], row["hien_co"]["ts"]) == (9, 9)
    assert (row["luy_ke"]["bo_hoc"], row["luy_ke"]["di_hoc_lai"]) == (2, 2)
    assert row["bo_hoc_chua_ra_lop"] == 1
    assert (row["ty_le_bo_hoc"], row["ty_le_duy_tri"]) == (11.1, 90.0)
    assert form["can_bang"] is True
    # a month earlier the returnee is in and nobody after the count has left
    row = report_si_so(year, D(2024, 10, 31))["lop"][0]
    assert (row["ty_le_bo_hoc"], row["ty_le_duy_tri"]) == (0.0, 100.0)
    set_target(year, "ty_le_bo_hoc", 2, level="THCS")
    f5 = report_chi_tieu(year, D(2024, 11, 30))
    drop = next(r for r in f5["chi_tieu"] if r["ten"] == "ty_le_bo_hoc")
    assert (drop["tu_so"], drop["mau_so"], drop["thuc_hien"], drop["dat"]) == (1, 9, 11.1, False)


def test_the_rollover_dates_a_given_outcome_so_the_history_stays_valid(year, thcs):
    """P1 (nothing recorded) moves from 8A to 8B in the summer, on 15/06/2025. The outcome
    the rollover gives him must name 8B on a day he is in it: 15/06, not the year's end
    (31/05), when he was in 8A."""
    from db.events import last_exit_before, replay, year_events
    from db.models import Event
    from db.rollover import rollover

    k8b = add_class("8B", 8, year)
    _ev(thcs["P1"], year, "class_change", D(2025, 6, 15), klass=k8b)
    rollover(year, pending_as="held-back")
    given = Event.get((Event.student == thcs["P1"]) & (Event.kind == "promoted"))
    assert (given.date, given.klass_id, given.year_id) == (D(2025, 6, 15), k8b.id, year.id)
    g2 = Event.get((Event.student == thcs["G2"]) & (Event.kind == "completed"))
    assert g2.date == END
    for s in thcs.values():  # every history still replays without a misfit
        replay(year_events(s.id, year.id), last_exit_before(s.id, year))

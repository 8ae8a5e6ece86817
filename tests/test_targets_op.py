"""Each target's comparison (``so_sanh``: lt, le, gt, ge): set, listed, defaulted so that
existing targets keep their meaning, and judged by in F5 — on the shared small school
(``report_school``: on 31/10/2024 grade 6 has 1 dropout still out of 10 at the start of the
year, 10.0 %, and retention 8 ÷ 9 = 88.9 %)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from db.errors import SisoError
from db.models import Target
from db.chi_tieu import more_to_exceed, more_to_fall, report_chi_tieu
from db.targets import list_targets, set_target
from report_school import build_school
from cli import main


@pytest.fixture
def school(year):
    return build_school(year)


def test_strict_margins_by_hand():
    # «dưới 3%» (lt): 3 more of 100 publish 3.0 %, which breaks it; «không vượt quá 3%» needs 4
    assert more_to_exceed(0, 100, 3, strict=True) == 3
    assert more_to_exceed(0, 100, 3) == 4
    # of 1000: 1.95 % publishes 2.0 %, so 20 (2.0 %) break «dưới 2%»; «≤ 2%» breaks at 21 (2.1 %)
    assert more_to_exceed(0, 1000, 2, strict=True) == 20
    assert more_to_exceed(20, 1000, 2, strict=True) is None  # 2.0 % is already not «dưới 2%»
    # «trên 98%» (gt): 99 of 100 → one loss gives 98 %, no longer above; «từ 98%» needs 2
    assert more_to_fall(99, 100, 98, strict=True) == 1
    assert more_to_fall(99, 100, 98) == 2
    assert more_to_fall(980, 1000, 98, strict=True) is None  # 98.0 % is not above 98 %


def test_comparison_defaults_and_is_kept(year):
    set_target(year, "ty_le_bo_hoc", 2, level="THCS")
    set_target(year, "ty_le_duy_tri", 98, level="THCS")
    set_target(year, "ty_le_bo_hoc_luu_ban", 3, level="THCS", op="lt")
    set_target(year, "ty_le_len_lop", 98, level="THCS", op="ge")
    assert [(t["ten"], t["so_sanh"], t["gia_tri"]) for t in list_targets(year)] == [
        ("ty_le_bo_hoc", "le", 2.0), ("ty_le_duy_tri", "ge", 98.0),
        ("ty_le_len_lop", "ge", 98.0), ("ty_le_bo_hoc_luu_ban", "lt", 3.0)]
    assert Target.get(Target.name == "ty_le_bo_hoc").op is None  # no comparison given: the default
    set_target(year, "ty_le_bo_hoc_luu_ban", 2.5, level="THCS")  # a new value keeps «dưới»
    assert [t["so_sanh"] for t in list_targets(year) if t["ten"] == "ty_le_bo_hoc_luu_ban"] == ["lt"]


def test_bad_comparisons_and_values_are_refused(year):
    set_target(year, "ty_le_bo_hoc", 2, level="THCS", op="lt")
    for name, value, op, words in (("ty_le_bo_hoc", 2, "ge", "cần lt hoặc le"),
                                   ("ty_le_len_lop", 98, "lt", "cần gt hoặc ge"),
                                   ("ty_le_bo_hoc", 2, "eq", "Phép so sánh «eq»"),
                                   ("ty_le_bo_hoc_luu_ban", 101, "lt", "từ 0 đến 100"),
                                   ("ty_le_len_lop", -1, "ge", "từ 0 đến 100")):
        with pytest.raises(SisoError, match=words):
            set_target(year, name, value, level="THCS", op=op)
    assert [(t["ten"], t["so_sanh"], t["gia_tri"]) for t in list_targets(year)] == [("ty_le_bo_hoc", "lt", 2.0)]


def test_f5_judges_by_the_comparison(year, school):
    set_target(year, "ty_le_bo_hoc", 10, grade=6)  # ≤ 10 %: 10.0 % meets it
    set_target(year, "ty_le_duy_tri", 88.9, grade=6, op="gt")  # > 88.9 %: 88.9 % does not
    set_target(year, "ty_le_bo_hoc", 30, level="THCS", op="lt")  # THCS: 1 of 11 = 9.1 % < 30 %
    f5 = {(r["pham_vi"], r["ten"]): r for r in report_chi_tieu(year, date(2024, 10, 31))["chi_tieu"]}
    r = f5[("Khối 6", "ty_le_bo_hoc")]
    assert (r["so_sanh"], r["thuc_hien"], r["dat"], r["them_de_khong_dat"]) == ("le", 10.0, True, 1)
    r = f5[("Khối 6", "ty_le_duy_tri")]
    assert (r["so_sanh"], r["thuc_hien"], r["dat"], r["them_de_khong_dat"]) == ("gt", 88.9, False, None)
    # «dưới 30%» of 11: 3 more → 4/11 = 36.4 %; 2 more → 3/11 = 27.3 % still below
    r = f5[("Cấp THCS", "ty_le_bo_hoc")]
    assert (r["so_sanh"], r["thuc_hien"], r["dat"], r["them_de_khong_dat"]) == ("lt", 9.1, True, 3)
    set_target(year, "ty_le_bo_hoc", 10, grade=6, op="lt")  # < 10 %: 10.0 % is not
    r = {(x["pham_vi"], x["ten"]): x for x in report_chi_tieu(year, date(2024, 10, 31))["chi_tieu"]}
    assert r[("Khối 6", "ty_le_bo_hoc")]["dat"] is False


def test_cli_target_op(year, db, school, tmp_path, capsys):
    path = db.database

    def run(*argv):
        code = main(["--db", path, "--user", "thu.ky", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run("target", "set", "--year", "2024-2025", "--level", "THCS", "--name",
                       "ty_le_bo_hoc_luu_ban", "--value", "3", "--op", "lt")
    assert code == 0 and "< 3%" in out
    code, out, _ = run("target", "list", "--year", "2024-2025")
    assert "Dưới (<)" in out
    code, out, _ = run("target", "list", "--year", "2024-2025", "--format", "json")
    assert [(r["ten"], r["so_sanh"]) for r in json.loads(out)] == [("ty_le_bo_hoc_luu_ban", "lt")]
    code, _, err = run("target", "set", "--year", "2024-2025", "--level", "THCS", "--name",
                       "ty_le_len_lop", "--value", "120", "--op", "ge")
    assert code == 2 and "từ 0 đến 100" in err

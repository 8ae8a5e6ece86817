"""Graduates' destinations (F4), F7 ``nam-sinh`` and F6's sums, on a small THCS school over
two years with a rollover, worked out by hand.

Year 2024-2025 (05/09/2024 – 31/05/2025, reference date 30/09/2024); everyone admitted
05/09/2024 unless said. Villages: «Thôn 1» and «Thôn 2» of «Xã A», «Làng Mới» of «Xã B».

    9A  g1 Nguyễn Văn An    2010, Thôn 1 — completed 31/05/2025 → THPT
        g2 Trần Thị Bình    2010, nữ, Tày (02), Thôn 2 → GDTX
        g3 Lê Văn Cường     2010, Thôn 1 → học nghề
        g4 Phạm Thị Dung    2010, nữ, Thôn 2 → đi làm
        g5 Hoàng Văn Đức    2009, Thôn 1 → không rõ (recorded)
        g6 Vũ Văn Giang     2010, Thôn 1 → completed with no destination (counts «không rõ»)
    8A  p1 Đỗ Văn Hải       2011, Thôn 1 — promoted
        r1 Bùi Thị Hoa      2011, nữ, disability 01, Thôn 2 — held back (repeats grade 8)
        t1 Ngô Văn Khánh    2011, Thôn 2 — transfer in 20/10/2024, promoted
        o1 Đặng Văn Long    2011, Thôn 1 — transfer out 10/10/2024
        d1 Lý Thị Mai       2011, nữ, Thôn 2 — dropout 15/11/2024
        v1 Mai Văn Nam      2011, Thôn 1 — admission voided (counts nowhere)

Rollover into 2025-2026 (05/09/2025 …, reference date 30/09/2025): p1, t1 → 9A; r1 → 8A.
In 2025-2026: n1 Tạ Văn Phúc (2012, Làng Mới, Xã B) admitted to 8A 05/09/2025; p1 drops out
20/09/2025; t1 transfers out 25/09/2025.
"""

from __future__ import annotations

from datetime import date

import pytest

from db import audit, clock, len_lop, reports, rollover, yearend
from db.do_tuoi import report_do_tuoi
from db.errors import SisoError
from db.events import record_event
from db.movements import void_event
from db.nam_sinh import report_nam_sinh
from db.models import Event
from db.school import add_class, get_year, set_settings
from db.students import add_student

D = date


def _ev(student, year, kind, day, **kw):
    with audit.write(f"test.{kind}"):
        return record_event(student, year, kind, day, **kw)


@pytest.fixture
def school(year):
    with clock.fixed(D(2025, 6, 15)):
        set_settings({"ten_truong": "Trường THCS Tơ Tung", "co_quan_quan_ly": "UBND xã Tơ Tung",
                      "dia_danh": "Tơ Tung"})
        c9, c8 = add_class("9A", 9, year), add_class("8A", 8, year)
        s = {}

        def st(key, name, klass, dob, village, gender="nam", commune="Xã A", day="05/09/2024",
               entry="admit", y=year, **extra):
            data = {"name": name, "dob": dob, "gender": gender, "code": key.upper(), "village": village,
                    "commune": commune, "new_village": True, **extra}
            s[key] = add_student(data, y, klass, entry=entry, day=day)
            return s[key]

        st("g1", "Nguyễn Văn An", c9, "01/02/2010", "Thôn 1")
        st("g2", "Trần Thị Bình", c9, "02/02/2010", "Thôn 2", "nữ", ethnic="02")
        st("g3", "Lê Văn Cường", c9, "03/02/2010", "Thôn 1")
        st("g4", "Phạm Thị Dung", c9, "04/02/2010", "Thôn 2", "nữ")
        st("g5", "Hoàng Văn Đức", c9, "05/02/2009", "Thôn 1")
        st("g6", "Vũ Văn Giang", c9, "06/02/2010", "Thôn 1")
        st("p1", "Đỗ Văn Hải", c8, "01/03/2011", "Thôn 1")
        st("r1", "Bùi Thị Hoa", c8, "02/03/2011", "Thôn 2", "nữ", disability="01")
        st("t1", "Ngô Văn Khánh", c8, "03/03/2011", "Thôn 2", day="20/10/2024", entry="transfer_in")
        st("o1", "Đặng Văn Long", c8, "04/03/2011", "Thôn 1")
        st("d1", "Lý Thị Mai", c8, "05/03/2011", "Thôn 2", "nữ")
        st("v1", "Mai Văn Nam", c8, "06/03/2011", "Thôn 1")
        admit = Event.get((Event.student == s["v1"]) & (Event.kind == "admit"))
        void_event(admit.id, "nhập nhầm")
        _ev(s["o1"], year, "transfer_out", D(2024, 10, 10), school="THCS Ia Grai", scope="01")
        _ev(s["d1"], year, "dropout", D(2024, 11, 15), reason="01")
        for key, dest in (("g1", "thpt"), ("g2", "gdtx"), ("g3", "nghe"), ("g4", "lam-viec"),
                          ("g5", "khong-ro"), ("g6", None)):
            yearend.set_outcome(s[key], year, "completed", destination=dest)
        yearend.set_outcome(s["p1"], year, "promoted")
        yearend.set_outcome(s["t1"], year, "promoted")
        yearend.set_outcome(s["r1"], year, "held-back")
    with clock.fixed(D(2025, 8, 20)):
        rollover.rollover(year, "2025-2026")
    y2 = get_year("2025-2026")
    with clock.fixed(D(2025, 9, 30)):
        k8 = next(k for k in y2.classes if k.grade == 8)
        st("n1", "Tạ Văn Phúc", k8, "07/04/2012", "Làng Mới", commune="Xã B", day="05/09/2025", y=y2)
        _ev(s["p1"], y2, "dropout", D(2025, 9, 20), reason="01")
        _ev(s["t1"], y2, "transfer_out", D(2025, 9, 25), school="THCS Kim Đồng", scope="01")
    return {"year": year, "next": y2, "students": s}


def _rows(form):
    return [(r["ma"], r["trang_thai"], r["lop"], r["noi_hoc_tiep"], r["xa"], r["thon"]) for r in form["hoc_sinh"]]


# ---- destinations --------------------------------------------------------------------------

def test_f4_splits_the_graduates_by_destination(school):
    f4 = len_lop.report_len_lop(school["year"], D(2025, 5, 31))
    want = {"thpt": 1, "gdtx": 1, "nghe": 1, "lam_viec": 1, "khong_ro": 2}  # g5 recorded, g6 none
    (c9,) = [r for r in f4["lop"] if r["lop"] == "9A"]
    (c8,) = [r for r in f4["lop"] if r["lop"] == "8A"]
    assert c9["hoan_thanh"]["sl"] == 6 and c9["noi_hoc_tiep"] == want
    assert "noi_hoc_tiep" not in c8  # not the school's top grade
    assert [g["noi_hoc_tiep"] for g in f4["khoi"] if g["khoi"] == 9] == [want]
    assert f4["toan_truong"]["noi_hoc_tiep"] == want
    assert sum(want.values()) == f4["toan_truong"]["hoan_thanh"]["sl"]


def test_f4_destination_table_in_the_export(school):
    from exports.forms import tables_of

    f4 = len_lop.report_len_lop(school["year"], D(2025, 5, 31))
    (dest,) = tables_of(f4)[0].below
    assert dest.rows[0] == ["1", "9A", 6, 1, 1, 1, 1, 2]
    assert dest.rows[-1] == ["", "Toàn trường", 6, 1, 1, 1, 1, 2]


def test_destination_only_for_a_graduate_of_the_top_grade(school):
    y, s = school["year"], school["students"]
    before = Event.select().count()
    with pytest.raises(SisoError, match="completed") as err:
        yearend.set_outcome(s["p1"], y, "promoted", destination="thpt")
    assert err.value.field == "noi_hoc_tiep"
    with pytest.raises(SisoError, match="Nơi học tiếp «dai-hoc» không hợp lệ"):
        yearend.set_outcome(s["g1"], y, "completed", destination="dai-hoc")
    assert Event.select().count() == before


def test_destination_changed_after_the_rollover_keeps_the_completion(school):
    y, s = school["year"], school["students"]
    ev = yearend.set_outcome(s["g6"], y, "completed", destination="thpt")
    assert ev.kind == "completed" and Event.get_by_id(ev.id).destination == "thpt"
    f4 = len_lop.report_len_lop(y, D(2025, 5, 31))
    assert f4["toan_truong"]["noi_hoc_tiep"] == {"thpt": 2, "gdtx": 1, "nghe": 1, "lam_viec": 1, "khong_ro": 1}


# ---- F7 --------------------------------------------------------------------------------------

def test_f7_first_year_at_its_end(school):
    f7 = report_nam_sinh(school["year"], D(2025, 5, 31))
    # Xã A: Thôn 1 then Thôn 2; each by birth year, then name (given name first)
    assert _rows(f7) == [
        ("G5", "hoan_thanh", "9A", "khong_ro", "Xã A", "Thôn 1"),   # 2009
        ("G1", "hoan_thanh", "9A", "thpt", "Xã A", "Thôn 1"),       # 2010: An, Cường, Giang
        ("G3", "hoan_thanh", "9A", "nghe", "Xã A", "Thôn 1"),
        ("G6", "hoan_thanh", "9A", "khong_ro", "Xã A", "Thôn 1"),
        ("P1", "dang_hoc", "8A", None, "Xã A", "Thôn 1"),           # 2011: Hải, Long
        ("O1", "chuyen_di", "8A", None, "Xã A", "Thôn 1"),
        ("G2", "hoan_thanh", "9A", "gdtx", "Xã A", "Thôn 2"),       # 2010: Bình, Dung
        ("G4", "hoan_thanh", "9A", "lam_viec", "Xã A", "Thôn 2"),
        ("R1", "dang_hoc", "8A", None, "Xã A", "Thôn 2"),           # 2011: Hoa, Khánh, Mai
        ("T1", "dang_hoc", "8A", None, "Xã A", "Thôn 2"),
        ("D1", "bo_hoc", "8A", None, "Xã A", "Thôn 2"),
    ]
    grid = {c["tuoi"]: c for c in f7["tong_hop"]}
    assert sorted(grid) == list(range(11, 19))
    assert grid[15]["ts"] == 1 and grid[15]["hoan_thanh"] == 1                  # g5 (2009)
    assert grid[14] == {"tuoi": 14, "nam_sinh": 2010, "ts": 5, "nu": 2, "dtts": 1, "kt": 0,
                        "dang_hoc": {"8": 0, "9": 0}, "hoan_thanh": 5,
                        "noi_hoc_tiep": {"thpt": 1, "gdtx": 1, "nghe": 1, "lam_viec": 1, "khong_ro": 1},
                        "bo_hoc": 0, "chuyen_di": 0, "chua_ra_lop": 0}
    assert grid[13] == {"tuoi": 13, "nam_sinh": 2011, "ts": 5, "nu": 2, "dtts": 0, "kt": 1,
                        "dang_hoc": {"8": 3, "9": 0}, "hoan_thanh": 0,
                        "noi_hoc_tiep": dict.fromkeys(("thpt", "gdtx", "nghe", "lam_viec", "khong_ro"), 0),
                        "bo_hoc": 1, "chuyen_di": 1, "chua_ra_lop": 0}


def test_f7_before_the_transfer_in_and_at_the_reference_date(school):
    f7 = report_nam_sinh(school["year"])  # default: the reference date 30/09/2024
    assert f7["den_ngay"] == "2024-09-30"
    got = {r[0]: r[1] for r in _rows(f7)}
    # t1 comes 20/10, o1 leaves 10/10, d1 15/11; no outcome yet; v1 never counts
    assert got == {"G1": "dang_hoc", "G2": "dang_hoc", "G3": "dang_hoc", "G4": "dang_hoc", "G5": "dang_hoc",
                   "G6": "dang_hoc", "P1": "dang_hoc", "R1": "dang_hoc", "O1": "dang_hoc", "D1": "dang_hoc"}


def test_f7_second_year_lists_last_years_graduates_aged_15_to_18(school):
    f7 = report_nam_sinh(school["next"])  # 30/09/2025; ages from 2025
    assert _rows(f7) == [
        ("G5", "hoan_thanh", "9A", "khong_ro", "Xã A", "Thôn 1"),   # 2009, 16
        ("G1", "hoan_thanh", "9A", "thpt", "Xã A", "Thôn 1"),       # 2010, 15
        ("G3", "hoan_thanh", "9A", "nghe", "Xã A", "Thôn 1"),
        ("G6", "hoan_thanh", "9A", "khong_ro", "Xã A", "Thôn 1"),
        ("P1", "bo_hoc", "9A", None, "Xã A", "Thôn 1"),             # 2011: dropped out 20/09/2025
        ("G2", "hoan_thanh", "9A", "gdtx", "Xã A", "Thôn 2"),
        ("G4", "hoan_thanh", "9A", "lam_viec", "Xã A", "Thôn 2"),
        ("R1", "dang_hoc", "8A", None, "Xã A", "Thôn 2"),           # the repeater, grade 8 again
        ("T1", "chuyen_di", "9A", None, "Xã A", "Thôn 2"),
        ("N1", "dang_hoc", "8A", None, "Xã B", "Làng Mới"),
    ]
    grid = {c["tuoi"]: c for c in f7["tong_hop"]}
    assert (grid[16]["ts"], grid[16]["hoan_thanh"], grid[16]["noi_hoc_tiep"]["khong_ro"]) == (1, 1, 1)
    assert grid[15]["ts"] == 5 and grid[15]["noi_hoc_tiep"] == {"thpt": 1, "gdtx": 1, "nghe": 1,
                                                                "lam_viec": 1, "khong_ro": 1}
    assert (grid[14]["ts"], grid[14]["dang_hoc"], grid[14]["bo_hoc"], grid[14]["chuyen_di"]) == (
        3, {"8": 1, "9": 0}, 1, 1)
    assert (grid[13]["ts"], grid[13]["dang_hoc"]) == (1, {"8": 1, "9": 0})
    for c in f7["tong_hop"]:
        assert c["ts"] == (sum(c["dang_hoc"].values()) + c["hoan_thanh"] + c["bo_hoc"] + c["chuyen_di"]
                           + c["chua_ra_lop"])
        assert sum(c["noi_hoc_tiep"].values()) == c["hoan_thanh"]


def test_f7_refuses_a_period_start(school):
    with pytest.raises(SisoError, match="--from"):
        reports.build("nam-sinh", school["next"], D(2025, 9, 30), D(2025, 9, 1))


def test_f7_xlsx_one_sheet_per_commune_page_break_between_villages(school, tmp_path):
    from openpyxl import load_workbook

    from exports.files import write_form

    path = write_form(report_nam_sinh(school["next"]), tmp_path / "f7.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Tong hop", "Xã A", "Xã B"]
    ws = wb["Xã A"]
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"  # A4
    assert ws.print_title_rows  # header rows repeated on every printed page
    breaks = [b.id for b in ws.row_breaks.brk]
    assert len(breaks) == 1  # Thôn 1 | Thôn 2
    assert str(ws.cell(breaks[0] + 1, 2).value).startswith("Thôn/làng: Thôn 2")
    assert not wb["Xã B"].row_breaks.brk


def test_f7_every_format(school, tmp_path):
    from exports.files import write_form

    form = report_nam_sinh(school["next"])
    for fmt in ("ods", "csv", "json"):
        assert write_form(form, tmp_path / f"f7.{fmt}").stat().st_size > 0
    text = (tmp_path / "f7.csv").read_text(encoding="utf-8-sig")
    assert "Tạ Văn Phúc" in text and "Tổng số" in text


# ---- F6 --------------------------------------------------------------------------------------

@pytest.mark.parametrize("which,day", [("year", D(2024, 9, 30)), ("year", D(2024, 12, 1)),
                                       ("year", D(2025, 5, 31)), ("next", D(2025, 9, 30)),
                                       ("next", D(2025, 9, 21))])
def test_f6_breakdowns_sum_to_the_total(school, which, day):
    f6 = report_do_tuoi(school[which], day)
    for key in ("ts", "nu", "dtts", "dtts_nu"):
        assert sum(g[key] for g in f6["khoi"]) == f6["tong"][key]
        assert sum(a[key] for a in f6["tuoi"]) == f6["tong"][key]
        for on_age in f6["dung_do_tuoi"]:
            assert on_age[key] <= next(g[key] for g in f6["khoi"] if g["khoi"] == on_age["khoi"])


def test_f6_second_year_by_hand(school):
    # 21/09/2025: r1 (8A, repeater, 2011), n1 (8A, new, 2012), t1 (9A, 2011); p1 left 20/09
    f6 = report_do_tuoi(school["next"], D(2025, 9, 21))
    assert f6["tong"] == {"ts": 3, "nu": 1, "dtts": 0, "dtts_nu": 0}
    assert [(g["khoi"], g["ts"]) for g in f6["khoi"]] == [(8, 2), (9, 1)]
    assert [(a["tuoi"], a["ts"]) for a in f6["tuoi"]] == [(13, 1), (14, 2)]
    assert f6["luu_ban_hoc_lai"]["ts"] == 1  # r1


def test_cli_outcome_destination_and_report(school, db, capsys):
    import json

    from cli import main

    def run(*argv):
        code = main(["--db", db.database, "--user", "thu.ky", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    code, _, err = run("year", "outcome", "--year", "2024-2025", "--student", "G6", "--result", "completed",
                       "--destination", "lam-viec")
    assert code == 0, err
    code, out, _ = run("report", "len-lop", "--year", "2024-2025", "--as-of", "31/05/2025", "--format", "json")
    assert json.loads(out)["toan_truong"]["noi_hoc_tiep"] == {"thpt": 1, "gdtx": 1, "nghe": 1, "lam_viec": 2,
                                                              "khong_ro": 1}
    code, _, err = run("year", "outcome", "--year", "2024-2025", "--student", "G6", "--result", "completed",
                       "--destination", "dai-hoc")
    assert code == 2 and "dai-hoc" in err
    code, out, _ = run("report", "nam-sinh", "--year", "2025-2026", "--format", "json")
    assert {r["ma"]: r["noi_hoc_tiep"] for r in json.loads(out)["hoc_sinh"]}["G6"] == "lam_viec"
    code, _, err = run("report", "nam-sinh", "--year", "2025-2026", "--from", "01/09/2025")
    assert code == 2 and "--from" in err


def test_migration_from_v5_keeps_targets_meaning(tmp_path):
    """Schema 5 → 6 adds event.destination and target.op (both empty): the old targets keep
    their comparison (dropout, repetition ≤; retention ≥)."""
    import sqlite3
    from pathlib import Path

    from db.connection import close_database, open_database
    from db.targets import list_targets

    path = tmp_path / "v5.sqlite3"
    with sqlite3.connect(path) as con:
        con.executescript((Path(__file__).with_name("schemas") / "v5.sql").read_text(encoding="utf-8"))
    db = open_database(str(path))
    try:
        assert {"destination"} <= {c.name for c in db.get_columns("event")}
        assert {"op"} <= {c.name for c in db.get_columns("target")}
        from db.models import SchoolYear

        year = SchoolYear.select().first()
        got = {t["ten"]: t["so_sanh"] for t in list_targets(year)}
        assert got["ty_le_bo_hoc"] == "le" and got["ty_le_duy_tri"] == "ge" and got["ty_le_luu_ban"] == "le"
        assert Event.select().where(Event.destination.is_null(False)).count() == 0
    finally:
        close_database()

"""The reader's scope (db.scope): every list, search, record and form of db/ reads through it.

The school of ``report_school``: 6A1 had s1…s6 this year (s4 transferred out, s5 dropped out
and came back, s6 moved to 6A2 on 01/10/2024); 6A2 s6…s10; 6A10 s11; 7A1 s12…s14. Expected
sets are written out from that history, not computed by the code under test.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from db import len_lop, movement_lists, reports, scope, si_so
from db.errors import SisoError
from db.scope import Scope
from report_school import build_school

SIX_A1 = {"S1", "S2", "S3", "S4", "S5", "S6"}  # any span in 6A1 this year, those who left too
# distinctive names of students who were never in 6A1
OTHERS = ["Đỗ Thị Hà", "Bùi Văn Khoa", "Ngô Thị Lan", "Đặng Văn Minh", "Lý Văn Nam",
          "Mai Thị Oanh", "Tạ Văn Phúc", "Hồ Văn Quân"]


@pytest.fixture
def school(year):
    return build_school(year)


def homeroom(school, name="6A1"):
    return Scope(class_ids=frozenset({school["classes"][name].id}), label=f"Lớp {name}")


def test_whole_school_adds_no_condition(school, year):
    assert scope.current().whole
    assert scope.class_condition(year) is None and scope.student_condition(year) is None
    assert "pham_vi" not in si_so.report_si_so(year, "31/10/2024")


def test_roster_and_search_of_a_homeroom_teacher(school, year):
    from db import roster

    scope.set_current(homeroom(school))
    day = date(2024, 11, 30)
    assert {r.code for r in roster.roster_rows(year, day)} == SIX_A1
    index = roster.roster_index(year, day)
    assert {index.row(i).code for i in range(len(index))} == SIX_A1
    assert roster.roster_rows(year, day, search="Lan") == []  # Ngô Thị Lan is in 6A2
    assert [r.code for r in roster.roster_rows(year, day, search="An")] == ["S1"]
    assert {r.code for r in roster.roster_rows(year, day, include_left=False)} == {"S1", "S2", "S3", "S5", "S6"}
    with pytest.raises(SisoError, match="Lớp 6A2 không thuộc phạm vi"):
        roster.roster_rows(year, day, klass=school["classes"]["6A2"])
    assert [c.name for c in roster.class_counts(year, day)] == ["6A1"]


def test_grades_scope(school, year):
    from db import roster

    scope.set_current(Scope(grades=frozenset({7}), label="Khối 7"))
    assert {r.code for r in roster.roster_rows(year, date(2024, 11, 30))} == {"S12", "S13", "S14"}


def test_student_record_outside_the_scope_is_refused(school, year):
    from db.history import history
    from db.students import read_student

    scope.set_current(homeroom(school))
    assert read_student("S6").code == "S6"  # left 6A1 for 6A2: still the teacher's
    with pytest.raises(SisoError, match="Học sinh mã «S9» không thuộc phạm vi bạn được xem"):
        read_student("S9")
    with pytest.raises(SisoError, match="không thuộc phạm vi"):
        history(school["students"]["s12"])


def test_event_list(school, year):
    from db import movement_register

    scope.set_current(homeroom(school))
    rows = movement_register.list_events(year)
    assert {r.code for r in rows} <= SIX_A1 and {"S4", "S5", "S6"} <= {r.code for r in rows}
    with pytest.raises(SisoError, match="Lớp 7A1 không thuộc phạm vi"):
        movement_register.list_events(year, klass="7A1")


def test_f1_shows_only_the_class_and_labels_its_total(school, year):
    from exports.forms import tables_of

    whole = si_so.report_si_so(year, "30/11/2024", "05/09/2024")
    scope.set_current(homeroom(school))
    form = si_so.report_si_so(year, "30/11/2024", "05/09/2024")
    assert [r["lop"] for r in form["lop"]] == ["6A1"] and [g["khoi"] for g in form["khoi"]] == [6]
    mine = next(r for r in whole["lop"] if r["lop"] == "6A1")
    assert form["lop"][0] == mine  # the class's own row is the school's row for it
    for part in ("dau_nam", "hien_co", "luy_ke", "trong_ky"):
        assert form["toan_truong"][part] == mine[part]  # the total of the rows shown
    assert form["toan_truong"]["hien_co"]["ts"] == si_so.balance_of(form["toan_truong"])
    assert form["pham_vi"] == "Lớp 6A1" and form["can_bang"]
    table = tables_of(form)[0]
    labels = [row[1] for row in table.rows]
    assert "Tổng các dòng hiển thị" in labels and "Toàn trường" not in labels
    assert "Cộng khối 6 (các dòng hiển thị)" in labels
    assert any("Phạm vi: Lớp 6A1" in line for line in table.lines)


def test_lists_f2_f3_f4(school, year):
    scope.set_current(homeroom(school))
    f2 = movement_lists.report_bo_hoc(year, "31/05/2025", "05/09/2024")
    assert [s["ma"] for k in f2["khoi"] for s in k["hoc_sinh"]] == ["S5"]
    assert sum(r["so_luong"] for r in f2["theo_ly_do"]) == 1 == f2["tong"]  # S13's is 7A1's
    f3 = movement_lists.report_chuyen_truong(year, "31/05/2025", "05/09/2024")
    assert [s["ma"] for s in f3["chuyen_di"]] == ["S4"] and f3["chuyen_den"] == []
    f4 = len_lop.report_len_lop(year, "31/05/2025")
    assert [r["lop"] for r in f4["lop"]] == ["6A1"]
    assert {s["ma"] for s in f4["danh_sach"]} == {"S3", "S5"}  # S6 ends the year in 6A2


@pytest.mark.parametrize("form", list(reports.FORMS))
def test_no_form_names_a_student_of_another_class(school, year, form):
    scope.set_current(homeroom(school))
    start = None if form in reports.AS_OF_ONLY or form == "len-lop" else "05/09/2024"
    built = reports.build(form, year, "31/05/2025", start)
    text = json.dumps(built, ensure_ascii=False)
    assert built["pham_vi"] == "Lớp 6A1"
    for name in OTHERS:
        assert name not in text, (form, name)


def test_whole_school_forms_unchanged_by_a_reset(school, year):
    before = json.dumps(reports.build("si-so", year, "31/05/2025"), ensure_ascii=False)
    scope.set_current(homeroom(school))
    reports.build("si-so", year, "31/05/2025")
    scope.set_current(None)
    assert json.dumps(reports.build("si-so", year, "31/05/2025"), ensure_ascii=False) == before

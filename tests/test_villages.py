"""Villages as records: the migration from free text, the one rule every door follows to put
a student in a village, similar spellings, merge, and the CLI (``siso village …``)."""

import json
import sqlite3
from pathlib import Path

import pytest

from db import villages
from db.connection import close_database, open_database
from db.errors import SisoError
from db.models import Audit, Student, Village
from db.school import add_class
from db.students import add_student, update_student

V1 = Path(__file__).with_name("schemas") / "v1.sql"


# ---- the migration ---------------------------------------------------------------------------

def test_migration_keeps_every_free_text_village_as_a_record(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as con:
        con.executescript(V1.read_text(encoding="utf-8"))
        # spellings that differ only in case / accents / spaces, and one name in two communes
        con.execute("UPDATE student SET village = 'thôn 2' WHERE id = 2")
        con.execute("UPDATE student SET village = 'Thon  2' WHERE id = 3")
        con.execute("UPDATE student SET village = 'Thôn 1', commune = 'Xã Ia Ka' WHERE id = 4")
        con.execute("UPDATE student SET village = 'Thôn 1', commune = 'Xã Tơ Tung' WHERE id = 5")
        con.execute("UPDATE student SET village = '' WHERE id = 6")
        before = con.execute("SELECT id, village, commune FROM student").fetchall()
    open_database(str(path))
    try:
        pairs = {(c, v) for _id, v, c in before if v}
        assert {(v.commune, v.name) for v in Village.select()} == pairs  # nothing merged
        assert Village.select().count() == len(pairs)
        for sid, name, commune in before:
            st = Student.get_by_id(sid)
            assert (st.village, st.commune) == (name, commune)  # the text is kept exactly
            if name:
                assert (st.village_ref.name, st.village_ref.commune) == (name, commune)
            else:
                assert st.village_ref is None
        groups = [sorted(v.name for v in g) for g in villages.similar_groups()]
        assert ["Thon  2", "Thôn 2", "thôn 2"] in groups
        assert not any("Thôn 1" in g for g in groups)  # same name, two communes: not similar
    finally:
        close_database()


# ---- the rule every door follows ---------------------------------------------------------------

@pytest.fixture
def place(year):
    klass = add_class("6A1", 6, year)
    villages.add_village("Thôn 1", "Xã Ia Ka", head="nguyễn văn a", head_phone="0905 111 222",
                         staff="Lê Thị Hoa, Trần Văn Bảo")
    villages.add_village("Thôn 1", "Xã Tơ Tung")
    villages.add_village("Làng Kon Lanh", "Xã Tơ Tung")
    return year, klass


def new(year, klass, **extra):
    data = {"name": "Nguyễn Văn An", "dob": "01/01/2013", "gender": "nam", **extra}
    return add_student(data, year, klass, day=year.start)


def test_a_village_record_keeps_head_phone_and_staff(place):
    v = villages.get("Thôn 1", "Xã Ia Ka")
    assert villages.village_dict(v) == {"thon": "Thôn 1", "xa": "Xã Ia Ka",
                                        "truong_thon": "Nguyễn Văn A", "dien_thoai": "0905111222",
                                        "phu_trach": ["Lê Thị Hoa", "Trần Văn Bảo"]}


def test_an_existing_village_is_taken_and_the_commune_follows_it(place):
    year, klass = place
    st = new(year, klass, village="Làng Kon Lanh")
    assert (st.village, st.commune) == ("Làng Kon Lanh", "Xã Tơ Tung")
    assert st.village_id == villages.get("Làng Kon Lanh").id


def test_a_name_in_two_communes_needs_the_commune(place):
    year, klass = place
    with pytest.raises(SisoError, match="Xã Ia Ka, Xã Tơ Tung") as err:
        new(year, klass, village="Thôn 1")
    assert err.value.field == "thon"
    st = new(year, klass, village="Thôn 1", commune="Xã Tơ Tung")
    assert st.village_id == villages.get("Thôn 1", "Xã Tơ Tung").id


def test_an_unknown_village_is_refused_with_the_closest_names(place):
    year, klass = place
    with pytest.raises(villages.UnknownVillage, match="Gần giống: Làng Kon Lanh") as err:
        new(year, klass, village="Làng Kon Lan")
    assert "--new-village" in err.value.message
    assert Student.select().count() == 0 and Village.select().count() == 3


def test_a_new_village_is_created_only_when_said_and_never_from_a_case_typo(place):
    year, klass = place
    st = new(year, klass, village="Làng Kon Mahar", commune="Xã Tơ Tung", new_village=True)
    assert villages.get("Làng Kon Mahar", "Xã Tơ Tung").id == st.village_id
    with pytest.raises(SisoError, match="dùng tên đã có «Làng Kon Lanh»"):
        new(year, klass, village="làng kon lanh", commune="Xã Tơ Tung", new_village=True)
    assert Village.select().count() == 4 and Student.select().count() == 1


def test_editing_the_village_follows_the_same_rule(place):
    year, klass = place
    st = new(year, klass, village="Làng Kon Lanh")
    with pytest.raises(villages.UnknownVillage):
        update_student(st, {"village": "Làng Mới"})
    update_student(st, {"village": "Thôn 1", "commune": "Xã Ia Ka"})
    st = Student.get_by_id(st.id)
    assert (st.village, st.commune, st.village_ref.id) == (
        "Thôn 1", "Xã Ia Ka", villages.get("Thôn 1", "Xã Ia Ka").id)
    update_student(st, {"village": ""})
    assert Student.get_by_id(st.id).village_ref is None


def test_merge_moves_the_students_and_removes_the_village_in_one_audited_write(place):
    year, klass = place
    villages.add_village("Làng Kon Lanh 2", "Xã Tơ Tung", head="Đinh Văn Hmok",
                         staff="Lê Thị Hoa")
    a = new(year, klass, village="Làng Kon Lanh 2")
    b = new(year, klass, village="Làng Kon Lanh", name="Trần Thị Bình")
    into = villages.get("Làng Kon Lanh")
    assert villages.merge(villages.get("Làng Kon Lanh 2"), into) == 1
    assert villages.find("Làng Kon Lanh 2") is None
    for st in (a, b):
        st = Student.get_by_id(st.id)
        assert (st.village, st.village_id) == ("Làng Kon Lanh", into.id)
    into = Village.get_by_id(into.id)
    assert (into.head, villages.staff_list(into)) == ("Đinh Văn Hmok", ["Lê Thị Hoa"])
    audit = Audit.select().where(Audit.action == "village.merge").get()
    assert json.loads(audit.detail)["hoc_sinh"] == [a.code]


def test_a_similar_name_cannot_be_added_as_a_village(place):
    with pytest.raises(SisoError, match="chỉ khác"):
        villages.add_village("thôn  1", "Xã Ia Ka")
    with pytest.raises(SisoError, match="đã có"):
        villages.add_village("Thôn 1", "Xã Ia Ka")


# ---- the command line --------------------------------------------------------------------------

@pytest.fixture
def cli_villages(cli):
    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025")[0] == 0
    assert cli("class", "add", "6A1", "--grade", "6", "--year", "2024-2025")[0] == 0
    rc, out, err = cli("village", "add", "Thôn 1", "--commune", "Xã Ia Ka", "--head", "Y Hmok",
                       "--head-phone", "0905111222", "--staff", "Lê Thị Hoa, Trần Văn Bảo")
    assert (rc, err) == (0, "")
    return cli


def add(cli, *extra):
    return cli("student", "add", "--year", "2024-2025", "--class", "6A1", "--name", "Y Sa",
               "--dob", "01/01/2013", "--gender", "nam", "--ethnic", "Ê Đê", *extra)


def test_cli_village_list_json_has_the_keys_of_the_forms(cli_villages):
    rc, out, err = cli_villages("village", "list", "--format", "json")
    assert rc == 0
    assert json.loads(out) == [{"thon": "Thôn 1", "xa": "Xã Ia Ka", "truong_thon": "Y Hmok",
                                "dien_thoai": "0905111222",
                                "phu_trach": ["Lê Thị Hoa", "Trần Văn Bảo"]}]


def test_cli_unknown_village_exit_2_with_closest_names_then_new_village(cli_villages):
    rc, out, err = add(cli_villages, "--village", "Thôn 11", "--commune", "Xã Ia Ka")
    assert (rc, out) == (2, "")
    assert "Chưa có thôn/làng «Thôn 11» (xã Xã Ia Ka)" in err and "Thôn 1 (Xã Ia Ka)" in err
    rc, out, err = add(cli_villages, "--village", "Thôn 11", "--commune", "Xã Ia Ka", "--new-village")
    assert rc == 0
    rc, out, err = cli_villages("student", "list", "--year", "2024-2025", "--village", "Thôn 11",
                                "--commune", "Xã Ia Ka", "--format", "json")
    assert rc == 0 and [r["ho_ten"] for r in json.loads(out)] == ["Y Sa"]
    rc, out, err = cli_villages("student", "list", "--year", "2024-2025", "--village", "Thôn 1",
                                "--format", "json")
    assert rc == 0 and json.loads(out) == []


def test_cli_village_add_without_commune_beside_one_of_a_commune_is_refused(cli_villages):
    assert cli_villages("village", "add", "Thôn 1", "--commune", "Xã Ia Mơr")[0] == 0
    rc, out, err = cli_villages("village", "add", "Thôn 1")
    assert (rc, out) == (2, "")
    assert "Đã có thôn «Thôn 1» ở xã Xã Ia Ka, Xã Ia Mơr" in err and "--commune" in err
    rc, out, err = cli_villages("village", "list", "--format", "json")
    assert sorted((v["thon"], v["xa"]) for v in json.loads(out)) == [("Thôn 1", "Xã Ia Ka"),
                                                                     ("Thôn 1", "Xã Ia Mơr")]
    assert cli_villages("village", "add", "Thôn 2")[0] == 0  # a name of no commune yet


def test_cli_similar_names_are_listed_and_merged_only_when_asked(cli_villages):
    with sqlite3.connect(cli_villages.path) as con:  # as a migration leaves two spellings
        con.execute("INSERT INTO village (name, commune, head, head_phone, staff) "
                    "VALUES ('thôn 1', 'Xã Ia Ka', '', '', '')")
    assert add(cli_villages, "--village", "thôn 1")[0] == 0
    rc, out, err = cli_villages("village", "list")
    assert rc == 0 and "Thôn 1 (Xã Ia Ka) | thôn 1 (Xã Ia Ka)" in out
    rc, out, err = cli_villages("village", "similar", "--format", "json")
    assert [[v["thon"] for v in g] for g in json.loads(out)] == [["Thôn 1", "thôn 1"]]
    rc, out, err = cli_villages("village", "merge", "thôn 1", "Thôn 1", "--commune", "Xã Ia Ka")
    assert rc == 0 and "chuyển 1 học sinh" in out
    rc, out, err = cli_villages("village", "similar")
    assert out.strip() == "Không có tên thôn nào gần trùng."
    rc, out, err = cli_villages("student", "list", "--year", "2024-2025", "--village", "Thôn 1",
                                "--format", "json")
    assert [r["thon"] for r in json.loads(out)] == ["Thôn 1"]


# ---- the import --------------------------------------------------------------------------------

def _sheet(path, rows):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Họ và tên", "Ngày sinh", "Giới tính", "Thôn/xóm", "Xã/phường", "Lớp"])
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return str(path)


def test_import_creates_new_villages_and_lists_them_in_its_dry_run(place, tmp_path):
    from db import imports
    from exports.importer import read_students

    year, _klass = place
    path = _sheet(tmp_path / "ds.xlsx", [
        ("Y Sa", "01/01/2013", "nam", "Làng Kon Lanh", "", "6A1"),  # one commune has it
        ("Y Bé", "01/01/2013", "nữ", "Thôn 1", "Xã Ia Ka", "6A1"),
        ("Y Ca", "01/01/2013", "nam", "Buôn Mới", "Xã Ia Ka", "6A1"),
        ("Y Da", "01/01/2013", "nữ", "Buôn Mới", "Xã Ia Ka", "6A1")])
    plan = read_students(path, ref_date=year.start)
    rv = imports.review(plan, year)
    assert rv.errors == [] and rv.new_villages == [("Buôn Mới", "Xã Ia Ka")]
    assert "Thôn/làng sẽ tạo mới: Buôn Mới (Xã Ia Ka)." in rv.report()
    imports.run_import(plan, year)
    got = {s.given: (s.village_ref.name, s.village_ref.commune, s.commune) for s in Student.select()}
    assert got == {"Sa": ("Làng Kon Lanh", "Xã Tơ Tung", "Xã Tơ Tung"),
                   "Bé": ("Thôn 1", "Xã Ia Ka", "Xã Ia Ka"),
                   "Ca": ("Buôn Mới", "Xã Ia Ka", "Xã Ia Ka"),
                   "Da": ("Buôn Mới", "Xã Ia Ka", "Xã Ia Ka")}
    assert Village.select().count() == 4


def test_import_reports_a_spelling_of_an_existing_village_as_a_problem(place, tmp_path):
    from db import imports
    from exports.importer import read_students

    year, _klass = place
    path = _sheet(tmp_path / "ds.xlsx", [
        ("Y Sa", "01/01/2013", "nam", "lang kon  lanh", "Xã Tơ Tung", "6A1"),
        ("Y Ca", "01/01/2013", "nam", "Buôn Mới", "Xã Ia Ka", "6A1"),
        ("Y Da", "01/01/2013", "nữ", "buôn mới", "Xã Ia Ka", "6A1")])
    plan = read_students(path, ref_date=year.start)
    rv = imports.review(plan, year)
    lines = [p.line() for p in rv.errors]
    assert len(lines) == 2
    assert "Thôn/xóm" in lines[0] and "«lang kon lanh»" in lines[0] and "Làng Kon Lanh (Xã Tơ Tung)" in lines[0]
    assert "«buôn mới»" in lines[1] and "«Buôn Mới» (dòng" in lines[1]
    with pytest.raises(SisoError):
        imports.run_import(plan, year)
    assert Village.select().count() == 3 and Student.select().count() == 0


def test_demo_villages_have_heads_staff_and_every_student_is_linked(db):
    from datetime import date

    from db.demo import build_demo

    build_demo(students=120, seed=3, today=date(2024, 11, 20))
    vs = villages.all_villages()
    assert len(vs) >= 10
    assert all(v.head and v.head_phone and villages.staff_list(v) for v in vs)
    assert Student.select().where(Student.village_ref.is_null()).count() == 0
    for st in Student.select().limit(30):
        assert (st.village_ref.name, st.village_ref.commune) == (st.village, st.commune)


def test_check_names_a_student_whose_village_text_differs_from_the_record(place):
    from db import check

    year, klass = place
    st = new(year, klass, village="Làng Kon Lanh")
    assert check.check_database() == []
    Student.update(village="Làng Kon Lan").where(Student.id == st.id).execute()
    assert check.check_database() == [f"Học sinh {st.code}: thôn/xã ghi «Làng Kon Lan», «Xã Tơ Tung» "
                                      "khác bản ghi thôn «Làng Kon Lanh», «Xã Tơ Tung»."]

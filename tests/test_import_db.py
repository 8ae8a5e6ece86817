"""Importing into the database: dry run, duplicates, all or nothing, batch, spans, undo."""

from datetime import date

import openpyxl
import pytest

from db import audit, imports, kinds
from db.errors import SisoError
from db.events import rebuild_spans, record_event
from db.models import MODELS, Audit, Batch, Event, SchoolClass, Span, Student
from db.school import add_class
from db.students import add_student, update_student
from exports.importer import read_students

HEADER = ["STT", "Mã HS", "Mã định danh", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Lớp", "Khối"]


def xlsx(path, rows, header=HEADER):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["TRƯỜNG THCS TƠ TUNG"])
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return str(path)


ROWS = [
    [1, "HS01", "064213000001", "Nguyễn Văn An", "05/09/2012", "Nam", "Kinh", "6A1", 6],
    [2, "HS02", "", "Trần Thị Bình", "06/10/2012", "Nữ", "Ba-na", "6A1", 6],
    [3, "HS03", "", "Ksor H'Hen", "07/11/2011", "Nữ", "Jrai", "7A1", 7],
]


@pytest.fixture(autouse=True)
def today():
    """Today is the first day of the 2024-2025 year unless a test says otherwise with
    ``today(day)``; it goes back to the calendar after the test."""
    from db import clock

    clock.set_today(date(2024, 9, 5))
    yield clock.set_today
    clock.set_today(None)


def counts():
    return {m.__name__: m.select().count() for m in MODELS}


def plan_of(tmp_path, year, rows=ROWS, name="ds.xlsx", **kw):
    return read_students(xlsx(tmp_path / name, rows, **kw), ref_date=year.start)


def test_dry_run_lists_rows_and_new_classes_and_writes_nothing(tmp_path, year):
    add_class("6A1", 6, year)
    before = counts()
    rv = imports.review(plan_of(tmp_path, year), year)
    assert rv.ok
    assert [r.row for r in rv.rows] == [3, 4, 5]
    assert rv.new_classes == [("7A1", 7)]
    assert rv.class_counts() == {"6A1": 2, "7A1": 1}
    report = rv.report()
    assert "Sẽ nhập 3 học sinh: 6A1 (2), 7A1 (1)." in report
    assert "Lớp sẽ tạo mới: 7A1 (khối 7)." in report
    assert counts() == before


def test_import_is_one_batch_with_admissions_and_spans(tmp_path, year):
    add_class("6A1", 6, year)
    audits = Audit.select().count()
    res = imports.run_import(plan_of(tmp_path, year), year)
    assert res.count == 3 and res.classes == ["7A1"]
    batch = Batch.get()
    assert batch.kind == "import" and batch.year_id == year.id
    assert Audit.select().count() == audits + 1  # one audit line for the whole import
    a = Student.get(Student.code == "HS01")
    assert (a.family, a.middle, a.given, a.female, a.dob, a.ethnic, a.national_id) == (
        "Nguyễn", "Văn", "An", False, date(2012, 9, 5), "01", "064213000001")
    assert a.batch_id == batch.id
    assert Student.get(Student.code == "HS02").ethnic == "13"
    assert SchoolClass.get(SchoolClass.name == "7A1").grade == 7
    evs = list(Event.select())
    assert len(evs) == 3
    assert {(e.kind, e.date, e.batch_id, e.semester) for e in evs} == {(kinds.ADMIT, year.start, batch.id, "HK1")}
    stored = sorted((s.student_id, s.klass_id, s.start, s.end, s.start_event_id, s.end_event_id)
                    for s in Span.select())
    for st in Student.select():
        rebuild_spans(st.id, year.id)
    rebuilt = sorted((s.student_id, s.klass_id, s.start, s.end, s.start_event_id, s.end_event_id)
                     for s in Span.select())
    assert stored == rebuilt and len(stored) == 3
    assert Student.get(Student.code == "HS03").sort_key  # derived columns are filled
    assert Student.get(Student.code == "HS03").name_folded == "ksor h'hen"


def test_admission_date_given_and_class_for_everyone(tmp_path, year):
    rows = [r[:7] for r in ROWS[:2]]
    plan = plan_of(tmp_path, year, rows, header=HEADER[:7])
    rv = imports.review(plan, year)
    assert not rv.ok and "--class" in rv.report()
    res = imports.run_import(plan, year, klass="6a3", day="16/09/2024")
    assert res.classes == ["6A3"]
    assert {(e.klass.name, e.date) for e in Event.select()} == {("6A3", date(2024, 9, 16))}
    with pytest.raises(SisoError, match="ngoài năm học"):
        imports.review(plan, year, klass="6A3", day="01/09/2024")


def test_codes_are_generated_when_the_file_has_none(tmp_path, year):
    add_class("6A1", 6, year)
    add_student({"name": "Lê Văn Cũ", "dob": "01/01/2012", "gender": "nam", "code": "HS000002"}, year,
                SchoolClass.get(SchoolClass.name == "6A1"), day=year.start)
    rows = [[r[0], "", *r[2:]] for r in ROWS]
    imports.run_import(plan_of(tmp_path, year, rows), year)
    codes = sorted(s.code for s in Student.select())
    assert len(set(codes)) == 4
    assert codes == ["HS000002", "HS000003", "HS000004", "HS000005"]


def test_class_of_another_grade_is_refused(tmp_path, year):
    add_class("6A1", 6, year)
    rows = [[1, "HS01", "", "Nguyễn Văn An", "05/09/2012", "Nam", "Kinh", "6A1", 7]]
    plan = plan_of(tmp_path, year, rows)
    # the file itself says class 6A1 is in grade 7
    assert any("không thuộc khối 7" in p.message for p in plan.errors)
    rows = [[1, "HS01", "", "Nguyễn Văn An", "05/09/2012", "Nam", "Kinh", "A1", 7],
            [2, "HS02", "", "Trần Văn Bảo", "05/09/2012", "Nam", "Kinh", "A1", 8]]
    rv = imports.review(plan_of(tmp_path, year, rows, name="b.xlsx"), year)
    assert any(p.row == 4 and "khối 8" in p.message for p in rv.errors)


def test_same_code_or_id_in_database_is_an_error(tmp_path, year):
    k = add_class("6A1", 6, year)
    add_student({"name": "Lê Văn Cũ", "dob": "01/01/2012", "gender": "nam", "code": "HS02",
                 "national_id": "064213000001"}, year, k, day=year.start)
    rv = imports.review(plan_of(tmp_path, year), year)
    errs = {(p.row, p.column): p.message for p in rv.errors}
    assert "Mã học sinh HS02 đã là của học sinh Lê Văn Cũ (HS02)" in errs[(4, "Mã HS")]
    assert "Mã định danh 064213000001 đã là của học sinh Lê Văn Cũ" in errs[(3, "Mã định danh")]
    before = counts()
    with pytest.raises(SisoError, match="Không nhập: có 2 lỗi"):
        imports.run_import(rv.plan, year)
    assert counts() == before


def test_possible_duplicate_by_name_and_birth_date(tmp_path, year):
    k = add_class("6A1", 6, year)
    # "Hoà" and "Hòa", NFD and NFC: the same name
    add_student({"name": "Nguyễn Văn Hoà", "dob": "05/09/2012", "gender": "nam"}, year, k,
                day=year.start)
    rows = [[1, "X1", "", "nguyễn  văn hòa", "5/9/2012", "Nam", "Kinh", "6A1", 6],
            [2, "X2", "", "Nguyễn Văn Hòa", "6/9/2012", "Nam", "Kinh", "6A1", 6]]
    plan = plan_of(tmp_path, year, rows)
    rv = imports.review(plan, year)
    assert [d.row for d in rv.duplicates] == [3]
    assert [p.row for p in rv.errors] == [3] and "--accept-duplicates" in rv.errors[0].message
    before = counts()
    with pytest.raises(SisoError):
        imports.run_import(plan, year)
    assert counts() == before
    rv = imports.review(plan, year, duplicates=imports.SKIP)
    assert rv.ok and [r.row for r in rv.rows] == [4] and rv.skipped == [3]
    res = imports.run_import(plan, year, duplicates=imports.ACCEPT)
    assert res.count == 2
    assert Student.select().where(Student.name_folded == "nguyen van hoa").count() == 3


def test_refused_import_writes_nothing(tmp_path, year):
    rows = ROWS + [[4, "HS04", "", "Lê Văn Dũng", "30/02/2012", "Nam", "Kinh", "6A1", 6]]
    plan = plan_of(tmp_path, year, rows)
    before = counts()
    with pytest.raises(SisoError, match="dòng 6"):
        imports.run_import(plan, year)
    assert counts() == before


def test_undo_removes_the_batch_and_the_classes_it_created(tmp_path, year):
    add_class("6A1", 6, year)
    res = imports.run_import(plan_of(tmp_path, year), year)
    assert imports.list_imports()[0]["so_hs"] == 3
    assert imports.undo_import(res.batch.id) == 3
    assert Student.select().count() == 0 and Event.select().count() == 0 and Span.select().count() == 0
    assert [c.name for c in SchoolClass.select()] == ["6A1"]  # 7A1 was created by the import
    b = Batch.get_by_id(res.batch.id)
    assert b.undone_at is not None and b.undone_by == audit.current_user()
    assert imports.list_imports()[0]["hoan_tac"]
    with pytest.raises(SisoError, match="đã được hoàn tác"):
        imports.undo_import(res.batch.id)
    # the same file can be imported again after the undo
    assert imports.run_import(plan_of(tmp_path, year), year).count == 3


def test_undo_refused_after_an_edit(tmp_path, year):
    res = imports.run_import(plan_of(tmp_path, year), year)
    update_student(Student.get(Student.code == "HS02"), {"phone": "0905123456"})
    before = counts()
    with pytest.raises(SisoError, match="HS02 đã được sửa"):
        imports.undo_import(res.batch.id)
    assert counts() == before


def test_undo_refused_after_another_event(tmp_path, year):
    res = imports.run_import(plan_of(tmp_path, year), year)
    st = Student.get(Student.code == "HS03")
    with audit.write("event.add"):
        record_event(st, year, kinds.TRANSFER_OUT, date(2024, 10, 1), school="THCS Kon Tum", scope="01")
    before = counts()
    with pytest.raises(SisoError, match="Ksor H'Hen \\(HS03\\) đã có biến động khác"):
        imports.undo_import(res.batch.id)
    assert counts() == before


def test_cli_import_dry_run_list_and_undo(tmp_path, capsys):
    from db.connection import close_database
    from cli import main

    db = str(tmp_path / "c.sqlite3")
    path = xlsx(tmp_path / "ds.xlsx", ROWS)

    def run(*argv):
        rc = main(["--db", db, *argv])
        out, err = capsys.readouterr()
        return rc, out + err

    try:
        assert run("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025")[0] == 0
        rc, out = run("import", "students", path, "--year", "2024-2025", "--dry-run")
        assert rc == 0 and "Sẽ nhập 3 học sinh" in out and "Chạy thử: chưa ghi gì." in out
        rc, out = run("import", "list")
        assert rc == 0 and "Nhập" not in out
        rc, out = run("import", "students", path, "--year", "2024-2025", "--map", "Dân tộc=bo qua")
        assert rc == 0 and "Đã nhập 3 học sinh, tạo 2 lớp mới (lần nhập số 1" in out
        assert "Cột được bỏ qua theo lựa chọn" in out
        rc, out = run("import", "students", path, "--year", "2024-2025")
        # refused, nothing written: exit status 2, as for every input the program refuses
        assert rc == 2 and "Mã học sinh HS01 đã là của học sinh" in out
        rc, out = run("import", "students", path, "--year", "2024-2025", "--dry-run")
        assert rc == 2 and "lỗi: chưa nhập gì." in out
        rc, out = run("import", "list", "--format", "csv")
        assert rc == 0 and "Nhập 3 học sinh từ ds.xlsx" in out
        rc, out = run("import", "undo", "1")
        assert rc == 0 and "xoá 3 học sinh" in out
        rc, out = run("import", "students", path, "--map", "Tên=xyz")
        assert rc == 2 and "Không có cột «Tên»" in out
    finally:
        close_database()


@pytest.mark.parametrize("day, expected", [
    (date(2024, 8, 20), date(2024, 9, 5)),  # in August, for the coming year: its first day
    (date(2024, 11, 30), date(2024, 11, 30)),  # during the year: today, not back-dated
    (date(2025, 7, 10), date(2025, 5, 31)),  # in the summer after: the year's last day
])
def test_an_import_with_no_date_is_dated_today_clamped_to_the_year(tmp_path, year, today, day, expected):
    today(day)
    add_class("6A1", 6, year)
    rv = imports.review(plan_of(tmp_path, year), year)
    assert rv.day == expected
    assert f"ngày nhập học {expected:%d/%m/%Y}" in rv.report()
    imports.run_import(plan_of(tmp_path, year), year)
    assert {e.date for e in Event.select()} == {expected}
    assert {s.start for s in Span.select()} == {expected}


def test_cli_dry_run_with_errors_exits_2_and_writes_nothing(tmp_path, cli):
    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025")[0] == 0
    bad = [list(r) for r in ROWS]
    bad[1][4] = "31/02/2012"  # no such day
    path = xlsx(tmp_path / "loi.xlsx", bad)
    rc, out, _ = cli("import", "students", path, "--year", "2024-2025", "--dry-run")
    assert rc == 2 and "dòng 4" in out and "chưa nhập gì" in out
    assert Student.select().count() == 0 and Batch.select().count() == 0


def test_an_admission_date_that_changes_a_reported_start_of_year_count_is_flagged(tmp_path, year, today):
    add_class("6A1", 6, year)
    today(date(2024, 11, 30))  # the reference date 30/09/2024 has passed
    rv = imports.review(plan_of(tmp_path, year), year, day="16/09/2024")
    warned = [p for p in rv.problems if "sĩ số đầu năm đã báo cáo sẽ thay đổi" in p.message]
    assert rv.ok and len(warned) == 1 and warned[0].severity == "warning"
    assert "16/09/2024" in warned[0].message and "30/09/2024" in warned[0].message
    # the default date (today) or a date after the reference date changes nothing reported
    assert not [p for p in imports.review(plan_of(tmp_path, year), year).problems if "sĩ số" in p.message]
    today(date(2024, 9, 20))  # before the reference date: the count is not taken yet
    assert not [p for p in imports.review(plan_of(tmp_path, year), year, day="16/09/2024").problems
                if "sĩ số" in p.message]
def test_a_new_class_outside_the_school_level_is_refused(tmp_path, year):
    rows = ROWS + [[4, "HS04", "", "Lê Văn Cường", "07/11/2008", "Nam", "Kinh", "12A1", 12]]
    before = counts()
    rv = imports.review(plan_of(tmp_path, year, rows), year)
    assert not rv.ok
    assert [p.line() for p in rv.errors] == [
        "Lỗi (dòng 6, cột «Lớp»): Lớp 12A1: Khối 12 không thuộc cấp học của trường: trường THCS (trung học "
        "cơ sở) chỉ có khối 6 đến khối 9. Sửa khối của lớp, hoặc đổi cấp học của trường trong "
        "thông tin nhà trường (mục cap_hoc)."]
    assert rv.new_classes == [("6A1", 6), ("7A1", 7)]
    assert counts() == before

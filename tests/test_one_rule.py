"""Rules written once and used everywhere, each checked against values worked out by hand:
a span open on a day, the ethnic minority (codes 02–54)."""

from datetime import date

import pytest

from db import clock, codes, movements, roster, school
from db.models import Span, Student
from db.report_common import not_ended_by, open_on
from db.students import add_student


@pytest.fixture
def three(year):
    """An (in from 05/09, ethnic 01), Bình (in from 10/10, 02), Cường (05/09, 54; moved to
    another school on 10/10/2024), Dũng (05/09, 55) — all in 6A1."""
    clock.set_today(date(2024, 12, 20))
    k = school.add_class("6A1", 6, year)
    made = {}
    for name, ethnic, day in (("An", "01", year.start), ("Bình", "02", date(2024, 10, 10)),
                              ("Cường", "54", year.start), ("Dũng", "55", year.start)):
        made[name] = add_student({"name": f"Lê Văn {name}", "dob": "05/09/2013", "gender": "nam",
                                  "ethnic": ethnic}, year, k, day=day)
    movements.record_transfer_out(made["Cường"], year, date(2024, 10, 10), school="THCS B", scope="01")
    return year, k, made


def _given(condition) -> set[str]:
    return {g for (g,) in Span.select(Student.given).join(Student).where(condition).tuples()}


def test_a_span_is_open_at_the_end_of_the_days_it_covers(three):
    assert _given(open_on(date(2024, 10, 9))) == {"An", "Cường", "Dũng"}
    # on 10/10 Bình comes in and Cường leaves: the day belongs to the new state
    assert _given(open_on(date(2024, 10, 10))) == {"An", "Bình", "Dũng"}
    assert _given(open_on(date(2024, 9, 4))) == set()
    assert _given(not_ended_by(date(2024, 10, 9))) == {"An", "Bình", "Cường", "Dũng"}
    assert _given(not_ended_by(date(2024, 10, 10))) == {"An", "Bình", "Dũng"}


def test_ethnic_minority_is_codes_02_to_54_in_python_and_in_sql(three):
    year, k, _ = three
    assert [codes.is_minority(c) for c in ("01", "02", "30", "54", "55", None, "")] == \
        [False, True, True, True, False, False, False]
    assert {g for (g,) in Student.select(Student.given).where(codes.MINORITY).tuples()} == {"Bình", "Cường"}
    # 6A1 on 09/10: An, Cường, Dũng — Cường alone is a minority; on 10/10: Bình alone
    (c9,) = roster.class_counts(year, date(2024, 10, 9))
    (c10,) = roster.class_counts(year, date(2024, 10, 10))
    assert (c9.now, c9.minority, c10.now, c10.minority, c10.start) == (3, 1, 3, 1, 3)


def test_a_total_row_is_the_schools_only_for_a_reader_who_sees_the_whole_school():
    from db import scope

    part = scope.Scope(grades=frozenset({6}), label="Khối 6")
    assert scope.total_label() == "Toàn trường"
    assert scope.total_label("Tổng cộng") == "Tổng cộng"
    assert scope.total_label(scope=part) == "Tổng các dòng hiển thị"
    assert scope.total_label(scope=part, shown="Cộng") == "Cộng"  # the overview's narrow column
    assert scope.total_label(scope=scope.WHOLE_SCHOOL, shown="Cộng") == "Toàn trường"


def test_a_file_size_reads_in_kb_below_a_megabyte_then_in_mb():
    from exports.numbers import size_text

    assert [size_text(n) for n in (0, 400, 1536, 1024 * 1024 - 1, 1024 * 1024, 5 * 1024 * 1024 + 300_000)] == \
        ["1 KB", "1 KB", "2 KB", "1024 KB", "1.0 MB", "5.3 MB"]


def test_the_version_is_the_installed_packages_and_a_version_when_there_is_none(monkeypatch, capsys):
    import importlib.metadata as md

    from cli import main
    from db.version import program_version

    assert program_version() == md.version("siso") == "0.1.0"

    def missing(_name):
        raise md.PackageNotFoundError("siso")

    monkeypatch.setattr(md, "version", missing)
    assert program_version() == "0+unknown"
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().err == "siso 0+unknown\n"

    def unreadable(_name):
        raise ValueError("bad metadata")

    monkeypatch.setattr(md, "version", unreadable)
    assert program_version() == "0+unknown"  # the crash log's call never raises


# ---- the xlsx writers' shared rules (exports.sheet_xml) ----------------------------------------

def test_the_characters_xml_forbids_are_dropped_and_markup_escaped():
    from exports.sheet_xml import ILLEGAL, xml_text

    # XML 1.0: below U+0020 only tab, LF and CR; U+FFFE and U+FFFF are not characters
    assert ILLEGAL.sub("", "a\x00\x08b\tc\nd\re\x0b\x0c\x0e\x1ff\ufffe\uffffg\u00e9") == "ab\tc\nd\ref" + "g\u00e9"
    assert xml_text("A&B <C>\x01") == "A&amp;B &lt;C&gt;"


def test_an_inline_text_cell_keeps_its_spaces_and_names_its_style_unless_plain():
    from exports.sheet_xml import text_cell

    assert text_cell("B3", "Bình") == '<c r="B3" t="inlineStr"><is><t>Bình</t></is></c>'
    assert text_cell("A1", " x&y ", 2) == \
        '<c r="A1" s="2" t="inlineStr"><is><t xml:space="preserve"> x&amp;y </t></is></c>'


def test_a_sheet_name_follows_excels_rules_and_is_unique_when_asked():
    from exports.sheet_xml import sheet_name, sheet_name_attr

    assert sheet_name("Xã Ia:Tô [1]/2?") == "Xã Ia Tô  1  2"
    assert sheet_name("'Xã Kon H'Drông'") == "Xã Kon H'Drông"  # an apostrophe inside is allowed
    assert sheet_name("Làng " + "x" * 40) == "Làng " + "x" * 26
    assert sheet_name("[]", default="Danh sách") == "Danh sách"
    taken: set[str] = set()
    assert [sheet_name(n, taken) for n in ("Xã A", "xã a", "Xã A")] == ["Xã A", "xã a (2)", "Xã A (3)"]
    assert sheet_name_attr('Lớp "6A" & <7>') == "Lớp &quot;6A&quot; &amp; &lt;7&gt;"


def test_a_name_with_a_non_character_exports_to_f7(year, tmp_path):
    """U+FFFF in a name: openpyxl refuses to write it; the laid-out forms drop it as the
    streamed ones do."""
    import openpyxl

    from db.nam_sinh import report_nam_sinh
    from exports.files import write_form

    clock.set_today(date(2024, 10, 1))
    k = school.add_class("6A1", 6, year)
    st = add_student({"name": "Lê Văn An", "dob": "05/09/2013", "gender": "nam"}, year, k, day=year.start)
    Student.update(given="An\uffff").where(Student.id == st.id).execute()
    path = write_form(report_nam_sinh(year), tmp_path / "f7.xlsx")
    cells = {c.value for ws in openpyxl.load_workbook(path).worksheets for row in ws.iter_rows() for c in row}
    assert "Lê Văn An" in cells


def test_column_letters_and_indexes_in_the_import_mapping():
    from exports.importer import apply_overrides
    from exports.sheet_xml import column_letters

    assert column_letters(28)[-3:] == ("Z", "AA", "AB")
    titles = ["Họ và tên"] + [""] * 30
    # «AB» is the 28th column: index 27; «c» the third
    assert apply_overrides(titles, {}, {"AB": "phone", "c": "ignore"}) == {27: "phone", 2: "ignore"}


# ---- the student list: db reads, exports writes ------------------------------------------------

def test_exports_never_reads_the_database_itself():
    """No module of exports/ imports the models: a read it needs comes from db/ (for the
    student list, ``db.roster.roster_export_rows``)."""
    import pathlib
    import re

    folder = pathlib.Path(__file__).resolve().parent.parent / "exports"
    readers = [p.name for p in sorted(folder.glob("*.py"))
               if re.search(r"from db\.models import|from db import .*\bmodels\b|database\.execute", p.read_text())]
    assert readers == []


def test_the_export_rows_carry_what_a_roster_row_lacks(year, tmp_path):
    import openpyxl

    from exports.students import write_list_file

    clock.set_today(date(2024, 10, 1))
    k = school.add_class("6A1", 6, year)
    add_student({"name": "Lê Văn An", "dob": "05/09/2013", "gender": "nam", "birthplace": "Gia Lai",
                 "father": "Lê Văn Ba"}, year, k, day=year.start)
    rows = roster.roster_rows(year, date(2024, 10, 1))
    (d,) = roster.roster_export_rows(rows)
    assert (d["full_name"], d["klass"], d["birthplace"], d["father"], d["mother"]) == \
        ("Lê Văn An", "6A1", "Gia Lai", "Lê Văn Ba", "")
    # the writer takes the rows it is given: here one made by hand
    path = write_list_file(rows, [dict(d, full_name="Lê Văn Bốn")], tmp_path / "ds.xlsx", "xlsx", title="DS")
    ws = openpyxl.load_workbook(path).active
    values = [c.value for c in ws[4]]
    assert "Lê Văn Bốn" in values and "Gia Lai" in values and "Lê Văn An" not in values


# ---- one atomic write (db.files) ----------------------------------------------------------------

def test_only_db_files_renames_a_temporary_file_onto_its_target():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parent.parent
    hits = [str(p.relative_to(root)) for folder in ("db", "exports", "cli", "tui")
            for p in sorted((root / folder).rglob("*.py"))
            if re.search(r"os\.replace\(|mkstemp\(", p.read_text())]
    assert hits == ["db/files.py"]


def test_a_backup_copy_is_written_through_the_atomic_write(db, tmp_path, monkeypatch):
    """A copy keeps the database's mode; a disk that fills while it is synced leaves neither
    the copy nor a temporary file (the refusal of db.files)."""
    import errno
    import os
    from pathlib import Path

    from db import backup, files
    from db.errors import SisoError

    src = Path(db.database)
    os.chmod(src, 0o640)
    out = tmp_path / "out"
    out.mkdir()
    copy = backup.copy_file(src, out / "a.sqlite3")
    assert oct(os.stat(copy).st_mode & 0o777) == "0o640"

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(SisoError, match="ổ đĩa đã đầy"):
        backup.copy_file(src, out / "b.sqlite3")
    assert sorted(p.name for p in out.iterdir()) == ["a.sqlite3"]

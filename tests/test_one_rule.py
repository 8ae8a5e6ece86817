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

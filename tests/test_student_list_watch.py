"""``siso student list --flagged / --at-risk``: the students to watch, as of the list's day.

A school year 2024-2025 (Monday–Friday), class 6A1: An absent the whole day Tue 12 – Fri
15/11/2024 (a run of 4 > 3: flagged on 15/11, and on Saturday 16/11, which takes Friday's
flag); Bình with an at-risk case opened 13/11/2024; Chi neither. On 11/11 nobody is flagged
and Bình's case is not open yet."""

import json

from db import attendance, clock, risk
from db.school import add_class
from db.students import add_student


def _school(cli):
    from datetime import date

    from db.connection import open_database
    from db.models import SchoolYear

    assert cli("year", "add", "2024-2025", "--start", "05/09/2024", "--end", "31/05/2025",
               "--ref", "30/09/2024")[0] == 0
    open_database(cli.path)
    clock.set_today(date(2024, 11, 30))
    year = SchoolYear.get()
    klass = add_class("6A1", 6, year)
    an, binh, chi = (add_student({"name": name, "dob": "01/01/2013", "gender": "nam", "code": code},
                                 year, klass, day=year.start)
                     for name, code in (("Nguyễn Văn An", "AN"), ("Trần Văn Bình", "BINH"),
                                        ("Lê Văn Chi", "CHI")))
    attendance.add_absences(an.code, date(2024, 11, 12), date(2024, 11, 15))
    risk.open_case(binh, ["01"], day="13/11/2024")


def codes(cli, *args):
    rc, out, err = cli("student", "list", "--format", "json", *args)
    assert rc == 0, err
    return [s["ma"] for s in json.loads(out)]


def test_flagged_and_at_risk_lists(cli):
    _school(cli)
    assert codes(cli, "--as-of", "15/11/2024") == ["AN", "BINH", "CHI"]
    assert codes(cli, "--as-of", "15/11/2024", "--flagged") == ["AN"]
    assert codes(cli, "--as-of", "16/11/2024", "--flagged") == ["AN"]  # Saturday: Friday's flag
    assert codes(cli, "--as-of", "11/11/2024", "--flagged") == []
    assert codes(cli, "--as-of", "15/11/2024", "--at-risk") == ["BINH"]
    assert codes(cli, "--as-of", "12/11/2024", "--at-risk") == []
    assert codes(cli, "--as-of", "15/11/2024", "--flagged", "--at-risk") == []

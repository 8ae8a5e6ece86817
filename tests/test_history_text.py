"""A student's history as text (db/history.py): the same content through the CLI and the
student screen, worked out here by hand from what was recorded."""

from datetime import date

from db import clock, movements
from db.history import history_lines
from db.models import Event, Student
from db.school import add_class
from tui.screens.student import event_line


def _school(year):
    clock.set_today(date(2025, 3, 1))
    klass = add_class("6A1", 6, year)
    ev = movements.record_transfer_in(year, "10/10/2024", klass, school="Trường THCS Kim Đồng",
                                      district="Đak Đoa", province="Gia Lai", scope="trong-tinh",
                                      doc_no="12/GT", data={"name": "Lò Văn An", "dob": "01/02/2013",
                                                            "gender": "nam"})
    st = Student.get_by_id(ev.student_id)
    drop = movements.record_dropout(st, year, "02/12/2024", "02", without_visits="Gia đình đi làm xa")
    movements.void_event(drop.id, "ghi nhầm ngày")
    return st


EXPECTED = [
    "10/10/2024 | 2024-2025 | Chuyển đến | lớp 6A1 | Học kỳ I | từ Trường THCS Kim Đồng, Đak Đoa, Gia Lai"
    " | Trong tỉnh | số 12/GT",
    "02/12/2024 | 2024-2025 | Bỏ học | lớp 6A1 | Học kỳ I | lý do: 02 - Học lực yếu kém | chưa đủ 3 lần vận động: Gia đình đi làm xa"
    "  [ĐÃ HỦY 01/03/2025 bởi {user}: ghi nhầm ngày]",
]


def test_lines_say_what_was_recorded(year):
    st = _school(year)
    user = Event.get(Event.kind == "dropout").voided_by
    assert [line.text() for line in history_lines(st)] == [e.format(user=user) for e in EXPECTED]


def test_the_screen_and_the_cli_show_the_same_lines(year, cli, capsys):
    st = _school(year)
    lines = history_lines(st)
    shown = [event_line(line).plain for line in lines]
    for line, plain in zip(lines, shown):
        for part in (line.kind, line.move, *line.details, line.voided):
            assert part in plain
    from cli import main

    assert main(["--db", year._meta.database.database, "student", "show", st.code]) == 0
    out = capsys.readouterr().out
    for line in lines:
        assert line.text() in out

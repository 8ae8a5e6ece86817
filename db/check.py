"""``siso check``: is the database sound, and do the derived tables equal a rebuild?

Headless; returns the problems as Vietnamese lines (an empty list when all is well).
Reads everything in a handful of queries and never writes.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from itertools import groupby

from peewee import DatabaseError, SqliteDatabase

from . import deadlines, kinds, text, villages
from .connection import storage_problems
from .dates import fmt_date
from .errors import SisoError
from .events import replay, spans_from_replay
from .models import Event, SchoolYear, Span, Student

_SPAN_FIELDS = ("klass", "start", "end", "start_event", "end_event")


def _span_tuple(d: dict) -> tuple:
    return tuple(d[f] for f in _SPAN_FIELDS)


def _who(students: dict[int, tuple[str, str]], student_id: int) -> str:
    code, name = students.get(student_id, (f"#{student_id}", ""))
    return f"Học sinh {code} ({name})" if name else f"Học sinh {code}"


def check_database() -> list[str]:
    """Every problem found, one Vietnamese line each. Never fails on a damaged file: what
    cannot be read is itself a problem, and the checks after it still run."""
    problems: list[str] = []
    stored_values_sound = True
    parts = [(storage_problems, "tệp SQLite"), (check_stored_values, "các giá trị đã lưu"),
             (check_students, "bảng học sinh"), (check_spans, "sĩ số và biến động"),
             (villages.problems, "thôn/làng của học sinh"),
             (deadlines.problems, "lịch báo cáo và tệp đã gửi")]
    for part, label in parts:
        if part is check_spans and not stored_values_sound:
            problems.append("Chưa đối chiếu sĩ số với biến động vì dữ liệu ở trên bị hỏng (khôi "
                            "phục bằng «siso restore», hoặc sửa các ô đã nêu).")
            continue
        before = len(problems)
        try:
            problems += part()
        except (DatabaseError, sqlite3.DatabaseError) as exc:
            problems.append(f"Không kiểm tra hết được {label}: tệp bị hỏng (SQLite: {exc}).")
        except (AttributeError, TypeError, ValueError, KeyError) as exc:  # a value of the wrong type
            problems.append(f"Không kiểm tra được {label}: có giá trị hỏng ({type(exc).__name__}).")
        if part is check_stored_values and len(problems) > before:
            stored_values_sound = False
    return problems


def check_stored_values() -> list[str]:
    """Every stored text is UTF-8 and every stored date is a real day written as siso writes
    it (a file edited by hand or damaged): one line per table, row and column."""
    from peewee import CharField, DateField, DateTimeField, TextField

    from .models import MODELS, database

    db = database.obj
    out: list[str] = []
    if not isinstance(db, SqliteDatabase):
        return out
    con = db.connection()
    for model in MODELS:
        table = model._meta.table_name
        pk = model._meta.primary_key.column_name
        for f in model._meta.sorted_fields:
            col = f.column_name
            if isinstance(f, (CharField, TextField)):
                rows = con.execute(f'SELECT "{pk}", CAST("{col}" AS BLOB) FROM "{table}" '
                                   f'WHERE typeof("{col}") = \'text\'')
                for key, raw in rows:
                    try:
                        bytes(raw).decode("utf-8")
                    except UnicodeDecodeError:
                        out.append(f"Bảng {table}, dòng {key}, cột {col}: chữ không phải UTF-8 "
                                   f"(«{bytes(raw).decode('utf-8', 'replace')}»).")
            elif isinstance(f, (DateField, DateTimeField)):
                width = 19 if isinstance(f, DateTimeField) else 10
                rows = con.execute(
                    f'SELECT "{pk}", CAST("{col}" AS TEXT) FROM "{table}" WHERE "{col}" IS NOT NULL '
                    f'AND NOT (typeof("{col}") = \'text\' AND ifnull(date(substr("{col}", 1, 10)) '
                    f'= substr("{col}", 1, 10), 0) AND length("{col}") >= 10 '
                    f'AND length("{col}") <= {26 if width == 19 else 10})')
                for key, value in rows:
                    out.append(f"Bảng {table}, dòng {key}, cột {col}: ngày «{value}» không hợp lệ "
                               "(cần năm-tháng-ngày, ví dụ 2013-05-31).")
    return out


def check_students() -> list[str]:
    """Stored sort keys and folded names equal the ones computed from the name."""
    out = []
    q = Student.select(Student.id, Student.code, Student.family, Student.middle, Student.given,
                       Student.dob, Student.sort_key, Student.name_folded).tuples()
    for _id, code, family, middle, given, dob, key, folded in q.iterator():
        name = text.join_name(family, middle, given)
        if key != text.sort_key(family, middle, given, dob) or folded != text.fold(name):
            out.append(f"Học sinh {code} ({name}): khóa sắp xếp hoặc tên không dấu đã lưu "
                       "không khớp với họ tên.")
    return out


def check_spans() -> list[str]:
    """For every (student, year): the events replay without error and the stored spans
    equal the spans computed from them."""
    years = {y.id: y for y in SchoolYear.select()}
    year_order = {yid: (y.start, y.id) for yid, y in years.items()}
    students = {sid: (code, text.join_name(f, m, g)) for sid, code, f, m, g in
                Student.select(Student.id, Student.code, Student.family, Student.middle,
                               Student.given).tuples().iterator()}
    stored: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for row in (Span.select(Span.student, Span.year, Span.klass, Span.start, Span.end,
                            Span.start_event, Span.end_event).tuples().iterator()):
        stored[(row[0], row[1])].append(tuple(row[2:]))

    events = (Event.select().where(Event.voided_at.is_null())
              .order_by(Event.student, Event.date, Event.id))
    by_student: dict[int, list[Event]] = defaultdict(list)
    for ev in events.iterator():
        by_student[ev.student_id].append(ev)

    problems: list[str] = []
    seen: set[tuple[int, int]] = set()
    for sid, evs in by_student.items():
        evs.sort(key=lambda e: (year_order[e.year_id], e.date, e.id))
        exit_before = None  # how the student left in an earlier year (an exit kind)
        for yid, group in groupby(evs, key=lambda e: e.year_id):
            group = list(group)
            seen.add((sid, yid))
            label = f"{_who(students, sid)}, năm học {years[yid].name}"
            try:
                steps = replay(group, exit_before)
            except SisoError as err:
                problems.append(f"{label}: biến động không hợp lệ — {err}")
                steps = None
            if steps is not None:
                expected = sorted(_span_tuple(s) for s in spans_from_replay(sid, yid, steps))
                have = sorted(stored.get((sid, yid), []))
                if expected != have:
                    problems.append(f"{label}: sĩ số đã lưu không khớp với biến động "
                                    f"({_describe(have)} ≠ tính lại {_describe(expected)}).")
            moves = [e.kind for e in group if e.kind in kinds.EXITS + kinds.ENTRIES]
            if moves:
                exit_before = moves[-1] if moves[-1] in kinds.EXITS else None
    for (sid, yid), spans in stored.items():
        if (sid, yid) not in seen:
            name = years[yid].name if yid in years else f"#{yid}"
            problems.append(f"{_who(students, sid)}, năm học {name}: có {len(spans)} đoạn sĩ số "
                            "đã lưu mà không có biến động nào.")
    return problems


def _describe(spans: list[tuple]) -> str:
    if not spans:
        return "không có đoạn nào"
    parts = []
    for _klass, start, end, *_ in spans:
        parts.append(f"{fmt_date(start)}–{fmt_date(end) if end else '…'}")
    return ", ".join(parts)

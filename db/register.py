"""The student register (sổ đăng bộ, ``docs/forms.md`` F8): register numbers and the F8 form.

Register numbers (``Student.so_dang_bo``) come from a counter kept in the database
(``Counter`` row ``so_dang_bo`` holds the next number), never from ``max() + 1``:

- a number is given in the same transaction as the admission or transfer-in of a student
  who has none (``db.events.record_event`` calls :func:`number_student`; the importer takes
  a block with :func:`take`); a rollover (``enroll``) or a return never gives one, and a
  student who leaves and is readmitted keeps theirs;
- the counter only goes up, so a number is never given twice: a voided admission keeps its
  number (F8 marks the row ``da_huy``), a batch undone by ``import undo`` leaves its numbers
  as gaps;
- the counter starts at the setting ``so_dang_bo_bat_dau`` (default 1), so a school can
  continue its paper register. **Decision:** the setting can be changed only while no
  number has been given (it then moves the counter); once numbers exist it is refused,
  naming the last number given — a register is never renumbered;
- an imported «Số đăng bộ» column is kept (a positive integer, unique); the counter then
  continues above the largest number given (:func:`raise_above`).

Existing students (a database from before register numbers, the demo school) are numbered
by :func:`number_unnumbered`: by the date of their first entry (voided entries included —
the number was given when they were admitted), then that event's id.
"""

from __future__ import annotations

from peewee import Case, chunked, fn

from . import fields, kinds, scope as scopes, text
from .errors import SisoError
from .models import Counter, Event, SchoolClass, SchoolYear, Setting, Span, Student

COUNTER = "so_dang_bo"
START_SETTING = fields.SO_DANG_BO_BAT_DAU


def check_start(value, field: str = fields.SO_DANG_BO) -> int:
    """A register number as the setting or an imported column gives it: a positive integer
    (a refusal names ``field``: the column, or the setting)."""
    raw = text.clean(str(value if value is not None else ""))
    if isinstance(value, float) and value.is_integer():
        raw = str(int(value))
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        raise SisoError(f"Số đăng bộ «{raw}» không hợp lệ: cần một số nguyên dương (1, 2, 3 …).",
                        field)
    return int(raw)


def _start_value() -> int:
    row = Setting.get_or_none(Setting.key == START_SETTING)
    return check_start(row.value) if row and text.clean(row.value) else 1


def _ensure_counter() -> None:
    """Create the counter when missing: at the start setting, and above any number already
    held (a database whose counter row was lost never gives a number twice)."""
    if Counter.select().where(Counter.name == COUNTER).exists():
        return
    top = Student.select(fn.MAX(Student.so_dang_bo)).scalar() or 0
    Counter.insert(name=COUNTER, value=max(_start_value(), top + 1)).on_conflict_ignore().execute()


def take(n: int = 1) -> int:
    """Reserve ``n`` consecutive numbers inside the caller's transaction; returns the first.
    The ``UPDATE`` comes first, so the row is locked before it is read (two writers wait
    for each other instead of reading the same value)."""
    _ensure_counter()
    Counter.update(value=Counter.value + n).where(Counter.name == COUNTER).execute()
    return Counter.get_by_id(COUNTER).value - n


def next_number() -> int:
    """The number the next admission will get (nothing is reserved)."""
    row = Counter.get_or_none(Counter.name == COUNTER)
    if row is None:
        top = Student.select(fn.MAX(Student.so_dang_bo)).scalar() or 0
        return max(_start_value(), top + 1)
    return row.value


def raise_above(highest: int) -> None:
    """After numbers were given from a file: the counter continues above ``highest``."""
    _ensure_counter()
    (Counter.update(value=highest + 1)
     .where((Counter.name == COUNTER) & (Counter.value <= highest)).execute())


def number_student(student: Student) -> int | None:
    """Give ``student`` the next number when they have none (inside the caller's
    transaction). Returns the number given, or None when they had one."""
    if student.so_dang_bo is not None:
        return None
    number = take(1)
    Student.update(so_dang_bo=number).where(Student.id == student.id).execute()
    student.so_dang_bo = number
    return number


def given_count() -> int:
    return Student.select().where(Student.so_dang_bo.is_null(False)).count()


def check_start_setting(value: str) -> str:
    """The setting ``so_dang_bo_bat_dau``: a positive integer, changed only while no number
    has been given (see the module's doc)."""
    number = check_start(value, START_SETTING)
    if given_count():
        last = Student.select(fn.MAX(Student.so_dang_bo)).scalar()
        if number != _start_value():
            raise SisoError(f"Đã cấp số đăng bộ cho học sinh (số lớn nhất {last}): không đổi số "
                            "bắt đầu được nữa, sổ đăng bộ không đánh số lại.", START_SETTING)
    return str(number)


def apply_start_setting(value: str) -> None:
    """Move the counter to the new start while no number has been given."""
    if given_count():
        return
    _ensure_counter()
    Counter.update(value=int(value)).where(Counter.name == COUNTER).execute()


def number_unnumbered() -> int:
    """Number every student who has none, by the date of their first entry (voided ones
    included), then that event's id, then the student's id; returns how many were numbered.
    Used by the migration to register numbers and by the demo school. Selects only the
    columns it needs, so it runs on any later schema."""
    first = {}
    q = (Event.select(Event.student, Event.date, Event.id)
         .where(Event.kind.in_(kinds.ENTRIES))
         .order_by(Event.date, Event.id).tuples())
    for student_id, day, event_id in q.iterator():
        first.setdefault(student_id, (day, event_id))
    todo = [sid for (sid,) in Student.select(Student.id).where(Student.so_dang_bo.is_null()).tuples()]
    if not todo:
        return 0
    far = (None, None)
    todo.sort(key=lambda sid: (first.get(sid, far)[0] is None, first.get(sid, far)[0] or 0,
                               first.get(sid, far)[1] or 0, sid))
    start = take(len(todo))
    db = Student._meta.database
    # one UPDATE from a temporary table of (student, number): fast for a whole school
    db.execute_sql("CREATE TEMPORARY TABLE register_numbers (sid INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    try:
        pairs = [(sid, start + i) for i, sid in enumerate(todo)]
        for part in chunked(pairs, 400):
            db.execute_sql("INSERT INTO register_numbers (sid, n) VALUES "
                           + ", ".join(f"({int(a)}, {int(b)})" for a, b in part))  # integers only
        db.execute_sql("UPDATE student SET so_dang_bo = (SELECT n FROM register_numbers "
                       "WHERE register_numbers.sid = student.id) "
                       "WHERE id IN (SELECT sid FROM register_numbers)")
    finally:
        db.execute_sql("DROP TABLE register_numbers")
    return len(todo)


# ---- F8 dang-bo ------------------------------------------------------------------------------

def _leaving_text(kind: str, reason: str | None, school: str | None, grade: int | None) -> str:
    from . import codes

    if kind == kinds.TRANSFER_OUT:
        return "Chuyển đi" + (f": {school}" if school else "")
    if kind == kinds.DROPOUT:
        name = codes.dropout_reasons().get(reason or "", reason or "")
        return "Bỏ học" + (f": {name}" if name else "")
    if kind == kinds.COMPLETED:
        return {5: "Hoàn thành chương trình tiểu học", 9: "Tốt nghiệp THCS",
                12: "Tốt nghiệp THPT"}.get(grade or 0, kinds.LABELS[kind])
    label = kinds.LABELS.get(kind, kind)
    return label + (f": {reason}" if reason and kind == kinds.OTHER_DECREASE else "")


def report_dang_bo(*, stream: bool = False) -> dict:
    """F8 ``dang-bo``: every student ever admitted, all years, in register-number order.

    ``ngay_vao``: the first entry into the school (admission, transfer in, start-of-year
    enrolment), not voided — or, for a student whose every entry was voided (``da_huy``),
    the voided one. ``lop_theo_nam``: the last class held in each school year.
    ``ngay_roi`` / ``ly_do_roi``: the last exit (transfer out, dropout, death, other) when it
    is the student's last move, or the completion of the school's last grade when nothing
    followed it; null / "" for a student still in the school. A fixed number of grouped
    queries, whatever the number of students.

    ``stream``: ``hoc_sinh`` is an iterator that reads the students from the database as it
    goes (the streamed xlsx: a few MB whatever the number of students), and ``nam_hoc``
    lists the school years that have classes (the columns «Lớp từng năm học»); otherwise a
    list (JSON, the screen)."""
    rows = _dang_bo_rows()
    if not stream:
        return {"bieu_mau": "dang-bo", **scopes.form_marks(), "hoc_sinh": list(rows)}
    years = [n for (n,) in SchoolYear.select(SchoolYear.name).where(
        SchoolYear.id.in_(SchoolClass.select(SchoolClass.year).join(Span, on=(Span.klass == SchoolClass.id))))
        .order_by(SchoolYear.start).tuples()]
    return {"bieu_mau": "dang-bo", **scopes.form_marks(), "nam_hoc": years, "hoc_sinh": rows}


def _dang_bo_rows():
    """F8's rows, one dict per student, in register-number order (see ``report_dang_bo``).
    What is known of every student is kept compact (arrays indexed by student id), so the
    rows can be produced one at a time."""
    from array import array

    from .codes import ethnic_groups
    from .school import level_grades

    db = Student._meta.database

    def raw(query):
        """Rows as the driver gives them (no per-value conversion: 60,000 students)."""
        return db.execute(query)

    top_id = Student.select(fn.MAX(Student.id)).scalar() or 0
    days: list = [None]  # distinct dates; the arrays hold their index (0: none)
    day_index: dict = {}

    def day_no(value) -> int:
        if value is None:
            return 0
        n = day_index.get(value)
        if n is None:
            n = day_index[value] = len(days)
            days.append(value if isinstance(value, str) else value.isoformat())
        return n

    live = Event.voided_at.is_null()
    entry_live = array("l", bytes(8 * (top_id + 1)))
    entry_any = array("l", bytes(8 * (top_id + 1)))
    first = (Event.select(Event.student, fn.MIN(Case(None, [(live, Event.date)])), fn.MIN(Event.date))
             .where(Event.kind.in_(kinds.ENTRIES)).group_by(Event.student))
    for sid, day_live, day_any in raw(first):
        entry_any[sid] = day_no(day_any)
        entry_live[sid] = day_no(day_live)
    # the last class of each year: every span in (start, id) order, the later overwriting
    years = [(yid, name) for yid, name in raw(SchoolYear.select(SchoolYear.id, SchoolYear.name)
                                              .order_by(SchoolYear.start))]
    year_pos = {yid: i for i, (yid, _) in enumerate(years)}
    class_year, class_names, class_grades = {}, {}, {}
    for cid, yid, name, grade in raw(SchoolClass.select(SchoolClass.id, SchoolClass.year, SchoolClass.name,
                                                        SchoolClass.grade)):
        class_year[cid] = year_pos[yid]
        class_names[cid] = name
        class_grades[cid] = grade
    last_class = [array("l", bytes(8 * (top_id + 1))) for _ in years]
    for sid, kid in raw(Span.select(Span.student, Span.klass).order_by(Span.start, Span.id)):
        last_class[class_year[kid]][sid] = kid
    last_grade = level_grades()[-1]
    moves = kinds.ENTRIES + kinds.EXITS + (kinds.COMPLETED,)
    ends = kinds.EXITS + (kinds.COMPLETED,)
    # each student's last move (date, then id), among the students who ever left or completed
    # (a window over every event of the school costs more than this on 60,000 students)
    left = Event.select(Event.student).where(live & Event.kind.in_(ends))
    last_move: dict[int, tuple] = {}
    q = (Event.select(Event.student, Event.date, Event.id, Event.kind, Event.reason, Event.school, Event.klass)
         .where(live & Event.kind.in_(moves) & Event.student.in_(left)))
    for row in raw(q):
        got = last_move.get(row[0])
        if got is None or (row[1], row[2]) > (got[1], got[2]):
            last_move[row[0]] = row
    leaving = {}
    for sid, day, _, kind, reason, school, kid in last_move.values():
        if kind not in ends or kid is None:
            continue
        grade = class_grades[kid]
        if kind in kinds.EXITS or grade == last_grade:
            leaving[sid] = (day_no(day), _leaving_text(kind, reason, school, grade))
    del last_move
    cols = (Student.id, Student.so_dang_bo, Student.code, Student.family, Student.middle,
            Student.given, Student.dob, Student.birthplace, Student.female,
            Student.ethnic, Student.father, Student.mother, Student.guardian,
            Student.address, Student.village, Student.commune)
    # numbered students in number order (the unique index), then any without a number
    numbered = Student.select(*cols).where(Student.so_dang_bo.is_null(False)).order_by(Student.so_dang_bo)
    unnumbered = Student.select(*cols).where(Student.so_dang_bo.is_null()).order_by(Student.id)
    in_scope = scopes.student_condition(None)  # the reader's students, any year (db.scope)
    numbered, unnumbered = scopes.where(numbered, in_scope), scopes.where(unnumbered, in_scope)
    names = ethnic_groups()
    year_names = [name for _, name in years]

    held_by = list(zip(year_names, last_class))
    nothing = (None, "")
    for query in (numbered, unnumbered):
        for (sid, number, code, family, middle, given, dob, birthplace, female, ethnic, father,
             mother, guardian, address, village, commune) in raw(query):
            day_no_, reason = leaving.get(sid, nothing)
            live_day = entry_live[sid]
            ethnic = ethnic or ""
            yield {
                "so_dang_bo": number, "ma": code,
                "ho_ten": " ".join(filter(None, (family, middle, given))),  # stored clean (NFC)
                "ngay_sinh": dob if dob is None or dob.__class__ is str else dob.isoformat(),
                "noi_sinh": birthplace or "", "nu": bool(female),
                "dan_toc": names.get(ethnic, ethnic), "cha": father or "", "me": mother or "",
                "giam_ho": guardian or "",
                "cho_o": address or ", ".join(filter(None, (village, commune))),
                "ngay_vao": days[live_day or entry_any[sid]],
                "lop_theo_nam": {name: class_names[kid] for name, held in held_by if (kid := held[sid])},
                "ngay_roi": days[day_no_] if day_no_ else None, "ly_do_roi": reason,
                "da_huy": not live_day,
            }

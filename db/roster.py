"""Lists of students as of a date, fetched as tuples in one query, sorted the Vietnamese way."""

from __future__ import annotations

from array import array
from datetime import date
from typing import NamedTuple
from collections.abc import Iterable, Sequence

from peewee import JOIN, Case, fn

from . import codes, kinds, scope as scopes, text
from .dates import as_date
from .models import Event, SchoolClass, SchoolYear, Span, Student, database
from .report_common import not_ended_by, open_on


class Row(NamedTuple):
    id: int
    code: str
    family: str
    middle: str
    given: str
    dob: date
    female: bool
    ethnic: str
    disability: str | None
    village: str
    klass: str
    grade: int
    status: str  # kinds.STATUS_LABELS key, or "chuyen_lop" (moved to another class)
    national_id: str | None = None
    guardian: str = ""
    phone: str = ""
    name_folded: str = ""  # the stored accent-free name (Student.name_folded), for searching

    @property
    def full_name(self) -> str:
        return text.join_name(self.family, self.middle, self.given)

    @property
    def ethnic_name(self) -> str:
        return codes.ethnic_name(self.ethnic)


def _search_clause(query: str):
    clause = None
    for word in text.fold(query).split():
        w = word.replace("%", "").replace("_", "")
        if not w:
            continue
        # each word matches the start of a word of the name ("an" finds An, not Văn)
        cond = Student.name_folded.startswith(w) | (fn.LOWER(Student.code) == w)
        for sep in (" ", "'", "-"):
            cond |= Student.name_folded.contains(sep + w)
        clause = cond if clause is None else (clause & cond)
    return clause


def roster_rows(year: SchoolYear, day: date, klass: SchoolClass | None = None,
                search: str | None = None, include_left: bool = True,
                grades: list[int] | None = None, scope=None) -> list[Row]:
    """Students of ``year`` (or of one class) with their class and status at the end of ``day``.

    For each student, the latest span that started on or before ``day`` gives the class;
    the student is "đang học" when that span is still open on ``day``, otherwise the event
    that closed it gives the status. With ``klass``, a student who moved to another class
    is listed in the old class as "chuyen_lop". Only the students in the reader's ``scope``
    (``db.scope.current()`` by default) are listed; a class outside it is refused.
    """
    q, is_open = _latest_spans(year, day, klass, include_left, grades, search, scope,
                               Student.id, Student.code, Student.family, Student.middle,
                               Student.given, Student.dob, Student.female, Student.ethnic,
                               Student.disability, Student.village, SchoolClass.name,
                               SchoolClass.grade, None, Student.national_id, Student.guardian,
                               Student.phone, Student.name_folded)
    q = q.order_by(Student.sort_key, Student.id)
    # raw tuples: peewee's per-field conversion costs more than the query on 60,000 rows
    status_of, fromiso = _STATUS_OF, date.fromisoformat
    return [Row(r[0], r[1], r[2], r[3], r[4],
                r[5] if isinstance(r[5], date) else fromiso(r[5][:10]),  # SQLite gives text
                bool(r[6]), r[7], r[8], r[9], r[10], r[11], status_of.get(r[12], r[12]),
                r[13], r[14], r[15], r[16])
            for r in database.execute(q)]


def _latest_spans(year, day, klass, include_left, grades, search, scope, *columns, join_class=True):
    """The query behind the roster lists: for each student, the latest span of ``year``
    started by ``day`` (under ``klass``), joined to the student, the class (unless
    ``join_class`` is false: then ``grades`` must be None) and the closing event. A column
    given as None becomes the status expression. Returns (query, is_open)."""
    span_filter = (Span.year == year.id) & (Span.start <= day)
    if klass is not None:
        scopes.check_class(klass, scope)
        span_filter &= Span.klass == klass.id
    else:
        in_scope = scopes.student_condition(year, Span.student, scope)
        if in_scope is not None:
            span_filter &= in_scope
    # the latest span: no other span (under the same filter) started after it, or on the
    # same day with a higher id. NOT EXISTS over the (student, year, start) index is about
    # twice as fast as ROW_NUMBER() OVER (PARTITION BY student) on 60,000 students.
    Later = Span.alias("later")
    later_filter = ((Later.student == Span.student) & (Later.year == year.id) & (Later.start <= day)
                    & ((Later.start > Span.start) | ((Later.start == Span.start) & (Later.id > Span.id))))
    if klass is not None:
        later_filter &= Later.klass == klass.id
    later = Later.select(Later.id).where(later_filter)
    EndEvent = Event.alias("end_ev")
    is_open = not_ended_by(day)
    status = Case(None, [(is_open, "dang_hoc")], EndEvent.kind)
    q = (Span
         .select(*[status if c is None else c for c in columns])
         .join(Student, on=(Student.id == Span.student))
         .switch(Span))
    if join_class:
        q = q.join(SchoolClass, on=(SchoolClass.id == Span.klass)).switch(Span)
    q = (q
         .join(EndEvent, JOIN.LEFT_OUTER, on=(EndEvent.id == Span.end_event))
         .where(span_filter & ~fn.EXISTS(later)))
    if not include_left:
        q = q.where(is_open)
    if grades:
        q = q.where(SchoolClass.grade.in_(grades))
    if search and text.fold(search).strip():
        q = q.where(_search_clause(search))
    return q, is_open


# the status of a row: "dang_hoc", "chuyen_lop", or the status after the closing event
_STATUS_OF = {**kinds.STATUS_AFTER, kinds.CLASS_CHANGE: "chuyen_lop", "dang_hoc": "dang_hoc"}


def search_words(query: str | None) -> list[str]:
    """The folded words of a search, as ``roster_rows(search=…)`` reads them."""
    words = []
    for word in text.fold(query or "").split():
        w = word.replace("%", "").replace("_", "")
        if w:
            words.append(w)
    return words


def search_key(row: Row) -> str:
    """A string that :func:`filter_rows` searches: word starts of the name, the whole code."""
    return f" {row.name_folded}\x00{row.code.lower()}\x00"


def filter_rows(keys: Sequence[str], query: str | None,
                within: Iterable[int] | None = None) -> list[int]:
    """Positions of the rows whose :func:`search_key` matches ``query`` the way
    ``roster_rows(search=…)`` does (each word starts a word of the name, or is the code),
    in memory. ``within``: only these positions (the answer to a shorter query)."""
    words = search_words(query)
    positions = range(len(keys)) if within is None else within
    if not words:
        return list(positions)
    out = list(positions)
    for w in words:
        space, quote, dash, code = " " + w, "'" + w, "-" + w, "\x00" + w + "\x00"
        out = [i for i in out if space in keys[i] or quote in keys[i] or dash in keys[i]
               or code in keys[i]]
    return out


class RosterIndex:
    """A long roster kept narrow: for every row only the student id, the :func:`search_key`,
    the class and the status; the other fields of a row are read when it is asked for, by
    id, for a page of rows at a time (one query per page, then cached).

    60,000 students take a few MB this way instead of 60,000 :class:`Row` tuples of 17
    fields, and the list query reads four columns instead of seventeen."""

    PAGE = 64  # rows read by one query
    KEEP = 4096  # rows kept after they were read (the cache is emptied beyond)

    def __init__(self, ids: Sequence[int], keys: list[str], klass: list[str],
                 status: list[str], grades: dict[str, int]) -> None:
        self.ids = ids
        self.keys = keys  # search_key of each row: filter_rows(index.keys, query)
        self.klass = klass  # class names (one shared string per class)
        self.status = status  # status keys (shared strings)
        self.grades = grades  # class name -> grade
        self._rows: dict[int, Row] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def row(self, position: int, ahead: Iterable[int] = ()) -> Row:
        """The full :class:`Row` at ``position``; when it is not cached yet, it is read
        together with the rows at the positions ``ahead`` (at most :attr:`PAGE` of them, e.g.
        the rows that are about to be shown below it) in one query."""
        row = self._rows.get(position)
        if row is None:
            wanted = [position]
            for p in ahead:
                if len(wanted) >= self.PAGE:
                    break
                if p != position and p not in self._rows:
                    wanted.append(p)
            self._read(wanted)
            row = self._rows[position]
        return row

    def _read(self, positions: list[int]) -> None:
        if len(self._rows) + len(positions) > self.KEEP:
            self._rows.clear()
        by_id = {self.ids[p]: p for p in positions}
        q = (Student.select(Student.id, Student.code, Student.family, Student.middle,
                            Student.given, Student.dob, Student.female, Student.ethnic,
                            Student.disability, Student.village, Student.national_id,
                            Student.guardian, Student.phone)
             .where(Student.id.in_(list(by_id))))
        fromiso = date.fromisoformat
        for r in database.execute(q):
            p = by_id.pop(r[0])
            key, klass = self.keys[p], self.klass[p]
            self._rows[p] = Row(r[0], r[1], r[2], r[3], r[4],
                                r[5] if isinstance(r[5], date) else fromiso(r[5][:10]),
                                bool(r[6]), r[7], r[8], r[9], klass, self.grades.get(klass, 0),
                                self.status[p], r[10], r[11], r[12],
                                key[1:key.index("\x00")])
        for sid, p in by_id.items():  # removed since the list was read: shown as blank
            self._rows[p] = Row(sid, "", "", "", "", None, False, "", None, "",
                                self.klass[p], self.grades.get(self.klass[p], 0), self.status[p])


def roster_index(year: SchoolYear, day: date, klass: SchoolClass | None = None,
                 include_left: bool = True, grades: list[int] | None = None,
                 scope=None) -> RosterIndex:
    """The rows of :func:`roster_rows` (same students, same order, same class and status)
    as a :class:`RosterIndex`: one query for the classes of the year, one for the list
    (joining the class in the list query costs more than reading the classes apart)."""
    classes = {cid: (name, grade) for cid, name, grade in database.execute(
        SchoolClass.select(SchoolClass.id, SchoolClass.name, SchoolClass.grade)
        .where(SchoolClass.year == year.id))}
    q, _ = _latest_spans(year, day, klass, include_left, None, None, scope,
                         Student.id, Student.code, Student.name_folded, Span.klass, None,
                         join_class=False)
    if grades:
        q = q.where(Span.klass.in_([c for c, (_n, g) in classes.items() if g in grades]))
    q = q.order_by(Student.sort_key, Student.id)
    ids = array("q")
    keys: list[str] = []
    names: list[str] = []
    statuses: list[str] = []
    name_of = {cid: name for cid, (name, _g) in classes.items()}
    grade_of = {name: grade for name, grade in classes.values()}
    status_of = _STATUS_OF
    add_id, add_key, add_name, add_status = ids.append, keys.append, names.append, statuses.append
    for sid, code, folded, klass_id, status in database.execute(q):
        add_id(sid)
        add_key(f" {folded}\x00{code.lower()}\x00")
        add_name(name_of[klass_id])
        add_status(status_of.get(status, status))
    return RosterIndex(ids, keys, names, statuses, grade_of)


STATUS_TEXT = {**kinds.STATUS_LABELS, "chuyen_lop": "Đã chuyển lớp"}


class ClassCount(NamedTuple):
    klass_id: int
    name: str
    grade: int
    homeroom: str
    start: int  # enrolled at the end of the reference date
    now: int  # enrolled at the end of the day
    female: int
    minority: int


def class_counts(year: SchoolYear, day: date, scope=None) -> list[ClassCount]:
    """Per class: start-of-year count, count on ``day``, female and ethnic-minority counts on ``day``.
    Two grouped queries, whatever the number of students. Only the classes in ``scope``."""
    start = dict(Span.select(Span.klass, fn.COUNT(Span.id))
                 .where((Span.year == year.id) & open_on(year.ref_date))
                 .group_by(Span.klass).tuples())
    now = {k: (n, f, m) for k, n, f, m in
           Span.select(Span.klass, fn.COUNT(Span.id),
                       fn.SUM(Case(None, [(Student.female == True, 1)], 0)),
                       fn.SUM(Case(None, [(codes.MINORITY, 1)], 0)))
           .join(Student)
           .where((Span.year == year.id) & open_on(day))
           .group_by(Span.klass).tuples()}
    out = []
    classes = scopes.where(SchoolClass.select().where(SchoolClass.year == year.id),
                           scopes.class_condition(year, scope=scope))
    for c in sorted(classes, key=lambda c: (c.grade, text.natural_key(c.name))):
        n, f, m = now.get(c.id, (0, 0, 0))
        out.append(ClassCount(c.id, c.name, c.grade, c.homeroom, start.get(c.id, 0), n, int(f or 0), int(m or 0)))
    return out


def month_end_counts(year: SchoolYear, day: date, scope=None) -> dict[int, list[tuple[date, int]]]:
    """Per grade: the students enrolled at the end of every month of ``year`` from its start
    month to ``day``'s month — ``[(end of the month, or day for the last), count], …`` — for
    the vice-principal's cards. One grouped query (spans by grade, start and end: a few
    hundred rows whatever the number of students), the months counted in Python. Only the
    classes in ``scope``."""
    from datetime import timedelta

    ends: list[date] = []
    y, m = year.start.year, year.start.month
    while (y, m) <= (day.year, day.month):
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        ends.append(min(nxt - timedelta(days=1), day))
        y, m = nxt.year, nxt.month
    out: dict[int, list[int]] = {}
    in_scope = scopes.class_condition(year, scope=scope)
    grades = {g for (g,) in scopes.where(SchoolClass.select(SchoolClass.grade)
                                         .where(SchoolClass.year == year.id), in_scope)
              .distinct().tuples()}
    for g in grades:
        out[g] = [0] * len(ends)
    q = (Span.select(SchoolClass.grade, Span.start, Span.end, fn.COUNT(Span.id))
         .join(SchoolClass, on=(SchoolClass.id == Span.klass))
         .where((Span.year == year.id) & (Span.start <= day))
         .group_by(SchoolClass.grade, Span.start, Span.end))
    q = scopes.where(q, in_scope)
    for grade, start, end, n in database.execute(q):
        start, end = as_date(start), as_date(end)
        row = out.setdefault(grade, [0] * len(ends))
        for i, d in enumerate(ends):
            if start <= d and (end is None or end > d):
                row[i] += int(n)
    return {g: list(zip(ends, counts)) for g, counts in sorted(out.items())}


# ``siso student list``: its columns (key, header) and its rows with the JSON keys of
# docs/forms.md ("Lists printed by the CLI"); a list written to .csv/.json has the same.
LIST_COLUMNS = [("stt", "STT"), ("ma", "Mã HS"), ("ho_ten", "Họ và tên"), ("ngay_sinh", "Ngày sinh"),
                ("ten_gioi_tinh", "Giới tính"), ("dan_toc", "Dân tộc"), ("lop", "Lớp"),
                ("thon", "Thôn/làng"), ("ten_trang_thai", "Trạng thái")]  # what a table/csv shows people


def list_dicts(rows) -> list[dict]:
    """Roster rows (``Row``) as the dicts of ``siso student list``: as in ``event list``, a plain
    key holds the code (``gioi_tinh``: nam/nu, ``trang_thai``: dang_hoc …) and a ``ten_…`` key
    its label, which the table and CSV show."""
    return [{"stt": i, "ma": r.code, "ho_ten": r.full_name, "ngay_sinh": r.dob,
             "gioi_tinh": "nu" if r.female else "nam", "ten_gioi_tinh": "Nữ" if r.female else "Nam",
             "dan_toc": r.ethnic_name,
             "ma_dan_toc": r.ethnic, "khuyet_tat": codes.disability_types().get(r.disability or "", ""),
             "ma_dinh_danh": r.national_id or "", "lop": r.klass, "khoi": r.grade, "thon": r.village,
             "trang_thai": r.status, "ten_trang_thai": STATUS_TEXT.get(r.status, r.status)}
            for i, r in enumerate(rows, 1)]


# the extra fields a roster row (``db.roster.Row``) does not carry
EXTRA_FIELDS = ("commune", "birthplace", "address", "father", "mother")


def roster_export_rows(rows: list):
    """``Row`` tuples as the dicts ``exports.students.write_student_list`` takes, with the
    fields a roster row does not carry (``EXTRA_FIELDS``) read in one query. A generator: the
    query runs when the writer asks for the first dict, and each dict is made when the writer
    reaches it, so 60,000 of them never sit in memory."""
    q = Student.select(Student.id, *(getattr(Student, f) for f in EXTRA_FIELDS))
    if len(rows) <= 500:  # a class or a search: only these students
        q = q.where(Student.id.in_([r.id for r in rows]))
    extra = {sid: rest for sid, *rest in database.execute(q)}  # raw text columns: no conversion
    for r in rows:
        d = r._asdict()
        d["full_name"] = r.full_name
        d.update(zip(EXTRA_FIELDS, extra.get(r.id, ("",) * len(EXTRA_FIELDS))))
        yield d

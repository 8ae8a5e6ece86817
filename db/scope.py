"""What the person at the keyboard may see: the whole school, some grades, or some classes.

A process acts for one person (the CLI for one command, the TUI for one session, each browser
tab in a process of its own), so the reader's scope is kept per process, set by the door once
it knows who is acting. Every list, search, report and export reads through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from . import fields


@dataclass(frozen=True)
class Scope:
    """``grades`` None = every grade; ``class_ids`` None = every class of those grades.

    A homeroom teacher's scope names their classes (``class_ids``); a vice-principal's
    names their grades; the clerk and the principal see the whole school.
    """

    grades: frozenset[int] | None = None
    class_ids: frozenset[int] | None = None
    label: str = "Toàn trường"
    # the grades the dashboard's cards open on (a vice-principal reads the whole school but
    # follows their own grades); None = every grade
    home_grades: frozenset[int] | None = None

    @property
    def whole(self) -> bool:
        return self.grades is None and self.class_ids is None


WHOLE_SCHOOL = Scope()

_current: Scope = WHOLE_SCHOOL


def current() -> Scope:
    """The scope of the person this process acts for (the whole school until a door says)."""
    return _current


def set_current(scope: Scope | None) -> None:
    global _current
    _current = scope or WHOLE_SCHOOL


# ---- reading through a scope -----------------------------------------------------------------
#
# Every read of db/ that lists students, their events or counts them asks these helpers for
# the reader's condition. The whole school gives None (no condition: the query is the one it
# was before scoping), so the clerk and the principal pay nothing for it.

def _resolve(scope: Scope | None) -> Scope:
    return current() if scope is None else scope


def class_ids(year, scope: Scope | None = None) -> frozenset[int] | None:
    """The ids of the classes of ``year`` (a SchoolYear or its id; None = every year) the
    scope reads; None = all of them (no condition)."""
    scope = _resolve(scope)
    if scope.whole:  # first: the whole school pays for nothing else
        return None
    from .models import SchoolClass

    q = SchoolClass.select(SchoolClass.id)
    if year is not None:
        q = q.where(SchoolClass.year == getattr(year, "id", year))
    if scope.class_ids is not None:
        q = q.where(SchoolClass.id.in_(sorted(scope.class_ids) or [0]))
    if scope.grades is not None:
        q = q.where(SchoolClass.grade.in_(sorted(scope.grades) or [0]))
    return frozenset(cid for (cid,) in q.tuples())


def class_condition(year, column=None, scope: Scope | None = None):
    """A peewee condition on ``column`` (default ``SchoolClass.id``) keeping the classes of
    ``year`` in scope, or None for the whole school."""
    ids = class_ids(year, scope)
    if ids is None:
        return None
    from .models import SchoolClass

    return (SchoolClass.id if column is None else column).in_(sorted(ids) or [0])


def student_condition(year, column=None, scope: Scope | None = None):
    """A peewee condition on ``column`` (a student id column, default ``Student.id``)
    keeping the students in scope, or None for the whole school: a student is in scope when
    they had any span of ``year`` (None = any year) in a class of the scope — those who
    left the class this year included (the homeroom teacher visits dropouts)."""
    ids = class_ids(year, scope)
    if ids is None:
        return None
    from .models import Span, Student

    spans = Span.select(Span.student).where(Span.klass.in_(sorted(ids) or [0]))
    if year is not None:
        spans = spans.where(Span.year == getattr(year, "id", year))
    return (Student.id if column is None else column).in_(spans)


def where(query, condition):
    """``query.where(condition)`` unless the condition is None (the whole school)."""
    return query if condition is None else query.where(condition)


def keep_ids(ids, year, scope: Scope | None = None):
    """The student ids of ``ids`` (any iterable) that are in scope, in their order."""
    from .models import Span

    cids = class_ids(year, scope)
    if cids is None:
        return list(ids)
    q = Span.select(Span.student).where(Span.klass.in_(sorted(cids) or [0]))
    if year is not None:
        q = q.where(Span.year == getattr(year, "id", year))
    inside = {sid for (sid,) in q.tuples()}
    return [i for i in ids if i in inside]


def may_read_student(student, year=None, scope: Scope | None = None) -> bool:
    """Whether the reader may see ``student`` (a Student or its id): in scope in ``year``
    (None = any year)."""
    sid = getattr(student, "id", student)
    return bool(keep_ids([sid], year, scope))


def check_student(student, year=None, scope: Scope | None = None) -> None:
    """Refuse, in Vietnamese, a student outside the reader's scope. The message names the
    reader's scope but not the student: outside it, even who the code belongs to is
    not theirs to see."""
    scope = _resolve(scope)
    if not may_read_student(student, year, scope):
        from .errors import SisoError

        code = getattr(student, "code", "")
        raise SisoError(f"Học sinh mã «{code}» không thuộc phạm vi bạn được xem ({scope.label}).",
                        fields.MA)


def check_class(klass, scope: Scope | None = None) -> None:
    """Refuse, in Vietnamese, a class outside the reader's scope."""
    if klass is None:
        return
    scope = _resolve(scope)
    ids = class_ids(klass.year_id, scope)
    if ids is not None and klass.id not in ids:
        from .errors import SisoError

        raise SisoError(f"Lớp {klass.name} không thuộc phạm vi bạn được xem ({scope.label}).",
                        fields.LOP)


TOTAL_SHOWN = "Tổng các dòng hiển thị"


def total_label(default: str = "Toàn trường", scope: Scope | None = None, shown: str = TOTAL_SHOWN) -> str:
    """The label of a total row (a form's, the overview's): the school's name for it when the
    reader sees the whole school, else ``shown``, «Tổng các dòng hiển thị» in the forms (the
    rows shown are not the school; the overview's narrow first column says «Cộng», beside
    «N lớp hiển thị»)."""
    return default if _resolve(scope).whole else shown


def form_marks(scope: Scope | None = None) -> dict:
    """What a form computed over a scope carries: ``{"pham_vi": label}`` (its totals are
    the totals of the rows shown, ``exports.forms`` labels them so); nothing for the whole
    school, whose forms stay as they were."""
    scope = _resolve(scope)
    return {} if scope.whole else {"pham_vi": scope.label}

"""A student's history as text: one line per event, the same content for both doors.

The CLI (``siso student show``) prints the lines in Vietnamese; the student screen passes its
``_`` as ``tr`` and styles them. Every phrase is a template in ``TEMPLATES`` (the interface's
catalogue translates them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import codes, kinds
from .dates import fmt_date
from .models import Event, SchoolClass, SchoolYear, Student

# The phrases of a history line, as msgids (tui/locale translates them).
TEMPLATES = {
    "class": "lớp {name}",
    "from": "từ {where}",
    "to": "đến {where}",
    "reason": "lý do: {reason}",
    "vocational": "học nghề",
    "doc": "số {doc}",
    "without_visits": "chưa đủ 3 lần vận động: {why}",
    "voided": "ĐÃ HỦY {day} bởi {user}",
    "voided_why": "ĐÃ HỦY {day} bởi {user}: {why}",
}


@dataclass
class HistoryLine:
    day: date
    year: str
    kind: str  # the event's label
    move: str  # «lớp 6A1», or «6A1 → 6A2» for a class change
    details: list[str] = field(default_factory=list)
    voided: str = ""  # «ĐÃ HỦY … bởi …: …» for a voided event, else ""

    def text(self) -> str:
        """The line as the CLI prints it."""
        parts = [fmt_date(self.day), self.year, self.kind, *filter(None, [self.move]), *self.details]
        line = " | ".join(parts)
        return f"{line}  [{self.voided}]" if self.voided else line


def history(student: Student) -> list[Event]:
    """All the student's events, voided ones included, in date order; a student outside the
    reader's scope is refused (``db.scope.check_student``)."""
    from . import scope

    scope.check_student(student)
    return list(Event.select(Event, SchoolYear).join(SchoolYear)
                .where(Event.student == student).order_by(Event.date, Event.id))


def history_lines(student: Student, tr=lambda s: s, events: list[Event] | None = None) -> list[HistoryLine]:
    """The student's history, one ``HistoryLine`` per event (voided ones included);
    ``events``: the student's ``history`` when the caller has read it already."""
    events = history(student) if events is None else events
    ids = ({e.klass_id for e in events} | {e.from_klass_id for e in events}) - {None}
    names = dict(SchoolClass.select(SchoolClass.id, SchoolClass.name)
                 .where(SchoolClass.id.in_(ids)).tuples()) if ids else {}
    return [_line(ev, names, tr) for ev in events]


def _line(ev: Event, names: dict[int, str], tr) -> HistoryLine:
    t = {k: tr(v) for k, v in TEMPLATES.items()}
    if ev.from_klass_id and ev.klass_id:
        move = f"{names.get(ev.from_klass_id, '?')} → {names.get(ev.klass_id, '?')}"
    elif ev.klass_id:
        move = t["class"].format(name=names.get(ev.klass_id, "?"))
    else:
        move = ""
    details = []
    if ev.semester:
        details.append(tr(kinds.SEMESTER_LABELS.get(ev.semester, ev.semester)))
    if ev.reason:
        reason = codes.reason_text(ev.reason, tr) if ev.kind == kinds.DROPOUT else ev.reason
        details.append(t["reason"].format(reason=reason))
    if ev.school:
        where = ", ".join(x for x in (ev.school, ev.district, ev.province) if x)
        details.append((t["from"] if ev.kind in kinds.ENTRIES else t["to"]).format(where=where))
    if ev.scope:
        details.append(tr(kinds.SCOPES.get(ev.scope, ev.scope)))
    if ev.vocational:
        details.append(t["vocational"])
    if ev.doc_no:
        details.append(t["doc"].format(doc=ev.doc_no))
    if ev.note:
        details.append(ev.note)
    if getattr(ev, "without_visits", None):
        details.append(t["without_visits"].format(why=ev.without_visits))
    voided = ""
    if ev.voided_at:
        key = "voided_why" if ev.void_reason else "voided"
        voided = t[key].format(day=fmt_date(ev.voided_at.date()), user=ev.voided_by or "?",
                               why=ev.void_reason or "")
    return HistoryLine(ev.date, ev.year.name, tr(kinds.LABELS.get(ev.kind, ev.kind)), move, details, voided)

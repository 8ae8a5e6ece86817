"""The movement register (sổ theo dõi biến động): the events of a year, one row each, as the
movements screen (the F8 key) and ``siso event list`` show them (``list_events``, one
query), and an event's reason as text.

Recording and voiding the movements: ``db/movements.py``.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from peewee import JOIN

from . import codes, fields, kinds, scope as scopes, text
from .dates import parse_date
from .errors import SisoError
from .models import Event, SchoolClass, Student
from .movements import MOVEMENT_KINDS, class_arg, student_arg, year_arg

# a transfer's scope in JSON: the CLI's token with "_" (docs/forms.md's convention for codes)
_SCOPE_CODES = {code: token.replace("-", "_") for token, code in kinds.SCOPE_FROM_CLI.items()}


class EventRow(NamedTuple):
    id: int
    date: date
    kind: str
    student_id: int
    code: str
    name: str
    klass: str  # class entered / left / of the student
    from_klass: str  # class left by a class change
    semester: str
    reason: str
    school: str
    province: str
    district: str
    scope: str
    vocational: bool
    doc_no: str
    note: str
    voided: bool
    void_reason: str
    batch: int | None

    @property
    def label(self) -> str:
        return kinds.LABELS.get(self.kind, self.kind)

    def as_dict(self) -> dict:
        """The keys of ``siso event list --format json`` (Vietnamese, as every list of the
        CLI): codes where the event has one (the kind and the scope as the CLI's tokens with
        "_": ``transfer_in``, ``ngoai_tinh``), with its label beside it."""
        return {
            "id": self.id, "ngay": self.date, "loai": self.kind,
            "ten_loai": self.label, "ma": self.code, "ho_ten": self.name, "lop": self.klass,
            "tu_lop": self.from_klass, "hoc_ky": self.semester,
            "ly_do_ma": self.reason if self.kind == kinds.DROPOUT else "",
            "ly_do": reason_text(self), "truong": self.school, "tinh": self.province,
            "xa": self.district, "pham_vi": _SCOPE_CODES.get(self.scope),
            "ten_pham_vi": kinds.SCOPES.get(self.scope, ""),
            "hoc_nghe": self.vocational, "so_van_ban": self.doc_no, "ghi_chu": self.note,
            "da_huy": self.voided, "ly_do_huy": self.void_reason, "dot_nhap": self.batch,
        }


def list_events(year, start=None, end=None, kind=None, klass=None,
                include_voided: bool = True, student=None) -> list[EventRow]:
    """Events of ``year`` dated in [start, end] (one query), by date then record order.

    ``kind``: one kind, a list of kinds, or None for the movement kinds (MOVEMENT_KINDS).
    ``klass``: a class (the event's class or the class left by a class change).
    """
    year = year_arg(year)
    if kind is None:
        kind_list = list(MOVEMENT_KINDS)
    elif isinstance(kind, str):
        kind_list = [kinds.FROM_CLI.get(kind, kind)]
    else:
        kind_list = [kinds.FROM_CLI.get(k, k) for k in kind]
    for k in kind_list:
        if k not in kinds.LABELS:
            names = ", ".join(kinds.CLI_NAMES.values())
            raise SisoError(f"Loại biến động «{k}» không có: cần một trong {names}.", fields.LOAI)
    From = SchoolClass.alias("from_class")
    q = (Event.select(Event.id, Event.date, Event.kind, Student.id, Student.code, Student.family,
                      Student.middle, Student.given, SchoolClass.name, From.name, Event.semester,
                      Event.reason, Event.school, Event.province, Event.district, Event.scope,
                      Event.vocational, Event.doc_no, Event.note, Event.voided_at, Event.void_reason,
                      Event.batch)
         .join(Student, on=(Student.id == Event.student))
         .switch(Event).join(SchoolClass, JOIN.LEFT_OUTER, on=(SchoolClass.id == Event.klass))
         .switch(Event).join(From, JOIN.LEFT_OUTER, on=(From.id == Event.from_klass))
         .where((Event.year == year.id) & Event.kind.in_(kind_list)))
    if start not in (None, ""):
        q = q.where(Event.date >= parse_date(start, "từ ngày", fields.TU_NGAY))
    if end not in (None, ""):
        q = q.where(Event.date <= parse_date(end, "đến ngày", fields.DEN_NGAY))
    if klass not in (None, ""):
        k = class_arg(klass, year)
        scopes.check_class(k)
        q = q.where((Event.klass == k.id) | (Event.from_klass == k.id))
    q = scopes.where(q, scopes.student_condition(year, Event.student))  # the reader's students
    if student is not None:
        q = q.where(Event.student == student_arg(student).id)
    if not include_voided:
        q = q.where(Event.voided_at.is_null())
    rows = []
    for r in q.order_by(Event.date, Event.id).tuples():
        (eid, day, k, sid, code, fam, mid, giv, kname, fname, sem, reason, school, prov, dist,
         scope, voc, doc, note, voided_at, vreason, batch) = r
        rows.append(EventRow(eid, day, k, sid, code, text.join_name(fam, mid, giv), kname or "",
                             fname or "", sem or "", reason or "", school or "", prov or "",
                             dist or "", scope or "", bool(voc), doc or "", note or "",
                             voided_at is not None, vreason or "", batch))
    return rows


def reason_text(row_or_event, tr=lambda name: name) -> str:
    """Human text of an event's reason: a dropout's coded reason (``codes.reason_text``,
    translated by ``tr`` on a screen in another language), else the free text."""
    reason = row_or_event.reason or ""
    if row_or_event.kind == kinds.DROPOUT and reason:
        return codes.reason_text(reason, tr)
    return reason

"""Record enrolment events and derive spans from them.

A student's history in one school year is replayed in (date, id) order through a
small state machine; any event that does not fit (a dropout of a student who is
not enrolled, a return without a dropout, …) refuses the whole action. The
``Span`` rows are rebuilt from the replay, so they always equal a full rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from . import audit, fields, kinds
from .dates import fmt_date
from .errors import SisoError
from .limits import check_lengths
from .models import Batch, Event, SchoolClass, SchoolYear, Span, Student


@dataclass
class Step:
    """The state after an event: enrolled in ``klass`` or not; the event that put it there."""

    enrolled: bool
    klass_id: int | None
    span_start: date | None
    span_event: int | None


def semester_of(year: SchoolYear, day: date) -> str:
    """HK1 before semester II starts, HK2 until the year's end, then summer (HE)."""
    if day < year.hk2_start:
        return "HK1"
    if day <= year.end:
        return "HK2"
    return "HE"


def summer_end(year: SchoolYear) -> date:
    """Last day an event may carry for this school year: the summer after it."""
    nxt = (
        SchoolYear.select(SchoolYear.start)
        .where(SchoolYear.start > year.start)
        .order_by(SchoolYear.start)
        .first()
    )
    if nxt is not None:
        return max(year.end, nxt.start - timedelta(days=1))
    return max(year.end, date(year.end.year, 8, 31))


def describe(ev: Event) -> str:
    """«Đi học lại» ngày 03/12/2024 (số 57); without the number for an event not yet saved."""
    said = f"«{kinds.LABELS.get(ev.kind, ev.kind)}» ngày {fmt_date(ev.date)}"
    return f"{said} (số {ev.id})" if ev.id else said


def replay(events: list[Event], exit_before: str | None = None) -> list[tuple[Event, Step]]:
    """Walk one student's events of one year in order; raise SisoError at the first misfit.

    ``exit_before``: how the student left in an earlier year — a kind of ``kinds.EXITS``
    (``last_exit_before``), or None. An exit, an outcome and
    the "from" class of a class change must name the class the student is in on that day,
    so a change earlier in the history can never leave a later event counted in the wrong
    class. Returns each event with the state after it. Voided events must be left out by
    the caller.
    """
    state = Step(False, None, None, None)
    last_exit = exit_before
    started = False
    out: list[tuple[Event, Step]] = []
    for ev in events:
        k = ev.kind
        if k in kinds.ENTRIES:
            if state.enrolled:
                raise SisoError(
                    f"Không ghi được {describe(ev)}: học sinh đang học lớp "
                    f"{SchoolClass.get_by_id(state.klass_id).name} vào ngày đó."
                )
            if last_exit == kinds.DEATH:
                raise SisoError(f"Không ghi được {describe(ev)}: học sinh đã được ghi là đã mất.")
            if k == kinds.RETURN and last_exit != kinds.DROPOUT:
                raise SisoError(
                    f"Không ghi được {describe(ev)}: chỉ ghi «Đi học lại» cho học sinh đã bỏ học."
                )
            if k in (kinds.ADMIT, kinds.ENROLL) and started:
                raise SisoError(
                    f"Không ghi được {describe(ev)}: học sinh đã vào trường trong năm học này; "
                    "dùng «Chuyển đến» hoặc «Đi học lại»."
                )
            if ev.klass_id is None:
                raise SisoError(f"Không ghi được {describe(ev)}: thiếu lớp.", fields.LOP)
            state = Step(True, ev.klass_id, ev.date, ev.id)
            started = True
        elif k in kinds.EXITS:
            if not state.enrolled:
                raise SisoError(
                    f"Không ghi được {describe(ev)}: học sinh không đang học vào ngày đó."
                )
            _same_class(ev, ev.klass_id, state)
            state = Step(False, state.klass_id, None, None)
            last_exit = k
        elif k == kinds.CLASS_CHANGE:
            if not state.enrolled:
                raise SisoError(
                    f"Không ghi được {describe(ev)}: học sinh không đang học vào ngày đó."
                )
            if ev.klass_id == state.klass_id:
                raise SisoError(f"Không ghi được {describe(ev)}: học sinh đã ở lớp này.", fields.LOP)
            _same_class(ev, ev.from_klass_id, state)
            state = Step(True, ev.klass_id, ev.date, ev.id)
        elif k in kinds.OUTCOMES:
            if not state.enrolled:
                raise SisoError(
                    f"Không ghi được {describe(ev)}: học sinh không đang học vào ngày đó."
                )
            _same_class(ev, ev.klass_id, state)
        else:
            raise SisoError(f"Loại biến động «{k}» không có.", fields.LOAI)
        out.append((ev, state))
    return out


def _same_class(ev: Event, klass_id: int | None, state: Step) -> None:
    """The class an event names must be the class the student is in on its date."""
    if klass_id is not None and state.klass_id is not None and klass_id != state.klass_id:
        named = SchoolClass.get_by_id(klass_id).name
        actual = SchoolClass.get_by_id(state.klass_id).name
        raise SisoError(f"Sự kiện {describe(ev)} ghi cho lớp {named}, nhưng ngày đó học sinh "
                        f"học lớp {actual}.", fields.LOP)


def spans_from_replay(student_id: int, year_id: int, steps: list[tuple[Event, Step]]) -> list[dict]:
    spans: list[dict] = []
    current: dict | None = None
    for ev, st in steps:
        if ev.kind in kinds.OUTCOMES:
            continue
        if current is not None and (not st.enrolled or st.span_event == ev.id):
            current["end"] = ev.date
            current["end_event"] = ev.id
            spans.append(current)
            current = None
        if st.enrolled and st.span_event == ev.id:
            current = {
                "student": student_id, "year": year_id, "klass": st.klass_id,
                "start": ev.date, "end": None, "start_event": ev.id, "end_event": None,
            }
    if current is not None:
        spans.append(current)
    return spans


def year_events(student_id: int, year_id: int, extra: Event | None = None,
                skip_id: int | None = None) -> list[Event]:
    q = (Event.select()
         .where((Event.student == student_id) & (Event.year == year_id) & Event.voided_at.is_null())
         .order_by(Event.date, Event.id))
    evs = [e for e in q if e.id != skip_id]
    if extra is not None:
        evs.append(extra)
        evs.sort(key=lambda e: (e.date, e.id if e.id is not None else 1 << 62))
    return evs


def last_exit_before(student_id: int, year: SchoolYear) -> str | None:
    """How the student left in an earlier year (a kind of ``kinds.EXITS``), or None when their
    last move there was an entry or there is none."""
    last = (Event.select(Event.kind)
            .join(SchoolYear)
            .where((Event.student == student_id) & (SchoolYear.start < year.start)
                   & Event.voided_at.is_null() & Event.kind.in_(kinds.EXITS + kinds.ENTRIES))
            .order_by(Event.date.desc(), Event.id.desc())
            .first())
    return last.kind if last is not None and last.kind in kinds.EXITS else None


def had_dropout_before(student_id: int, year: SchoolYear) -> bool:
    """True when the student's last exit in an earlier year was a dropout."""
    return last_exit_before(student_id, year) == kinds.DROPOUT


def rebuild_spans(student_id: int, year_id: int) -> list[tuple[Event, Step]]:
    """Replace the student's spans of that year with the ones the events give."""
    year = SchoolYear.get_by_id(year_id)
    steps = replay(year_events(student_id, year_id), last_exit_before(student_id, year))
    Span.delete().where((Span.student == student_id) & (Span.year == year_id)).execute()
    rows = spans_from_replay(student_id, year_id, steps)
    if rows:
        Span.insert_many(rows).execute()
    return steps


def check_date(year: SchoolYear, day: date, student: Student | None = None,
               kind: str | None = None) -> None:
    """The date must fall in the school year or the summer after it; admissions only in the
    school year itself (a summer arrival is a transfer in)."""
    last = summer_end(year)
    if day < year.start or day > last:
        raise SisoError(
            f"Ngày {fmt_date(day)} nằm ngoài năm học {year.name} "
            f"({fmt_date(year.start)} – {fmt_date(last)}).",
            fields.NGAY,
        )
    if student is not None and day < student.dob:
        raise SisoError(f"Ngày {fmt_date(day)} trước ngày sinh của học sinh.", fields.NGAY)
    if kind in (kinds.ADMIT, kinds.ENROLL) and day > year.end:
        raise SisoError(
            f"Ngày {fmt_date(day)} sau khi năm học {year.name} kết thúc ({fmt_date(year.end)}): "
            f"«{kinds.LABELS[kind]}» chỉ ghi trong năm học.",
            fields.NGAY,
        )


def _refuse_after_rollover(student: Student, year: SchoolYear) -> None:
    """Once a rollover has carried the student into a later year, the old year's exits and
    outcomes would leave the new year wrong: refuse them."""
    carried = (Event.select(Event.id, SchoolYear.name, Batch.id)
               .join(SchoolYear, on=(Event.year == SchoolYear.id))
               .switch(Event).join(Batch, on=(Event.batch == Batch.id))
               .where((Event.student == student.id) & (SchoolYear.start > year.start)
                      & (Event.kind == kinds.ENROLL) & Event.voided_at.is_null()
                      & (Batch.kind == "rollover") & Batch.undone_at.is_null())
               .tuples().first())
    if carried:
        raise SisoError(
            f"Học sinh đã được chuyển lên năm học {carried[1]} (đợt chuyển năm số {carried[2]}): "
            f"không sửa biến động năm học {year.name} nữa. Ghi biến động trong năm học mới, "
            "hoặc hoàn tác chuyển năm trước.",
            fields.NAM_HOC,
        )


# the free texts of an event, as the forms name them (db.limits.check_lengths)
TEXT_LABELS = {"reason": "Lý do", "school": "Trường", "province": "Tỉnh", "district": "Huyện/xã",
               "doc_no": "Số văn bản", "note": "Ghi chú",
               "without_visits": "Lý do chưa đủ 3 lần vận động"}
TEXT_FIELDS = {"reason": fields.LY_DO, "school": fields.TRUONG, "province": fields.TINH,
               "district": fields.XA, "doc_no": fields.SO_VAN_BAN, "note": fields.GHI_CHU,
               "without_visits": fields.KHONG_VAN_DONG}


def record_event(student: Student, year: SchoolYear, kind: str, day: date, *,
                 klass: SchoolClass | None = None, batch=None, audit_action: bool = True,
                 **details) -> Event:
    """Record one event inside the caller's transaction (use ``audit.write``).

    Validates the date, the class (same year; a class change stays in the grade),
    the reason of a dropout, and the student's whole history with the event added.
    """
    if kind not in kinds.LABELS:
        raise SisoError(f"Loại biến động «{kind}» không có.", fields.LOAI)
    check_lengths(Event, details, TEXT_LABELS, TEXT_FIELDS)
    check_date(year, day, student, kind)
    if kind in kinds.EXITS + kinds.OUTCOMES + (kinds.CLASS_CHANGE,):
        _refuse_after_rollover(student, year)
    if klass is not None and klass.year_id != year.id:
        raise SisoError(f"Lớp {klass.name} không thuộc năm học {year.name}.", fields.LOP)
    if kind == kinds.DROPOUT and not details.get("reason"):
        raise SisoError("Bỏ học cần có lý do (mã trong danh mục lý do thôi học).", fields.LY_DO)
    before = {e.id: e for e in year_events(student.id, year.id)}
    on_day = [e for e in before.values() if e.date <= day]
    current_klass = None
    if on_day:
        steps = replay(on_day, last_exit_before(student.id, year))
        last = steps[-1][1]
        current_klass = last.klass_id
    if kind == kinds.CLASS_CHANGE:
        if klass is None:
            raise SisoError("Chuyển lớp cần lớp đến.", fields.LOP)
        if current_klass is not None:
            old = SchoolClass.get_by_id(current_klass)
            if old.grade != klass.grade:
                raise SisoError(
                    f"Chỉ chuyển lớp trong cùng khối: {old.name} (khối {old.grade}) → "
                    f"{klass.name} (khối {klass.grade}).",
                    fields.LOP,
                )
    if klass is None and kind in kinds.ENTRIES + kinds.EXITS + kinds.OUTCOMES:
        klass_id = current_klass
        if klass_id is None and kind in kinds.ENTRIES:
            raise SisoError("Cần chọn lớp cho học sinh.", fields.LOP)
    else:
        klass_id = klass.id if klass else None
    from_klass_id = current_klass if kind == kinds.CLASS_CHANGE else None
    ev = Event(student=student, year=year, kind=kind, date=day, klass=klass_id,
               from_klass=from_klass_id, semester=semester_of(year, day), batch=batch,
               recorded_by=audit.current_user(), **details)
    # validate the whole history with the new event before writing anything
    replay(year_events(student.id, year.id, extra=ev), last_exit_before(student.id, year))
    ev.save()
    rebuild_spans(student.id, year.id)
    if kind in (kinds.ADMIT, kinds.TRANSFER_IN):
        from .register import number_student

        number_student(student)  # a student who has none gets a register number
    return ev


def status_on(student_id: int, day: date, year: SchoolYear | None = None) -> tuple[str, SchoolClass | None]:
    """(status code from ``kinds.STATUS_LABELS``, class) of a student at the end of ``day``."""
    q = (Event.select().where((Event.student == student_id) & (Event.date <= day)
                              & Event.voided_at.is_null() & ~Event.kind.in_(kinds.OUTCOMES)))
    if year is not None:
        q = q.where(Event.year == year.id)
    last = q.order_by(Event.date.desc(), Event.id.desc()).first()
    if last is None:
        return "chua_vao", None
    return kinds.STATUS_AFTER[last.kind], last.klass

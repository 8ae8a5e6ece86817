"""Movements: transfers, dropouts, returns, class changes, decreases, voids.

One service per kind; each is one ``audit.write`` transaction around
``db.events.record_event``. The TUI event form and ``siso event …`` both call these.
A refused action raises :class:`SisoError` (Vietnamese, naming the field) and writes nothing.
The register that lists them (F8, ``siso event list``): ``db/movement_register.py``.
"""

from __future__ import annotations

from datetime import date

from . import audit, clock, codes, fields, kinds, risk, text
from .dates import fmt_date, parse_date
from .errors import SisoError, collect, parse_id
from .events import (describe, had_dropout_before, last_exit_before, rebuild_spans, record_event, replay, status_on,
                     year_events)
from .models import Event, SchoolClass, SchoolYear, Student
from .students import get_student

# Kinds the movement register lists by default (not the start-of-year entries nor outcomes).
MOVEMENT_KINDS = (kinds.TRANSFER_IN, kinds.RETURN, kinds.TRANSFER_OUT, kinds.DROPOUT,
                  kinds.CLASS_CHANGE, kinds.DEATH, kinds.OTHER_DECREASE)
# Kinds a user records through the event form / ``siso event add``.
RECORDABLE = MOVEMENT_KINDS


# ---- small helpers ---------------------------------------------------------------------------

def student_arg(value) -> Student:
    """The student given by id (a number, or its text) — found by ``students.get_student``."""
    if isinstance(value, Student):
        return value
    return get_student(parse_id(value, "học sinh", fields.HOC_SINH))


def year_arg(value) -> SchoolYear:
    if isinstance(value, SchoolYear):
        return value
    y = SchoolYear.get_or_none(SchoolYear.id == parse_id(value, "năm học", fields.NAM_HOC))
    if y is None:
        raise SisoError(f"Không có năm học số {value}.", fields.NAM_HOC)
    return y


def class_arg(value, year: SchoolYear) -> SchoolClass | None:
    if value in (None, ""):
        return None
    if isinstance(value, SchoolClass):
        k = value
    elif isinstance(value, int):
        k = SchoolClass.get_or_none(SchoolClass.id == value)
        if k is None:
            raise SisoError(f"Không có lớp số {value}.", fields.LOP)
    else:
        from .school import get_class

        k = get_class(str(value), year)
    if k.year_id != year.id:
        raise SisoError(f"Lớp {k.name} không thuộc năm học {year.name}.", fields.LOP)
    return k


def _opt(value) -> str | None:
    v = text.clean(value) if value is not None else ""
    return v or None


def _who(st: Student) -> str:
    return f"{st.full_name} ({st.code})"


def check_reason(reason) -> str:
    """A dropout reason code from the national list (``1`` → ``01``)."""
    raw = text.clean(str(reason or ""))
    if not raw:
        raise SisoError("Bỏ học cần có lý do (mã trong danh mục lý do thôi học).", fields.LY_DO)
    code = f"{int(raw):02d}" if raw.isdigit() else raw
    reasons = codes.dropout_reasons()
    if code not in reasons:
        listing = "; ".join(f"{k} {v}" for k, v in reasons.items())
        raise SisoError(f"Lý do bỏ học «{raw}» không có trong danh mục: {listing}.", fields.LY_DO)
    return code


def check_scope(scope, required: bool = False) -> str | None:
    raw = text.clean(str(scope or "")).lower()
    if not raw:
        if required:
            raise SisoError("Cần chọn phạm vi chuyển: trong tỉnh (01), ngoài tỉnh (02) hoặc "
                            "nước ngoài (03).", fields.PHAM_VI)
        return None
    if raw in kinds.SCOPE_FROM_CLI:
        return kinds.SCOPE_FROM_CLI[raw]
    code = f"{int(raw):02d}" if raw.isdigit() else raw
    if code in kinds.SCOPES:
        return code
    for k, label in kinds.SCOPES.items():
        if text.fold(label) == text.fold(raw):
            return k
    raise SisoError(f"Phạm vi chuyển «{scope}» không hợp lệ: cần trong-tinh (01), ngoai-tinh (02) "
                    "hoặc nuoc-ngoai (03).", fields.PHAM_VI)


def _first_misfit(events: list[Event], exit_before: str | None) -> Event | None:
    """The first event at which the replay of ``events`` fails (None when it passes)."""
    try:
        replay(events, exit_before)
        return None
    except SisoError:
        pass
    for i in range(len(events)):
        try:
            replay(events[: i + 1], exit_before)
        except SisoError:
            return events[i]
    return events[-1] if events else None


def _prechecks(st: Student, year: SchoolYear, kind: str, day: date) -> None:
    """Rules checked before the replay, for messages that say what is wrong in the user's terms."""
    label = kinds.LABELS[kind]
    first_entry = (Event.select(Event.date)
                   .where((Event.student == st.id) & Event.voided_at.is_null()
                          & Event.kind.in_(kinds.ENTRIES))
                   .order_by(Event.date).first())
    if first_entry is not None and day < first_entry.date and kind not in (kinds.TRANSFER_IN,):
        raise SisoError(f"Ngày {fmt_date(day)} trước ngày học sinh {_who(st)} vào trường "
                        f"({fmt_date(first_entry.date)}).", fields.NGAY)
    same_day = (Event.select()
                .where((Event.student == st.id) & (Event.date == day) & Event.voided_at.is_null()
                       & ~Event.kind.in_(kinds.OUTCOMES))
                .order_by(Event.id).first())
    if same_day is not None:
        raise SisoError(f"Không ghi được «{label}» ngày {fmt_date(day)}: học sinh {_who(st)} đã có "
                        f"sự kiện {describe(same_day)} cùng ngày; hai sự kiện cùng ngày mâu thuẫn "
                        "nhau (nếu ghi nhầm, hãy hủy sự kiện đó trước).", fields.NGAY)
    status, klass = status_on(st.id, day, year)
    if kind in kinds.ENTRIES:
        if status == "dang_hoc":
            raise SisoError(f"Không ghi được «{label}»: học sinh {_who(st)} đang học lớp "
                            f"{klass.name} vào ngày {fmt_date(day)}.", fields.NGAY)
        if kind == kinds.RETURN and status != "bo_hoc" and not (
                status == "chua_vao" and had_dropout_before(st.id, year)):
            raise SisoError(f"Không ghi được «{label}»: chỉ ghi cho học sinh đã bỏ học; học sinh "
                            f"{_who(st)} vào ngày {fmt_date(day)} có trạng thái "
                            f"«{kinds.STATUS_LABELS[status]}».", fields.LOAI)
    elif status != "dang_hoc":
        raise SisoError(f"Không ghi được «{label}»: học sinh {_who(st)} không đang học vào ngày "
                        f"{fmt_date(day)} (trạng thái: {kinds.STATUS_LABELS[status]}).", fields.NGAY)


def _record(st: Student, year: SchoolYear, kind: str, day, klass: SchoolClass | None = None,
            *, future: bool = False, **given) -> Event:
    """Pre-checks, then ``record_event`` inside one audited transaction. A date after today
    is refused (``clock.FutureDate``) unless ``future``."""
    from . import users

    users.require_student(st, f"ghi «{kinds.LABELS[kind]}»", klass=klass)
    day = parse_date(day, "ngày", fields.NGAY)
    from .events import check_date

    check_date(year, day, st, kind)
    clock.refuse_future(day, f"«{kinds.LABELS[kind]}»", future)
    _prechecks(st, year, kind, day)
    if kind == kinds.DROPOUT:  # the dropout rule: 3 home visits, or a written reason (db.risk)
        given["without_visits"] = risk.dropout_visits(st, year, day, given.get("without_visits"))
    given = {k: v for k, v in given.items() if v not in (None, "")}
    with audit.write(f"event.{kind}", f"student:{st.code}") as info:
        try:
            ev = record_event(st, year, kind, day, klass=klass, **given)
            risk.close_on_event(st, kind, day)  # a dropout, transfer-out or death closes the case
        except SisoError as err:
            later = [e for e in year_events(st.id, year.id) if e.date > day]
            if later:
                names = ", ".join(describe(e) for e in later[:3])
                raise SisoError(f"Không ghi được «{kinds.LABELS[kind]}» ngày {fmt_date(day)}: các "
                                f"sự kiện ghi sau ngày đó ({names}) sẽ không còn đúng. {err.message}",
                                err.field) from None
            raise
        info.update(event=ev.id, kind=kind, date=day, lop=ev.klass.name if ev.klass_id else None,
                    **{k: v for k, v in given.items()})
    return ev


# ---- what each kind needs (the services and form_errors both ask) --------------------------

def _need_class(kind: str, klass) -> None:
    if klass in (None, ""):
        raise SisoError("Chuyển lớp cần chọn lớp đến." if kind == kinds.CLASS_CHANGE
                        else "Chuyển đến cần chọn lớp.", fields.LOP)


def _need_school(kind: str, school, vocational: bool = False) -> None:
    if not _opt(school) and not vocational:
        raise SisoError("Chuyển đi cần tên trường chuyển đến (hoặc đánh dấu học nghề)."
                        if kind == kinds.TRANSFER_OUT
                        else "Chuyển đến cần tên trường chuyển đi (trường cũ của học sinh).",
                        fields.TRUONG)


def _need_decrease_reason(kind: str, reason, note) -> None:
    if kind == kinds.OTHER_DECREASE and not _opt(reason) and not _opt(note):
        raise SisoError("Giảm khác cần ghi lý do.", fields.LY_DO)


def form_errors(kind: str, student, day, **given) -> list[tuple[str | None, str]]:
    """Every problem of an event form's own given at once (the date, a new student's
    details, the class, school or reason the kind needs), in the form's order. ``record``
    checks them again, and the event against the student's history."""
    from .students import field_errors

    kind = kinds.FROM_CLI.get(kind, kind)
    errors: list[tuple[str | None, str]] = []
    if kind == kinds.TRANSFER_IN and student is None:
        data = given.get("data") or {}
        errors += field_errors({k: data.get(k, "") for k in ("name", "dob", "gender")})
        errors += field_errors({k: v for k, v in data.items()
                                if k not in ("name", "dob", "gender")})
    checks = [lambda: parse_date(day, "ngày", fields.NGAY)]
    if kind in (kinds.TRANSFER_IN, kinds.CLASS_CHANGE):
        checks.append(lambda: _need_class(kind, given.get("klass")))
    if kind == kinds.DROPOUT:
        checks.append(lambda: check_reason(given.get("reason")))
    if kind in (kinds.DEATH, kinds.OTHER_DECREASE):
        checks.append(lambda: _need_decrease_reason(kind, given.get("reason"), given.get("note")))
    if kind in (kinds.TRANSFER_IN, kinds.TRANSFER_OUT):
        checks.append(lambda: _need_school(kind, given.get("school"),
                                           bool(given.get("vocational"))))
        checks.append(lambda: check_scope(given.get("scope"), required=kind == kinds.TRANSFER_OUT))
    return errors + collect(*checks)


# ---- the services ----------------------------------------------------------------------------

def record_transfer_in(year, day, klass, *, student=None, data: dict | None = None,
                       school: str | None = None, province: str | None = None,
                       district: str | None = None, scope=None, doc_no: str | None = None,
                       note: str | None = None, future: bool = False) -> Event:
    """Transfer in: an existing student (``student``) or a new one (``data`` for add_student).
    ``future``: the user confirmed a date after today (refused otherwise, as every service here)."""
    year = year_arg(year)
    klass = class_arg(klass, year)
    _need_class(kinds.TRANSFER_IN, klass)
    school = _opt(school)
    _need_school(kinds.TRANSFER_IN, school)
    given = dict(school=school, province=_opt(province), district=_opt(district),
                  scope=check_scope(scope), doc_no=_opt(doc_no), note=_opt(note))
    if student is not None:
        return _record(student_arg(student), year, kinds.TRANSFER_IN, day, klass, future=future,
                       **given)
    if not data:
        raise SisoError("Cần chọn học sinh, hoặc nhập thông tin học sinh mới.", fields.HOC_SINH)
    from . import users
    from .students import add_student

    users.require_class([klass], f"ghi «{kinds.LABELS[kinds.TRANSFER_IN]}»")
    day = parse_date(day, "ngày", fields.NGAY)
    with audit.write("event.transfer_in", "") as info:
        st = add_student(data, year, klass, entry=kinds.TRANSFER_IN, day=day,
                         from_school=school, audit_it=False, future=future)
        extra = {k: v for k, v in given.items() if k != "school" and v is not None}
        ev = Event.get((Event.student == st.id) & (Event.kind == kinds.TRANSFER_IN))
        if extra:
            Event.update(**extra).where(Event.id == ev.id).execute()
            ev = Event.get_by_id(ev.id)
        info.update(_target=f"student:{st.code}", event=ev.id, new_student=True, kind=ev.kind,
                    date=day, lop=klass.name, **{k: v for k, v in given.items() if v})
    return ev


def record_transfer_out(student, year, day, *, school: str | None = None,
                        province: str | None = None, district: str | None = None, scope=None,
                        vocational: bool = False, doc_no: str | None = None,
                        note: str | None = None, future: bool = False) -> Event:
    year = year_arg(year)
    school = _opt(school)
    _need_school(kinds.TRANSFER_OUT, school, vocational)
    return _record(student_arg(student), year, kinds.TRANSFER_OUT, day, None, school=school,
                   province=_opt(province), district=_opt(district),
                   scope=check_scope(scope, required=True), vocational=bool(vocational),
                   doc_no=_opt(doc_no), note=_opt(note), future=future)


def record_dropout(student, year, day, reason, *, doc_no: str | None = None,
                   note: str | None = None, future: bool = False,
                   without_visits: str | None = None) -> Event:
    """``without_visits``: the written reason for a dropout with fewer than 3 home visits
    (``db.risk.dropout_visits``; refused without it)."""
    year = year_arg(year)
    return _record(student_arg(student), year, kinds.DROPOUT, day, None, reason=check_reason(reason),
                   doc_no=_opt(doc_no), note=_opt(note), future=future,
                   without_visits=_opt(without_visits))


def record_return(student, year, day, klass=None, *, doc_no: str | None = None,
                  note: str | None = None, future: bool = False) -> Event:
    """Đi học lại / vận động ra lớp: back after a dropout (into ``klass`` or the old class)."""
    year = year_arg(year)
    return _record(student_arg(student), year, kinds.RETURN, day, class_arg(klass, year),
                   doc_no=_opt(doc_no), note=_opt(note), future=future)


def record_class_change(student, year, day, klass, *, doc_no: str | None = None,
                        note: str | None = None, future: bool = False) -> Event:
    year = year_arg(year)
    k = class_arg(klass, year)
    _need_class(kinds.CLASS_CHANGE, k)
    return _record(student_arg(student), year, kinds.CLASS_CHANGE, day, k,
                   doc_no=_opt(doc_no), note=_opt(note), future=future)


def record_decrease(student, year, day, kind: str = kinds.DEATH, *, reason: str | None = None,
                    doc_no: str | None = None, note: str | None = None,
                    future: bool = False) -> Event:
    """Death (chết / mất) or another decrease (giảm khác; the reason is free text)."""
    if kind not in (kinds.DEATH, kinds.OTHER_DECREASE):
        raise SisoError("Giảm cần là «Chết / mất» hoặc «Giảm khác».", fields.LOAI)
    year = year_arg(year)
    _need_decrease_reason(kind, reason, note)
    return _record(student_arg(student), year, kind, day, None, reason=_opt(reason),
                   doc_no=_opt(doc_no), note=_opt(note), future=future)


def record(kind: str, student, year, day, *, future: bool = False, **given) -> Event:
    """Dispatch to the service of ``kind`` (used by the event form and the CLI).

    ``given``: klass, school, province, district, scope, reason, vocational, doc_no, note,
    without_visits (and ``data`` for a new student transferring in). Fields a kind does not use are ignored.
    ``future``: the user confirmed a date after today (else ``clock.FutureDate`` is raised).
    """
    kind = kinds.FROM_CLI.get(kind, kind)
    day = parse_date(day, "ngày", fields.NGAY)  # the first field of the form is checked first
    common = {k: given.get(k) for k in ("doc_no", "note")}
    common["future"] = future
    if kind == kinds.TRANSFER_IN:
        return record_transfer_in(year, day, given.get("klass"), student=student,
                                  data=given.get("data"), school=given.get("school"),
                                  province=given.get("province"), district=given.get("district"),
                                  scope=given.get("scope"), **common)
    if student is None:
        raise SisoError("Cần chọn học sinh.", fields.HOC_SINH)
    if kind == kinds.TRANSFER_OUT:
        return record_transfer_out(student, year, day, school=given.get("school"),
                                   province=given.get("province"), district=given.get("district"),
                                   scope=given.get("scope"), vocational=bool(given.get("vocational")),
                                   **common)
    if kind == kinds.DROPOUT:
        return record_dropout(student, year, day, given.get("reason"),
                              without_visits=given.get("without_visits"), **common)
    if kind == kinds.RETURN:
        return record_return(student, year, day, given.get("klass"), **common)
    if kind == kinds.CLASS_CHANGE:
        return record_class_change(student, year, day, given.get("klass"), **common)
    if kind in (kinds.DEATH, kinds.OTHER_DECREASE):
        return record_decrease(student, year, day, kind, reason=given.get("reason"), **common)
    names = ", ".join(kinds.CLI_NAMES[k] for k in RECORDABLE)
    raise SisoError(f"Loại biến động «{kind}» không ghi được ở đây: cần một trong {names}.", fields.LOAI)


# ---- void ------------------------------------------------------------------------------------

def void_event(event_id: int, reason: str) -> Event:
    """Mark an event void (kept in the history, counted nowhere). Refused, naming them, when
    later events depend on it."""
    number = parse_id(event_id, "sự kiện", fields.SO, " (xem «siso event list» hoặc sổ biến động F8)")
    ev = Event.get_or_none(Event.id == number)
    if ev is None:
        raise SisoError(f"Không có sự kiện số {number}.", fields.SO)
    if ev.voided_at is not None:
        raise SisoError(f"Sự kiện {describe(ev)} đã bị hủy ngày {ev.voided_at:%d/%m/%Y}.", fields.SO)
    reason = _opt(reason)
    if not reason:
        raise SisoError("Cần ghi lý do hủy sự kiện.", fields.LY_DO_HUY)
    st = ev.student
    from . import users

    users.require_void(ev.recorded_by, st, "hủy sự kiện")
    this_year = ev.year
    years = list(SchoolYear.select().where(SchoolYear.start >= this_year.start)
                 .order_by(SchoolYear.start))
    with audit.write("event.void", f"event:{ev.id}", student=st.code, kind=ev.kind,
                     date=ev.date, reason=reason):
        ev.voided_at = clock.now()
        ev.voided_by = audit.current_user()
        ev.void_reason = reason
        ev.save()
        risk.reopen_on_void(st, ev)  # the case a dropout / transfer-out / death closed
        for y in years:
            evs = year_events(st.id, y.id)
            if y.id != this_year.id and not evs:
                continue
            bad = _first_misfit(evs, last_exit_before(st.id, y))
            if bad is not None:
                raise SisoError(f"Không hủy được: sự kiện {describe(bad)} dựa trên sự kiện này; "
                                "hủy sự kiện đó trước.", fields.SO)
            rebuild_spans(st.id, y.id)
    return ev

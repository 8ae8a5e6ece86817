"""Keeping every student in school: the at-risk register (nguy cơ bỏ học), home visits
(vận động) with their minutes (F9), and the dropout rule.

- At most one open case per student; a dropout, transfer-out or death closes it with that
  result, in the same transaction as the event (``close_on_event``, called by
  ``db.movements``).
- A visit's number («lần thứ N»: the N-th non-voided visit to that student in that school
  year, by date) is fixed when the visit is recorded, so signed minutes never renumber. A
  visit recorded in error is voided with a reason, never deleted.
- A dropout needs at least ``MIN_VISITS`` non-voided visits to that student in that school
  year dated on or before it; otherwise only with a written reason (``dropout_visits``).

The CLI (``siso risk|visit …``) and the TUI (the student screen) call these functions.
"""

from __future__ import annotations

import json
from datetime import date

from peewee import chunked, fn

from . import audit, clock, fields, kinds, scope as scopes, text
from .dates import fmt_date, parse_date
from .errors import SisoError, parse_id
from .limits import check_lengths
from .models import Event, RiskCase, SchoolClass, SchoolYear, Span, Student, Visit
from .students import get_student

MIN_VISITS = 3  # seed 004: «ít nhất là 3 lần trên một trường hợp»

# How a case ends (``siso risk close --result``); «died» only by a recorded death.
CASE_RESULTS = {"returned": "Đã trở lại lớp", "dropped": "Bỏ học", "transferred": "Chuyển trường",
                "died": "Chết / mất"}
CLOSABLE = ("returned", "dropped", "transferred")
# The result of a visit (``siso visit add --result``).
VISIT_RESULTS = {"returned": "Học sinh đã trở lại lớp", "promised": "Gia đình hứa cho con đi học",
                 "refused": "Gia đình chưa đồng ý cho con đi học", "nobody": "Không gặp được ai ở nhà"}
# Who goes on a visit (docs/domain.md), offered on the form; any other role may be written
# (code ``khac``). The minutes store the role as written; the JSON gives its code and label.
VISIT_ROLES = {"gvcn": "Giáo viên chủ nhiệm", "lanh_dao_truong": "Lãnh đạo nhà trường",
               "doan_thanh_nien": "Đoàn thanh niên", "truong_thon": "Trưởng thôn", "can_bo_xa": "Cán bộ xã"}
ROLES = tuple(VISIT_ROLES.values())
OTHER_ROLE = "khac"
_ROLE_CODES = {**{text.fold(label): code for code, label in VISIT_ROLES.items()}, "gvcn": "gvcn"}


def role_code(label: str) -> str:
    """The code of a visitor's role as written («GVCN», «giáo viên chủ nhiệm» → ``gvcn``);
    ``khac`` for a role outside ``VISIT_ROLES``."""
    return _ROLE_CODES.get(text.fold(label or ""), OTHER_ROLE)


def _visitor_json(person: dict) -> dict:
    return {"ho_ten": person["ho_ten"], "vai_tro": role_code(person["vai_tro"]),
            "ten_vai_tro": person["vai_tro"]}
# The event that closes an open case, and with which result.
_CLOSED_BY = {kinds.DROPOUT: "dropped", kinds.TRANSFER_OUT: "transferred", kinds.DEATH: "died"}


def _who(st: Student) -> str:
    return f"{st.full_name} ({st.code})"


def _clean(value) -> str:
    return text.clean(str(value)) if value not in (None, "") else ""


def _year_of(day: date) -> SchoolYear:
    y = clock.year_of(day)
    if y is None:
        raise SisoError(f"Ngày {fmt_date(day)} không thuộc năm học nào đã tạo.", fields.NGAY)
    return y


def _first_entry(st: Student) -> date | None:
    row = (Event.select(Event.date)
           .where((Event.student == st.id) & Event.voided_at.is_null()
                  & Event.kind.in_(kinds.ENTRIES))
           .order_by(Event.date).first())
    return row.date if row else None


def _check_day(st: Student, value, what: str) -> date:
    """A date that has happened (not after today) and is not before the student's admission."""
    day = parse_date(value, "ngày", fields.NGAY) if value not in (None, "") else clock.today()
    if day > clock.today():
        raise SisoError(f"Ngày {fmt_date(day)} sau hôm nay ({fmt_date(clock.today())}): "
                        f"{what} chỉ ghi khi đã diễn ra.", fields.NGAY)
    first = _first_entry(st)
    if first is None:
        raise SisoError(f"Học sinh {_who(st)} chưa vào trường (chưa có ngày nhập học).", fields.HOC_SINH)
    if day < first:
        raise SisoError(f"Ngày {fmt_date(day)} trước ngày học sinh {_who(st)} vào trường "
                        f"({fmt_date(first)}).", fields.NGAY)
    return day


def check_causes(causes) -> list[str]:
    """Dropout reason codes (``1`` → ``01``), at least one, each once."""
    from .movements import check_reason

    if isinstance(causes, str):
        causes = [c for c in causes.replace(";", ",").split(",")]
    out = []
    for c in causes or []:
        if _clean(c):
            code = check_reason(c)
            if code not in out:
                out.append(code)
    if not out:
        raise SisoError("Cần ít nhất một nguyên nhân (mã lý do bỏ học: 01, 02 …).", fields.NGUYEN_NHAN)
    return out


# ---- the at-risk register --------------------------------------------------------------------

def open_case_of(student) -> RiskCase | None:
    st = get_student(student)
    return (RiskCase.select().where((RiskCase.student == st.id) & RiskCase.closed.is_null())
            .order_by(RiskCase.id.desc()).first())


def open_case(student, causes, sponsor: str | None = None, day=None) -> RiskCase:
    """Open an at-risk case (refused when the student already has one open)."""
    from . import users

    st = get_student(student)
    users.require_student(st, "mở hồ sơ nguy cơ bỏ học")
    codes_ = check_causes(causes)
    day = _check_day(st, day, "việc mở hồ sơ nguy cơ bỏ học")
    year = _year_of(day)
    current = open_case_of(st)
    if current is not None:
        raise SisoError(f"Học sinh {_who(st)} đã có hồ sơ nguy cơ bỏ học đang mở (số {current.id}, "
                        f"từ {fmt_date(current.opened)}); mỗi học sinh chỉ một hồ sơ mở.", fields.HOC_SINH)
    check_lengths(RiskCase, {"sponsor": _clean(sponsor)}, {"sponsor": "Người đỡ đầu"},
                  {"sponsor": fields.DO_DAU})
    with audit.write("risk.open", f"student:{st.code}") as info:
        case = RiskCase.create(student=st.id, year=year.id, causes=",".join(codes_),
                               sponsor=_clean(sponsor), opened=day,
                               recorded_by=audit.current_user())
        info.update(case=case.id, date=day, causes=codes_, sponsor=case.sponsor)
    return case


def close_case(student, result: str, day=None) -> RiskCase:
    """Close the student's open case: ``returned``, ``dropped`` or ``transferred``."""
    from . import users

    st = get_student(student)
    users.require_student(st, "đóng hồ sơ nguy cơ bỏ học")
    result = _clean(result).lower()
    if result not in CLOSABLE:
        raise SisoError(f"Kết quả «{result}» không hợp lệ: cần returned (trở lại lớp), dropped "
                        "(bỏ học) hoặc transferred (chuyển trường).", fields.KET_QUA)
    case = open_case_of(st)
    if case is None:
        raise SisoError(f"Học sinh {_who(st)} không có hồ sơ nguy cơ bỏ học đang mở.", fields.HOC_SINH)
    day = _check_day(st, day, "việc đóng hồ sơ")
    if day < case.opened:
        raise SisoError(f"Ngày đóng {fmt_date(day)} trước ngày mở hồ sơ ({fmt_date(case.opened)}).",
                        fields.NGAY)
    with audit.write("risk.close", f"student:{st.code}", case=case.id, date=day, result=result):
        RiskCase.update(closed=day, result=result).where(RiskCase.id == case.id).execute()
    return RiskCase.get_by_id(case.id)


def close_on_event(st: Student, kind: str, day: date) -> RiskCase | None:
    """Inside the caller's transaction: a dropout, transfer-out or death closes the open case."""
    result = _CLOSED_BY.get(kind)
    if result is None:
        return None
    case = open_case_of(st)
    if case is None:
        return None
    RiskCase.update(closed=max(day, case.opened), result=result).where(RiskCase.id == case.id).execute()
    return case


def reopen_on_void(st: Student, ev: Event) -> RiskCase | None:
    """Inside the caller's transaction: voiding the dropout, transfer-out or death that
    closed a case opens it again (when the student has no other open case)."""
    result = _CLOSED_BY.get(ev.kind)
    if result is None or open_case_of(st) is not None:
        return None
    case = (RiskCase.select().where((RiskCase.student == st.id) & (RiskCase.closed == ev.date)
                                    & (RiskCase.result == result))
            .order_by(RiskCase.id.desc()).first())
    if case is not None:
        RiskCase.update(closed=None, result=None).where(RiskCase.id == case.id).execute()
    return case


def _class_names(student_ids, day: date | None = None) -> dict[int, str]:
    """The class each student was last in (on or before ``day``), by student id."""
    if not student_ids:
        return {}
    q = (Span.select(Span.student, SchoolClass.name)
         .join(SchoolClass, on=(SchoolClass.id == Span.klass))
         .where(Span.student.in_(list(student_ids))))
    if day is not None:
        q = q.where(Span.start <= day)
    out = {}
    for sid, name in q.order_by(Span.start, Span.id).tuples():
        out[sid] = name
    return out


def case_dict(case: RiskCase, klass: str = "") -> dict:
    st = case.student
    return {"id": case.id, "ma": st.code, "ho_ten": st.full_name, "lop": klass,
            "ngay_mo": case.opened.isoformat(),
            "ngay_dong": case.closed.isoformat() if case.closed else None,
            "nguyen_nhan": [c for c in case.causes.split(",") if c], "do_dau": case.sponsor,
            "ket_qua": case.result}


def list_cases(open_only: bool = False, student=None) -> list[dict]:
    """The register (``risk list``), newest first; JSON keys of docs/forms.md."""
    q = RiskCase.select(RiskCase, Student).join(Student)
    q = scopes.where(q, scopes.student_condition(None, RiskCase.student))  # the reader's students
    if open_only:
        q = q.where(RiskCase.closed.is_null())
    if student is not None:
        q = q.where(RiskCase.student == get_student(student).id)
    cases = list(q.order_by(RiskCase.opened.desc(), RiskCase.id.desc()))
    names = _class_names({c.student_id for c in cases})
    return [case_dict(c, names.get(c.student_id, "")) for c in cases]


# ---- home visits -----------------------------------------------------------------------------

def parse_visitor(value) -> dict:
    """«Họ tên:vai trò» → ``{"ho_ten", "vai_tro"}`` (both needed)."""
    if isinstance(value, dict):
        name, role = _clean(value.get("ho_ten")), _clean(value.get("vai_tro"))
    else:
        raw = _clean(value)
        name, _, role = raw.partition(":")
        name, role = name.strip(), role.strip()
    if not name or not role:
        raise SisoError(f"Người đi vận động «{_clean(value) if not isinstance(value, dict) else name}» "
                        "cần dạng «Họ tên:vai trò», ví dụ «Lò Thị Mai:Giáo viên chủ nhiệm».",
                        fields.NGUOI_DI)
    return {"ho_ten": name, "vai_tro": role}


def visit_count(student_id: int, year_id: int, up_to: date | None = None) -> int:
    """Non-voided visits to the student in the school year (dated on or before ``up_to``)."""
    q = Visit.select().where((Visit.student == student_id) & (Visit.year == year_id)
                             & Visit.voided_at.is_null())
    if up_to is not None:
        q = q.where(Visit.date <= up_to)
    return q.count()


def add_visit(student, day, visitors, met, found, commitment, result, signed_by,
              place: str | None = None) -> Visit:
    """Record a home visit and fix its number («lần thứ N»)."""
    from . import users

    st = get_student(student)
    users.require_student(st, "ghi buổi vận động")
    day = _check_day(st, day, "buổi vận động")
    year = _year_of(day)
    people = [parse_visitor(v) for v in (visitors or [])]
    if not people:
        raise SisoError("Cần ghi ít nhất một người đi vận động («Họ tên:vai trò»).", fields.NGUOI_DI)
    result = _clean(result).lower()
    if result not in VISIT_RESULTS:
        raise SisoError(f"Kết quả vận động «{result}» không hợp lệ: cần returned (đã ra lớp), "
                        "promised (gia đình hứa), refused (chưa đồng ý) hoặc nobody (không gặp ai).",
                        fields.KET_QUA)
    values = {"met": _clean(met), "found": _clean(found), "commitment": _clean(commitment),
              "signed_by": _clean(signed_by)}
    labels = {"met": "Người gặp trong gia đình", "found": "Tình hình", "signed_by": "Người ký"}
    names = {"met": fields.NGUOI_GAP, "found": fields.TINH_HINH, "signed_by": fields.NGUOI_KY,
             "commitment": fields.CAM_KET}
    for key, label in labels.items():
        if not values[key] and not (result == "nobody" and key in ("met", "signed_by")):
            raise SisoError(f"{label}: cần ghi (biên bản phải có).", names[key])
    if not place:
        place = st.address or ", ".join(p for p in (st.village, st.commune) if p)
    check_lengths(Visit, {**values, "place": _clean(place),
                          "visitors": json.dumps(people, ensure_ascii=False)},
                  {**labels, "commitment": "Gia đình cam kết", "place": "Địa điểm",
                   "visitors": "Người đi vận động"},
                  {**names, "place": fields.DIA_DIEM, "visitors": fields.NGUOI_DI})
    with audit.write("visit.add", f"student:{st.code}") as info:
        number = visit_count(st.id, year.id, day) + 1
        case = open_case_of(st)
        v = Visit.create(student=st.id, year=year.id, case=case.id if case else None, date=day,
                         number=number, place=_clean(place),
                         visitors=json.dumps(people, ensure_ascii=False), result=result,
                         recorded_by=audit.current_user(), **values)
        info.update(visit=v.id, number=number, date=day, result=result, nguoi_di=people)
    return v


def get_visit(visit_id) -> Visit:
    number = parse_id(visit_id, "buổi vận động", fields.SO, " (xem «siso visit list»)")
    v = Visit.get_or_none(Visit.id == number)
    if v is None:
        raise SisoError(f"Không có buổi vận động số {number}.", fields.SO)
    scopes.check_student(v.student)  # another class's minutes: refused
    return v


def void_visit(visit_id, reason: str) -> Visit:
    from . import users

    v = get_visit(visit_id)
    users.require_void(v.recorded_by, v.student_id, "hủy buổi vận động")
    if v.voided_at is not None:
        raise SisoError(f"Buổi vận động số {v.id} đã bị hủy ngày {v.voided_at:%d/%m/%Y}.", fields.SO)
    reason = _clean(reason)
    if not reason:
        raise SisoError("Cần ghi lý do hủy buổi vận động.", fields.LY_DO_HUY)
    with audit.write("visit.void", f"visit:{v.id}", student=v.student.code, date=v.date,
                     number=v.number, reason=reason):
        Visit.update(voided_at=clock.now(), voided_by=audit.current_user(),
                     void_reason=reason).where(Visit.id == v.id).execute()
    return Visit.get_by_id(v.id)


def minutes(v: Visit, klass: str | None = None) -> dict:
    """F9 ``bien-ban``: the minutes of one visit (JSON keys of docs/forms.md)."""
    st = v.student
    if klass is None:
        klass = _class_names([st.id], v.date).get(st.id, "")
    return {"bieu_mau": "bien-ban", "lan": v.number, "ngay": v.date.isoformat(), "dia_diem": v.place,
            "nguoi_di": [_visitor_json(p) for p in json.loads(v.visitors or "[]")],
            "hoc_sinh": {"ma": st.code, "ho_ten": st.full_name, "lop": klass},
            "nguoi_gap": v.met, "tinh_hinh": v.found, "cam_ket": v.commitment,
            "ket_qua": v.result, "nguoi_ky": v.signed_by}


def list_visits(student=None, include_voided: bool = True) -> list[dict]:
    """``visit list``: F9's keys plus ``id``, ``ma``, ``da_huy``, ``ly_do_huy``; by date."""
    q = Visit.select(Visit, Student).join(Student)
    q = scopes.where(q, scopes.student_condition(None, Visit.student))  # the reader's students
    if student is not None:
        q = q.where(Visit.student == get_student(student).id)
    if not include_voided:
        q = q.where(Visit.voided_at.is_null())
    visits = list(q.order_by(Visit.date, Visit.id))
    names = _class_names({v.student_id for v in visits})
    out = []
    for v in visits:
        d = {"id": v.id, "ma": v.student.code, **minutes(v, names.get(v.student_id, ""))}
        d["da_huy"] = v.voided_at is not None
        d["ly_do_huy"] = v.void_reason
        out.append(d)
    return out


def visit_counts(year_id: int, student_ids, up_to: date | None = None) -> dict[int, int]:
    """Non-voided visits per student in the year (one query), for the reports; every
    student's when ``student_ids`` is None."""
    if student_ids is not None and not student_ids:
        return {}
    q = (Visit.select(Visit.student, fn.COUNT(Visit.id))
         .where((Visit.year == year_id) & Visit.voided_at.is_null()))
    if student_ids is not None:
        q = q.where(Visit.student.in_(list(student_ids)))
    if up_to is not None:
        q = q.where(Visit.date <= up_to)
    return {sid: int(n) for sid, n in q.group_by(Visit.student).tuples()}


# ---- the dropout rule ------------------------------------------------------------------------

def dropout_visits(st: Student, year: SchoolYear, day: date, without_visits) -> str | None:
    """Check the rule before a dropout is recorded. Returns the written reason to store (None
    when the visits suffice); raises when there are fewer than 3 visits and no reason."""
    n = visit_count(st.id, year.id, day)
    if n >= MIN_VISITS:
        return None
    reason = _clean(without_visits)
    if reason:
        return reason
    raise SisoError(f"Chưa ghi được «Bỏ học» ngày {fmt_date(day)} của học sinh {_who(st)}: mới có "
                    f"{n} lần vận động được ghi trong năm học {year.name} (đến ngày đó); cần ít nhất "
                    f"{MIN_VISITS} lần, mỗi lần có biên bản. Hãy ghi các lần vận động, hoặc ghi rõ vì "
                    "sao ghi bỏ học khi chưa đủ 3 lần vào ô «Chưa đủ 3 lần vận động» (dòng lệnh: "
                    "--without-visits «lý do»).",
                    fields.KHONG_VAN_DONG)


def case_open_on(year, day: date):
    """The condition "an at-risk case of ``year`` open at the end of ``day``"."""
    return ((RiskCase.year == year.id) & (RiskCase.opened <= day)
            & (RiskCase.closed.is_null() | (RiskCase.closed > day)))


def cases_and_visits(year, day, student_ids) -> tuple[set[int], dict[int, int]]:
    """For the students ``student_ids``: those with an at-risk case of ``year`` open at the end
    of ``day``, and {student: visits (not voided) of the year up to ``day``}. Grouped queries,
    500 students at a time."""
    ids = list(student_ids)
    open_ids: set[int] = set()
    counts: dict[int, int] = {}
    if len(ids) > 1000:  # many students (F10 over a large school): the year's, then filtered
        wanted = set(ids)
        open_ids = {sid for (sid,) in RiskCase.select(RiskCase.student)
                    .where(case_open_on(year, day)).tuples() if sid in wanted}
        counts = {sid: n for sid, n in visit_counts(year.id, None, day).items() if sid in wanted}
        return open_ids, counts
    for chunk in chunked(ids, 500):
        open_ids.update(sid for (sid,) in RiskCase.select(RiskCase.student).where(
            RiskCase.student.in_(chunk) & case_open_on(year, day)).tuples())
        counts.update(visit_counts(year.id, chunk, day))
    return open_ids, counts


def grade_watch(year, day: date) -> dict[int, dict]:
    """Per grade, for the vice-principal's cards, at the end of ``day``:

    - ``canh_bao``: students flagged «nghỉ học quá 3 ngày» today — «Cần chú ý hôm nay» of
      the overview (``db.attendance_flag.attention``: the last school day on or before ``day``
      whose attendance the class took), in the grade of that class;
    - ``nguy_co``: students with an at-risk case of ``year`` open at the end of ``day``;
    - ``can_tham`` («visits due», docs/domain.md): students with an open case and fewer than
      ``MIN_VISITS`` visits (not voided) this school year up to ``day``, plus flagged students
      with no open case.

    A student with a case counts in the grade of the class they were last in by ``day``.
    Grades with no class are absent; every grade of the year is present, zeros included."""
    from .attendance_flag import attention

    grade_of_class = dict(scopes.where(SchoolClass.select(SchoolClass.id, SchoolClass.grade)
                                       .where(SchoolClass.year == year.id),
                                       scopes.class_condition(year)).tuples())  # the reader's
    out = {g: {"canh_bao": 0, "nguy_co": 0, "can_tham": 0} for g in sorted(set(grade_of_class.values()))}
    flagged: dict[int, int] = {}  # student -> grade
    for klass_id, students in attention(year, day).items():
        if klass_id not in grade_of_class:  # outside the reader's scope
            continue
        for sid in students:
            flagged[sid] = grade_of_class[klass_id]
    cased = [sid for (sid,) in RiskCase.select(RiskCase.student).where(
        case_open_on(year, day)).distinct().tuples()]
    open_ids = set(cased)  # visits matter only for these
    visits: dict[int, int] = {}
    grade_of: dict[int, int] = {}
    for chunk in chunked(cased, 500):
        visits.update(visit_counts(year.id, chunk, day))
        for sid, klass_id in (Span.select(Span.student, Span.klass)
                              .where(Span.student.in_(chunk) & (Span.year == year.id)
                                     & (Span.start <= day))
                              .order_by(Span.start, Span.id).tuples()):
            grade_of[sid] = grade_of_class.get(klass_id)
    for sid in open_ids:
        g = grade_of.get(sid, flagged.get(sid))
        if g not in out:
            continue
        out[g]["nguy_co"] += 1
        if visits.get(sid, 0) < MIN_VISITS:
            out[g]["can_tham"] += 1
    for sid, g in flagged.items():
        out[g]["canh_bao"] += 1
        if sid not in open_ids:
            out[g]["can_tham"] += 1
    return out

"""The numbers of the official forms (``docs/forms.md`` F1–F4), as of any date.

Every figure is a grouped SQL query over ``Span`` (who was in which class at the end of
a day) and ``Event`` (what happened, when): no per-student loop in Python does any
counting. Each ``report_*`` function returns a plain dict with the JSON keys of
``docs/forms.md``; ``exports.forms`` lays the same dict out as a spreadsheet.

Decisions (stated in the forms' footnotes):

- ``dau_nam`` is counted at the end of the school year's reference date. For an
  ``as_of`` date before that day the start-of-year count has not been taken yet, so the
  count is taken at the end of ``as_of`` (``ngay_chot_dau_nam`` in the result says which
  day was used) and the cumulative columns are empty.
- ``tang_khac`` is an admission (or a start-of-year enrolment) dated after the reference
  date, in the period and in the cumulative columns alike; the other movements in
  ``trong_ky`` are counted by their date from ``tu_ngay`` to ``den_ngay``.
- A movement belongs to the class written on its event; a class change leaves
  ``from_klass`` and enters ``klass``. Voided events count nowhere.
- A rate over a denominator of 0 or less is no rate (``None``); see ``rate``.
- F1's dropout and retention rates are computed from ``bo_hoc_chua_ra_lop`` (printed as
  its own column), so that anyone can recompute them from the printed columns.
- F4 never presumes an outcome: a student with none recorded counts under
  ``chua_co_ket_qua``; rates are given from the year's end date on; see ``report_len_lop``.
- Report days lie within the school year: its first day … the end of its summer
  (``check_report_day``).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from peewee import Case, chunked, fn

from . import codes, kinds, risk, scope as scopes, text
from .dates import fmt_date, parse_date
from .errors import SisoError
from .models import Event, SchoolClass, SchoolYear, Span, Student

# ---- shared helpers --------------------------------------------------------------------------

INCREASES = ("chuyen_den", "di_hoc_lai", "tang_khac", "chuyen_lop_den")
STILL_OUT = "bo_hoc_chua_ra_lop"  # dropouts after the reference date not yet back in class
DECREASES = ("chuyen_di", "bo_hoc", "giam_khac", "chuyen_lop_di")
MOVES = INCREASES + DECREASES
HEAD = ("ts", "nu", "dtts", "kt")

# event kind -> F1 column, for the class written on the event (``klass``)
_INTO = {
    kinds.TRANSFER_IN: "chuyen_den", kinds.RETURN: "di_hoc_lai", kinds.ADMIT: "tang_khac",
    kinds.ENROLL: "tang_khac", kinds.CLASS_CHANGE: "chuyen_lop_den",
    kinds.TRANSFER_OUT: "chuyen_di", kinds.DROPOUT: "bo_hoc", kinds.DEATH: "giam_khac",
    kinds.OTHER_DECREASE: "giam_khac",
}
_ADMISSIONS = (kinds.ADMIT, kinds.ENROLL)

SEMESTER_SHORT = {"HK1": "HK I", "HK2": "HK II", "HE": "Hè"}


def rate(num, den) -> float | None:
    """``num ÷ den × 100`` rounded half up to one decimal.

    ``None`` (no rate) when ``den`` is 0 or negative: odd histories (a student who dropped
    out before the reference date, came back after it and then transferred out) can make
    the retention base negative, and a rate over a negative base means nothing. A result
    that rounds to zero is always ``0.0``, never ``-0.0``.
    """
    if den is None or int(den) <= 0:
        return None
    value = (Decimal(int(num)) * 100 / Decimal(int(den))).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(value) + 0.0  # -0.0 + 0.0 == +0.0


def _day(value, field: str) -> date:
    return parse_date(value, field)


def check_report_day(year: SchoolYear, value, label: str = "Ngày báo cáo", field: str = "den_ngay") -> date:
    """``value`` as a date that lies within ``year``: its first day … the end of its summer
    (``db.events.summer_end``); anything else is refused, naming the day and the range."""
    from .events import summer_end

    day = _day(value, label.lower())
    last = summer_end(year)
    if not year.start <= day <= last:
        raise SisoError(f"{label} {fmt_date(day)} nằm ngoài năm học {year.name}: cần từ ngày "
                        f"{fmt_date(year.start)} đến ngày {fmt_date(last)} (hết hè).", field)
    return day


def resolve_period(year: SchoolYear, as_of, start=None) -> tuple[date, date]:
    """(from, as_of), both within the year (``check_report_day``); ``from`` defaults to the
    first day of the ``as_of`` month, or the year's first day when that is later."""
    as_of = check_report_day(year, as_of)
    if start in (None, ""):
        start = max(as_of.replace(day=1), year.start)
    else:
        start = check_report_day(year, start, "Ngày bắt đầu kỳ báo cáo", "tu_ngay")
    if start > as_of:
        raise SisoError(
            f"Ngày bắt đầu kỳ báo cáo {fmt_date(start)} phải trước hoặc bằng ngày báo cáo {fmt_date(as_of)}.",
            "tu_ngay")
    return start, as_of


def open_on(day: date):
    """The span is open at the end of ``day``."""
    return (Span.start <= day) & (Span.end.is_null() | (Span.end > day))


def _sum_if(cond):
    return fn.SUM(Case(None, [(cond, 1)], 0))


_MINORITY = Student.ethnic.between("02", "54")
_DISABLED = Student.disability.is_null(False) & (Student.disability != "")


def _classes(year: SchoolYear) -> list:
    """The year's classes (id, name, grade, homeroom) in the reader's scope, by grade then
    natural name order."""
    q = scopes.where(SchoolClass.select(SchoolClass.id, SchoolClass.name, SchoolClass.grade,
                                        SchoolClass.homeroom)
                     .where(SchoolClass.year == year.id),
                     scopes.class_condition(year)).namedtuples()
    return sorted(q, key=lambda c: (c.grade, text.natural_key(c.name)))


def _headcounts_at(year: SchoolYear, first: date, second: date) -> tuple[dict[int, dict], dict[int, dict]]:
    """{class id: {ts, nu, dtts, kt}} at the end of ``first`` and at the end of ``second``
    (``first <= second``), in two grouped queries: the head count at ``second`` (one pass
    over the year's spans, joined to the students), and the few spans open on one of the
    two days only (those that ended or began between them), which turn it into the count
    at ``first``. One full join instead of two."""
    female = Student.female == True  # noqa: E712
    sums = [fn.COUNT(Span.id), _sum_if(female), _sum_if(_MINORITY), _sum_if(_DISABLED)]
    q = (Span.select(Span.klass, *sums)
         .join(Student, on=(Student.id == Span.student))
         .where((Span.year == year.id) & open_on(second))
         .group_by(Span.klass))
    at_second = {k: dict(zip(HEAD, (int(x or 0) for x in rest))) for k, *rest in q.tuples()}
    at_first = {k: dict(v) for k, v in at_second.items()}
    if first < second:
        # open at the end of first but not of second / of second but not of first
        left = (Span.start <= first) & (Span.end > first) & (Span.end <= second)
        began = ((Span.start > first) & (Span.start <= second)
                 & (Span.end.is_null() | (Span.end > second)))
        is_began = Case(None, [(began, 1)], 0)
        q = (Span.select(Span.klass, is_began, *sums)
             .join(Student, on=(Student.id == Span.student))
             .where((Span.year == year.id) & (left | began))
             .group_by(Span.klass, is_began))
        for k, came, *rest in q.tuples():
            row = at_first.setdefault(k, dict.fromkeys(HEAD, 0))
            sign = -1 if int(came) else 1
            for key, x in zip(HEAD, rest):
                row[key] += sign * int(x or 0)
        at_first = {k: v for k, v in at_first.items() if v["ts"]}
    return at_first, at_second


def _movements(year: SchoolYear, ref: date, start: date, as_of: date) -> dict[int, dict]:
    """{class id: {"trong_ky": {8 keys}, "luy_ke": {8 keys}}} — two grouped queries."""
    lo = min(start, ref + timedelta(days=1))
    live = (Event.year == year.id) & Event.voided_at.is_null() & (Event.date >= lo) & (Event.date <= as_of)
    after_ref = Event.date > ref
    in_period = (Event.date >= start) & (Event.date <= as_of)
    # an admission counts only after the reference date (before it, it is in dau_nam)
    period_ok = in_period & (~Event.kind.in_(_ADMISSIONS) | after_ref)
    out: dict[int, dict] = {}

    def add(klass_id, col, period_n, cum_n):
        if klass_id is None:
            return
        row = out.setdefault(klass_id, {"trong_ky": dict.fromkeys(MOVES, 0),
                                        "luy_ke": dict.fromkeys(MOVES, 0)})
        row["trong_ky"][col] += int(period_n or 0)
        row["luy_ke"][col] += int(cum_n or 0)

    q = (Event.select(Event.klass, Event.kind, _sum_if(period_ok), _sum_if(after_ref))
         .where(live & Event.kind.in_(list(_INTO)))
         .group_by(Event.klass, Event.kind))
    for klass_id, kind, period_n, cum_n in q.tuples():
        add(klass_id, _INTO[kind], period_n, cum_n)
    q = (Event.select(Event.from_klass, _sum_if(period_ok), _sum_if(after_ref))
         .where(live & (Event.kind == kinds.CLASS_CHANGE))
         .group_by(Event.from_klass))
    for klass_id, period_n, cum_n in q.tuples():
        add(klass_id, "chuyen_lop_di", period_n, cum_n)
    return out


def _dropouts_still_out(year: SchoolYear, ref: date, as_of: date, by=None) -> dict[int, int]:
    """{class id: dropouts dated after ``ref`` up to ``as_of`` that no later return of the
    same student in the same year undid} — F1's ``bo_hoc_chua_ra_lop``, credited to the
    class the student left. A student who left before the start-of-year count (last year,
    or in the summer) and is brought back lowers no one's dropout rate, and one student's
    return never hides another's dropout. One grouped query.
    """
    back = Event.alias("back")
    returned = (back.select(back.id)
                .where((back.student == Event.student) & (back.year == Event.year)
                       & (back.kind == kinds.RETURN) & back.voided_at.is_null()
                       & (back.date > Event.date) & (back.date <= as_of)))
    group = Event.klass if by is None else by  # by: a Student column (F11: the village)
    q = (Event.select(group, fn.COUNT(Event.id))
         .where((Event.year == year.id) & Event.voided_at.is_null() & (Event.kind == kinds.DROPOUT)
                & (Event.date > ref) & (Event.date <= as_of) & ~fn.EXISTS(returned))
         .group_by(group))
    if by is not None:
        q = q.join(Student, on=(Student.id == Event.student))
        q = scopes.where(q, scopes.student_condition(year, Event.student))  # F11: by student
    return {k: int(n) for k, n in q.tuples()}


def _with_rates(row: dict) -> dict:
    """``ty_le_bo_hoc`` = bo_hoc_chua_ra_lop ÷ dau_nam.ts × 100; ``ty_le_duy_tri`` =
    hien_co.ts ÷ (hien_co.ts + bo_hoc_chua_ra_lop) × 100 (docs/forms.md F1)."""
    out, dn, hc = row.get(STILL_OUT, 0), row["dau_nam"], row["hien_co"]
    row["ty_le_bo_hoc"] = rate(out, dn["ts"])
    row["ty_le_duy_tri"] = rate(hc["ts"], hc["ts"] + out)
    return row


def balance_of(row: dict) -> int:
    """What ``hien_co.ts`` should be from the start-of-year count and the movements."""
    lk = row["luy_ke"]
    return row["dau_nam"]["ts"] + sum(lk[k] for k in INCREASES) - sum(lk[k] for k in DECREASES)


def _sum_rows(rows: list[dict]) -> dict:
    total = {"dau_nam": dict.fromkeys(HEAD, 0), "trong_ky": dict.fromkeys(MOVES, 0),
             "luy_ke": dict.fromkeys(MOVES, 0), "hien_co": dict.fromkeys(HEAD, 0)}
    for r in rows:
        for part, keys in (("dau_nam", HEAD), ("hien_co", HEAD), ("trong_ky", MOVES), ("luy_ke", MOVES)):
            for k in keys:
                total[part][k] += r[part][k]
    total[STILL_OUT] = sum(r.get(STILL_OUT, 0) for r in rows)
    return total


def _students_off_balance(year: SchoolYear, klass_id: int, ref: date, as_of: date) -> list[dict]:
    """The students whose own history does not add up in one class (grouped per student)."""
    def per_student(q):
        return {sid: int(n or 0) for sid, n in q.tuples()}

    base = (Span.year == year.id) & (Span.klass == klass_id)
    at_ref = per_student(Span.select(Span.student, fn.COUNT(Span.id))
                         .where(base & open_on(ref)).group_by(Span.student))
    now = per_student(Span.select(Span.student, fn.COUNT(Span.id))
                      .where(base & open_on(as_of)).group_by(Span.student))
    live = (Event.year == year.id) & Event.voided_at.is_null() & (Event.date > ref) & (Event.date <= as_of)
    entries = per_student(Event.select(Event.student, fn.COUNT(Event.id))
                          .where(live & (Event.klass == klass_id)
                                 & Event.kind.in_(kinds.ENTRIES + (kinds.CLASS_CHANGE,)))
                          .group_by(Event.student))
    exits = per_student(Event.select(Event.student, fn.COUNT(Event.id))
                        .where(live & (((Event.klass == klass_id) & Event.kind.in_(kinds.EXITS))
                                       | ((Event.from_klass == klass_id)
                                          & (Event.kind == kinds.CLASS_CHANGE))))
                        .group_by(Event.student))
    ids = set(at_ref) | set(now) | set(entries) | set(exits)
    bad = [sid for sid in ids
           if now.get(sid, 0) != at_ref.get(sid, 0) + entries.get(sid, 0) - exits.get(sid, 0)]
    if not bad:
        return []
    rows = Student.select().where(Student.id.in_(bad)).order_by(Student.sort_key, Student.id)
    return [{"ma": s.code, "ho_ten": s.full_name} for s in rows]


# ---- F1 si-so --------------------------------------------------------------------------------

def report_si_so(year: SchoolYear, as_of, start=None) -> dict:
    """F1 ``si-so``: per class, grade and the school; the JSON shape of ``docs/forms.md``.

    ``can_bang`` is False when a row breaks ``hien_co = dau_nam + increases − decreases``;
    ``lech`` then lists each broken row with the students whose history does not add up.
    ``tam_tinh`` is True when ``as_of`` is before the reference date: the start-of-year
    count is not taken yet, so ``dau_nam`` is counted at the end of ``as_of`` (provisional).
    """
    start, as_of = resolve_period(year, as_of, start)
    ref = min(year.ref_date, as_of)
    at_ref, now = _headcounts_at(year, ref, as_of)  # ref <= as_of
    moves = _movements(year, ref, start, as_of)
    still_out = _dropouts_still_out(year, ref, as_of)
    zero_head = dict.fromkeys(HEAD, 0)
    empty_moves = {"trong_ky": dict.fromkeys(MOVES, 0), "luy_ke": dict.fromkeys(MOVES, 0)}
    class_rows, grade_rows, lech = [], [], []
    by_grade: dict[int, list[dict]] = {}
    ids = {}
    for c in _classes(year):
        mv = moves.get(c.id, empty_moves)
        row = {"lop": c.name, "khoi": c.grade, "gvcn": c.homeroom or "",
               "dau_nam": dict(at_ref.get(c.id, zero_head)),
               "trong_ky": dict(mv["trong_ky"]), "luy_ke": dict(mv["luy_ke"]),
               "hien_co": dict(now.get(c.id, zero_head)), STILL_OUT: still_out.get(c.id, 0)}
        class_rows.append(_with_rates(row))
        by_grade.setdefault(c.grade, []).append(row)
        ids[c.name] = c.id
    for row in class_rows:
        expected = balance_of(row)
        if expected != row["hien_co"]["ts"]:
            lech.append({"pham_vi": f"Lớp {row['lop']}", "lop": row["lop"], "khoi": row["khoi"],
                         "hien_co": row["hien_co"]["ts"], "theo_bien_dong": expected,
                         "hoc_sinh": _students_off_balance(year, ids[row["lop"]], ref, as_of)})
    bad_classes = {x["lop"]: x for x in lech}
    for grade, rows in by_grade.items():
        g = _with_rates({"khoi": grade, **_sum_rows(rows)})
        grade_rows.append(g)
        if balance_of(g) != g["hien_co"]["ts"]:
            students = [s for r in rows if r["lop"] in bad_classes for s in bad_classes[r["lop"]]["hoc_sinh"]]
            lech.append({"pham_vi": f"Khối {grade}", "lop": None, "khoi": grade,
                         "hien_co": g["hien_co"]["ts"], "theo_bien_dong": balance_of(g),
                         "hoc_sinh": students})
    school = _with_rates(_sum_rows(grade_rows))  # the grades add up to the classes
    if balance_of(school) != school["hien_co"]["ts"]:
        lech.append({"pham_vi": scopes.total_label(), "lop": None, "khoi": None,
                     "hien_co": school["hien_co"]["ts"], "theo_bien_dong": balance_of(school),
                     "hoc_sinh": [s for x in bad_classes.values() for s in x["hoc_sinh"]]})
    return {"form": "si-so", "nam_hoc": year.name, "tu_ngay": start.isoformat(),
            "den_ngay": as_of.isoformat(), "ngay_chot_dau_nam": ref.isoformat(),
            "tam_tinh": as_of < year.ref_date, **scopes.form_marks(),
            "lop": class_rows, "khoi": grade_rows, "toan_truong": school,
            "can_bang": not lech, "lech": lech}


def describe_lech(form: dict) -> str:
    """The broken rows of an F1 form, in Vietnamese, one per line."""
    lines = []
    for x in form.get("lech", []):
        who = ", ".join(f"{s['ho_ten']} ({s['ma']})" for s in x["hoc_sinh"]) or "không xác định được học sinh"
        lines.append(f"{x['pham_vi']}: hiện có {x['hien_co']}, theo biến động phải là "
                     f"{x['theo_bien_dong']} — học sinh: {who}")
    return "\n".join(lines)


# ---- F2 bo-hoc -------------------------------------------------------------------------------

# F2's one parent column: the guardian, else the mother, else the father
_PARENT = Case(None, [(Student.guardian != "", Student.guardian), (Student.mother != "", Student.mother)],
               Student.father)


def _event_list(year: SchoolYear, kind: str, start: date, as_of: date):
    """The non-voided events of one kind in the period, with student and class (read as named
    tuples: ``.namedtuples()``)."""
    return scopes.where(Event.select(Event.id.alias("event_id"), Event.date, Event.semester, Event.reason,
                         Event.school, Event.province, Event.district, Event.scope, Event.doc_no,
                         Event.note, Student.id.alias("student_id"), Student.code, Student.family,
                         Student.middle, Student.given, Student.dob, Student.female, Student.ethnic,
                         Student.village, _PARENT.alias("parent"), SchoolClass.name.alias("klass"),
                         SchoolClass.grade, Student.sort_key)
            .join(Student, on=(Student.id == Event.student))
            .switch(Event)
            .join(SchoolClass, on=(SchoolClass.id == Event.klass))
            .where((Event.year == year.id) & (Event.kind == kind) & Event.voided_at.is_null()
                   & (Event.date >= start) & (Event.date <= as_of)),
                        scopes.student_condition(year, Event.student))


def _student_cells(r) -> dict:
    return {"ma": r.code, "ho_ten": text.join_name(r.family, r.middle, r.given),
            "ngay_sinh": r.dob.isoformat(), "nu": bool(r.female)}


def _list_order(r):
    return (r.grade, text.natural_key(r.klass), r.sort_key, r.date)


def report_bo_hoc(year: SchoolYear, as_of, start=None) -> dict:
    """F2 ``bo-hoc``: dropouts dated in the period, grouped by grade, and counts per reason.

    ``ket_qua`` is «Đã ra lớp» when a later «Đi học lại» (any school year) is dated on or
    before ``as_of``. ``so_lan_van_dong`` counts the student's non-voided home visits of the
    year up to ``as_of`` (0 when none); ``ghi_chu`` is the written reason of a dropout
    recorded without 3 visits (``db.risk``).
    """
    start, as_of = resolve_period(year, as_of, start)
    Ret = Event.alias("ret")
    returned = (Ret.select(fn.COUNT(Ret.id))
                .where((Ret.student == Event.student) & (Ret.kind == kinds.RETURN)
                       & Ret.voided_at.is_null() & (Ret.date > Event.date) & (Ret.date <= as_of)))
    q = (_event_list(year, kinds.DROPOUT, start, as_of)
         .select_extend(returned.alias("returned"), Event.without_visits))
    rows = sorted(q.namedtuples(), key=_list_order)
    visits = risk.visit_counts(year.id, {r.student_id for r in rows}, as_of)
    groups: dict[int, list] = {}
    for r in rows:
        item = {"stt": 0, **_student_cells(r), "dan_toc": codes.ethnic_name(r.ethnic), "lop": r.klass,
                "thon": r.village or "", "giam_ho": r.parent or "", "ngay_bo_hoc": r.date.isoformat(),
                "thoi_diem": SEMESTER_SHORT.get(r.semester or "", r.semester or ""),
                "ly_do_ma": r.reason or "", "ly_do": codes.reason_text(r.reason),
                "so_lan_van_dong": visits.get(r.student_id, 0),
                "ket_qua": "Đã ra lớp" if r.returned else "Chưa ra lớp", "ghi_chu": r.without_visits or ""}
        groups.setdefault(r.grade, []).append(item)
    khoi = []
    stt = 0
    for grade in sorted(groups):
        for item in groups[grade]:
            stt += 1
            item["stt"] = stt
        khoi.append({"khoi": grade, "so_luong": len(groups[grade]), "hoc_sinh": groups[grade]})
    by_reason = (Event.select(Event.reason, fn.COUNT(Event.id))
                 .where((Event.year == year.id) & (Event.kind == kinds.DROPOUT)
                        & Event.voided_at.is_null() & (Event.date >= start) & (Event.date <= as_of))
                 .group_by(Event.reason).order_by(Event.reason))
    by_reason = scopes.where(by_reason, scopes.student_condition(year, Event.student))
    reasons = [{"ma": code or "", "ten": codes.dropout_reasons().get(code or "", code or ""),
                "so_luong": int(n)} for code, n in by_reason.tuples()]
    return {"form": "bo-hoc", "nam_hoc": year.name, "tu_ngay": start.isoformat(),
            "den_ngay": as_of.isoformat(), **scopes.form_marks(), "khoi": khoi, "tong": stt,
            "theo_ly_do": reasons}


# ---- F3 chuyen-truong ------------------------------------------------------------------------

def report_chuyen_truong(year: SchoolYear, as_of, start=None) -> dict:
    """F3 ``chuyen-truong``: transfers in and out dated in the period, two lists."""
    start, as_of = resolve_period(year, as_of, start)
    out = {"form": "chuyen-truong", "nam_hoc": year.name, "tu_ngay": start.isoformat(),
           "den_ngay": as_of.isoformat(), **scopes.form_marks()}
    for key, kind in (("chuyen_den", kinds.TRANSFER_IN), ("chuyen_di", kinds.TRANSFER_OUT)):
        items = []
        for i, r in enumerate(sorted(_event_list(year, kind, start, as_of).namedtuples(), key=_list_order), 1):
            items.append({"stt": i, **_student_cells(r), "lop": r.klass, "khoi": r.grade,
                          "ngay_chuyen": r.date.isoformat(), "truong": r.school or "",
                          "dia_ban": ", ".join(x for x in (r.district, r.province) if x),
                          "pham_vi": kinds.SCOPES.get(r.scope or "", ""),
                          "ly_do": r.reason or "", "so_van_ban": r.doc_no or ""})
        out[key] = items
    return out


# ---- F4 len-lop ------------------------------------------------------------------------------

OUTCOME_KEYS = {kinds.PROMOTED: "len_lop", kinds.PENDING: "thi_lai",
                kinds.HELD_BACK: "luu_ban", kinds.COMPLETED: "hoan_thanh"}


def _latest_outcomes(year: SchoolYear, as_of: date):
    """Subquery: each student's latest non-voided outcome of the year dated on or before ``as_of``."""
    rn = fn.ROW_NUMBER().over(partition_by=[Event.student], order_by=[Event.date.desc(), Event.id.desc()])
    return (Event.select(Event.id, Event.student, Event.kind, Event.date, Event.destination, rn.alias("rn"))
            .where((Event.year == year.id) & Event.voided_at.is_null() & (Event.date <= as_of)
                   & Event.kind.in_(kinds.OUTCOMES))
            .alias("oc"))


def _outcome_row(total: int, counts: dict, not_recorded: int, year_over: bool) -> dict:
    """One F4 row: the recorded outcomes and ``chua_co_ket_qua``, which add up to
    ``tong_so``. Rates (over ``tong_so``) from the year's end date on; before it ``None``."""
    row = {"tong_so": total}
    for key in OUTCOME_KEYS.values():
        n = int(counts.get(key, 0))
        row[key] = {"sl": n, "ty_le": rate(n, total) if year_over else None}
    row["chua_co_ket_qua"] = not_recorded
    return row


def report_len_lop(year: SchoolYear, as_of) -> dict:
    """F4 ``len-lop``: year-end outcomes per class, grade and school, and the list of
    students held back or pending a retest.

    ``tong_so`` = students in the class at the end of ``min(as_of, year end)``; each of
    them counts under their latest outcome dated on or before ``as_of``, and a student with
    no recorded outcome counts under ``chua_co_ket_qua`` — never presumed promoted or
    completed — so ``len_lop + thi_lai + luu_ban + hoan_thanh + chua_co_ket_qua = tong_so``
    on every row. In the school's top grade, ``noi_hoc_tiep`` splits the graduates
    (``hoan_thanh``) by where they went (``db.yearend.DESTINATIONS``; none recorded:
    ``khong_ro``), per class, grade and the school. The rollover records the outcome it gives a student with none
    (``db.yearend.rollover``), so after it that outcome counts like any other.

    Before the year's end date (``as_of < year.end``) every ``ty_le`` is ``None``; from it
    on, ``ty_le`` = ``sl ÷ tong_so × 100``. ``den_cuoi_nam`` tells which applies;
    ``ngay_cuoi_nam`` is the year's end date.
    """
    as_of = check_report_day(year, as_of)
    day = min(as_of, year.end)
    year_over = as_of >= year.end
    totals = {k: int(n) for k, n in Span.select(Span.klass, fn.COUNT(Span.id))
              .where((Span.year == year.id) & open_on(day)).group_by(Span.klass).tuples()}
    oc = _latest_outcomes(year, as_of)
    q = (Span.select(Span.klass, oc.c.kind, fn.COUNT(Span.id))
         .join(oc, on=((oc.c.student_id == Span.student) & (oc.c.rn == 1)))
         .where((Span.year == year.id) & open_on(day))
         .group_by(Span.klass, oc.c.kind))
    counts: dict[int, dict] = {}
    for klass_id, kind, n in q.tuples():
        counts.setdefault(klass_id, {})[OUTCOME_KEYS[kind]] = int(n)
    from .yearend import DESTINATIONS, is_top_grade, school_grades

    grades_taught = school_grades(year)
    dq = (Span.select(Span.klass, oc.c.destination, fn.COUNT(Span.id))
          .join(oc, on=((oc.c.student_id == Span.student) & (oc.c.rn == 1)))
          .where((Span.year == year.id) & open_on(day) & (oc.c.kind == kinds.COMPLETED))
          .group_by(Span.klass, oc.c.destination))
    went: dict[int, dict] = {}
    for klass_id, dest, n in dq.tuples():
        acc = went.setdefault(klass_id, dict.fromkeys(DESTINATIONS, 0))
        acc[dest or "khong_ro"] += int(n)
    class_rows = []
    grade_acc: dict[int, list] = {}
    for c in _classes(year):
        cnt = dict(counts.get(c.id, {}))
        total = totals.get(c.id, 0)
        missing = total - sum(cnt.values())
        row = {"lop": c.name, "khoi": c.grade, "gvcn": c.homeroom or "",
               **_outcome_row(total, cnt, missing, year_over)}
        if is_top_grade(c.grade, grades_taught):
            row["noi_hoc_tiep"] = went.get(c.id, dict.fromkeys(DESTINATIONS, 0))
        class_rows.append(row)
        acc = grade_acc.setdefault(c.grade, [0, {}, 0])
        acc[0] += total
        acc[2] += missing
        for k in OUTCOME_KEYS.values():
            acc[1][k] = acc[1].get(k, 0) + row[k]["sl"]
    grade_rows = [{"khoi": g, **_outcome_row(t, cnt, miss, year_over)}
                  for g, (t, cnt, miss) in sorted(grade_acc.items())]
    top = [g for g in grade_acc if is_top_grade(g, grades_taught)]

    def split(rows) -> dict:
        return {k: sum(r["noi_hoc_tiep"][k] for r in rows) for k in DESTINATIONS}

    for g in grade_rows:
        if g["khoi"] in top:
            g["noi_hoc_tiep"] = split([r for r in class_rows if r["khoi"] == g["khoi"]])
    school_cnt: dict = {}
    for g in grade_rows:
        for k in OUTCOME_KEYS.values():
            school_cnt[k] = school_cnt.get(k, 0) + g[k]["sl"]
    school = _outcome_row(sum(g["tong_so"] for g in grade_rows), school_cnt,
                          sum(g["chua_co_ket_qua"] for g in grade_rows), year_over)
    if top:
        school["noi_hoc_tiep"] = split([g for g in grade_rows if "noi_hoc_tiep" in g])
    lst = (Student.select(Student.code, Student.family, Student.middle, Student.given, Student.dob,
                          Student.female, SchoolClass.name.alias("klass"), SchoolClass.grade,
                          oc.c.kind.alias("kind"), oc.c.date.alias("day"), Student.sort_key)
           .join(oc, on=((oc.c.student_id == Student.id) & (oc.c.rn == 1)))
           .join(Span, on=((Span.student == Student.id) & (Span.year == year.id) & open_on(day)))
           .join(SchoolClass, on=(SchoolClass.id == Span.klass))
           .where(oc.c.kind.in_([kinds.HELD_BACK, kinds.PENDING])))
    lst = scopes.where(lst, scopes.class_condition(year, Span.klass))
    items = sorted(lst.namedtuples(), key=lambda r: (r.grade, text.natural_key(r.klass), r.sort_key))
    danh_sach = [{"stt": i, "ma": r.code, "ho_ten": text.join_name(r.family, r.middle, r.given),
                  "ngay_sinh": r.dob.isoformat(), "nu": bool(r.female), "lop": r.klass, "khoi": r.grade,
                  "ket_qua": kinds.LABELS[r.kind], "ngay": (r.day if isinstance(r.day, date)
                                                             else parse_date(r.day)).isoformat()}
                 for i, r in enumerate(items, 1)]
    return {"form": "len-lop", "nam_hoc": year.name, "den_ngay": as_of.isoformat(),
            "ngay_cuoi_nam": year.end.isoformat(), "den_cuoi_nam": year_over, **scopes.form_marks(),
            "lop": class_rows, "khoi": grade_rows, "toan_truong": school, "danh_sach": danh_sach}


# ---- F11 theo-lang ---------------------------------------------------------------------------

def flagged_by_village(year: SchoolYear, as_of: date) -> dict | None:
    """{village id: students flagged "nghỉ học quá 3 ngày" on ``as_of``} (db.attendance_flag)."""
    from .attendance_flag import flagged_students

    ids = scopes.keep_ids(flagged_students(year, as_of), year)
    out: dict = {}
    for chunk in chunked(ids, 500):
        q = (Student.select(Student.village_ref, fn.COUNT(Student.id))
             .where(Student.id.in_(chunk)).group_by(Student.village_ref))
        for vid, n in q.tuples():
            out[vid] = out.get(vid, 0) + int(n)
    return out


def open_cases_by_village(year: SchoolYear, as_of: date) -> dict | None:
    """{village id: students with an at-risk case of the year open at the end of ``as_of``}."""
    from .models import RiskCase

    q = (RiskCase.select(Student.village_ref, fn.COUNT(fn.DISTINCT(RiskCase.student)))
         .join(Student, on=(Student.id == RiskCase.student))
         .where(risk.case_open_on(year, as_of))
         .group_by(Student.village_ref))
    q = scopes.where(q, scopes.student_condition(year, RiskCase.student))
    return {vid: int(n) for vid, n in q.tuples()}


def visits_by_village(year: SchoolYear, as_of: date) -> dict | None:
    """{village id: home visits (not voided) of this school year up to ``as_of``}."""
    from .models import Visit

    q = (Visit.select(Student.village_ref, fn.COUNT(Visit.id))
         .join(Student, on=(Student.id == Visit.student))
         .where((Visit.year == year.id) & Visit.voided_at.is_null() & (Visit.date <= as_of))
         .group_by(Student.village_ref))
    q = scopes.where(q, scopes.student_condition(year, Visit.student))
    return {vid: int(n) for vid, n in q.tuples()}


THEO_LANG_COUNTS = ("ts", "nu", "dtts", "so_hs_canh_bao", "so_hs_nguy_co", "bo_hoc",
                    "bo_hoc_chua_ra_lop", "van_dong", "chuyen_den", "chuyen_di")
NOT_TRACKED = "chưa theo dõi"


def report_theo_lang(year: SchoolYear, as_of) -> dict:
    """F11 ``theo-lang``: per village (and a row for students with no village), as of a day.

    ``ts``/``nu``/``dtts``: students enrolled at the end of ``as_of`` (a span of the year open);
    ``bo_hoc``, ``chuyen_den``, ``chuyen_di``: events dated after the reference date up to
    ``as_of``; ``bo_hoc_chua_ra_lop``: those dropouts no later return undid (as F1). Each
    student is counted in the village they belong to now. A count the program does not
    track yet is None for every row (``chua_theo_doi`` names it).
    """
    as_of = check_report_day(year, as_of)
    ref = year.ref_date
    v_col = Student.village_ref
    enrolled = (Span.select(v_col, fn.COUNT(fn.DISTINCT(Span.student)),
                            fn.COUNT(fn.DISTINCT(Case(None, [(Student.female == True, Span.student)]))),  # noqa: E712
                            fn.COUNT(fn.DISTINCT(Case(None, [(_MINORITY, Span.student)]))))
                .join(Student, on=(Student.id == Span.student))
                .where((Span.year == year.id) & open_on(as_of)).group_by(v_col))
    in_scope = scopes.class_condition(year, Span.klass)  # counted in their class on the day
    enrolled = scopes.where(enrolled, in_scope)
    counts: dict = {}
    for vid, ts, nu, dtts in enrolled.tuples():
        counts.setdefault(vid, {}).update(ts=int(ts), nu=int(nu or 0), dtts=int(dtts or 0))
    events = (Event.select(v_col, Event.kind, fn.COUNT(Event.id))
              .join(Student, on=(Student.id == Event.student))
              .where((Event.year == year.id) & Event.voided_at.is_null() & (Event.date > ref)
                     & (Event.date <= as_of)
                     & Event.kind.in_([kinds.DROPOUT, kinds.TRANSFER_IN, kinds.TRANSFER_OUT]))
              .group_by(v_col, Event.kind))
    events = scopes.where(events, scopes.student_condition(year, Event.student))
    key = {kinds.DROPOUT: "bo_hoc", kinds.TRANSFER_IN: "chuyen_den", kinds.TRANSFER_OUT: "chuyen_di"}
    for vid, kind, n in events.tuples():
        counts.setdefault(vid, {})[key[kind]] = int(n)
    for vid, n in _dropouts_still_out(year, ref, as_of, by=v_col).items():
        counts.setdefault(vid, {})["bo_hoc_chua_ra_lop"] = n
    later = {"so_hs_canh_bao": flagged_by_village(year, as_of),
             "so_hs_nguy_co": open_cases_by_village(year, as_of),
             "van_dong": visits_by_village(year, as_of)}

    def row(vid, **head) -> dict:
        c = counts.get(vid, {})
        out = {**head}
        for k in THEO_LANG_COUNTS:
            out[k] = (None if later[k] is None else later[k].get(vid, 0)) if k in later else c.get(k, 0)
        return out

    from .villages import all_villages, staff_list

    rows = [row(v.id, thon=v.name, xa=v.commune or None, truong_thon=v.head or None,
                dien_thoai=v.head_phone or None, phu_trach=staff_list(v)) for v in all_villages()]
    if counts.get(None):
        rows.append(row(None, thon=None, xa=None, truong_thon=None, dien_thoai=None, phu_trach=[]))
    if in_scope is not None:  # a scope shows the villages of its students only
        rows = [r for r in rows if any(r[k] for k in THEO_LANG_COUNTS)]
    total = {k: (None if later.get(k, 0) is None else sum(r[k] for r in rows)) for k in THEO_LANG_COUNTS}
    return {"form": "theo-lang", "nam_hoc": year.name, "den_ngay": as_of.isoformat(),
            "ngay_chot_dau_nam": ref.isoformat(), **scopes.form_marks(), "thon": rows, "tong": total,
            "chua_theo_doi": [k for k, v in later.items() if v is None]}


FORMS = {
    "si-so": "BÁO CÁO TÌNH HÌNH SĨ SỐ HỌC SINH",
    "bo-hoc": "DANH SÁCH HỌC SINH BỎ HỌC",
    "chuyen-truong": "DANH SÁCH HỌC SINH CHUYỂN ĐẾN / CHUYỂN ĐI",
    "len-lop": "THỐNG KÊ LÊN LỚP, THI LẠI / RÈN LUYỆN HÈ, LƯU BAN",
    "chi-tieu": "ĐĂNG KÝ CHỈ TIÊU VÀ KẾT QUẢ THỰC HIỆN",
    "theo-lang": "SĨ SỐ VÀ VẬN ĐỘNG THEO THÔN/LÀNG",
    "do-tuoi": "THỐNG KÊ HỌC SINH THEO ĐỘ TUỔI",
    "nam-sinh": "DANH SÁCH HỌC SINH THEO NĂM SINH VÀ ĐỊA BÀN",
    "dang-bo": "SỔ ĐĂNG BỘ",
    "chuyen-can": "THEO DÕI CHUYÊN CẦN",
    "huy-dong": "HUY ĐỘNG TRẺ RA LỚP",
}
AS_OF_ONLY = ("theo-lang", "huy-dong", "nam-sinh")  # forms of one day: a period start (--from) is refused
ALL_YEARS = ("dang-bo",)  # forms over every school year: no year, no date


def build(form: str, year: SchoolYear, as_of, start=None, *, stream: bool = False) -> dict:
    """Any form by its ``docs/forms.md`` name (``si-so``, ``bo-hoc`` …); ``dang-bo`` ignores the
    year and the dates (all years), ``do-tuoi`` the period start. ``stream``: a form that
    can (``dang-bo``) gives its rows as an iterator read from the database as it goes, for
    a file written row by row (``exports.stream_form``); the others ignore it."""
    if form == "si-so":
        return report_si_so(year, as_of, start)
    if form == "bo-hoc":
        return report_bo_hoc(year, as_of, start)
    if form == "chuyen-truong":
        return report_chuyen_truong(year, as_of, start)
    if form == "len-lop":
        return report_len_lop(year, as_of)
    if form in AS_OF_ONLY and start not in (None, ""):
        raise SisoError(f"Biểu «{form}» tính đến một ngày, không theo kỳ: bỏ --from "
                        "(chỉ dùng --as-of).", "tu_ngay")
    if form == "theo-lang":
        return report_theo_lang(year, as_of)
    if form == "huy-dong":
        from .huy_dong import report_huy_dong

        return report_huy_dong(year, as_of)
    if form == "chi-tieu":
        from .chi_tieu import report_chi_tieu

        return report_chi_tieu(year, as_of)
    if form == "do-tuoi":
        from .do_tuoi import report_do_tuoi

        return report_do_tuoi(year, as_of)
    if form == "nam-sinh":
        from .nam_sinh import report_nam_sinh

        return report_nam_sinh(year, as_of)
    if form == "dang-bo":
        from .register import report_dang_bo

        return report_dang_bo(stream=stream)
    if form == "chuyen-can":
        from .chuyen_can import report_chuyen_can

        return report_chuyen_can(year, as_of, start)
    raise SisoError(f"Không có biểu mẫu «{form}». Các biểu mẫu: {', '.join(FORMS)}.", "form")


def periods(year: SchoolYear, today: date | None = None) -> list[tuple[str, str, date, date]]:
    """The usual report periods of a year: each month, semester I, semester II, the whole year.

    ``[(key, label, from, to)]``; a period that has not ended yet stops at ``today``
    (default ``db.clock.today()``).
    """
    from . import clock
    from .events import summer_end

    today = today or clock.today()
    last = summer_end(year)

    def clip(a: date, b: date) -> tuple[date, date]:
        return a, (today if a <= today < b else b)

    out = []
    first = year.start.replace(day=1)
    while first <= last:
        nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        a, b = clip(max(first, year.start), min(nxt - timedelta(days=1), last))
        out.append((f"{first:%Y-%m}", f"Tháng {first.month}/{first.year}", a, b))
        first = nxt
    out.append(("hk1", "Học kỳ I", *clip(year.start, year.hk2_start - timedelta(days=1))))
    out.append(("hk2", "Học kỳ II", *clip(year.hk2_start, year.end)))
    out.append(("nam", "Cả năm học", *clip(year.start, year.end)))
    return out

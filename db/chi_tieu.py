"""F5 ``chi-tieu`` and the vice-principal's grade cards: the year's figures judged against
the registered targets (:mod:`db.targets`).

For each target F5 also says how many more students would make it missed
(``them_de_khong_dat``): more dropouts (dropout rate, retention), more students held
back (repetition), more on-age students leaving (on-age), more students of the final
grade not completing (completion). ``None`` when the target is already missed or
cannot be missed that way.
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil, floor

from peewee import Case, fn

from . import scope as scopes
from .models import SchoolClass, SchoolYear, Span, Student, Target
from .len_lop import report_len_lop
from .report_common import check_report_day, open_on, rate
from .si_so import STILL_OUT, report_si_so
from .dates import fmt_date
from .school import LEVELS, level_of_grade, year_name_of
from .targets import FINAL_GRADE, TARGETS, meets, op_of, scope_label, target_order


def _frac(value) -> Fraction:
    return Fraction(str(value))


def more_to_exceed(num: int, den: int, target, *, strict: bool = False) -> int | None:
    """Upper bound: the fewest extra cases ``k`` for which the published rate
    ``round_half_up((num + k) ÷ den × 100, 1)`` is above ``target`` (``strict``, "dưới":
    reaches it). ``None`` when already there, or no denominator."""
    if not den or (rate(num, den) >= target if strict else rate(num, den) > target):
        return None
    t = _frac(target)
    # the smallest published rate that breaks the target
    above = Fraction(ceil(t * 10), 10) if strict else Fraction(floor(t * 10) + 1, 10)
    k = ceil((above - Fraction(1, 20)) * den / 100 - num)
    return max(k, 1)


def more_to_fall(num: int, den: int, target, *, shrinks_base: bool = False,
                 strict: bool = False) -> int | None:
    """Lower bound: the fewest extra losses ``k`` for which the published rate
    ``(num − k) ÷ den`` (``(num − k) ÷ (den − k)`` when ``shrinks_base``) falls below
    ``target`` (``strict``, "trên": down to it). ``None`` when already there, or when it
    cannot happen."""
    if not den or (rate(num, den) <= target if strict else rate(num, den) < target):
        return None
    t = _frac(target)
    # the largest published rate that breaks the target
    below = Fraction(floor(t * 10), 10) if strict else Fraction(ceil(t * 10) - 1, 10)
    if below < 0:
        return None
    y = (below + Fraction(1, 20)) / 100  # exact rate under which it publishes ≤ below
    if shrinks_base:
        if y >= 1:
            return None
        k = floor((num - y * den) / (1 - y)) + 1
        return k if 1 <= k <= num and k < den else None
    k = floor(num - y * den) + 1
    return k if 1 <= k <= num else None


# ---- F5 --------------------------------------------------------------------------------------

def _on_age_by_grade(year: SchoolYear, day, grades: list[int]) -> dict[int, int]:
    """{grade: students enrolled at the end of ``day`` whose age (start year − birth year)
    is grade + 5} — one grouped query (birth-year ranges keep the SQL portable)."""
    if not grades:
        return {}
    y0 = year.start.year
    from datetime import date

    whens = [((SchoolClass.grade == g) & Student.dob.between(date(y0 - g - 5, 1, 1), date(y0 - g - 5, 12, 31)), 1)
             for g in grades]
    q = (Span.select(SchoolClass.grade, fn.SUM(Case(None, whens, 0)))
         .join(Student, on=(Student.id == Span.student))
         .switch(Span).join(SchoolClass, on=(SchoolClass.id == Span.klass))
         .where((Span.year == year.id) & open_on(day))
         .group_by(SchoolClass.grade))
    q = scopes.where(q, scopes.class_condition(year))  # the reader's classes (as F1's rows)
    return {g: int(n or 0) for g, n in q.tuples()}


def _difference(actual: float, target: float) -> float:
    """actual − target, rounded half up to one decimal."""
    from decimal import ROUND_HALF_UP, Decimal

    return float((Decimal(str(actual)) - Decimal(str(target))).quantize(Decimal("0.1"), ROUND_HALF_UP))


# known only from the year's end date on (they need F4's outcomes)
YEAR_END = ("ty_le_luu_ban", "ty_le_hoan_thanh", "ty_le_len_lop", "ty_le_bo_hoc_luu_ban")
NOT_YET = "Chưa đến cuối năm"


def _grade1_at_ref(year: SchoolYear) -> int | None:
    """Grade-1 students enrolled at the end of ``year``'s reference date; ``None`` when the
    year has no grade-1 class (the school kept no grade 1 that year in this database)."""
    has_class = SchoolClass.select().where((SchoolClass.year == year.id) & (SchoolClass.grade == 1)).exists()
    if not has_class:
        return None
    return (Span.select().join(SchoolClass, on=(SchoolClass.id == Span.klass))
            .where((Span.year == year.id) & (SchoolClass.grade == 1) & open_on(year.ref_date))
            .count())


def _completion(year: SchoolYear, outcome: dict, finals: list[int]) -> tuple[int, int, str | None]:
    """(completers, base, what the base is) for a completion target over ``finals``.

    Completers are the students of a final grade (5, 9, 12) whose recorded year-end outcome
    (F4: never presumed; after the rollover, the outcome it recorded) is completed or
    promoted: either way they have
    finished the level (in a combined school the grade-5 students go on to grade 6).
    In another grade only ``completed`` counts. The base is the final grade's students at
    the year end, except for primary (grade 5): the grade-1 students of year t−4 at its
    reference date, when that year is in the database with a grade-1 class.
    """
    num = 0
    for g in finals:
        if g in outcome:
            num += outcome[g]["hoan_thanh"]["sl"]
            if g in FINAL_GRADE.values():
                num += outcome[g]["len_lop"]["sl"]
    at_end = sum(outcome[g]["tong_so"] for g in finals if g in outcome)
    if 5 not in finals:
        return num, at_end, None
    first = year.start.year - 4
    old = SchoolYear.get_or_none(SchoolYear.name == year_name_of(first))
    base = _grade1_at_ref(old) if old is not None else None
    if base is None:
        return num, at_end, (f"chưa có dữ liệu lớp 1 năm học {year_name_of(first)}, nên mẫu số là học sinh "
                             "lớp 5 đến ngày kết thúc năm học")
    return num, base, (f"mẫu số là học sinh lớp 1 năm học {old.name} "
                       f"(đến hết ngày {fmt_date(old.ref_date)})")


def report_chi_tieu(year: SchoolYear, as_of) -> dict:
    """F5 ``chi-tieu``: each registered target against the actual figure at ``as_of``.

    Repetition, completion, promotion (``ty_le_len_lop``) and dropout-and-repetition
    (``ty_le_bo_hoc_luu_ban``) are year-end outcomes: before the year's end date they are
    not known (``thuc_hien`` ``None``, ``chua_co`` «Chưa đến cuối năm»); from it on they
    use F4's numbers, in which a student with no recorded outcome counts under «Chưa có
    kết quả» — never promoted nor completed. ``ty_le_len_lop`` = (promoted + completed) ÷
    F4's total × 100, pending counted as not promoted; ``ty_le_bo_hoc_luu_ban`` =
    (bo_hoc_chua_ra_lop + held back) ÷ dau_nam × 100. ``ghi_chu`` says what the completion
    base was when it needs saying.
    """
    as_of = check_report_day(year, as_of)
    si_so = report_si_so(year, as_of)
    len_lop = report_len_lop(year, as_of)
    year_over = len_lop["den_cuoi_nam"]
    grades = {g["khoi"]: g for g in si_so["khoi"]}
    outcome = {g["khoi"]: g for g in len_lop["khoi"]}
    on_age = _on_age_by_grade(year, as_of, list(grades))
    rows = []
    for t in sorted(Target.select().where(Target.year == year.id), key=target_order):
        label, bound, unit = TARGETS[t.name]
        op = op_of(t)
        strict = op in ("lt", "gt")
        pending, note = None, None
        if t.level:
            scope = [g for g in grades if g in LEVELS[t.level]]
        else:
            scope = [t.grade] if t.grade in grades else []
        dn = sum(grades[g]["dau_nam"]["ts"] for g in scope)
        hc = sum(grades[g]["hien_co"]["ts"] for g in scope)
        if t.name == "ty_le_bo_hoc":
            num, den = (sum(grades[g][STILL_OUT] for g in scope), dn) if scope else (0, 0)
            more = more_to_exceed(num, den, t.value, strict=strict)
        elif t.name in YEAR_END and not year_over:
            num = den = more = None
            pending = NOT_YET
        elif t.name == "ty_le_luu_ban":
            num, den = sum(outcome[g]["luu_ban"]["sl"] for g in scope if g in outcome), dn
            more = more_to_exceed(num, den, t.value, strict=strict)
        elif t.name == "ty_le_bo_hoc_luu_ban":
            num = (sum(grades[g][STILL_OUT] for g in scope)
                   + sum(outcome[g]["luu_ban"]["sl"] for g in scope if g in outcome))
            den = dn
            more = more_to_exceed(num, den, t.value, strict=strict)
        elif t.name == "ty_le_len_lop":
            num = sum(outcome[g]["len_lop"]["sl"] + outcome[g]["hoan_thanh"]["sl"] for g in scope if g in outcome)
            den = sum(outcome[g]["tong_so"] for g in scope if g in outcome)
            more = more_to_fall(num, den, t.value, strict=strict)
        elif t.name in ("ty_le_huy_dong", "ty_le_vao_lop_6"):  # over expected children, not classes
            from .huy_dong import target_counts

            num, den = target_counts(t.name, year, as_of, LEVELS[t.level] if t.level else [t.grade])
            more = more_to_fall(num, den, t.value, strict=strict)
        elif t.name == "ty_le_duy_tri":
            num = hc
            den = hc + sum(grades[g][STILL_OUT] for g in scope) if scope else 0
            more = more_to_fall(num, den, t.value, strict=strict)
        elif t.name == "ty_le_dung_do_tuoi":
            num, den = sum(on_age.get(g, 0) for g in scope), hc
            more = more_to_fall(num, den, t.value, shrinks_base=True, strict=strict)
        else:  # ty_le_hoan_thanh: the final grade of the level (or the grade itself)
            finals = [g for g in scope if g == FINAL_GRADE[t.level]] if t.level else scope
            num, den, note = _completion(year, outcome, finals)
            more = more_to_fall(num, den, t.value, strict=strict)
        actual = None if num is None else rate(num, den)
        ok = None if actual is None else meets(actual, op, t.value)
        rows.append({
            "pham_vi": scope_label(t.level, t.grade), "cap": t.level or level_of_grade(t.grade),
            "khoi": t.grade, "ten": t.name, "nhan": label, "loai": bound, "so_sanh": op,
            "chi_tieu": t.value, "thuc_hien": actual,
            "chenh_lech": None if actual is None else _difference(actual, t.value),
            "dat": ok, "tu_so": num, "mau_so": den,
            "them_de_khong_dat": more, "them_la": unit,
            "chua_co": pending, "ghi_chu": note,
        })
    return {"bieu_mau": "chi-tieu", "nam_hoc": year.name, "den_ngay": as_of.isoformat(),
            **scopes.form_marks(), "chi_tieu": rows}


def grade_dashboard(year: SchoolYear, as_of) -> list[dict]:
    """Per grade: start-of-year and current counts, the retention and dropout rates and the
    targets that apply (the grade's own, else its level's), with ``dat`` False when missed.

    ``[{"khoi": 6, "dau_nam": 160, "hien_co": 158, "ty_le_duy_tri": 98.8, "ty_le_bo_hoc": 1.3,
    "chi_tieu": {"ty_le_duy_tri": {"gia_tri": 98.0, "loai": "toi_thieu", "dat": True}, …},
    "canh_bao": 2, "nguy_co": 1, "can_tham": 2,
    "si_so_thang": [{"ngay": "2024-09-30", "ts": 160}, …, {"ngay": <as_of>, "ts": 158}],
    "chuyen_can_tuan": [{"tuan": "2024-09-02", "ty_le": 97.5}, {"tuan": …, "ty_le": None}, …]}]``

    ``canh_bao`` / ``nguy_co`` / ``can_tham``: flagged today, open at-risk cases, visits due
    (``db.risk.grade_watch``); ``si_so_thang``: the grade's students at the end of every month
    since the start of the year (``db.roster.month_end_counts``); ``chuyen_can_tuan``: its
    attendance rate in each school week, None when no class took attendance that week
    (``db.attendance_rates.weekly_attendance``).
    """
    as_of = check_report_day(year, as_of)
    form = report_si_so(year, as_of)
    from .attendance_rates import weekly_attendance
    from .risk import grade_watch
    from .roster import month_end_counts

    watch = grade_watch(year, as_of)
    sizes = month_end_counts(year, as_of)
    weeks = weekly_attendance(year, as_of)
    targets = {(t.level, t.grade, t.name): t for t in Target.select().where(Target.year == year.id)}
    out = []
    for g in form["khoi"]:
        grade = g["khoi"]
        card = {"khoi": grade, "dau_nam": g["dau_nam"]["ts"], "hien_co": g["hien_co"]["ts"],
                "ty_le_duy_tri": g["ty_le_duy_tri"], "ty_le_bo_hoc": g["ty_le_bo_hoc"], "chi_tieu": {},
                **watch.get(grade, {"canh_bao": 0, "nguy_co": 0, "can_tham": 0}),
                "si_so_thang": [{"ngay": d.isoformat(), "ts": n} for d, n in sizes.get(grade, [])],
                "chuyen_can_tuan": [{"tuan": d.isoformat(), "ty_le": r} for d, r in weeks.get(grade, [])]}
        for name in ("ty_le_duy_tri", "ty_le_bo_hoc"):
            t = targets.get((None, grade, name), targets.get((level_of_grade(grade), None, name)))
            if t is None:
                continue
            actual, bound, op = g[name], TARGETS[name][1], op_of(t)
            ok = None if actual is None else meets(actual, op, t.value)
            card["chi_tieu"][name] = {"gia_tri": t.value, "loai": bound, "so_sanh": op, "dat": ok}
        out.append(card)
    return out


__all__ = ["report_chi_tieu", "grade_dashboard", "more_to_exceed", "more_to_fall"]

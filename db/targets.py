"""Targets (chỉ tiêu) of a school year, per level or grade: what is registered, and how
each is compared. F5 ``chi-tieu`` and the grade cards, which judge the year's figures by
them, are in :mod:`db.chi_tieu`, with the reports.

A target is a percentage. Two kinds, judged on the published (rounded) rate:

- **upper bound** (``toi_da``, "không vượt quá"): dropout rate ``ty_le_bo_hoc``,
  repetition rate ``ty_le_luu_ban`` and dropout-and-repetition ``ty_le_bo_hoc_luu_ban`` —
  met when the rate is at most the target;
- **lower bound** (``toi_thieu``, "ít nhất"): retention ``ty_le_duy_tri``, on-age
  enrolment ``ty_le_dung_do_tuoi``, completion / graduation ``ty_le_hoan_thanh`` and
  promotion ``ty_le_len_lop`` — met when the rate is at least the target.
"""

from __future__ import annotations



from . import audit, fields
from .errors import SisoError
from .models import SchoolYear, Target
from .school import check_grade

UPPER, LOWER = "toi_da", "toi_thieu"

# name -> (Vietnamese label, bound, what "one more" is)
TARGETS = {
    "ty_le_bo_hoc": ("Tỷ lệ bỏ học", UPPER, "học sinh bỏ học"),
    "ty_le_duy_tri": ("Tỷ lệ duy trì sĩ số", LOWER, "học sinh bỏ học"),
    "ty_le_luu_ban": ("Tỷ lệ lưu ban", UPPER, "học sinh lưu ban"),
    "ty_le_dung_do_tuoi": ("Tỷ lệ học sinh đúng độ tuổi", LOWER, "học sinh đúng độ tuổi nghỉ học"),
    "ty_le_hoan_thanh": ("Tỷ lệ hoàn thành chương trình / tốt nghiệp", LOWER,
                         "học sinh lớp cuối cấp không hoàn thành"),
    "ty_le_len_lop": ("Tỷ lệ lên lớp", LOWER, "học sinh không lên lớp"),
    "ty_le_bo_hoc_luu_ban": ("Tỷ lệ bỏ học và lưu ban", UPPER, "học sinh bỏ học hoặc lưu ban"),
    # the incoming cohort (db.huy_dong.target_counts): F12's rate; grade-5 completers into grade 6
    "ty_le_huy_dong": ("Tỷ lệ huy động trẻ ra lớp", LOWER, "trẻ dự kiến chưa ra lớp"),
    "ty_le_vao_lop_6": ("Tỷ lệ hoàn thành tiểu học vào lớp 6", LOWER, "trẻ hoàn thành tiểu học chưa vào lớp 6"),
}
BOUND_LABELS = {UPPER: "Không vượt quá", LOWER: "Ít nhất"}
# each target's comparison (``so_sanh``): the rate is compared with the target value by it;
# none given: ``le`` for an upper bound, ``ge`` for a lower bound (``op_of``)
OPS = {"lt": "Dưới", "le": "Không vượt quá", "gt": "Trên", "ge": "Ít nhất"}
OP_SIGNS = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
DEFAULT_OP = {UPPER: "le", LOWER: "ge"}


def op_of(t) -> str:
    """The comparison of a target (a ``Target`` row): its own, else its name's default."""
    return t.op or DEFAULT_OP[TARGETS[t.name][1]]


def meets(actual: float, op: str, value: float) -> bool:
    """The published rate ``actual`` satisfies ``actual <op> value``."""
    return {"lt": actual < value, "le": actual <= value, "gt": actual > value, "ge": actual >= value}[op]


def check_op(op, name: str) -> str | None:
    """``lt``/``le``/``gt``/``ge`` (or the signs < ≤ > ≥); None/"" → None (the default)."""
    if op in (None, ""):
        return None
    key = str(op).strip().lower()
    key = {"<": "lt", "<=": "le", "≤": "le", ">": "gt", ">=": "ge", "≥": "ge"}.get(key, key)
    if key not in OPS:
        raise SisoError(f"Phép so sánh «{op}» của chỉ tiêu {name} không hợp lệ: cần lt (dưới), le (không "
                        "vượt quá), gt (trên) hoặc ge (từ … trở lên).", fields.SO_SANH)
    bound = TARGETS[name][1]
    if key in ("lt", "le") and bound == LOWER or key in ("gt", "ge") and bound == UPPER:
        want = "lt hoặc le" if bound == UPPER else "gt hoặc ge"
        raise SisoError(f"Chỉ tiêu {name} là tỷ lệ {'cần giữ thấp' if bound == UPPER else 'cần đạt cao'}: "
                        f"phép so sánh cần {want}, không phải {key}.", fields.SO_SANH)
    return key


BASE_LEVELS = ("TH", "THCS", "THPT")
FINAL_GRADE = {"TH": 5, "THCS": 9, "THPT": 12}


def _check(name: str, value, level: str | None, grade) -> tuple[str, float, str | None, int | None]:
    if name not in TARGETS:
        raise SisoError(f"Không có chỉ tiêu «{name}». Các chỉ tiêu: {', '.join(TARGETS)}.", fields.TEN)
    try:
        value = float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        raise SisoError(f"Giá trị chỉ tiêu «{value}» không hợp lệ: cần một số phần trăm, ví dụ 2 hoặc 98,5.",
                        fields.GIA_TRI) from None
    if not 0 <= value <= 100:
        raise SisoError(f"Giá trị chỉ tiêu {value:g} không hợp lệ: cần từ 0 đến 100 (%).", fields.GIA_TRI)
    if (level in (None, "")) == (grade in (None, "")):
        raise SisoError("Chỉ tiêu cần đúng một phạm vi: một cấp học (TH, THCS, THPT) hoặc một khối (1–12).",
                        fields.PHAM_VI)
    if level not in (None, ""):
        level = str(level).upper()
        if level not in BASE_LEVELS:
            raise SisoError(f"Cấp học «{level}» không hợp lệ: cần TH, THCS hoặc THPT.", fields.CAP_HOC)
        return name, value, level, None
    return name, value, None, check_grade(grade)


def _scope_where(year: SchoolYear, level: str | None, grade: int | None):
    cond = (Target.year == year.id)
    cond &= Target.level.is_null() if level is None else (Target.level == level)
    cond &= Target.grade.is_null() if grade is None else (Target.grade == grade)
    return cond


def set_target(year: SchoolYear, name: str, value, *, level: str | None = None,
               grade: int | None = None, op: str | None = None) -> Target:
    """Register (or change) one target; one transaction with its audit record. ``op``: its
    comparison (``OPS``); none given: a new target takes its name's default, a changed one
    keeps its own."""
    from . import users

    users.require_admin("đăng ký chỉ tiêu")
    name, value, level, grade = _check(name, value, level, grade)
    op = check_op(op, name)
    scope = level or f"khoi {grade}"
    with audit.write("target.set", f"target:{year.name}/{scope}/{name}") as info:
        t = Target.get_or_none(_scope_where(year, level, grade) & (Target.name == name))
        info.update(before=t.value if t else None, after=value,
                    op_before=t.op if t else None, op=op if op or t is None else t.op)
        if t is None:
            t = Target.create(year=year, level=level, grade=grade, name=name, value=value, op=op)
        else:
            t.value = value
            if op is not None:
                t.op = op
            t.save()
    return t


def delete_target(year: SchoolYear, name: str, *, level: str | None = None, grade: int | None = None) -> None:
    from . import users

    users.require_admin("xóa chỉ tiêu")
    name, _, level, grade = _check(name, 0, level, grade)
    t = Target.get_or_none(_scope_where(year, level, grade) & (Target.name == name))
    if t is None:
        raise SisoError(f"Năm học {year.name} chưa đăng ký chỉ tiêu {name} cho phạm vi này.", fields.TEN)
    with audit.write("target.delete", f"target:{year.name}/{level or grade}/{name}", before=t.value):
        t.delete_instance()


def target_order(t) -> tuple:
    return (0 if t.level else 1, BASE_LEVELS.index(t.level) if t.level else t.grade, list(TARGETS).index(t.name))


def list_targets(year: SchoolYear) -> list[dict]:
    """The year's targets: levels first, then grades, in ``TARGETS`` order."""
    rows = sorted(Target.select().where(Target.year == year.id), key=target_order)
    return [{"pham_vi": scope_label(t.level, t.grade), "cap": t.level, "khoi": t.grade, "ten": t.name,
             "nhan": TARGETS[t.name][0], "loai": TARGETS[t.name][1], "so_sanh": op_of(t),
             "gia_tri": t.value} for t in rows]


def scope_label(level: str | None, grade: int | None) -> str:
    return f"Cấp {level}" if level else f"Khối {grade}"


# ---- margins ---------------------------------------------------------------------------------


__all__ = ["TARGETS", "UPPER", "LOWER", "OPS", "op_of", "meets", "set_target", "delete_target",
           "list_targets", "scope_label"]

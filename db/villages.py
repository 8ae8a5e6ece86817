"""Villages (thôn, làng, buôn, ấp, tổ dân phố) as records, and the one rule every door
(the student form, the transfer-in form, ``siso student add|edit``, ``siso event add
--kind transfer-in``, the import) follows to put a student in a village.

A village is known by (name, commune): "Thôn 1" exists in many communes. A student's
``village_ref`` points to it; the student's text columns ``village`` and ``commune`` hold
the village's name and commune (kept equal here, so every list that prints them shows the
record's spelling).

Spellings that differ only in accents, case or spaces ("Thôn 2", "thon 2", "Thôn  2") are
*similar* (:func:`similar_groups`): they are never merged nor created silently. A name
that is not a village is refused with the closest names, unless the caller says it is a
new village (``new=True``); a new name similar to an existing village is refused even
then, naming the existing one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from . import audit, fields, text
from .errors import SisoError
from .limits import check_lengths
from .models import Student, Village

FIELD = fields.THON  # the name SisoError gives the village field (STUDENT_FIELDS' ``field``)


class UnknownVillage(SisoError):
    """The village named is not a record; a form may ask the user to confirm a new one
    (``plain``: the message without the command line's hint)."""

    def __init__(self, message: str, name: str, commune: str, plain: str = ""):
        super().__init__(message, FIELD)
        self.name = name
        self.commune = commune
        self.plain = plain or message


def similar_key(value: str | None) -> str:
    """Accents, case and spaces taken away: two names with the same key are similar."""
    return re.sub(r"\s+", "", text.fold(value))


def label(v: Village) -> str:
    """«Thôn 1 (Xã Tơ Tung)», or the name alone for a village with no commune."""
    return f"{v.name} ({v.commune})" if v.commune else v.name


def staff_list(v: Village) -> list[str]:
    return [s for s in (v.staff or "").split("\n") if s]


def parse_staff(value) -> str:
    """Names separated by commas, semicolons or new lines → the stored text (one per line)."""
    if isinstance(value, (list, tuple)):
        value = "\n".join(value)
    names = [text.title_name(s) for s in re.split(r"[,;\n]", value or "")]
    return "\n".join(n for n in names if n)


def all_villages() -> list[Village]:
    """Every village, by commune then name (natural order: Thôn 2 before Thôn 10)."""
    return sorted(Village.select(), key=lambda v: (text.natural_key(v.commune), text.natural_key(v.name)))


def names() -> list[str]:
    """The villages' names (each once), for a form's suggestions."""
    return sorted({v.name for v in Village.select(Village.name)}, key=text.natural_key)


def village_dict(v: Village) -> dict:
    """The keys of ``siso village list --format json`` (docs/forms.md, "Lists printed by the CLI")."""
    return {"thon": v.name, "xa": v.commune or None, "truong_thon": v.head or None,
            "dien_thoai": v.head_phone or None, "phu_trach": staff_list(v)}


def similar_groups() -> list[list[Village]]:
    """Groups of two or more villages of one commune whose names differ only in accents,
    case or spaces: candidates for ``siso village merge`` (never merged without the user)."""
    groups: dict[tuple[str, str], list[Village]] = {}
    for v in all_villages():
        groups.setdefault((similar_key(v.commune), similar_key(v.name)), []).append(v)
    return [g for g in groups.values() if len(g) > 1]


def _similar_in(name: str, commune: str) -> list[Village]:
    key, ckey = similar_key(name), similar_key(commune)
    return [v for v in Village.select() if similar_key(v.name) == key
            and (not commune or similar_key(v.commune) == ckey)]


def closest(name: str, commune: str = "", n: int = 3) -> list[Village]:
    """The villages whose names look most like ``name`` (in ``commune`` when given)."""
    pool = [v for v in Village.select() if not commune or v.commune == commune]
    by_key: dict[str, list[Village]] = {}
    for v in pool:
        by_key.setdefault(text.fold(v.name), []).append(v)
    best = difflib.get_close_matches(text.fold(name), list(by_key), n=n, cutoff=0.5)
    return [v for k in best for v in by_key[k]][:n]


def _where(name: str, commune: str) -> str:
    return f"«{name}» (xã {commune})" if commune else f"«{name}»"


def find(name, commune=None) -> Village | None:
    """The village of that exact name (NFC, spaces collapsed) in ``commune``; with no
    commune, the one village of that name. None when there is none; a name found in
    several communes without ``commune`` is refused, naming them."""
    name, commune = text.clean(name), text.clean(commune)
    q = Village.select().where(Village.name == name)
    if commune:
        return q.where(Village.commune == commune).first()
    found = list(q)
    if len(found) > 1:
        raise SisoError(f"Có {len(found)} thôn tên «{name}» ở các xã "
                        f"{', '.join(v.commune or '(không ghi xã)' for v in found)}: "
                        "ghi thêm xã (--commune).", FIELD)
    return found[0] if found else None


def get(name, commune=None) -> Village:
    """:func:`find`, refusing a name that is not a village, with the closest names."""
    v = find(name, commune)
    if v is None:
        raise _unknown(text.clean(name), text.clean(commune), new_hint=False)
    return v


def _unknown(name: str, commune: str, new_hint: bool = True) -> UnknownVillage:
    near = closest(name, commune) or closest(name)
    msg = f"Chưa có thôn/làng {_where(name, commune)}."
    if near:
        msg += f" Gần giống: {', '.join(label(v) for v in near)}."
    plain = msg
    if new_hint:
        msg += " Nếu đây là thôn mới, thêm --new-village."
    return UnknownVillage(msg, name, commune, plain)


def _refuse_similar(name: str, commune: str) -> None:
    same = [v for v in _similar_in(name, commune) if v.name != name]
    if same:
        raise SisoError(f"Thôn/làng {_where(name, commune)} chỉ khác {label(same[0])} ở dấu, "
                        f"chữ hoa hoặc khoảng trắng: dùng tên đã có «{same[0].name}».", FIELD)


@dataclass
class Place:
    """Where a student is put: an existing village, a new one to create, or none."""

    village: Village | None
    new: bool = False


def plan(name, commune=None, *, new: bool = False) -> Place:
    """Check a student's village before writing (no write): an existing village, or — only
    with ``new`` — a new one (refused when similar to an existing one). An empty name is
    no village. Raises :class:`UnknownVillage` for an unknown name without ``new``."""
    name, commune = text.clean(name), text.clean(commune)
    if not name:
        return Place(None)
    v = find(name, commune)
    if v is not None:
        return Place(v)
    if not new:
        raise _unknown(name, commune)
    _check_name(name)
    _refuse_similar(name, commune)
    return Place(Village(name=name, commune=commune), new=True)


def settle(place: Place, values: dict) -> None:
    """Inside the write: create the planned village if new, and set the student's
    ``village_ref``, ``village`` and ``commune`` in ``values``."""
    v = place.village
    if v is None:
        values["village_ref"] = None
        values["village"] = ""
        return
    if place.new:
        v.save()
    values.update(village_ref=v.id, village=v.name, commune=v.commune)


def place_values(data: dict, values: dict, current: Student | None = None) -> Place | None:
    """The :class:`Place` for a student's checked ``values`` (from ``check_fields``), or
    None when neither village nor commune is being set. A village given without a commune
    is found by its name alone; editing only the commune re-finds the student's village
    in that commune. ``data["new_village"]`` allows a new village."""
    if "village" not in values and "commune" not in values:
        return None
    name = values["village"] if "village" in values else (current.village if current else "")
    commune = values.get("commune") or None
    return plan(name, commune, new=bool(data.get("new_village")))


def _check_name(name: str) -> None:
    if not name:
        raise SisoError("Thiếu tên thôn/làng.", FIELD)
    if len(name) > 100:
        raise SisoError("Tên thôn/làng dài quá 100 ký tự.", FIELD)


def _phone(value) -> str:
    from .students import check_fields

    if not text.clean(value):
        return ""
    try:
        return check_fields({"phone": value})["phone"]
    except SisoError as err:
        raise SisoError(err.message.replace("Số điện thoại", "Số điện thoại trưởng thôn"),
                        fields.DIEN_THOAI_TRUONG_THON) from None


TEXT_LABELS = {"name": "Tên thôn/làng", "commune": "Xã", "head": "Trưởng thôn",
               "staff": "Cán bộ phụ trách"}
TEXT_FIELDS = {"name": fields.THON, "commune": fields.XA, "head": fields.TRUONG_THON,
               "staff": fields.CAN_BO}


def add_village(name, commune="", *, head="", head_phone="", staff="") -> Village:
    """A new village record. One transaction, audited. Refused when it exists, or when an
    existing village of the commune differs from it only in accents, case or spaces."""
    from . import users

    users.require_admin("thêm thôn/làng")
    name, commune = text.clean(name), text.clean(commune)
    _check_name(name)
    if Village.select().where((Village.name == name) & (Village.commune == commune)).exists():
        raise SisoError(f"Thôn/làng {_where(name, commune)} đã có.", FIELD)
    if not commune:  # «Làng Đầm» of no commune beside «Làng Đầm» of a commune: two for one
        elsewhere = list(Village.select().where(Village.name == name).order_by(Village.commune))
        if elsewhere:
            raise SisoError(f"Đã có thôn «{name}» ở xã {', '.join(v.commune for v in elsewhere)}: "
                            "thôn mới cùng tên cần ghi xã của nó (--commune); thôn đã có thì "
                            "không cần thêm.", fields.XA)
    _refuse_similar(name, commune)
    values = {"name": name, "commune": commune,
              "head": text.title_name(head) if text.clean(head) else "",
              "head_phone": _phone(head_phone), "staff": parse_staff(staff)}
    check_lengths(Village, values, TEXT_LABELS, TEXT_FIELDS)
    with audit.write("village.add", f"village:{label(Village(**values))}", after=values) as info:
        v = Village.create(**values)
        info["id"] = v.id
    return v


def edit_village(v: Village, *, head=None, head_phone=None, staff=None) -> Village:
    """Change a village's head, phone or staff (None leaves a value as it is)."""
    from . import users

    users.require_admin("sửa thôn/làng")
    after = {}
    if head is not None:
        after["head"] = text.title_name(head) if text.clean(head) else ""
    if head_phone is not None:
        after["head_phone"] = _phone(head_phone)
    if staff is not None:
        after["staff"] = parse_staff(staff)
    check_lengths(Village, after, TEXT_LABELS, TEXT_FIELDS)
    before = {k: getattr(v, k) for k in after}
    with audit.write("village.edit", f"village:{label(v)}", before=before, after=after):
        for k, val in after.items():
            setattr(v, k, val)
        v.save()
    return v


def merge(source: Village, into: Village) -> int:
    """Move every student of ``source`` to ``into`` and remove ``source``; ``into`` keeps
    its head and phone (taking ``source``'s when it has none) and gains ``source``'s
    staff. One transaction, audited. Returns the number of students moved."""
    from . import users

    users.require_admin("gộp thôn/làng")
    if source.id == into.id:
        raise SisoError(f"Hai thôn là một: {label(source)}.", FIELD)
    moved_codes = [s.code for s in Student.select(Student.code).where(Student.village_ref == source.id)]
    staff = staff_list(into) + [s for s in staff_list(source) if s not in staff_list(into)]
    with audit.write("village.merge", f"village:{label(into)}", tu=label(source), vao=label(into),
                     hoc_sinh=moved_codes):
        (Student.update(village_ref=into.id, village=into.name, commune=into.commune)
         .where(Student.village_ref == source.id).execute())
        into.head = into.head or source.head
        into.head_phone = into.head_phone or source.head_phone
        into.staff = "\n".join(staff)
        into.save()
        source.delete_instance()
    return len(moved_codes)


def problems() -> list[str]:
    """``siso check``: a student whose village text differs from their village record
    (name or commune), in Vietnamese, one line each."""
    q = (Student.select(Student.code, Student.village, Student.commune, Village.name, Village.commune)
         .join(Village, on=(Village.id == Student.village_ref))
         .where((Student.village != Village.name) | (Student.commune != Village.commune))
         .order_by(Student.code).tuples())
    return [f"Học sinh {code}: thôn/xã ghi «{v}», «{c}» khác bản ghi thôn «{vn}», «{vc}»."
            for code, v, c, vn, vc in q]

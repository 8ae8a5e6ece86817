"""What one cell of a student list means: a parser per field of the import plan.

Each parser takes the cells it needs (their text as ``exports.importer.cell_text`` gives it,
and the raw value where the type matters: a number Excel stripped of its leading zero) and
returns its value with its problems, ``Issue`` tuples (field, message, severity), the field
naming the column a problem is shown under. ``exports.importer`` composes them into a row
of the plan; the values then go through ``db.students.check_fields``, the rules of a
student typed by hand.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from db import codes, fields, text
from db.errors import SisoError
from db.import_plan import ERROR, WARNING
from db.school import grade_in_name, normalize_class_name

from .headers import norm
from .readers import MAX_CELL_CHARS

_EXCEL_EPOCH = date(1899, 12, 30)
FOREIGN_ETHNIC = "55"  # "Người nước ngoài" in the national list of ethnic groups
# "Quốc tịch" cells that mean Vietnamese (normalised); anything else is a foreign national
_VIETNAMESE_NATIONALITY = {"", "viet nam", "vietnam", "vn", "vnm", "viet", "nuoc chxhcn viet nam",
                           "chxhcn viet nam", "cong hoa xa hoi chu nghia viet nam"}


def parse_dob(value) -> tuple[date | None, str | None, str | None]:
    """(date, warning, error) for a date of birth as a file gives it."""
    if isinstance(value, datetime):
        return value.date(), None, None
    if isinstance(value, date):
        return value, None, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        n = float(value)
        if n.is_integer() and 1900 <= n <= 2100:
            y = int(n)
            return date(y, 1, 1), f"Chỉ có năm sinh {y}: ghi ngày sinh 01/01/{y}, cần sửa lại khi biết ngày.", None
        if 1 <= n < 73051:  # Excel serial date (1900 system) up to 2099
            return _EXCEL_EPOCH + timedelta(days=int(n)), None, None
        return None, None, f"Ngày sinh «{value}» không đúng dạng: cần dd/mm/yyyy, ví dụ 05/09/2012."
    raw = text.clean(str(value or ""))
    if not raw:
        return None, None, "Thiếu ngày sinh: cần dd/mm/yyyy, ví dụ 05/09/2012."
    if re.fullmatch(r"\d{4}", raw):
        return parse_dob(int(raw))
    if re.fullmatch(r"\d{5}", raw):
        return parse_dob(int(raw))
    m = re.fullmatch(r"(\d{4}-\d{1,2}-\d{1,2})[ T]\d{1,2}:\d{2}(:\d{2})?", raw)
    if m:
        raw = m.group(1)
    from db.dates import parse_date

    try:
        return parse_date(raw, "ngày sinh", fields.NGAY_SINH), None, None
    except SisoError as err:
        return None, None, str(err)


def _disability(raw: str) -> str | None:
    """Code of a disability written as a code (1, 01) or a type name; raises SisoError."""
    if raw.isdigit():
        return raw
    key = norm(raw)
    for code, label in codes.disability_types().items():
        full = norm(label)
        if key in (full, full.replace("khuyet tat ", "", 1)):
            return code
    types = ", ".join(f"{k} {v}" for k, v in codes.disability_types().items())
    raise SisoError(f"Khuyết tật «{raw}» không rõ loại: ghi mã hoặc tên loại ({types}); "
                    "để trống nếu không khuyết tật.", fields.KHUYET_TAT)


Issue = tuple[str, str, str]  # (field, message, severity)


def cell_issues(f: str, raw, shown: str) -> list[Issue]:
    """What a cell holds that no register may (NUL, control characters, overlong text, digits
    that are not 0–9); ``shown`` is the cell's cleaned text."""
    if not isinstance(raw, str):
        return []
    out: list[Issue] = []
    if "\x00" in raw:
        out.append((f, "Ô có ký tự NUL (\\0) — tệp hỏng: sửa ô này rồi nhập lại.", ERROR))
    elif text.has_controls(raw):
        out.append((f, "Đã bỏ ký tự điều khiển hoặc ký tự đảo chiều chữ (ESC, BEL, U+202E…) trong ô: "
                       f"còn «{shown[:40]}».", WARNING))
    if len(raw) > MAX_CELL_CHARS:
        out.append((f, f"Ô dài {len(raw):,} ký tự".replace(",", ".") + f" — quá {MAX_CELL_CHARS:,}"
                       .replace(",", ".") + " (giới hạn một ô của Excel): tệp hỏng hoặc dán nhầm.", ERROR))
    if any(ch.isdigit() and not ch.isascii() for ch in raw):
        out.append((f, f"Ô có chữ số không phải 0–9 («{shown[:20]}»): hãy gõ lại bằng chữ số 0–9.", ERROR))
    return out


def name_text(texts: dict[str, str]) -> str:
    """The full name: the «Họ và tên» column, or «Họ đệm» and «Tên» joined."""
    return texts.get("name") or " ".join(t for t in (texts.get("family_middle", ""),
                                                   texts.get("given", "")) if t)


def parse_name(texts: dict[str, str], columns) -> tuple[str, list[Issue]]:
    """(full name, problems): a missing name, or an empty «Tên» beside a «Họ đệm»."""
    name = name_text(texts)
    out: list[Issue] = []
    if not name:
        out.append(("name" if "name" in columns else "given", "Thiếu họ và tên học sinh.", ERROR))
    if "given" in columns and not texts.get("given") and name:
        out.append(("given", "Thiếu tên (cột «Tên» trống).", ERROR))
    return name, out


def parse_dob_cell(raw) -> tuple[date | None, list[Issue]]:
    """(date of birth, problems) of the birth-date cell (``parse_dob``'s forms)."""
    dob, warn, err = parse_dob(raw)
    if err:
        return None, [("dob", err, ERROR)]
    return dob, [("dob", warn, WARNING)] if dob is not None and warn else []


def parse_gender(texts: dict[str, str], columns) -> tuple[str | None, list[Issue]]:
    """(gender as written for ``check_fields``, problems): a «Giới tính» column (Nam/Nữ), else a
    «Nữ» column marked x (1, v, có …) for a girl, empty (0, nam) for a boy."""
    if "gender" in columns:
        g = texts["gender"]
        if not g:
            return None, [("gender", "Thiếu giới tính: cần «Nam» hoặc «Nữ».", ERROR)]
        return g, []
    if "female_mark" in columns:
        mark = norm(texts["female_mark"])
        if mark in ("", "0", "nam"):
            return "nam", []
        if mark in ("x", "1", "nu", "co", "v", "true"):
            return "nữ", []
        return None, [("female_mark", f"Cột «Nữ» ghi «{texts['female_mark']}»: cần «x» cho học sinh nữ "
                                      "hoặc để trống cho học sinh nam.", ERROR)]
    return None, []


def parse_ethnic(texts: dict[str, str], columns) -> tuple[str | None, str | None, list[Issue]]:
    """(code, text, problems): the code when it is settled here (55 for a foreign national,
    whatever the ethnic column says; Kinh 01 when the column is absent or empty), else the
    ethnic column's text, for ``check_fields`` to match."""
    nation = texts.get("nationality", "")
    if norm(nation) not in _VIETNAMESE_NATIONALITY:
        # a foreign national is ethnic group 55 (never an ethnic minority), whatever the
        # ethnic column says; a different group written there is reported
        e = texts.get("ethnic", "")
        if e and codes.match_ethnic(e) != FOREIGN_ETHNIC:
            return FOREIGN_ETHNIC, None, [("ethnic", f"Quốc tịch «{nation}»: học sinh người nước ngoài, ghi dân tộc "
                                                     f"{FOREIGN_ETHNIC} ({codes.ethnic_name(FOREIGN_ETHNIC)}) "
                                                     f"thay cho «{e}».", WARNING)]
        return FOREIGN_ETHNIC, None, []
    if "ethnic" in columns:
        e = texts["ethnic"]
        if not e:
            return "01", None, [("ethnic", "Trống dân tộc: ghi là Kinh (01).", WARNING)]
        return None, e, []
    return "01", None, []


def parse_places(texts: dict[str, str], columns) -> dict[str, str]:
    """The student code and the places as written (village, commune, birthplace, address); without
    an address column, the sector database's Tỉnh / Huyện / Xã columns make the address."""
    out = {f: texts[f] for f in ("code", "village", "commune", "birthplace", "address") if texts.get(f)}
    if "address" not in columns and {"province", "district"} & set(columns):
        # the sector database gives the residence as Tỉnh / Huyện / Xã columns: the commune
        # goes to its field, and the whole of it, village to province, to the address
        parts = [texts.get(f, "") for f in ("village", "commune", "district", "province")]
        if any(parts):
            out["address"] = ", ".join(p for p in parts if p)
    return out


def parse_national_id(shown: str, raw) -> tuple[str, list[Issue]]:
    """(national id, problems): spaces dropped; the leading zero Excel dropped from a number
    of 11 digits put back, with a note."""
    nid = shown.replace(" ", "")
    if isinstance(raw, (int, float)) and nid.isdigit() and len(nid) == 11:
        nid = "0" + nid  # Excel dropped the leading zero of the number
        return nid, [("national_id", f"Mã định danh bị Excel bỏ số 0 đầu: ghi {nid}.", WARNING)]
    return nid, []


def parse_phone(shown: str, raw) -> str:
    """The phone number; a number cell of 9 or 10 digits gets back the leading 0 Excel dropped."""
    if isinstance(raw, (int, float)) and shown.isdigit() and len(shown) in (9, 10) and shown[0] != "0":
        return "0" + shown
    return shown


def parse_register_no(raw) -> tuple[int | None, list[Issue]]:
    """(register number, problems) of a «Số đăng bộ» cell (``db.register.check_start``)."""
    from db.register import check_start

    try:
        return check_start(raw), []
    except SisoError as e:
        return None, [("so_dang_bo", str(e), ERROR)]


def parse_disability(shown: str) -> tuple[str | None, list[Issue]]:
    """(disability code, problems): a code or a type's name (``_disability``)."""
    try:
        return _disability(shown), []
    except SisoError as e:
        return None, [("disability", str(e), ERROR)]


def parse_class(texts: dict[str, str], columns, grade_title: str) -> tuple[str, int | None, list[Issue]]:
    """(class name, grade, problems): the class as normalised (6a 1 → 6A1), the grade from the
    «Khối» column (6, Khối 6, lớp 6) or else from the class name; a class not of the column's
    grade is refused (``grade_title``: that column's title in the file)."""
    out: list[Issue] = []
    klass = ""
    grade = None
    if "klass" in columns:
        klass = normalize_class_name(texts["klass"])
        if not klass:
            out.append(("klass", "Thiếu lớp.", ERROR))
    if "grade" in columns and texts.get("grade"):
        g = re.sub(r"^(khoi|lop)\s*", "", norm(texts["grade"]))
        if g.isdigit() and 1 <= int(g) <= 12:
            grade = int(g)
        else:
            out.append(("grade", f"Khối «{texts['grade']}» không hợp lệ: cần số từ 1 đến 12.", ERROR))
    if klass:
        lead = grade_in_name(klass)
        if lead is not None and grade is not None and lead != grade:
            out.append(("klass", f"Lớp {klass} không thuộc khối {grade} (cột «{grade_title}»).", ERROR))
        elif lead is not None and grade is None:
            grade = lead
    return klass, grade, out

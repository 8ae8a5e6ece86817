"""The student lists schools already have (xlsx, ods, csv) as an import plan.

The file is read by :mod:`exports.readers` (with its safety limits) and its header found by
:mod:`exports.headers`; this module turns the rows into a plan, each row's cells read by the
parsers of :mod:`exports.import_fields` (one per field).

Forgiving about layout, strict about data:

* the header row is found by its content (title rows, merged cells, a header that
  spans two rows, a row of column numbers, empty rows and a totals row are fine);
* column headers are matched without regard to accents, case or spacing;
* every value is checked with the same rules as a student typed by hand
  (``db.students.check_fields``) and every problem names its row, its column and
  what is expected, in Vietnamese.

Hostile files are refused by :mod:`exports.readers` before they are read.

Nothing here touches the database: :func:`read_students` returns an
:class:`ImportPlan`; ``db.imports`` checks it against the database and writes it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace

from db import fields, text
from db.dates import fmt_date
from db.errors import SisoError
from db.import_plan import ERROR, FIELDS, IGNORE, WARNING, Problem
from db.students import check_fields

from .headers import Header, field_from_user, find_header, guess_mapping, norm
from .import_fields import (Issue, cell_issues, parse_class, parse_disability, parse_dob, parse_dob_cell,
                            parse_ethnic, parse_gender, parse_name, parse_national_id, parse_phone,
                            parse_places, parse_register_no)
from .readers import Table, read_table, refuse
from .sheet_xml import column_letters

# ---- the plan -------------------------------------------------------------------------------


@dataclass
class PlanRow:
    row: int  # row number in the file
    values: dict  # Student fields (family, middle, given, female, dob, ethnic, code, …)
    klass: str = ""  # class name as normalised, "" when the file has none
    grade: int | None = None

    @property
    def full_name(self) -> str:
        return text.join_name(self.values.get("family", ""), self.values.get("middle", ""),
                              self.values.get("given", ""))


@dataclass
class ImportPlan:
    table: Table
    header: Header | None
    mapping: dict[int, str]  # column index → field
    rows: list[PlanRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # row numbers of totals / footer rows
    keys: list[tuple] = field(default_factory=list)  # (row, code, national_id) of every student row

    @property
    def titles(self) -> list[str]:
        return self.header.titles if self.header else []

    @property
    def fields(self) -> set[str]:
        return {f for f in self.mapping.values() if f != IGNORE}

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    def column_title(self, index: int) -> str:
        t = self.titles[index] if index < len(self.titles) else ""
        return t or column_letters(index + 1)[index]


def apply_overrides(titles: list[str], mapping: dict[int, str], overrides: dict[str, str] | None) -> dict[int, str]:
    """Overrides "column title or letter" → field, as the user gives them (``--map``)."""
    mapping = dict(mapping)
    for col, fld in (overrides or {}).items():
        key = norm(col)
        idx = None
        for i, t in enumerate(titles):
            if t and norm(t) == key:
                idx = i
                break
        if idx is None and re.fullmatch(r"[A-Za-z]{1,2}", col.strip()):
            from openpyxl.utils.cell import column_index_from_string

            idx = column_index_from_string(col.strip().upper()) - 1
        if idx is None:
            shown = ", ".join(f"«{t}»" for t in titles if t)
            raise SisoError(f"Không có cột «{col}» trong tệp. Các cột: {shown}.", fields.ANH_XA)
        target = field_from_user(fld) if isinstance(fld, str) else fld
        if target != IGNORE:
            for i, f in list(mapping.items()):
                if f == target and i != idx:
                    mapping[i] = IGNORE
        mapping[idx] = target
    return mapping


def parse_overrides(items: list[str] | None) -> dict[str, str]:
    """``["Tên HS=given", "Lớp học=lop"]`` → dict; Vietnamese error on a malformed item."""
    out: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            raise SisoError(f"«{item}» không đúng dạng: cần «Cột trong tệp=trường», ví dụ "
                            "«Tên HS=given».", fields.ANH_XA)
        col, fld = item.rsplit("=", 1)
        out[col.strip()] = fld.strip()
    return out


def read_students(path, *, sheet: str | None = None, overrides: dict[str, str] | None = None,
                  ref_date: date | None = None) -> ImportPlan:
    """Read a file into a plan (rows and problems). Raises SisoError for a refused file."""
    table = read_table(path, sheet)
    return make_plan(table, overrides=overrides, ref_date=ref_date)


def make_plan(table: Table, *, mapping: dict[int, str] | None = None,
              overrides: dict[str, str] | None = None, ref_date: date | None = None) -> ImportPlan:
    """Find the header, map the columns (or use ``mapping``) and parse every row."""
    name = os.path.basename(table.path)
    header = find_header(table.rows)
    if header is None:
        raise refuse(f"Không tìm thấy dòng tiêu đề trong tệp «{name}»"
                      f"{' (trang «' + table.sheet + '»)' if table.sheet else ''}: cần một dòng có "
                      "các cột như «Họ và tên» (hoặc «Họ đệm» và «Tên»), «Ngày sinh», «Giới tính», "
                      "«Lớp» trong 30 dòng đầu.")
    if mapping is None:
        mapping = guess_mapping(header.titles)
    guessed = guess_mapping(header.titles)
    mapping = apply_overrides(header.titles, mapping, overrides)
    plan = ImportPlan(table, header, mapping)
    _check_columns(plan, guessed)
    if plan.errors:
        return plan
    ref = SimpleNamespace(start=ref_date) if ref_date else None
    end = None  # row number of the signature / place-and-date line that ends the list
    for number, cells in table.rows[header.first_data:]:
        if end is None and _ends_table(plan, cells):
            end = number
        if end is not None:
            plan.skipped.append(number)
            _after_end(plan, number, cells, end)
            continue
        _parse_row(plan, number, cells, ref)
    if not plan.rows and not plan.errors:
        plan.problems.append(Problem(None, "", "Tệp không có dòng học sinh nào dưới dòng tiêu đề."))
    _file_duplicates(plan)
    return plan


def _check_columns(plan: ImportPlan, guessed: dict[int, str]) -> None:
    by_field: dict[str, list[int]] = {}
    for i, f in plan.mapping.items():
        by_field.setdefault(f, []).append(i)
    for i, f in sorted(plan.mapping.items()):
        if f == IGNORE and guessed.get(i, IGNORE) != IGNORE:
            plan.problems.append(Problem(None, plan.titles[i], "Cột được bỏ qua theo lựa chọn.", WARNING))
        elif f == IGNORE and plan.titles[i:i + 1] and plan.titles[i]:
            plan.problems.append(Problem(None, plan.titles[i], "Cột không nhận ra: bỏ qua "
                                         "(nếu cần nhập cột này, hãy gán nó cho một trường).", WARNING))
    for f, cols in by_field.items():
        if f != IGNORE and len(cols) > 1:
            shown = ", ".join(f"«{plan.column_title(c)}»" for c in cols)
            plan.problems.append(Problem(None, "", f"Nhiều cột cùng là «{FIELDS[f]}»: {shown}; "
                                         "chỉ giữ một cột."))
    fields = plan.fields
    if "name" not in fields and "given" not in fields:
        plan.problems.append(Problem(None, "", "Thiếu cột «Họ và tên» (hoặc hai cột «Họ đệm» và «Tên»)."))
    if "name" in fields and {"given", "family_middle"} & fields:
        plan.problems.append(Problem(None, "", "Tệp có cả cột «Họ và tên» và cột «Họ đệm»/«Tên»: "
                                     "chỉ giữ một cách ghi tên (bỏ qua cột kia)."))
    if "given" in fields and "family_middle" not in fields:
        plan.problems.append(Problem(None, "", "Có cột «Tên» nhưng thiếu cột «Họ đệm»."))
    if "dob" not in fields:
        plan.problems.append(Problem(None, "", "Thiếu cột «Ngày sinh»."))
    if "gender" not in fields and "female_mark" not in fields:
        plan.problems.append(Problem(None, "", "Thiếu cột «Giới tính» (Nam/Nữ) hoặc cột «Nữ» đánh dấu x."))
    if "ethnic" not in fields and "nationality" not in fields:
        plan.problems.append(Problem(None, "", "Tệp không có cột «Dân tộc»: mọi học sinh được ghi "
                                     "dân tộc Kinh.", WARNING))
    elif "ethnic" not in fields:
        plan.problems.append(Problem(None, "", "Tệp không có cột «Dân tộc»: học sinh quốc tịch Việt Nam "
                                     "được ghi dân tộc Kinh, quốc tịch khác là người nước ngoài (55).",
                                     WARNING))


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return fmt_date(value.date())
    if isinstance(value, date):
        return fmt_date(value)
    return text.clean(str(value))


_FOOTER = re.compile(r"^(tong|cong|tong cong|tong so|cong so)\b")
# The signature block under a list: who signs ("NGƯỜI LẬP DANH SÁCH", "KT. HIỆU TRƯỞNG",
# "GVCN", "(Ký, ghi rõ họ tên)") and the place-and-date line ("Ia Pa, ngày … tháng … năm …").
_SIGNATURE = re.compile(
    r"^(?:(?:kt|tm|tl|q|p|thay mat|ky thay)\s+)*(?:nguoi lap|nguoi viet|nguoi ke khai|hieu truong|"
    r"pho hieu truong|ban giam hieu|thu truong|giao vien chu nhiem|gvcn|nguoi kiem tra|nguoi duyet|"
    r"xac nhan|ke toan|van thu|ky ten|ky ghi ro|ky va ghi ro|ky dong dau|ky ho ten)\b")
_PLACE_DATE = re.compile(r"\bngay(?: \d{1,2})? thang(?: \d{1,2})? nam(?! sinh)\b")


def _column_of(plan: ImportPlan, fld: str) -> int | None:
    return next((i for i, f in plan.mapping.items() if f == fld), None)


def _dob_in(plan: ImportPlan, cells: list) -> date | None:
    """The date of birth the row gives, if its birth-date column holds a readable date."""
    i = _column_of(plan, "dob")
    if i is None or i >= len(cells) or cells[i] in (None, ""):
        return None
    dob, _warn, err = parse_dob(cells[i])
    return None if err else dob


def _ends_table(plan: ImportPlan, cells: list) -> bool:
    """A signature or place-and-date line (with no date of birth) ends the list of students."""
    if _dob_in(plan, cells) is not None:
        return False
    for c in cells:
        if isinstance(c, str):
            t = norm(c)
            if _SIGNATURE.match(t) or _PLACE_DATE.search(t):
                return True
    return False


def _after_end(plan: ImportPlan, number: int, cells: list, end: int) -> None:
    """Rows under the signature block are not read (titles, names of the signers); one that
    still has a date of birth is reported, never dropped in silence."""
    dob = _dob_in(plan, cells)
    if dob is None:
        return
    i = _column_of(plan, "dob")
    plan.problems.append(Problem(number, plan.column_title(i), (
        f"Dòng nằm dưới phần ký tên (dòng {end}) nhưng có ngày sinh {fmt_date(dob)}: không nhập. "
        "Nếu đây là học sinh, hãy chuyển dòng lên trên phần ký tên rồi đọc lại tệp."), WARNING))


def _not_a_student(cells: list, texts: dict[str, str], name: str) -> str | None:
    """Why a row is no student's: "total" for a totals row («Tổng cộng: 35 học sinh», «Cộng»),
    "other" for a note, a signature line or a stray number; None for a student's row."""
    filled = [c for c in cells if c not in (None, "")]
    first_texts = [norm(c) for c in filled if isinstance(c, str)]
    if any(_FOOTER.match(t) for t in first_texts[:2]) and not (
            texts.get("dob") or texts.get("code") or texts.get("gender")):
        return "total"
    if len(filled) < 2 or (not name and not texts.get("dob")):
        return "other"
    return None


def _parse_row(plan: ImportPlan, number: int, cells: list, ref) -> None:
    by_field: dict[str, tuple[int, object]] = {}
    for i, f in plan.mapping.items():
        if f != IGNORE:
            by_field[f] = (i, cells[i] if i < len(cells) else None)
    texts = {f: cell_text(v) for f, (_, v) in by_field.items()}
    name_text, name_issues = parse_name(texts, by_field)
    skip = _not_a_student(cells, texts, name_text)
    if skip == "total":
        plan.skipped.append(number)  # "Tổng cộng: 35 học sinh", "Cộng"
        return
    if skip == "other":
        plan.skipped.append(number)  # a note, a signature line, a stray number
        shown = "; ".join(cell_text(c) for c in cells if c not in (None, ""))[:60]
        plan.problems.append(Problem(number, "", f"Bỏ qua dòng không phải học sinh: «{shown}».", WARNING))
        return

    def col(f: str) -> str:
        return plan.column_title(by_field[f][0]) if f in by_field else ""

    issues: list[Issue] = []
    for f, (_, raw) in by_field.items():  # what the file holds that no register may
        issues += cell_issues(f, raw, texts[f])
    issues += name_issues
    values: dict = {}
    data: dict = {}  # what check_fields checks, as written
    if name_text:
        data["name"] = name_text
    if "dob" in by_field:
        dob, found = parse_dob_cell(by_field["dob"][1])
        issues += found
        if dob is not None:
            data["dob"] = dob
    gender, found = parse_gender(texts, by_field)
    issues += found
    if gender is not None:
        data["gender"] = gender
    ethnic_code, ethnic_text, found = parse_ethnic(texts, by_field)
    issues += found
    if ethnic_code is not None:
        values["ethnic"] = ethnic_code
    else:
        data["ethnic"] = ethnic_text
    data.update(parse_places(texts, by_field))
    if texts.get("national_id"):
        data["national_id"], found = parse_national_id(texts["national_id"], by_field["national_id"][1])
        issues += found
    if texts.get("phone"):
        data["phone"] = parse_phone(texts["phone"], by_field["phone"][1])
    for f in ("father", "mother", "guardian"):
        if texts.get(f):
            data[f] = texts[f]
    if texts.get("so_dang_bo"):
        number_in_register, found = parse_register_no(by_field["so_dang_bo"][1])
        issues += found
        if not found:
            values["so_dang_bo"] = number_in_register
    if texts.get("disability"):
        disability, found = parse_disability(texts["disability"])
        issues += found
        if not found:
            data["disability"] = disability
    field_of = {"name": "name" if "name" in by_field else "given", "dob": "dob",
                "gender": "gender" if "gender" in by_field else "female_mark"}
    for key, value in data.items():
        try:
            values.update(check_fields({key: value}, year=ref))
        except SisoError as e:
            issues.append((field_of.get(key, key), str(e), ERROR))
    klass, grade, found = parse_class(texts, by_field, col("grade"))
    issues += found
    row_problems = [Problem(number, col(f), msg, severity) for f, msg, severity in issues]
    plan.problems.extend(row_problems)
    plan.keys.append((number, values.get("code"), values.get("national_id")))
    if not any(p.severity == ERROR for p in row_problems):
        plan.rows.append(PlanRow(number, values, klass, grade))


def _file_duplicates(plan: ImportPlan) -> None:
    for key, label, fld in (("code", "Mã học sinh", "code"), ("national_id", "Mã định danh", "national_id")):
        seen: dict[str, int] = {}
        col = next((plan.column_title(i) for i, f in plan.mapping.items() if f == fld), "")
        dups: set[int] = set()
        for row, *vals in plan.keys:
            v = vals[0 if key == "code" else 1]
            if not v:
                continue
            if v in seen:
                plan.problems.append(Problem(row, col, f"{label} {v} trùng với dòng {seen[v]} trong tệp."))
                dups.add(row)
                dups.add(seen[v])
            else:
                seen[v] = row
        if dups:
            plan.rows = [r for r in plan.rows if r.row not in dups]
    seen_no: dict[int, int] = {}
    dup_no: set[int] = set()
    for r in plan.rows:
        n = r.values.get("so_dang_bo")
        if n is None:
            continue
        if n in seen_no:
            col = next((plan.column_title(i) for i, f in plan.mapping.items() if f == "so_dang_bo"), "")
            plan.problems.append(Problem(r.row, col, f"Số đăng bộ {n} trùng với dòng {seen_no[n]} trong tệp."))
            dup_no |= {r.row, seen_no[n]}
        else:
            seen_no[n] = r.row
    if dup_no:
        plan.rows = [r for r in plan.rows if r.row not in dup_no]
    seen_name: dict[tuple, int] = {}
    for r in plan.rows:
        k = (text.fold(r.full_name), r.values.get("dob"))
        if k in seen_name:
            plan.problems.append(Problem(r.row, "", f"Học sinh {r.full_name} ({fmt_date(k[1])}) trùng họ tên "
                                         f"và ngày sinh với dòng {seen_name[k]}: kiểm tra có phải "
                                         "một người không.", WARNING))
        else:
            seen_name[k] = r.row


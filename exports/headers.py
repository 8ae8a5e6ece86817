"""Finding the header row of a student list and what each column holds, whatever its
spelling (accents, case, spacing, abbreviations)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from db import fields, text
from db.errors import SisoError
from db.import_plan import FIELDS, IGNORE

HEADER_SCAN = 30  # the header must be within the first rows

# Header spellings, already normalised with norm (folded, punctuation → spaces).
_EXACT: dict[str, str] = {}
for _field, _names in {
    "stt": ["stt", "tt", "so tt", "so thu tu"],
    "so_dang_bo": ["so dang bo", "so db", "sdb", "so so dang bo"],
    "code": ["ma hoc sinh", "ma hs", "ma so hoc sinh", "ma so hs", "ma dinh danh bo gd dt",
             "ma dinh danh bo gddt", "ma dinh danh bo giao duc", "ma dinh danh hoc sinh",
             "ma dinh danh hs", "ma hoc sinh bo gd dt", "ma"],
    "national_id": ["ma dinh danh", "ma dinh danh ca nhan", "so dinh danh", "so dinh danh ca nhan",
                    "cccd", "so cccd", "can cuoc cong dan", "so can cuoc", "can cuoc",
                    "so ddcn", "ddcn", "ma ddcn", "so dinh danh cong dan"],
    "name": ["ho va ten", "ho ten", "ho ten hoc sinh", "ho va ten hoc sinh", "ten hoc sinh",
             "hoc sinh"],
    "family_middle": ["ho dem", "ho va ten dem", "ho va dem", "ho lot", "ho va chu lot", "ho",
                      "ho va ten lot"],
    "given": ["ten"],
    "dob": ["ngay sinh", "ngay thang nam sinh", "sinh ngay", "ngay thang nam sinh dd mm yyyy"],
    "gender": ["gioi tinh", "gioi", "phai", "nam nu", "nam hay nu"],
    "female_mark": ["nu", "hs nu", "hoc sinh nu"],
    "male_mark": ["nam"],
    "ethnic": ["dan toc", "ma dan toc", "ten dan toc"],
    "klass": ["lop", "ten lop", "lop hoc", "ma lop", "ma lop hoc"],
    "nationality": ["quoc tich"],
    "province": ["tinh", "tinh thanh pho", "tinh tp", "tinh thanh", "thanh pho truc thuoc tw"],
    "district": ["huyen", "quan huyen", "huyen quan", "huyen thi xa", "quan huyen thi xa",
                 "huyen quan thi xa thanh pho"],
    "father_year": ["nam sinh cha", "nam sinh cua cha", "nam sinh bo"],
    "mother_year": ["nam sinh me", "nam sinh cua me"],
    "grade": ["khoi", "khoi lop"],
    "village": ["thon", "xom", "lang", "buon", "ap", "ban", "to dan pho", "thon xom",
                "thon ban", "thon buon", "thon lang", "thon to"],
    "commune": ["xa", "phuong", "xa phuong", "xa phuong thi tran", "phuong xa"],
    "birthplace": ["noi sinh", "que quan"],
    "father": ["ho ten cha", "ho va ten cha", "cha", "ten cha", "ho ten bo", "bo"],
    "mother": ["ho ten me", "ho va ten me", "me", "ten me"],
    "guardian": ["nguoi giam ho", "ho ten nguoi giam ho", "ho va ten nguoi giam ho", "giam ho",
                 "ho ten cha me", "cha me", "phu huynh", "ho ten phu huynh",
                 "ho ten cha me hoac nguoi giam ho", "cha me hoac nguoi giam ho",
                 "ho ten cha me nguoi giam ho"],
    "phone": ["so dien thoai", "dien thoai", "sdt", "so dt", "dien thoai lien he", "sdt lien he",
              "so dien thoai lien he", "dt"],
    "disability": ["khuyet tat", "loai khuyet tat", "hs khuyet tat", "hoc sinh khuyet tat",
                   "dang khuyet tat"],
    "address": ["dia chi", "cho o", "noi o", "cho o hien nay", "dia chi thuong tru", "noi thuong tru"],
}.items():
    for _n in _names:
        _EXACT[_n] = _field
# Prefixes, tried in this order when no exact spelling matched.
_PREFIX: list[tuple[str, str]] = [
    ("so dang bo", "so_dang_bo"), ("ma dinh danh bo", "code"), ("ma hoc sinh", "code"), ("ma hs", "code"),
    ("ma dinh danh", "national_id"), ("so dinh danh", "national_id"), ("cccd", "national_id"),
    ("so ddcn", "national_id"),
    ("nam sinh cha", "father_year"), ("nam sinh me", "mother_year"), ("quoc tich", "nationality"),
    ("ho ten cha", "father"), ("ho va ten cha", "father"),
    ("ho ten me", "mother"), ("ho va ten me", "mother"),
    ("ho ten nguoi giam ho", "guardian"), ("nguoi giam ho", "guardian"), ("ho ten cha me", "guardian"),
    ("ho ten phu huynh", "guardian"), ("cha me", "guardian"),
    ("ho va ten dem", "family_middle"), ("ho dem", "family_middle"),
    ("ho va ten", "name"), ("ho ten", "name"),
    ("ngay thang nam sinh", "dob"), ("ngay sinh", "dob"),
    ("gioi tinh", "gender"), ("dan toc", "ethnic"),
    ("so dien thoai", "phone"), ("dien thoai", "phone"), ("sdt", "phone"),
    ("khuyet tat", "disability"), ("noi sinh", "birthplace"),
    ("thon", "village"), ("xom", "village"), ("to dan pho", "village"), ("lang", "village"),
    ("xa", "commune"), ("phuong", "commune"), ("dia chi", "address"),
]

_PUNCT = re.compile(r"[^0-9a-z]+")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def norm(value) -> str:
    return " ".join(_PUNCT.sub(" ", text.fold(str(value or ""))).split())


def match_header(header) -> str | None:
    """The field a column header names, or None. "Họ  và TÊN" → "name"."""
    raw = text.clean(str(header or ""))
    if not raw:
        return None
    key = norm(raw)
    if key in _EXACT:
        return _EXACT[key]
    bare = norm(_PAREN.sub(" ", text.fold(raw)))
    if bare in _EXACT:
        return _EXACT[bare]
    for prefix, fld in _PREFIX:
        if key == prefix or key.startswith(prefix + " "):
            return fld
    return None


def field_from_user(value: str) -> str:
    """A field named by the user (``given``, ``ten``, ``Tên``, ``bo qua``) → field key."""
    key = norm(value)
    if key in ("", "ignore", "bo qua", "khong nhap", "none", "-"):
        return IGNORE
    if key.replace(" ", "_") in FIELDS:
        return key.replace(" ", "_")
    for fld, label in FIELDS.items():
        if norm(label) == key:
            return fld
    fld = match_header(value)
    if fld is None:
        raise SisoError(f"Không có trường «{value}» để gán cột: cần một trong "
                        f"{', '.join(FIELDS)} (hoặc «bo qua»).", fields.ANH_XA)
    return fld



# ---- the header -----------------------------------------------------------------------------


@dataclass
class Header:
    index: int  # index in Table.rows of the first header row
    height: int  # 1 or 2 rows (plus a row of column numbers, if any)
    titles: list[str]  # one per column
    first_data: int  # index in Table.rows of the first data row


def _row_fields(cells) -> dict[int, str]:
    out = {}
    for i, c in enumerate(cells):
        f = match_header(c) if isinstance(c, str) else None
        if f:
            out[i] = f
    return out


def _is_numbering(cells) -> bool:
    """A row of column numbers under the header: (1) (2) (3) … or 1 2 3 …"""
    vals = [c for c in cells if c not in (None, "")]
    if len(vals) < 3:
        return False
    return all(re.fullmatch(r"\(?\d{1,2}\)?|[A-Z]", str(v).strip()) for v in vals)


def find_header(rows) -> Header | None:
    best = None
    for i, (_, cells) in enumerate(rows[:HEADER_SCAN]):
        found = _row_fields(cells)
        if not found:
            continue
        names = set(found.values())
        titles = [text.clean(str(c)) if c is not None else "" for c in cells]
        height = 1
        if i + 1 < len(rows):
            below = rows[i + 1][1]
            sub = _row_fields(below)
            filled = {j for j, c in enumerate(below) if c not in (None, "")}
            if sub and filled <= set(sub):  # every cell of the next row is a header
                height = 2
                width = max(len(cells), len(below))
                titles += [""] * (width - len(titles))
                for j in sub:
                    titles[j] = text.clean(str(below[j]))
                names = {f for f in (match_header(t) for t in titles) if f}
        score = len(names)
        if names & {"name", "given"} and score >= 2 and (best is None or score > best[0]):
            best = (score, Header(i, height, titles, i + height))
    if best is None:
        return None
    h = best[1]
    if h.first_data < len(rows) and _is_numbering(rows[h.first_data][1]):
        h.first_data += 1
    return h


def guess_mapping(titles: list[str]) -> dict[int, str]:
    """Column index → field for every titled column (``ignore`` when not recognised)."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for i, title in enumerate(titles):
        if not title:
            continue
        fld = match_header(title)
        if fld and fld in taken and fld != IGNORE:
            fld = None  # a second column for the same field is reported, not guessed
        mapping[i] = fld or IGNORE
        if fld:
            taken.add(fld)
    return mapping



"""Read the student lists schools already have (xlsx, ods, csv) into an import plan.

Forgiving about layout, strict about data:

* the header row is found by its content (title rows, merged cells, a header that
  spans two rows, a row of column numbers, empty rows and a totals row are fine);
* column headers are matched without regard to accents, case or spacing;
* every value is checked with the same rules as a student typed by hand
  (``db.students.check_fields``) and every problem names its row, its column and
  what is expected, in Vietnamese.

Hostile files are refused before they are read: a file too large, a zip member
that claims too much or compresses too well (zip bomb), an XML document type
declaration (entity bombs), a sheet or a csv with more than ``MAX_ROWS`` rows.

Nothing here touches the database: :func:`read_students` returns an
:class:`ImportPlan`; ``db.imports`` checks it against the database and writes it.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from db import codes, text
from db.dates import fmt_date
from db.limits import MAX_TEXT
from db.errors import SisoError
from db.import_plan import ERROR, FIELDS, IGNORE, WARNING, Problem  # the plan's vocabulary, re-exported
from db.students import check_fields

MAX_FILE_BYTES = 30 * 1024 * 1024  # the file on disk
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # all members of an xlsx / ods together
MAX_MEMBER_RATIO = 200  # uncompressed ÷ compressed, per member of more than 1 MB
MAX_ROWS = 20_000  # non-empty rows of a sheet
MAX_COLUMNS = 100  # columns read from a sheet
MAX_CELL_CHARS = MAX_TEXT  # Excel's own limit for one cell (db.limits: every long text)
MAX_CELLS = 2_000_000  # cells of a sheet once repeats are expanded (an ods row repeated …)
MAX_SHARED_STRINGS_BYTES = 50 * 1024 * 1024  # an xlsx's sharedStrings.xml, unzipped
HEADER_SCAN = 30  # the header must be within the first rows
END_AFTER_EMPTY = 500  # that many empty rows in a row end the sheet

# Header spellings, already normalised with _norm (folded, punctuation → spaces).
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


def _norm(value) -> str:
    return " ".join(_PUNCT.sub(" ", text.fold(str(value or ""))).split())


def match_header(header) -> str | None:
    """The field a column header names, or None. "Họ  và TÊN" → "name"."""
    raw = text.clean(str(header or ""))
    if not raw:
        return None
    key = _norm(raw)
    if key in _EXACT:
        return _EXACT[key]
    bare = _norm(_PAREN.sub(" ", text.fold(raw)))
    if bare in _EXACT:
        return _EXACT[bare]
    for prefix, fld in _PREFIX:
        if key == prefix or key.startswith(prefix + " "):
            return fld
    return None


def field_from_user(value: str) -> str:
    """A field named by the user (``given``, ``ten``, ``Tên``, ``bo qua``) → field key."""
    key = _norm(value)
    if key in ("", "ignore", "bo qua", "khong nhap", "none", "-"):
        return IGNORE
    if key.replace(" ", "_") in FIELDS:
        return key.replace(" ", "_")
    for fld, label in FIELDS.items():
        if _norm(label) == key:
            return fld
    fld = match_header(value)
    if fld is None:
        raise SisoError(f"Không có trường «{value}» để gán cột: cần một trong "
                        f"{', '.join(FIELDS)} (hoặc «bo qua»).", "map")
    return fld


# ---- reading files ------------------------------------------------------------------------


@dataclass
class Table:
    """Raw cells of one sheet: ``rows`` are (row number in the file, 1-based; cells)."""

    path: str
    sheet: str
    sheets: list[str]
    rows: list[tuple[int, list]]


def _refuse(msg: str) -> SisoError:
    return SisoError(msg, "tep")


def _check_size(path: str) -> int:
    try:
        size = os.path.getsize(path)
    except OSError:
        raise _refuse(f"Không mở được tệp «{path}»: không có tệp hoặc không có quyền đọc.") from None
    if size > MAX_FILE_BYTES:
        raise _refuse(f"Tệp «{os.path.basename(path)}» quá lớn ({size // (1024 * 1024)} MB): "
                      f"chỉ nhận tệp đến {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if size == 0:
        raise _refuse(f"Tệp «{os.path.basename(path)}» rỗng.")
    return size


def _check_zip(path: str, kind: str) -> None:
    """Refuse a zip bomb and XML with a document type (entity bombs) before parsing."""
    name = os.path.basename(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise _refuse(f"Tệp «{name}» không phải tệp {kind} hợp lệ (không đọc được nội dung nén).") from None
    with zf:
        total = 0
        infos = zf.infolist()
        if len(infos) > 10_000:
            raise _refuse(f"Tệp «{name}» chứa quá nhiều thành phần ({len(infos)}): từ chối vì không an toàn.")
        for info in infos:
            if info.filename.lower().endswith("sharedstrings.xml") \
                    and info.file_size > MAX_SHARED_STRINGS_BYTES:
                raise _refuse(f"Tệp «{name}» bị từ chối: bảng chữ dùng chung giải nén ra "
                              f"{info.file_size // (1024 * 1024)} MB, quá "
                              f"{MAX_SHARED_STRINGS_BYTES // (1024 * 1024)} MB — quá lớn với một "
                              "danh sách học sinh. Hãy mở tệp bằng Excel và lưu lại.")
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_UNZIPPED_BYTES or total > MAX_UNZIPPED_BYTES or (
                    info.file_size > 1024 * 1024 and ratio > MAX_MEMBER_RATIO):
                raise _refuse(f"Tệp «{name}» bị từ chối: phần «{info.filename}» giải nén ra "
                              f"{info.file_size:,} byte (nén {ratio:,.0f} lần) — có thể là «bom nén». "
                              "Hãy mở tệp bằng Excel và lưu lại.".replace(",", "."))
        for info in infos:
            if re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                _refuse_bad_row_numbers(zf, info, name)
            if info.filename.endswith(".xml") or info.filename.endswith(".rels"):
                with zf.open(info) as fh:
                    head = fh.read(4096)
                if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                    raise _refuse(f"Tệp «{name}» bị từ chối: phần «{info.filename}» khai báo DOCTYPE/"
                                  "ENTITY (có thể là «bom XML»). Hãy mở tệp bằng Excel và lưu lại.")


_BAD_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(-\d+|0+)"')


def _refuse_bad_row_numbers(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """A row numbered 0 or below (``<row r="-5">``, written by hand or by a broken program)
    would be dropped without a word by the reader: refuse the file, naming it."""
    tail = b""
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                return
            m = _BAD_ROW.search(tail + chunk)
            if m:
                raise _refuse(f"Tệp «{name}» có dòng đánh số {m.group(1).decode()} (số dòng phải từ "
                              "1): tệp bị sửa tay hoặc hỏng, có thể mất học sinh ở dòng đó. Hãy mở "
                              "tệp bằng Excel, lưu lại rồi nhập lại.")
            tail = chunk[-200:]


def _too_many_rows(name: str) -> SisoError:
    return _refuse(f"Tệp «{name}» có hơn {MAX_ROWS:,} dòng dữ liệu: chỉ nhận danh sách đến "
                   f"{MAX_ROWS:,} học sinh mỗi lần; hãy tách tệp.".replace(",", "."))


def _collect(name: str, rows_iter) -> list[tuple[int, list]]:
    rows: list[tuple[int, list]] = []
    empty_run = 0
    for number, cells in rows_iter:
        cells = list(cells)
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            empty_run += 1
            if empty_run >= END_AFTER_EMPTY and rows:
                break
            continue
        empty_run = 0
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        rows.append((number, cells))
        if len(rows) > MAX_ROWS + HEADER_SCAN:
            raise _too_many_rows(name)
    return rows


def _read_xlsx(path: str, sheet: str | None) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    name = os.path.basename(path)
    _check_zip(path, "Excel (.xlsx)")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise _refuse(f"Không đọc được tệp Excel «{name}»: {err}") from None
    except Exception as err:  # noqa: BLE001 - defusedxml refusals and broken XML
        raise _refuse(f"Tệp Excel «{name}» bị từ chối: nội dung không hợp lệ hoặc không an toàn "
                      f"({type(err).__name__}).") from None
    try:
        names = wb.sheetnames
        chosen = _pick_sheet(names, sheet, name)
        out = None
        for sname in chosen:
            ws = wb[sname]
            if getattr(ws, "max_row", None) and ws.max_row > MAX_ROWS * 2 + HEADER_SCAN:
                raise _refuse(f"Trang «{sname}» của tệp «{name}» khai báo {ws.max_row:,} dòng: chỉ nhận "
                              f"danh sách đến {MAX_ROWS:,} học sinh.".replace(",", "."))
            ws.reset_dimensions()  # a wrong <dimension> must not cut the list short
            try:
                rows = _collect(name, ((i, r) for i, r in
                                       enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1)))
            except SisoError:
                raise
            except Exception as err:  # noqa: BLE001 - defusedxml refusals and broken XML
                raise _refuse(f"Trang «{sname}» của tệp «{name}» bị từ chối: nội dung không hợp lệ "
                              f"hoặc không an toàn ({type(err).__name__}).") from None
            table = Table(path, sname, names, rows)
            if sheet or out is None:
                out = table
            if sheet or _find_header(rows) is not None:
                return table
        return out
    finally:
        wb.close()


def _pick_sheet(names: list[str], sheet: str | None, filename: str) -> list[str]:
    if not sheet:
        return names
    for n in names:
        if _norm(n) == _norm(sheet):
            return [n]
    raise _refuse(f"Tệp «{filename}» không có trang «{sheet}». Các trang: {', '.join(names)}.")


_ODS_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _q(ns: str, tag: str) -> str:
    return f"{{{_ODS_NS[ns]}}}{tag}"


def _ods_cell(cell):
    vtype = cell.get(_q("office", "value-type"))
    if vtype in ("float", "percentage", "currency"):
        v = float(cell.get(_q("office", "value")))
        return int(v) if v.is_integer() else v
    if vtype == "date":
        v = cell.get(_q("office", "date-value")) or ""
        try:
            return datetime.fromisoformat(v)
        except ValueError:
            return v
    if vtype == "boolean":
        return cell.get(_q("office", "boolean-value")) == "true"
    paras = []
    for p in cell.iter(_q("text", "p")):
        parts = []
        for node in p.iter():
            if node.tag == _q("text", "s"):
                parts.append(" " * int(node.get(_q("text", "c"), "1")))
            elif node is not p and node.text:
                parts.append(node.text)
            elif node is p and node.text:
                parts.append(node.text)
            if node is not p and node.tail:
                parts.append(node.tail)
        paras.append("".join(parts))
    return "\n".join(paras) if paras else None


def _read_ods(path: str, sheet: str | None) -> Table:
    from defusedxml.ElementTree import iterparse

    name = os.path.basename(path)
    _check_zip(path, "OpenDocument (.ods)")
    tables: list[Table] = []
    names: list[str] = []
    want = _norm(sheet) if sheet else None
    try:
        with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
            current = None
            row_no = 0
            rows: list[tuple[int, list]] = []
            empty_run = 0
            for event, elem in iterparse(fh, events=("start", "end")):
                if event == "start" and elem.tag == _q("table", "table"):
                    current = elem.get(_q("table", "name"), "")
                    names.append(current)
                    row_no, rows, empty_run, expanded = 0, [], 0, 0
                elif event == "end" and elem.tag == _q("table", "table-row") and current is not None:
                    repeat = int(elem.get(_q("table", "number-rows-repeated"), "1"))
                    cells: list = []
                    for c in elem:
                        if c.tag not in (_q("table", "table-cell"), _q("table", "covered-table-cell")):
                            continue
                        if len(cells) >= MAX_COLUMNS:  # the columns read, as from an xlsx
                            break
                        n = min(int(c.get(_q("table", "number-columns-repeated"), "1")),
                                MAX_COLUMNS - len(cells))
                        v = _ods_cell(c)
                        cells.extend([None if v is None or v == "" else v] * max(n, 0))
                    elem.clear()
                    empty = all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)
                    if empty:
                        row_no += repeat
                        empty_run += repeat
                        continue
                    if want is not None and _norm(current) != want:
                        row_no += repeat
                        continue
                    while cells and cells[-1] is None:
                        cells.pop()
                    expanded += len(cells) * min(repeat, MAX_ROWS + HEADER_SCAN + 1)
                    if expanded > MAX_CELLS:
                        raise _refuse(f"Trang «{current}» của tệp «{name}» có hơn "
                                      f"{MAX_CELLS:,} ô khi mở các dòng lặp lại: quá lớn với "
                                      "một danh sách học sinh.".replace(",", "."))
                    for _ in range(min(repeat, MAX_ROWS + HEADER_SCAN + 1)):
                        row_no += 1
                        rows.append((row_no, list(cells)))
                    if len(rows) > MAX_ROWS + HEADER_SCAN:
                        raise _too_many_rows(name)
                elif event == "end" and elem.tag == _q("table", "table") and current is not None:
                    if want is None or _norm(current) == want:
                        tables.append(Table(path, current, names, rows))
                    current = None
                    elem.clear()
    except SisoError:
        raise
    except KeyError:
        raise _refuse(f"Tệp «{name}» không phải bảng tính OpenDocument (.ods): thiếu content.xml.") from None
    except Exception as err:  # noqa: BLE001 - defusedxml refusals and broken XML
        raise _refuse(f"Tệp «{name}» bị từ chối: nội dung không hợp lệ hoặc không an toàn "
                      f"({type(err).__name__}).") from None
    if sheet and not tables:
        raise _refuse(f"Tệp «{name}» không có trang «{sheet}». Các trang: {', '.join(names)}.")
    if not tables:
        raise _refuse(f"Tệp «{name}» không có trang tính nào.")
    for t in tables:
        t.sheets = names
        if _find_header(t.rows) is not None:
            return t
    return tables[0]


# Characters that UTF-8 Vietnamese turns into when read as Windows-1252 / 1258 and saved again.
_MOJIBAKE_HINT = re.compile("[ÃÄÆáºá»Â][\u0080-\u00bf\u0152-\u2122]")


def _is_mojibake(line: str) -> bool:
    """True when the line is UTF-8 bytes that were decoded as Windows-1252/1258."""
    if not _MOJIBAKE_HINT.search(line):
        return False
    for codec in ("cp1252", "cp1258"):
        raw = bytearray()
        ok = True
        for ch in line:
            try:
                raw += ch.encode(codec)
            except UnicodeEncodeError:
                if ord(ch) < 256:
                    raw.append(ord(ch))
                else:
                    ok = False
                    break
        if not ok:
            continue
        try:
            fixed = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if fixed != line and (len(_MOJIBAKE_HINT.findall(line)) >= 2 or _VIETNAMESE_ONLY.search(fixed)):
            return True
    return False


# Letters only Vietnamese text has (ă đ ĩ ũ ơ ư and the ạ…ỹ block): a single "Ã" followed by a
# non-breaking space ("XÃ IA GRAI") is real upper-case Vietnamese, not garbled text.
_VIETNAMESE_ONLY = re.compile("[\u0100-\u01ff\u1ea0-\u1eff]")


def _read_csv(path: str) -> Table:
    name = os.path.basename(path)
    with open(path, "rb") as fh:
        sample = fh.read(64 * 1024)
    if sample.startswith(codecs.BOM_UTF8):
        sample = sample[3:]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _refuse(f"Tệp «{name}» được lưu dạng Unicode UTF-16: hãy lưu lại dạng «CSV UTF-8 "
                      "(Comma delimited)».")
    try:
        head = sample.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start < len(sample) - 4:
            raise _not_utf8(name) from None
        head = sample[:err.start].decode("utf-8")
    try:
        dialect = csv.Sniffer().sniff(head[:8192], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows: list[tuple[int, list]] = []
    with open(path, encoding="utf-8-sig", errors="strict", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            def numbered():
                for cells in reader:
                    yield reader.line_num, cells

            for number, cells in numbered():
                if any(_is_mojibake(c) for c in cells):
                    raise _refuse(f"Tệp «{name}» bị lỗi phông (dòng {number}: «{_first_bad(cells)}»): "
                                  "chữ Việt đã bị đọc sai bảng mã (Windows-1252/1258) rồi lưu lại. "
                                  "Hãy xuất lại danh sách từ phần mềm gốc dạng «CSV UTF-8» hoặc Excel.")
                if all(not c.strip() for c in cells):
                    continue
                while cells and not cells[-1].strip():
                    cells.pop()
                rows.append((number, [c.strip() or None for c in cells]))
                if len(rows) > MAX_ROWS + HEADER_SCAN:
                    raise _too_many_rows(name)
        except UnicodeDecodeError:
            raise _not_utf8(name) from None
        except csv.Error as err:
            raise _refuse(f"Tệp CSV «{name}» hỏng ở dòng {reader.line_num}: {err}.") from None
    return Table(path, "", [], rows)


def _first_bad(cells) -> str:
    for c in cells:
        if _is_mojibake(c):
            return c[:40]
    return ""


def _not_utf8(name: str) -> SisoError:
    return _refuse(f"Tệp «{name}» không phải UTF-8 (có vẻ được lưu bằng bảng mã Windows-1258/"
                   "1252 hoặc TCVN3): chữ Việt sẽ bị sai. Hãy mở bằng Excel và lưu lại dạng "
                   "«CSV UTF-8 (Comma delimited)», hoặc nhập thẳng tệp .xlsx.")


def read_table(path: str, sheet: str | None = None) -> Table:
    """Read the raw rows of a list; refuses hostile and unreadable files with a message."""
    path = os.fspath(path)
    _check_size(path)
    ext = os.path.splitext(path)[1].lower()
    if ext in (".xlsx", ".xlsm", ".ods"):
        try:
            table = _read_xlsx(path, sheet) if ext != ".ods" else _read_ods(path, sheet)
            if table is None:  # the workbook names sheets whose parts are missing
                raise AttributeError("no sheet")
            return table
        except SisoError:
            raise
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError,
                OSError, KeyError, AttributeError, ValueError, TypeError, struct.error) as err:
            # a damaged archive (bad CRC, cut short), an encrypted or unknown compression
            raise _refuse(f"Tệp «{os.path.basename(path)}» bị hỏng hoặc được đặt mật khẩu: không "
                          f"đọc được ({type(err).__name__}). Hãy mở tệp bằng Excel hoặc LibreOffice, "
                          "lưu lại (không đặt mật khẩu) rồi nhập lại.") from None
    if ext in (".csv", ".txt"):
        return _read_csv(path)
    if ext == ".xls":
        raise _refuse("Tệp .xls (Excel 97–2003) chưa được hỗ trợ: hãy mở bằng Excel và lưu dạng "
                      ".xlsx rồi nhập lại.")
    raise _refuse(f"Không nhận tệp «{os.path.basename(path)}»: chỉ nhận .xlsx, .ods hoặc .csv.")


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


def _find_header(rows) -> Header | None:
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
        return t or _col_letter(index)


def _col_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A)."""
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(index + 1)


def apply_overrides(titles: list[str], mapping: dict[int, str], overrides: dict[str, str] | None) -> dict[int, str]:
    """Overrides "column title or letter" → field, as the user gives them (``--map``)."""
    mapping = dict(mapping)
    for col, fld in (overrides or {}).items():
        key = _norm(col)
        idx = None
        for i, t in enumerate(titles):
            if t and _norm(t) == key:
                idx = i
                break
        if idx is None and re.fullmatch(r"[A-Za-z]{1,2}", col.strip()):
            s = col.strip().upper()
            idx = 0
            for ch in s:
                idx = idx * 26 + ord(ch) - 64
            idx -= 1
        if idx is None:
            shown = ", ".join(f"«{t}»" for t in titles if t)
            raise SisoError(f"Không có cột «{col}» trong tệp. Các cột: {shown}.", "map")
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
                            "«Tên HS=given».", "map")
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
    header = _find_header(table.rows)
    if header is None:
        raise _refuse(f"Không tìm thấy dòng tiêu đề trong tệp «{name}»"
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


def _cell_text(value) -> str:
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
        return parse_date(raw, "ngày sinh"), None, None
    except SisoError as err:
        return None, None, str(err)


def _disability(raw: str) -> str | None:
    """Code of a disability written as a code (1, 01) or a type name; raises SisoError."""
    if raw.isdigit():
        return raw
    key = _norm(raw)
    for code, label in codes.disability_types().items():
        full = _norm(label)
        if key in (full, full.replace("khuyet tat ", "", 1)):
            return code
    types = ", ".join(f"{k} {v}" for k, v in codes.disability_types().items())
    raise SisoError(f"Khuyết tật «{raw}» không rõ loại: ghi mã hoặc tên loại ({types}); "
                    "để trống nếu không khuyết tật.", "khuyet_tat")


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
            t = _norm(c)
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


def _parse_row(plan: ImportPlan, number: int, cells: list, ref) -> None:
    by_field: dict[str, tuple[int, object]] = {}
    for i, f in plan.mapping.items():
        if f != IGNORE:
            by_field[f] = (i, cells[i] if i < len(cells) else None)
    texts = {f: _cell_text(v) for f, (_, v) in by_field.items()}
    name_text = texts.get("name") or " ".join(t for t in (texts.get("family_middle", ""),
                                                        texts.get("given", "")) if t)
    filled = [c for c in cells if c not in (None, "")]
    first_texts = [_norm(c) for c in filled if isinstance(c, str)]
    if any(_FOOTER.match(t) for t in first_texts[:2]) and not (
            texts.get("dob") or texts.get("code") or texts.get("gender")):
        plan.skipped.append(number)  # "Tổng cộng: 35 học sinh", "Cộng"
        return
    if len(filled) < 2 or (not name_text and not texts.get("dob")):
        plan.skipped.append(number)  # a note, a signature line, a stray number
        shown = "; ".join(_cell_text(c) for c in filled)[:60]
        plan.problems.append(Problem(number, "", f"Bỏ qua dòng không phải học sinh: «{shown}».", WARNING))
        return

    def col(f: str) -> str:
        return plan.column_title(by_field[f][0]) if f in by_field else ""

    row_problems: list[Problem] = []

    def bad(f: str, msg: str, severity: str = ERROR) -> None:
        row_problems.append(Problem(number, col(f), msg, severity))

    for f, (_, raw) in by_field.items():  # what the file holds that no register may
        if not isinstance(raw, str):
            continue
        if "\x00" in raw:
            bad(f, "Ô có ký tự NUL (\\0) — tệp hỏng: sửa ô này rồi nhập lại.")
        elif text.has_controls(raw):
            bad(f, "Đã bỏ ký tự điều khiển hoặc ký tự đảo chiều chữ (ESC, BEL, U+202E…) trong ô: "
                   f"còn «{texts[f][:40]}».", WARNING)
        if len(raw) > MAX_CELL_CHARS:
            bad(f, f"Ô dài {len(raw):,} ký tự".replace(",", ".") + f" — quá {MAX_CELL_CHARS:,}"
                   .replace(",", ".") + " (giới hạn một ô của Excel): tệp hỏng hoặc dán nhầm.")
        if any(ch.isdigit() and not ch.isascii() for ch in raw):
            bad(f, f"Ô có chữ số không phải 0–9 («{texts[f][:20]}»): hãy gõ lại bằng chữ số 0–9.")

    values: dict = {}
    data: dict = {}
    if name_text:
        data["name"] = name_text
    else:
        bad("name" if "name" in by_field else "given", "Thiếu họ và tên học sinh.")
    if "given" in by_field and not texts.get("given") and name_text:
        bad("given", "Thiếu tên (cột «Tên» trống).")
    dob, warn, err = parse_dob(by_field["dob"][1]) if "dob" in by_field else (None, None, None)
    if err:
        bad("dob", err)
    elif dob is not None:
        data["dob"] = dob
        if warn:
            bad("dob", warn, WARNING)
    if "gender" in by_field:
        g = texts["gender"]
        if not g:
            bad("gender", "Thiếu giới tính: cần «Nam» hoặc «Nữ».")
        else:
            data["gender"] = g
    elif "female_mark" in by_field:
        mark = _norm(texts["female_mark"])
        if mark in ("", "0", "nam"):
            data["gender"] = "nam"
        elif mark in ("x", "1", "nu", "co", "v", "true"):
            data["gender"] = "nữ"
        else:
            bad("female_mark", f"Cột «Nữ» ghi «{texts['female_mark']}»: cần «x» cho học sinh nữ "
                               "hoặc để trống cho học sinh nam.")
    nation = texts.get("nationality", "")
    foreign = _norm(nation) not in _VIETNAMESE_NATIONALITY
    if foreign:
        # a foreign national is ethnic group 55 (never an ethnic minority), whatever the
        # ethnic column says; a different group written there is reported
        values["ethnic"] = FOREIGN_ETHNIC
        e = texts.get("ethnic", "")
        if e and codes.match_ethnic(e) != FOREIGN_ETHNIC:
            bad("ethnic", f"Quốc tịch «{nation}»: học sinh người nước ngoài, ghi dân tộc "
                          f"{FOREIGN_ETHNIC} ({codes.ethnic_name(FOREIGN_ETHNIC)}) thay cho «{e}».", WARNING)
    elif "ethnic" in by_field:
        e = texts["ethnic"]
        if not e:
            bad("ethnic", "Trống dân tộc: ghi là Kinh (01).", WARNING)
            values["ethnic"] = "01"
        else:
            data["ethnic"] = e
    else:
        values["ethnic"] = "01"
    for f in ("code", "village", "commune", "birthplace", "address"):
        if texts.get(f):
            data[f] = texts[f]
    if "address" not in by_field and {"province", "district"} & set(by_field):
        # the sector database gives the residence as Tỉnh / Huyện / Xã columns: the commune
        # goes to its field, and the whole of it, village to province, to the address
        parts = [texts.get(f, "") for f in ("village", "commune", "district", "province")]
        if any(parts):
            data["address"] = ", ".join(p for p in parts if p)
    if texts.get("national_id"):
        nid = texts["national_id"].replace(" ", "")
        raw = by_field["national_id"][1]
        if isinstance(raw, (int, float)) and nid.isdigit() and len(nid) == 11:
            nid = "0" + nid  # Excel dropped the leading zero of the number
            bad("national_id", f"Mã định danh bị Excel bỏ số 0 đầu: ghi {nid}.", WARNING)
        data["national_id"] = nid
    if texts.get("phone"):
        phone = texts["phone"]
        raw = by_field["phone"][1]
        if isinstance(raw, (int, float)) and phone.isdigit() and len(phone) in (9, 10) and phone[0] != "0":
            phone = "0" + phone
        data["phone"] = phone
    for f in ("father", "mother", "guardian"):
        if texts.get(f):
            data[f] = texts[f]
    if texts.get("so_dang_bo"):
        from db.register import check_start

        try:
            values["so_dang_bo"] = check_start(by_field["so_dang_bo"][1])
        except SisoError as e:
            bad("so_dang_bo", str(e))
    if texts.get("disability"):
        try:
            data["disability"] = _disability(texts["disability"])
        except SisoError as e:
            bad("disability", str(e))
    field_of = {"name": "name" if "name" in by_field else "given", "dob": "dob",
                "gender": "gender" if "gender" in by_field else "female_mark"}
    for key, value in data.items():
        try:
            values.update(check_fields({key: value}, year=ref))
        except SisoError as e:
            bad(field_of.get(key, key), str(e))
    klass = ""
    grade = None
    if "klass" in by_field:
        klass = texts["klass"].upper().replace(" ", "")
        if not klass:
            bad("klass", "Thiếu lớp.")
    if "grade" in by_field and texts.get("grade"):
        g = re.sub(r"^(khoi|lop)\s*", "", _norm(texts["grade"]))
        if g.isdigit() and 1 <= int(g) <= 12:
            grade = int(g)
        else:
            bad("grade", f"Khối «{texts['grade']}» không hợp lệ: cần số từ 1 đến 12.")
    if klass:
        lead = re.match(r"\d+", klass)
        if lead and grade is not None and int(lead.group()) != grade:
            bad("klass", f"Lớp {klass} không thuộc khối {grade} (cột «{col('grade')}»).")
        elif lead and grade is None:
            grade = int(lead.group())
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

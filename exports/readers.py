"""Reading the files schools have (xlsx, ods, csv) into rows, safely.

Hostile files are refused before they are read: a file too large, a zip member that claims
too much or compresses too well (zip bomb), an XML document type declaration (entity bombs),
repeats that would expand past ``MAX_CELLS``, a sheet or a csv with more than ``MAX_ROWS``
rows. What the rows mean is the business of :mod:`exports.headers` and :mod:`exports.importer`.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime

from db.errors import SisoError
from db.limits import MAX_TEXT

from .headers import HEADER_SCAN, find_header, norm
from db import fields

# ---- safety limits -------------------------------------------------------------------------

MAX_FILE_BYTES = 30 * 1024 * 1024  # the file on disk
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # all members of an xlsx / ods together
MAX_MEMBER_RATIO = 200  # uncompressed ÷ compressed, per member of more than 1 MB
MAX_ROWS = 20_000  # non-empty rows of a sheet
MAX_COLUMNS = 100  # columns read from a sheet
MAX_CELL_CHARS = MAX_TEXT  # Excel's own limit for one cell (db.limits: every long text)
MAX_CELLS = 2_000_000  # cells of a sheet once repeats are expanded (an ods row repeated …)
MAX_SHARED_STRINGS_BYTES = 50 * 1024 * 1024  # an xlsx's sharedStrings.xml, unzipped
END_AFTER_EMPTY = 500  # that many empty rows in a row end the sheet

# ---- reading files ------------------------------------------------------------------------


@dataclass
class Table:
    """Raw cells of one sheet: ``rows`` are (row number in the file, 1-based; cells)."""

    path: str
    sheet: str
    sheets: list[str]
    rows: list[tuple[int, list]]


def refuse(msg: str) -> SisoError:
    return SisoError(msg, fields.TEP)


def _check_size(path: str) -> int:
    try:
        size = os.path.getsize(path)
    except OSError:
        raise refuse(f"Không mở được tệp «{path}»: không có tệp hoặc không có quyền đọc.") from None
    if size > MAX_FILE_BYTES:
        raise refuse(f"Tệp «{os.path.basename(path)}» quá lớn ({size // (1024 * 1024)} MB): "
                      f"chỉ nhận tệp đến {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if size == 0:
        raise refuse(f"Tệp «{os.path.basename(path)}» rỗng.")
    return size


def _check_zip(path: str, kind: str) -> None:
    """Refuse a zip bomb and XML with a document type (entity bombs) before parsing."""
    name = os.path.basename(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise refuse(f"Tệp «{name}» không phải tệp {kind} hợp lệ (không đọc được nội dung nén).") from None
    with zf:
        total = 0
        infos = zf.infolist()
        if len(infos) > 10_000:
            raise refuse(f"Tệp «{name}» chứa quá nhiều thành phần ({len(infos)}): từ chối vì không an toàn.")
        for info in infos:
            if info.filename.lower().endswith("sharedstrings.xml") \
                    and info.file_size > MAX_SHARED_STRINGS_BYTES:
                raise refuse(f"Tệp «{name}» bị từ chối: bảng chữ dùng chung giải nén ra "
                              f"{info.file_size // (1024 * 1024)} MB, quá "
                              f"{MAX_SHARED_STRINGS_BYTES // (1024 * 1024)} MB — quá lớn với một "
                              "danh sách học sinh. Hãy mở tệp bằng Excel và lưu lại.")
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_UNZIPPED_BYTES or total > MAX_UNZIPPED_BYTES or (
                    info.file_size > 1024 * 1024 and ratio > MAX_MEMBER_RATIO):
                raise refuse(f"Tệp «{name}» bị từ chối: phần «{info.filename}» giải nén ra "
                              f"{info.file_size:,} byte (nén {ratio:,.0f} lần) — có thể là «bom nén». "
                              "Hãy mở tệp bằng Excel và lưu lại.".replace(",", "."))
        for info in infos:
            if re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                _refuse_bad_row_numbers(zf, info, name)
            if info.filename.endswith(".xml") or info.filename.endswith(".rels"):
                with zf.open(info) as fh:
                    head = fh.read(4096)
                if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                    raise refuse(f"Tệp «{name}» bị từ chối: phần «{info.filename}» khai báo DOCTYPE/"
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
                raise refuse(f"Tệp «{name}» có dòng đánh số {m.group(1).decode()} (số dòng phải từ "
                              "1): tệp bị sửa tay hoặc hỏng, có thể mất học sinh ở dòng đó. Hãy mở "
                              "tệp bằng Excel, lưu lại rồi nhập lại.")
            tail = chunk[-200:]


def _too_many_rows(name: str) -> SisoError:
    return refuse(f"Tệp «{name}» có hơn {MAX_ROWS:,} dòng dữ liệu: chỉ nhận danh sách đến "
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
        raise refuse(f"Không đọc được tệp Excel «{name}»: {err}") from None
    except Exception as err:  # defusedxml refusals and broken XML
        raise refuse(f"Tệp Excel «{name}» bị từ chối: nội dung không hợp lệ hoặc không an toàn "
                      f"({type(err).__name__}).") from None
    try:
        names = wb.sheetnames
        chosen = _pick_sheet(names, sheet, name)
        out = None
        for sname in chosen:
            ws = wb[sname]
            if getattr(ws, "max_row", None) and ws.max_row > MAX_ROWS * 2 + HEADER_SCAN:
                raise refuse(f"Trang «{sname}» của tệp «{name}» khai báo {ws.max_row:,} dòng: chỉ nhận "
                              f"danh sách đến {MAX_ROWS:,} học sinh.".replace(",", "."))
            ws.reset_dimensions()  # a wrong <dimension> must not cut the list short
            try:
                rows = _collect(name, ((i, r) for i, r in
                                       enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1)))
            except SisoError:
                raise
            except Exception as err:  # defusedxml refusals and broken XML
                raise refuse(f"Trang «{sname}» của tệp «{name}» bị từ chối: nội dung không hợp lệ "
                              f"hoặc không an toàn ({type(err).__name__}).") from None
            table = Table(path, sname, names, rows)
            if sheet or out is None:
                out = table
            if sheet or find_header(rows) is not None:
                return table
        return out
    finally:
        wb.close()


def _pick_sheet(names: list[str], sheet: str | None, filename: str) -> list[str]:
    if not sheet:
        return names
    for n in names:
        if norm(n) == norm(sheet):
            return [n]
    raise refuse(f"Tệp «{filename}» không có trang «{sheet}». Các trang: {', '.join(names)}.")


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
    want = norm(sheet) if sheet else None
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
                    if want is not None and norm(current) != want:
                        row_no += repeat
                        continue
                    while cells and cells[-1] is None:
                        cells.pop()
                    expanded += len(cells) * min(repeat, MAX_ROWS + HEADER_SCAN + 1)
                    if expanded > MAX_CELLS:
                        raise refuse(f"Trang «{current}» của tệp «{name}» có hơn "
                                      f"{MAX_CELLS:,} ô khi mở các dòng lặp lại: quá lớn với "
                                      "một danh sách học sinh.".replace(",", "."))
                    for _ in range(min(repeat, MAX_ROWS + HEADER_SCAN + 1)):
                        row_no += 1
                        rows.append((row_no, list(cells)))
                    if len(rows) > MAX_ROWS + HEADER_SCAN:
                        raise _too_many_rows(name)
                elif event == "end" and elem.tag == _q("table", "table") and current is not None:
                    if want is None or norm(current) == want:
                        tables.append(Table(path, current, names, rows))
                    current = None
                    elem.clear()
    except SisoError:
        raise
    except KeyError:
        raise refuse(f"Tệp «{name}» không phải bảng tính OpenDocument (.ods): thiếu content.xml.") from None
    except Exception as err:  # defusedxml refusals and broken XML
        raise refuse(f"Tệp «{name}» bị từ chối: nội dung không hợp lệ hoặc không an toàn "
                      f"({type(err).__name__}).") from None
    if sheet and not tables:
        raise refuse(f"Tệp «{name}» không có trang «{sheet}». Các trang: {', '.join(names)}.")
    if not tables:
        raise refuse(f"Tệp «{name}» không có trang tính nào.")
    for t in tables:
        t.sheets = names
        if find_header(t.rows) is not None:
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
        raise refuse(f"Tệp «{name}» được lưu dạng Unicode UTF-16: hãy lưu lại dạng «CSV UTF-8 "
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
                    raise refuse(f"Tệp «{name}» bị lỗi phông (dòng {number}: «{_first_bad(cells)}»): "
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
            raise refuse(f"Tệp CSV «{name}» hỏng ở dòng {reader.line_num}: {err}.") from None
    return Table(path, "", [], rows)


def _first_bad(cells) -> str:
    for c in cells:
        if _is_mojibake(c):
            return c[:40]
    return ""


def _not_utf8(name: str) -> SisoError:
    return refuse(f"Tệp «{name}» không phải UTF-8 (có vẻ được lưu bằng bảng mã Windows-1258/"
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
            raise refuse(f"Tệp «{os.path.basename(path)}» bị hỏng hoặc được đặt mật khẩu: không "
                          f"đọc được ({type(err).__name__}). Hãy mở tệp bằng Excel hoặc LibreOffice, "
                          "lưu lại (không đặt mật khẩu) rồi nhập lại.") from None
    if ext in (".csv", ".txt"):
        return _read_csv(path)
    if ext == ".xls":
        raise refuse("Tệp .xls (Excel 97–2003) chưa được hỗ trợ: hãy mở bằng Excel và lưu dạng "
                      ".xlsx rồi nhập lại.")
    raise refuse(f"Không nhận tệp «{os.path.basename(path)}»: chỉ nhận .xlsx, .ods hoặc .csv.")



"""Write a student list to xlsx in the layout the importer reads back.

``rows`` are plain dicts (from ``db``): code, national_id, family, middle, given (or
full_name), dob, female, ethnic (code), klass, grade, village, commune, birthplace,
father, mother, guardian, phone, disability (code), address. Missing keys are written empty.

The sheet's XML is written directly into the zip, row by row (about 1 MB of memory at a
time): openpyxl's write-only writer took 12–15 s for 60,000 rows and XlsxWriter's
constant-memory mode 7.5–8 s, both in their per-cell Python; this writer takes about 1 s.
Every text is an inline string (``t="inlineStr"``), so a text from the data is never a
formula; dates are date serials with the ``dd/mm/yyyy`` format.
"""

from __future__ import annotations

import os
import zipfile
from datetime import date

from db import codes, text

from db.files import atomic_path
from .sheet_xml import NEEDS_XML_TEXT, column_letters, sheet_name, sheet_name_attr, text_cell

COLUMNS = [
    ("stt", "STT"),
    ("code", "Mã học sinh"),
    ("national_id", "Mã định danh"),
    ("name", "Họ và tên"),
    ("dob", "Ngày sinh"),
    ("gender", "Giới tính"),
    ("ethnic", "Dân tộc"),
    ("klass", "Lớp"),
    ("grade", "Khối"),
    ("village", "Thôn/Xóm"),
    ("commune", "Xã/Phường"),
    ("birthplace", "Nơi sinh"),
    ("father", "Họ tên cha"),
    ("mother", "Họ tên mẹ"),
    ("guardian", "Họ tên người giám hộ"),
    ("phone", "Số điện thoại"),
    ("disability", "Khuyết tật"),
    ("address", "Địa chỉ"),
]


def export_value(row: dict, key: str, index: int):
    """The value of column ``key`` of the export layout for one student."""
    if key == "stt":
        return index
    if key == "name":
        return row.get("full_name") or text.join_name(row.get("family", ""), row.get("middle", ""),
                                                      row.get("given", ""))
    if key == "gender":
        return "Nữ" if row.get("female") else "Nam"
    if key == "ethnic":
        return codes.ethnic_name(row.get("ethnic") or "01")
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if key == "grade":
        return int(value)
    return str(value)  # codes, ids and phone numbers stay text (leading zeros)


# ---- the xlsx package --------------------------------------------------------------------------

EXCEL_EPOCH = date(1899, 12, 30).toordinal()
BOLD, DATE = 1, 2  # cellXfs indexes in STYLES

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    '</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    '</Relationships>')
APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    '<Application>siso</Application></Properties>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<bookViews><workbookView/></bookViews>'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '</Relationships>')
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData>')
SHEET_END = '</sheetData></worksheet>'


def _row(n: int, values) -> str:
    cells = []
    special = NEEDS_XML_TEXT.search
    for ref, v in zip(column_letters(len(COLUMNS)), values):
        if v is None or v == "":
            continue
        ref = f"{ref}{n}"
        if isinstance(v, str):
            if special(v) or v != v.strip():
                cells.append(text_cell(ref, v))
            else:  # the common case, inlined: nothing to escape or keep
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>')
        elif isinstance(v, date):
            cells.append(f'<c r="{ref}" s="{DATE}"><v>{v.toordinal() - EXCEL_EPOCH}</v></c>')
        else:
            cells.append(f'<c r="{ref}"><v>{v}</v></c>')
    return f'<row r="{n}">{"".join(cells)}</row>'


def write_student_list(rows, path, *, title: str | None = None, sheet: str = "Danh sách",
                       overwrite: bool = False) -> str:
    """Write the list to ``path`` atomically (temp file in the same folder, then rename); an
    existing file only with ``overwrite`` (``db.files.check_target``)."""
    path = os.fspath(path)
    keys = [k for k, _ in COLUMNS]
    with atomic_path(path, overwrite=overwrite) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("docProps/app.xml", APP)
        zf.writestr("xl/workbook.xml", WORKBOOK.format(name=sheet_name_attr(sheet_name(sheet, default="Danh sách"))))
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(SHEET_START.encode())
            n = 1
            if title:
                fh.write(f'<row r="1">{text_cell("A1", title, BOLD)}</row>'.encode())
                n = 3  # a blank line between the title and the header
            header = "".join(text_cell(f"{ref}{n}", label, BOLD) for ref, (_, label) in zip(column_letters(len(COLUMNS)), COLUMNS))
            fh.write(f'<row r="{n}">{header}</row>'.encode())
            chunk = []
            for i, row in enumerate(rows, 1):
                n += 1
                chunk.append(_row(n, [export_value(row, k, i) for k in keys]))
                if len(chunk) == 1000:
                    fh.write("".join(chunk).encode())
                    chunk.clear()
            fh.write("".join(chunk).encode())
            fh.write(SHEET_END.encode())
    from db.audit_log import note_export

    note_export("danh-sach-hoc-sinh", path, rows=n - (3 if title else 1))  # who, which list, which file
    return path


def write_list_file(rows, export_rows, path, fmt: str, *, title: str, overwrite: bool = False):
    """Write roster rows (``db.roster.Row``) to ``path`` atomically: xlsx and ods in the export
    layout the importer reads back (``COLUMNS``), from ``export_rows`` (the same students as
    ``db.roster.roster_export_rows`` gives them, read only when one of these is written); csv
    (UTF-8 with BOM, a cell that could start a formula quoted), json and table with the
    columns of ``siso student list``."""
    from db.roster import LIST_COLUMNS, list_dicts

    from db.files import atomic_write

    from .files import BOM
    from .listing import cell_text, list_text

    if fmt == "xlsx":
        return write_student_list(export_rows, path, title=title, overwrite=overwrite)
    if fmt == "ods":
        import tablib

        ds = tablib.Dataset(title="Danh sách", headers=[label for _, label in COLUMNS])
        for i, row in enumerate(export_rows, 1):
            ds.append([export_value(row, key, i) if key in ("stt", "grade")
                       else cell_text(export_value(row, key, i)) for key, _ in COLUMNS])
        return atomic_write(path, ds.export("ods"), overwrite=overwrite)
    data = list_text(list_dicts(rows), LIST_COLUMNS, fmt, newline="\r\n")
    if fmt == "csv":
        data = BOM + data
    return atomic_write(path, data.encode("utf-8"), overwrite=overwrite)

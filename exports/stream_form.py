"""A one-table form (F8 ``dang-bo``: every student of every year) written as xlsx by
streaming the sheet's XML into the zip, row by row, in the official layout of
``exports.xlsx_form.build_workbook``: managing body and school, the national motto, title and
lines, two-level headers with their column codes (repeated on every printed page), the
table, the footnotes, place and date, the signature blocks; Times New Roman, A4, fitted to
the page width. openpyxl builds every cell as a Python object (about 50 s and 500 MB for
60,000 students); this writer takes a few seconds and little memory, like
``exports.students`` (whose package parts and text escaping it shares). Every text is an
inline string, so a text from the data is never a formula.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from itertools import repeat

from db import clock
from db.dates import place_date_line

from .table import Table
from .xlsx_form import MOTTO, landscape
from .sheet_xml import column_letters, sheet_name_attr, text_cell, xml_text
from .students import EXCEL_EPOCH, APP, CONTENT_TYPES, ROOT_RELS, WORKBOOK_RELS

# cellXfs: 0 plain, 1 header (bold, border, centred, wrapped), 2 number cell, 3 text cell,
# 4 date cell, 5 title, 6 managing body, 7 bold line (school, motto, signatures),
# 8 motto second line (underlined), 9 italic centred line, 10 «Ghi chú:», 11 footnote,
# 12 bold text cell (total rows), 13 bold number cell
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="8">'
    '<font><sz val="11"/><name val="Times New Roman"/></font>'
    '<font><b/><sz val="11"/><name val="Times New Roman"/></font>'
    '<font><b/><sz val="14"/><name val="Times New Roman"/></font>'
    '<font><sz val="12"/><name val="Times New Roman"/></font>'
    '<font><b/><sz val="12"/><name val="Times New Roman"/></font>'
    '<font><b/><u/><sz val="13"/><name val="Times New Roman"/></font>'
    '<font><i/><sz val="12"/><name val="Times New Roman"/></font>'
    '<font><b/><i/><sz val="11"/><name val="Times New Roman"/></font>'
    '</fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/>'
    '<diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="14">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" '
    'applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">'
    '<alignment horizontal="left" vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" '
    'applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="0" fontId="4" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="0" fontId="5" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="0" fontId="6" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="0" fontId="7" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="6" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" '
    'applyAlignment="1"><alignment horizontal="left" vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" '
    'applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def _cell(ref: str, value, kind: str, bold: bool) -> str:
    if value is None or value == "":
        return f'<c r="{ref}" s="{12 if bold else (3 if kind == "text" else 2)}"/>'
    if kind == "mark" or isinstance(value, bool):
        return text_cell(ref, "x", 2) if value else f'<c r="{ref}" s="2"/>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="4"><v>{value.toordinal() - EXCEL_EPOCH}</v></c>'
    if isinstance(value, (int, float)) and kind != "pct":
        return f'<c r="{ref}" s="{13 if bold else 2}"><v>{value}</v></c>'
    return text_cell(ref, str(value), 12 if bold else (3 if kind == "text" else 2))


def form_xlsx_bytes(table: Table, settings: dict, signed_on: date | None = None) -> bytes:
    """The one-table form as xlsx bytes (see the module's doc)."""
    buf = io.BytesIO()
    write_form_xlsx(table, settings, buf, signed_on)
    return buf.getvalue()


def write_form_xlsx(table: Table, settings: dict, out, signed_on: date | None = None) -> None:
    """The one-table form as xlsx into ``out`` (a path or a binary file), written as the rows
    come: ``table.rows`` may be an iterator (``db.register.report_dang_bo(stream=True)``)."""
    signed_on = signed_on or clock.today()
    n = len(table.columns)
    refs = column_letters(n)
    half = max(2, n // 2 - 1)
    right = half + 2
    merges: list[str] = []
    rows: list[str] = []

    def line(r: int, parts: list[tuple[str, int, int, int]]) -> None:
        """Row ``r`` of frame text: (text, first column, last column, style)."""
        cells = []
        for value, first, last, style in parts:
            cells.append(text_cell(f"{refs[first - 1]}{r}", value, style))
            if last > first:
                merges.append(f"{refs[first - 1]}{r}:{refs[last - 1]}{r}")
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')

    line(1, [((settings.get("co_quan_quan_ly") or "").upper(), 1, half, 6), (MOTTO[0], right, n, 7)])
    line(2, [((settings.get("ten_truong") or "").upper(), 1, half, 7), (MOTTO[1], right, n, 8)])
    line(4, [(table.title, 1, n, 5)])
    r = 5
    for text_ in table.lines:
        line(r, [(text_, 1, n, 7 if r == 5 else 9)])
        r += 1
    head_top = r + 1
    two = any(c.group for c in table.columns)
    if two:
        top, bottom = [], []
        j = 0
        while j < n:
            col = table.columns[j]
            if col.group is None:
                top.append(text_cell(f"{refs[j]}{head_top}", col.label, 1))
                bottom.append(f'<c r="{refs[j]}{head_top + 1}" s="1"/>')
                merges.append(f"{refs[j]}{head_top}:{refs[j]}{head_top + 1}")
                j += 1
                continue
            end = j
            while end + 1 < n and table.columns[end + 1].group == col.group:
                end += 1
            for k in range(j, end + 1):
                top.append(text_cell(f"{refs[k]}{head_top}", col.group, 1) if k == j
                           else f'<c r="{refs[k]}{head_top}" s="1"/>')
                bottom.append(text_cell(f"{refs[k]}{head_top + 1}", table.columns[k].label, 1))
            if end > j:
                merges.append(f"{refs[j]}{head_top}:{refs[end]}{head_top}")
            j = end + 1
        rows.append(f'<row r="{head_top}" ht="30" customHeight="1">{"".join(top)}</row>')
        rows.append(f'<row r="{head_top + 1}" ht="45" customHeight="1">{"".join(bottom)}</row>')
        label_row = head_top + 2
    else:
        rows.append(f'<row r="{head_top}" ht="30" customHeight="1">'
                    + "".join(text_cell(f"{refs[j]}{head_top}", c.label, 1) for j, c in enumerate(table.columns))
                    + "</row>")
        label_row = head_top + 1
    rows.append(f'<row r="{label_row}">' + "".join(text_cell(f"{refs[j]}{label_row}", code, 1)
                                                   for j, code in enumerate(table.column_codes())) + "</row>")
    head = "".join(rows)
    rows = []
    kinds = [c.kind for c in table.columns]
    # a text longer than its column wraps: the row is made tall enough for it (a spreadsheet
    # does not measure rows it reads, so a wrapped text would spill over the next row)
    texts = [(j, c.width * 1.1) for j, c in enumerate(table.columns) if c.kind == "text"]

    def height(values) -> str:
        lines = max([-(-len(values[j]) // int(room)) for j, room in texts if isinstance(values[j], str)] or [1])
        return f' ht="{15 * lines}" customHeight="1"' if lines > 1 else ""

    count = [0]

    def body():
        """The table's rows as XML, 1,000 at a time; ``table.rows`` may be an iterator
        (read once: the rows after it are numbered from ``count``)."""
        r = label_row
        chunk = []
        styles = table.styles if len(table.styles) else repeat("")
        for values, style in zip(table.rows, styles):
            r += 1
            bold = style in ("sub", "total", "group")
            chunk.append(f'<row r="{r}"{height(values)}>' + "".join(
                _cell(f"{ref}{r}", v, k, bold) for ref, v, k in zip(refs, values, kinds)) + "</row>")
            if len(chunk) == 1000:
                yield "".join(chunk)
                chunk = []
        count[0] = r - label_row
        yield "".join(chunk)

    def tail() -> tuple[str, int]:
        """Footnotes, place and date, signatures below the ``count`` rows: (XML, last row)."""
        rows.clear()
        r = label_row + count[0] + 1
        if table.footnotes:
            line(r, [("Ghi chú:", 1, n, 10)])
            r += 1
            for note in table.footnotes:
                line(r, [(note, 1, n, 11)])
                r += 1
        r += 1
        line(r, [(place_date_line(settings.get("dia_danh") or "", signed_on), right, n, 9)])
        r += 1
        line(r, [("NGƯỜI LẬP BIỂU", 1, half, 7), ("HIỆU TRƯỞNG", right, n, 7)])
        r += 1
        line(r, [("(Ký, ghi rõ họ tên)", 1, half, 9), ("(Ký tên, đóng dấu)", right, n, 9)])
        r += 5
        line(r, [(settings.get("nguoi_lap_bieu") or "", 1, half, 7),
                 (settings.get("hieu_truong") or "", right, n, 7)])
        return "".join(rows), r

    cols = "".join(f'<col min="{j + 1}" max="{j + 1}" width="{c.width}" customWidth="1"/>'
                   for j, c in enumerate(table.columns))
    sheet_name = sheet_name_attr(table.sheet[:31])
    quoted = table.sheet[:31].replace("'", "''")

    def workbook(last: int) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<bookViews><workbookView/></bookViews><sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/>'
            '</sheets><definedNames>'
            f'<definedName name="_xlnm.Print_Titles" localSheetId="0">{xml_text(repr_sheet(quoted))}!${head_top}:${label_row}'
            '</definedName>'
            f'<definedName name="_xlnm.Print_Area" localSheetId="0">{xml_text(repr_sheet(quoted))}!$A$1:${refs[-1]}${last}'
            '</definedName></definedNames></workbook>')

    orientation = "landscape" if landscape(table) else "portrait"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("docProps/app.xml", APP)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                      '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                      '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
                      f'<cols>{cols}</cols><sheetData>{head}').encode())
            for part in body():
                fh.write(part.encode())
            tail_xml, last = tail()
            merge_xml = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
            fh.write((f'{tail_xml}</sheetData><mergeCells count="{len(merges)}">{merge_xml}</mergeCells>'
                      '<printOptions horizontalCentered="1"/>'
                      '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>'
                      f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" fitToHeight="0"/>'
                      '</worksheet>').encode())
        zf.writestr("xl/workbook.xml", workbook(last))


def repr_sheet(name: str) -> str:
    """A sheet name as a formula reference: quoted (``'So dang bo'``)."""
    return f"'{name}'"

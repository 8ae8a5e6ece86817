"""A form as an xlsx workbook laid out like the official paper form (``build_workbook``):
managing body and school, the national motto, title and lines, the tables of
``exports.forms.tables_of`` with their two-level headers, column codes, borders and
merges, footnotes, place and date, the signature blocks; Times New Roman, A4, fitted to the
page width. openpyxl is imported inside the functions only, so program start-up does not
pay for it.
"""

from __future__ import annotations

from datetime import date

from db import clock
from db.dates import place_date_line

from .forms import tables_of
from .sheet_xml import ILLEGAL
from .table import Table


MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
FONT = "Times New Roman"


def set_text(cell, value: str) -> None:
    """Write ``value`` as text, never as a formula (``=1+1`` stays the four characters)."""
    cell.value = ILLEGAL.sub("", value)
    cell.data_type = "s"


def _put(cell, value, kind: str) -> None:
    if value is None or value == "":
        return
    if kind == "mark" or isinstance(value, bool):
        if value:
            set_text(cell, "x")
        return
    if kind == "pct" and isinstance(value, (int, float)):
        cell.value = value / 100 + 0.0  # never -0.0
        cell.number_format = "0.0%"
        return
    if isinstance(value, date):
        cell.value = value
        cell.number_format = "dd/mm/yyyy"
        return
    if isinstance(value, (int, float)):
        cell.value = value
        return
    set_text(cell, str(value))


def landscape(table: Table) -> bool:
    return sum(c.width for c in table.columns) > 95


def _write_table(ws, table: Table, top: int, styles) -> int:
    """Headers, column labels and rows from row ``top``; returns the next free row."""
    from openpyxl.styles import Alignment

    bold, normal, thin_all, center_wrap, fills = styles
    n = len(table.columns)
    two_levels = any(c.group for c in table.columns)
    head_rows = 2 if two_levels else 1
    for j, col in enumerate(table.columns, 1):
        if col.group:
            set_text(ws.cell(top, j), col.group)
            set_text(ws.cell(top + 1, j), col.label)
        else:
            set_text(ws.cell(top, j), col.label)
    if two_levels:
        j = 1
        while j <= n:
            col = table.columns[j - 1]
            if col.group is None:
                ws.merge_cells(start_row=top, start_column=j, end_row=top + 1, end_column=j)
                j += 1
                continue
            end = j
            while end < n and table.columns[end].group == col.group:
                end += 1
            if end > j:
                ws.merge_cells(start_row=top, start_column=j, end_row=top, end_column=end)
            j = end + 1
    label_row = top + head_rows
    for j, code in enumerate(table.column_codes(), 1):
        set_text(ws.cell(label_row, j), code)
    for r in range(top, label_row + 1):
        for j in range(1, n + 1):
            c = ws.cell(r, j)
            c.font, c.border, c.alignment = bold, thin_all, center_wrap
        ws.row_dimensions[r].height = 30 if r < label_row else 15
    if two_levels:
        ws.row_dimensions[top + 1].height = 45
    r = label_row + 1
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    center = Alignment(horizontal="center", vertical="center")
    breaks = set(table.breaks)
    for i, (values, style) in enumerate(zip(table.rows, table.styles)):
        if i in breaks:
            from openpyxl.worksheet.pagebreak import Break

            ws.row_breaks.append(Break(id=r - 1))
        font = bold if style in ("sub", "total", "group") else normal
        for j, (col, value) in enumerate(zip(table.columns, values), 1):
            c = ws.cell(r, j)
            _put(c, value, col.kind)
            c.font, c.border = font, thin_all
            c.alignment = left if col.kind == "text" and j > 1 else center
            if style in fills:
                c.fill = fills[style]
        if style in ("group", "sub", "total") and isinstance(values[1], str) and values[1] and all(
                v in ("", None) for v in values[2:]):
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=n)
            ws.cell(r, 2).alignment = left
        r += 1
    return r


def build_workbook(form: dict, settings: dict, signed_on: date | None = None):
    """The form as an openpyxl Workbook laid out like the official paper form."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.utils.cell import get_column_letter

    signed_on = signed_on or clock.today()
    thin = Side(style="thin")
    bold = Font(name=FONT, size=11, bold=True)
    normal = Font(name=FONT, size=11)
    styles = (bold, normal, Border(left=thin, right=thin, top=thin, bottom=thin),
              Alignment(horizontal="center", vertical="center", wrap_text=True),
              {"sub": PatternFill("solid", fgColor="F2F2F2"), "total": PatternFill("solid", fgColor="D9D9D9")})
    wb = Workbook()
    wb.remove(wb.active)
    for table in tables_of(form):
        ws = wb.create_sheet(table.sheet[:31])
        n = len(table.columns)
        for j, col in enumerate(table.columns, 1):
            ws.column_dimensions[get_column_letter(j)].width = col.width
        half = max(2, n // 2 - 1)
        right = half + 2

        def line(row, text, first, last, font, align="center", ws=ws):
            set_text(ws.cell(row, first), text)
            if last > first:
                ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
            ws.cell(row, first).font = font
            ws.cell(row, first).alignment = Alignment(horizontal=align, vertical="center")

        line(1, (settings.get("co_quan_quan_ly") or "").upper(), 1, half, Font(name=FONT, size=12))
        line(2, (settings.get("ten_truong") or "").upper(), 1, half, Font(name=FONT, size=12, bold=True))
        line(1, MOTTO[0], right, n, Font(name=FONT, size=12, bold=True))
        line(2, MOTTO[1], right, n, Font(name=FONT, size=13, bold=True, underline="single"))
        line(4, table.title, 1, n, Font(name=FONT, size=14, bold=True))
        row = 5
        for text in table.lines:
            line(row, text, 1, n, Font(name=FONT, size=12, italic=row > 5, bold=row == 5))
            row += 1
        head_top = row + 1
        row = _write_table(ws, table, head_top, styles)
        label_row = head_top + (2 if any(c.group for c in table.columns) else 1)
        ws.print_title_rows = f"{head_top}:{label_row}"
        for extra in table.below:
            row += 1
            line(row, extra.title, 1, n, Font(name=FONT, size=12, bold=True), "left")
            row = _write_table(ws, extra, row + 1, styles)
        row += 1
        if table.footnotes:
            line(row, "Ghi chú:", 1, n, Font(name=FONT, size=11, bold=True, italic=True), "left")
            row += 1
            for note in table.footnotes:
                line(row, note, 1, n, Font(name=FONT, size=11, italic=True), "left")
                ws.row_dimensions[row].height = 15
                row += 1
        row += 1
        line(row, place_date_line(settings.get("dia_danh") or "", signed_on), right, n,
             Font(name=FONT, size=12, italic=True))
        row += 1
        line(row, "NGƯỜI LẬP BIỂU", 1, half, Font(name=FONT, size=12, bold=True))
        line(row, "HIỆU TRƯỞNG", right, n, Font(name=FONT, size=12, bold=True))
        row += 1
        line(row, "(Ký, ghi rõ họ tên)", 1, half, Font(name=FONT, size=11, italic=True))
        line(row, "(Ký tên, đóng dấu)", right, n, Font(name=FONT, size=11, italic=True))
        row += 5
        line(row, settings.get("nguoi_lap_bieu") or "", 1, half, Font(name=FONT, size=12, bold=True))
        line(row, settings.get("hieu_truong") or "", right, n, Font(name=FONT, size=12, bold=True))
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape(table) else "portrait"
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.print_area = f"A1:{get_column_letter(n)}{row}"
    return wb

"""Write a student list to xlsx in the layout the importer reads back (openpyxl write-only).

``rows`` are plain dicts (from ``db``): code, national_id, family, middle, given (or
full_name), dob, female, ethnic (code), klass, grade, village, commune, birthplace,
guardian, phone, disability (code), address. Missing keys are written empty.
"""

from __future__ import annotations

import os
from datetime import date

from db import codes, text

from .files import atomic_path
from .forms import UNSAFE_START

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
    ("guardian", "Họ tên người giám hộ"),
    ("phone", "Số điện thoại"),
    ("disability", "Khuyết tật"),
    ("address", "Địa chỉ"),
]


def _value(row: dict, key: str, index: int):
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


def write_student_list(rows, path, *, title: str | None = None, sheet: str = "Danh sách") -> str:
    """Write the list to ``path`` atomically (temp file in the same folder, then rename)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    path = os.fspath(path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    bold = Font(bold=True)
    if title:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        ws.append([cell])
        ws.append([])
    header = []
    for _, label in COLUMNS:
        c = WriteOnlyCell(ws, value=label)
        c.font = bold
        header.append(c)
    ws.append(header)
    for i, row in enumerate(rows, 1):
        out = []
        for key, _ in COLUMNS:
            v = _value(row, key, i)
            if isinstance(v, date):
                c = WriteOnlyCell(ws, value=v)
                c.number_format = "DD/MM/YYYY"
                out.append(c)
            elif isinstance(v, str) and v.startswith(UNSAFE_START):
                c = WriteOnlyCell(ws, value=v)
                c.data_type = "s"  # text from data is never a formula
                out.append(c)
            else:
                out.append(v)
        ws.append(out)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path

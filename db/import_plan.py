"""The import plan's vocabulary, shared by the file layer and the truth layer.

``exports.importer`` reads a file into a plan; ``db.imports`` checks the plan against the
database and writes it. Both speak of the same fields and problems, which live here so that
``db`` never imports ``exports``; every module imports them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

# field key -> Vietnamese label (what the user sees in the mapping)
FIELDS: dict[str, str] = {
    "stt": "STT",
    "code": "Mã học sinh",
    "so_dang_bo": "Số đăng bộ",
    "national_id": "Mã định danh cá nhân (12 số)",
    "name": "Họ và tên",
    "family_middle": "Họ đệm",
    "given": "Tên",
    "dob": "Ngày sinh",
    "gender": "Giới tính",
    "female_mark": "Nữ (đánh dấu x)",
    "male_mark": "Nam (đánh dấu x)",
    "ethnic": "Dân tộc",
    "klass": "Lớp",
    "grade": "Khối",
    "nationality": "Quốc tịch",
    "village": "Thôn / xóm / tổ dân phố",
    "commune": "Xã / phường",
    "district": "Huyện / quận",
    "province": "Tỉnh / thành phố",
    "birthplace": "Nơi sinh",
    "father": "Họ tên cha",
    "mother": "Họ tên mẹ",
    "guardian": "Họ tên người giám hộ",
    "phone": "Số điện thoại",
    "disability": "Khuyết tật",
    "address": "Địa chỉ",
    "father_year": "Năm sinh cha (không lưu)",
    "mother_year": "Năm sinh mẹ (không lưu)",
}
IGNORE = "ignore"
# Columns siso knows but does not store: recognised (never reported as unknown), not read.
UNUSED = ("father_year", "mother_year")


@dataclass
class Problem:
    row: int | None  # row number in the file (1-based), None for the whole file
    column: str  # the column's title in the file, or ""
    message: str
    severity: str = ERROR

    def line(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột «{self.column}»")
        label = "Lỗi" if self.severity == ERROR else "Lưu ý"
        return f"{label}{' (' + ', '.join(where) + ')' if where else ''}: {self.message}"

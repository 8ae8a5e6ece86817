"""The forms siso fills in (``docs/forms.md``): their names and titles (``FORMS``), and
``build``, which computes any of them by its name. Each form's numbers are computed in its
own module (F1 ``db.si_so``, F2–F3 ``db.movement_lists``, F4 ``db.len_lop``, F5
``db.chi_tieu``, F6 ``db.do_tuoi``, F7 ``db.nam_sinh``, F8 ``db.register``, F10
``db.chuyen_can``, F11 ``db.theo_lang``, F12 ``db.huy_dong``), from the pieces every form shares
(``db.report_common``); each returns a plain dict with the JSON keys of ``docs/forms.md``, and
``exports.forms`` lays the same dict out as a spreadsheet.
"""

from __future__ import annotations

from .errors import SisoError
from .models import SchoolYear
from . import fields


FORMS = {
    "si-so": "BÁO CÁO TÌNH HÌNH SĨ SỐ HỌC SINH",
    "bo-hoc": "DANH SÁCH HỌC SINH BỎ HỌC",
    "chuyen-truong": "DANH SÁCH HỌC SINH CHUYỂN ĐẾN / CHUYỂN ĐI",
    "len-lop": "THỐNG KÊ LÊN LỚP, THI LẠI / RÈN LUYỆN HÈ, LƯU BAN",
    "chi-tieu": "ĐĂNG KÝ CHỈ TIÊU VÀ KẾT QUẢ THỰC HIỆN",
    "theo-lang": "SĨ SỐ VÀ VẬN ĐỘNG THEO THÔN/LÀNG",
    "do-tuoi": "THỐNG KÊ HỌC SINH THEO ĐỘ TUỔI",
    "nam-sinh": "DANH SÁCH HỌC SINH THEO NĂM SINH VÀ ĐỊA BÀN",
    "dang-bo": "SỔ ĐĂNG BỘ",
    "chuyen-can": "THEO DÕI CHUYÊN CẦN",
    "huy-dong": "HUY ĐỘNG TRẺ RA LỚP",
}
AS_OF_ONLY = ("theo-lang", "huy-dong", "nam-sinh")  # forms of one day: a period start (--from) is refused
ALL_YEARS = ("dang-bo",)  # forms over every school year: no year, no date


def build(form: str, year: SchoolYear, as_of, start=None, *, stream: bool = False) -> dict:
    """Any form by its ``docs/forms.md`` name (``si-so``, ``bo-hoc`` …); ``dang-bo`` ignores the
    year and the dates (all years), ``do-tuoi`` the period start. ``stream``: a form that
    can (``dang-bo``) gives its rows as an iterator read from the database as it goes, for
    a file written row by row (``exports.stream_form``); the others ignore it."""
    if form == "si-so":
        from .si_so import report_si_so

        return report_si_so(year, as_of, start)
    if form == "bo-hoc":
        from .movement_lists import report_bo_hoc

        return report_bo_hoc(year, as_of, start)
    if form == "chuyen-truong":
        from .movement_lists import report_chuyen_truong

        return report_chuyen_truong(year, as_of, start)
    if form == "len-lop":
        from .len_lop import report_len_lop

        return report_len_lop(year, as_of)
    if form in AS_OF_ONLY and start not in (None, ""):
        raise SisoError(f"Biểu «{form}» tính đến một ngày, không theo kỳ: bỏ --from "
                        "(chỉ dùng --as-of).", fields.TU_NGAY)
    if form == "theo-lang":
        from .theo_lang import report_theo_lang

        return report_theo_lang(year, as_of)
    if form == "huy-dong":
        from .huy_dong import report_huy_dong

        return report_huy_dong(year, as_of)
    if form == "chi-tieu":
        from .chi_tieu import report_chi_tieu

        return report_chi_tieu(year, as_of)
    if form == "do-tuoi":
        from .do_tuoi import report_do_tuoi

        return report_do_tuoi(year, as_of)
    if form == "nam-sinh":
        from .nam_sinh import report_nam_sinh

        return report_nam_sinh(year, as_of)
    if form == "dang-bo":
        from .register import report_dang_bo

        return report_dang_bo(stream=stream)
    if form == "chuyen-can":
        from .chuyen_can import report_chuyen_can

        return report_chuyen_can(year, as_of, start)
    raise SisoError(f"Không có biểu mẫu «{form}». Các biểu mẫu: {', '.join(FORMS)}.", fields.BIEU_MAU)

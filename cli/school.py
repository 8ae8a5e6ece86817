"""CLI commands: school years, classes, settings, and ``siso check``."""

from __future__ import annotations

import sys

from db.dates import fmt_date

from .output import add_format_option
from db import fields


def _year_arg(parser) -> None:
    parser.add_argument("--year", help="năm học, ví dụ 2024-2025 (mặc định: năm học hiện tại)")


def register(groups):
    year = groups["year"]
    p = year.add_parser("add", help="tạo năm học", description="Tạo một năm học mới.")
    p.add_argument("name", metavar="NĂM_HỌC", help="ví dụ 2024-2025")
    p.add_argument("--start", required=True, help="ngày bắt đầu (dd/mm/yyyy)")
    p.add_argument("--end", required=True, help="ngày kết thúc (dd/mm/yyyy)")
    p.add_argument("--ref", help="ngày chốt sĩ số đầu năm (mặc định: ngày bắt đầu)")
    p.add_argument("--hk2", help="ngày bắt đầu học kỳ II (mặc định: thứ Hai đầu tiên từ 12/01)")
    p.add_argument("--school-days", dest="school_days", choices=["2-6", "2-7"],
                   help="ngày học trong tuần: 2-6 thứ Hai–thứ Sáu (mặc định), 2-7 thứ Hai–thứ Bảy")
    p.set_defaults(func=year_add)
    p = year.add_parser("list", help="các năm học", description="Liệt kê các năm học.")
    add_format_option(p)
    p.set_defaults(func=year_list)

    klass = groups["class"]
    p = klass.add_parser("add", help="tạo lớp", description="Tạo một lớp trong năm học.")
    p.add_argument("name", metavar="LỚP", help="ví dụ 6A1")
    p.add_argument("--grade", required=True, help="khối (1–12)")
    _year_arg(p)
    p.add_argument("--gvcn", default="", help="giáo viên chủ nhiệm")
    p.set_defaults(func=class_add)
    p = klass.add_parser("list", help="các lớp và sĩ số", description="Các lớp của năm học và sĩ số.")
    _year_arg(p)
    p.add_argument("--as-of", dest="as_of", help="tính đến ngày (mặc định: hôm nay)")
    add_format_option(p)
    p.set_defaults(func=class_list)

    settings = groups["settings"]
    settings._parent.set_defaults(func=settings_show)
    add_format_option(settings._parent)
    p = settings.add_parser("set", help="đặt một mục", description="Đặt một mục thông tin nhà trường.")
    p.add_argument("key", metavar="MỤC")
    p.add_argument("value", metavar="GIÁ_TRỊ")
    p.set_defaults(func=settings_set)
    p = settings.add_parser("show", help="xem tất cả", description="Xem thông tin nhà trường.")
    p.set_defaults(func=settings_show)

    p = groups["_root"].add_parser(
        "check", help="kiểm tra cơ sở dữ liệu",
        description="Kiểm tra tệp cơ sở dữ liệu và sự khớp giữa biến động và sĩ số đã lưu.")
    p.set_defaults(func=check)


def _open(args):
    from cli import open_db

    return open_db(args)


def year_add(args) -> int:
    from db import school

    _open(args)
    y = school.add_year(args.name, args.start, args.end, ref=args.ref, hk2=args.hk2,
                        school_days=args.school_days)
    print(f"Đã tạo năm học {y.name} ({fmt_date(y.start)} – {fmt_date(y.end)}).")
    return 0


def year_list(args) -> int:
    from db import school

    from .output import emit

    _open(args)
    current = school.current_year()
    rows = [{"nam_hoc": y.name, "bat_dau": y.start, "ket_thuc": y.end, "hk2": y.hk2_start,
             "chot_dau_nam": y.ref_date, "ngay_hoc": y.ngay_hoc,
             "hien_tai": current is not None and y.id == current.id}
            for y in school.list_years()]
    emit(rows, [("nam_hoc", "Năm học"), ("bat_dau", "Bắt đầu"), ("ket_thuc", "Kết thúc"),
                ("hk2", "Bắt đầu HK II"), ("chot_dau_nam", "Chốt sĩ số đầu năm"),
                ("ngay_hoc", "Ngày học"), ("hien_tai", "Hiện tại")], args.format)
    return 0


def class_add(args) -> int:
    from db import school

    _open(args)
    y = school.get_year(args.year)
    k = school.add_class(args.name, args.grade, y, homeroom=args.gvcn)
    print(f"Đã tạo lớp {k.name} (khối {k.grade}, năm học {y.name}).")
    return 0


def as_of_option(year, value=None):
    """The date a list is taken on: the given one (``--as-of``), else ``db.clock.default_day``
    (today kept inside the year and its summer)."""
    from db import clock
    from db.dates import parse_date

    if value:
        return parse_date(value, "ngày tính", fields.DEN_NGAY)
    return clock.default_day(year)


def class_list(args) -> int:
    from db import roster, school

    from .output import emit

    _open(args)
    y = school.get_year(args.year)
    day = as_of_option(y, args.as_of)
    rows = [{"lop": c.name, "khoi": c.grade, "gvcn": c.homeroom, "dau_nam": c.start,
             "hien_co": c.now, "nu": c.female, "dtts": c.minority}
            for c in roster.class_counts(y, day)]
    emit(rows, [("lop", "Lớp"), ("khoi", "Khối"), ("gvcn", "GVCN"), ("dau_nam", "Đầu năm"),
                ("hien_co", "Hiện có"), ("nu", "Nữ"), ("dtts", "DTTS")], args.format)
    return 0


def settings_show(args) -> int:
    from db import school

    _open(args)
    from .output import emit

    values = school.get_settings()
    rows = [{"muc": key, "ten": label, "gia_tri": values.get(key, "")}
            for key, (label, _) in school.SETTINGS.items()]
    emit(rows, [("muc", "Mục"), ("ten", "Ý nghĩa"), ("gia_tri", "Giá trị")],
         getattr(args, "format", "table"))
    return 0


def settings_set(args) -> int:
    from db import school

    _open(args)
    value = school.set_setting(args.key, args.value)
    print(f"Đã đặt {args.key} = {value}")
    return 0


def check(args) -> int:
    from db import connection
    from db.check import check_database
    from db.errors import DamagedDatabase

    try:
        _open(args)
    except DamagedDatabase as err:  # not even readable: that is what check reports
        print(f"Lỗi: {err}", file=sys.stderr)
        return 1
    problems = check_database()
    damage = connection.state.damage
    if damage and not any(damage in p for p in problems):
        problems.insert(0, damage)
    if not problems:
        print("Cơ sở dữ liệu không có lỗi.")
        return 0
    for line in problems:
        print(line, file=sys.stderr)
    print(f"Có {len(problems)} lỗi.", file=sys.stderr)
    return 1


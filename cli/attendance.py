"""CLI commands: teaching weekdays of a year, holidays, absences and "attendance taken"."""

from __future__ import annotations

import sys

from db.dates import fmt_date

from . import open_db
from .output import add_format_option
from db import fields


def register(groups):
    year = groups["year"]
    p = year.add_parser("edit", help="sửa năm học (ngày học trong tuần)",
                        description="Sửa một năm học: ngày học trong tuần. Không đổi được khi "
                                    "những ngày sẽ thôi là ngày học đã có học sinh vắng.")
    p.add_argument("name", metavar="NĂM_HỌC", help="ví dụ 2024-2025")
    p.add_argument("--school-days", dest="school_days", required=True, choices=["2-6", "2-7"],
                   help="2-6 thứ Hai–thứ Sáu, 2-7 thứ Hai–thứ Bảy")
    p.set_defaults(func=year_edit)

    holiday = groups["holiday"]
    p = holiday.add_parser("add", help="thêm ngày nghỉ",
                           description="Thêm một ngày (hoặc khoảng ngày) nghỉ của năm học.")
    p.add_argument("date", metavar="NGÀY", help="ngày nghỉ (dd/mm/yyyy)")
    p.add_argument("--to", help="ngày nghỉ cuối (một khoảng ngày)")
    p.add_argument("--name", required=True, help="tên ngày nghỉ, ví dụ «Tết Nguyên đán»")
    p.add_argument("--year", help="năm học (mặc định: năm học chứa ngày nghỉ)")
    p.set_defaults(func=holiday_add)
    p = holiday.add_parser("list", help="các ngày nghỉ", description="Các ngày nghỉ của năm học.")
    p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
    add_format_option(p)
    p.set_defaults(func=holiday_list)

    absence = groups["absence"]
    p = absence.add_parser("add", help="ghi học sinh vắng",
                           description="Ghi học sinh vắng một ngày học (hoặc mỗi ngày học của một "
                                       "khoảng ngày); in số của mỗi lượt vắng, mỗi dòng một số.")
    p.add_argument("--student", required=True, help="mã học sinh")
    p.add_argument("--date", required=True, help="ngày vắng (dd/mm/yyyy)")
    p.add_argument("--to", help="ngày vắng cuối: ghi mọi ngày học từ --date đến ngày này")
    p.add_argument("--excused", action="store_true", help="có phép (mặc định: không phép)")
    p.add_argument("--session", choices=["sang", "chieu"],
                   help="chỉ một buổi (mặc định: cả ngày)")
    p.add_argument("--note", default="", help="ghi chú")
    p.set_defaults(func=absence_add)
    p = absence.add_parser("list", help="danh sách lượt vắng",
                           description="Các lượt vắng của năm học (kể cả lượt đã hủy).")
    p.add_argument("--class", dest="klass", help="lớp")
    p.add_argument("--from", dest="first", help="từ ngày")
    p.add_argument("--to", dest="last", help="đến ngày")
    p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
    add_format_option(p)
    p.set_defaults(func=absence_list)
    p = absence.add_parser("void", help="hủy một lượt vắng",
                           description="Hủy một lượt vắng ghi nhầm (giữ lại, có lý do).")
    p.add_argument("id", metavar="SỐ", help="số của lượt vắng")
    p.add_argument("--reason", required=True, help="lý do hủy")
    p.set_defaults(func=absence_void)
    p = absence.add_parser("taken", help="ghi lớp đã điểm danh",
                           description="Ghi rằng lớp đã điểm danh ngày đó (kể cả khi không ai vắng).")
    p.add_argument("--class", dest="klass", required=True, help="lớp")
    p.add_argument("--date", required=True, help="ngày (dd/mm/yyyy)")
    p.add_argument("--to", help="ngày cuối: mọi ngày học từ --date đến ngày này")
    p.add_argument("--year", help="năm học (mặc định: năm học chứa ngày)")
    p.set_defaults(func=absence_taken)


def year_edit(args) -> int:
    from db import attendance_days, school

    open_db(args)
    y = attendance_days.set_school_days(school.get_year(args.name), args.school_days)
    print(f"Năm học {y.name}: học {attendance_days.SCHOOL_DAYS_LABEL[y.ngay_hoc]} ({y.ngay_hoc}).")
    return 0


def holiday_add(args) -> int:
    from db import attendance_days, school

    open_db(args)
    year = school.get_year(args.year) if args.year else None
    h = attendance_days.add_holiday(args.date, args.name, end=args.to, year=year)
    span = fmt_date(h.start) if h.start == h.end else f"{fmt_date(h.start)} – {fmt_date(h.end)}"
    print(f"Đã ghi ngày nghỉ «{h.name}»: {span}.")
    return 0


def holiday_list(args) -> int:
    from db import attendance_days, school

    from .output import emit

    open_db(args)
    y = school.get_year(args.year)
    rows = [{"id": h.id, "ten": h.name, "tu_ngay": h.start, "den_ngay": h.end}
            for h in attendance_days.list_holidays(y)]
    emit(rows, [("id", "Số"), ("ten", "Ngày nghỉ"), ("tu_ngay", "Từ ngày"), ("den_ngay", "Đến ngày")],
         args.format)
    return 0


def absence_add(args) -> int:
    from db import attendance

    open_db(args)
    ids, skipped = attendance.add_absences(args.student, args.date, end=args.to,
                                           excused=args.excused, session=args.session,
                                           note=args.note)
    for i in ids:
        print(i)
    if skipped:
        print("Bỏ qua những ngày không phải ngày học: "
              + "; ".join(why for _d, why in skipped) + ".", file=sys.stderr)
    return 0


def absence_list(args) -> int:
    from db import attendance, school
    from db.dates import parse_date

    from .output import emit

    open_db(args)
    y = school.get_year(args.year)
    klass = school.get_class(args.klass, y) if args.klass else None
    first = parse_date(args.first, "ngày đầu", fields.TU_NGAY) if args.first else None
    last = parse_date(args.last, "ngày cuối", fields.DEN) if args.last else None
    rows = attendance.list_absences(y, klass, first, last)
    if args.format != "json":
        for r in rows:
            r["buoi"] = attendance.SESSIONS.get(r["buoi"], "cả ngày")
    emit(rows, [("id", "Số"), ("ngay", "Ngày"), ("lop", "Lớp"), ("ma", "Mã HS"),
                ("ho_ten", "Họ và tên"), ("loai", "P/K"), ("buoi", "Buổi"), ("ghi_chu", "Ghi chú"),
                ("da_huy", "Đã hủy")], args.format)
    return 0


def absence_void(args) -> int:
    from db import attendance

    open_db(args)
    a = attendance.void_absence(args.id, args.reason)
    print(f"Đã hủy lượt vắng số {a.id} (ngày {fmt_date(a.date)}).")
    return 0


def absence_taken(args) -> int:
    from db import attendance, attendance_days, school
    from db.dates import parse_date

    open_db(args)
    if args.year:
        y = school.get_year(args.year)
    else:
        y = attendance_days.year_of_day(parse_date(args.date, "ngày", fields.NGAY))
    klass = school.get_class(args.klass, y)
    days = attendance.mark_taken(klass, args.date, args.to)
    print(f"Lớp {klass.name} đã điểm danh {len(days)} ngày: "
          + ", ".join(fmt_date(d) for d in days) + ".")
    return 0

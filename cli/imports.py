"""CLI commands: ``siso import students FILE``, ``siso import list``, ``siso import undo BATCH``."""

from __future__ import annotations

import sys

from .output import add_format_option


def register(groups):
    g = groups["import"]
    p = g.add_parser(
        "students", help="nhập danh sách học sinh từ tệp xlsx/ods/csv",
        description="Nhập danh sách học sinh (xuất từ CSDL ngành, SMAS, vnEdu hoặc Excel). "
                    "Luôn in báo cáo chạy thử; chỉ ghi khi không có lỗi nào (tất cả hoặc không gì cả).")
    p.add_argument("file", metavar="TỆP", help="tệp .xlsx, .ods hoặc .csv (UTF-8)")
    p.add_argument("--year", help="năm học, ví dụ 2024-2025 (mặc định: năm học hiện tại)")
    p.add_argument("--sheet", help="tên trang tính (mặc định: trang đầu tiên có dòng tiêu đề)")
    p.add_argument("--class", dest="klass", metavar="LỚP", help="xếp tất cả vào một lớp, ví dụ 6A1")
    p.add_argument("--date", help="ngày nhập học (mặc định: hôm nay, nếu ngoài năm học thì ngày đầu hoặc ngày cuối năm học)")
    p.add_argument("--map", action="append", default=[], metavar="CỘT=TRƯỜNG",
                   help="gán cột trong tệp cho một trường, ví dụ «Tên HS=given» hoặc «Ghi chú=bo qua»; "
                        "lặp lại được")
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
    dup = p.add_mutually_exclusive_group()
    dup.add_argument("--accept-duplicates", action="store_true",
                     help="vẫn nhập học sinh có thể trùng (cùng họ tên và ngày sinh) với học sinh đã có")
    dup.add_argument("--skip-duplicates", action="store_true",
                     help="bỏ qua học sinh có thể trùng với học sinh đã có")
    p.set_defaults(func=import_students)

    p = g.add_parser("list", help="các lần nhập", description="Các lần nhập danh sách, mới nhất trước.")
    p.add_argument("--year", help="chỉ năm học này")
    add_format_option(p)
    p.set_defaults(func=import_list)

    p = g.add_parser("undo", help="hoàn tác một lần nhập",
                     description="Xoá toàn bộ học sinh của một lần nhập, khi chưa có gì khác thay đổi họ.")
    p.add_argument("batch", metavar="SỐ_LẦN_NHẬP", help="số của lần nhập (xem «siso import list»)")
    p.set_defaults(func=import_undo)


def import_students(args) -> int:
    from db import imports, school
    from exports.importer import parse_overrides, read_students

    from cli import open_db

    open_db(args)
    year = school.get_year(args.year)
    plan = read_students(args.file, sheet=args.sheet, overrides=parse_overrides(args.map),
                         ref_date=year.start)
    mode = imports.ACCEPT if args.accept_duplicates else imports.SKIP if args.skip_duplicates else imports.ASK
    rv = imports.review(plan, year, klass=args.klass, day=args.date, duplicates=mode)
    print(rv.report())
    if not rv.ok:
        return 2  # refused, nothing written (a dry run with errors too)
    if args.dry_run:
        print("Chạy thử: chưa ghi gì.")
        return 0
    result = imports.run_import(plan, year, klass=args.klass, day=args.date, duplicates=mode)
    extra = f", tạo {len(result.classes)} lớp mới" if result.classes else ""
    print(f"Đã nhập {result.count} học sinh{extra} (lần nhập số {result.batch.id}; "
          f"hoàn tác bằng «siso import undo {result.batch.id}»).")
    return 0


def import_list(args) -> int:
    from db import imports, school

    from cli import open_db

    from .output import emit

    open_db(args)
    year = school.get_year(args.year) if args.year else None
    emit(imports.list_imports(year),
         [("id", "Số"), ("luc", "Lúc"), ("nguoi", "Người nhập"), ("nam_hoc", "Năm học"),
          ("so_hs", "Số HS"), ("mo_ta", "Mô tả"), ("hoan_tac", "Đã hoàn tác")], args.format)
    return 0


def import_undo(args) -> int:
    from db import imports

    from cli import open_db

    open_db(args)
    n = imports.undo_import(args.batch)
    print(f"Đã hoàn tác lần nhập số {args.batch}: xoá {n} học sinh.", file=sys.stdout)
    return 0

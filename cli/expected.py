"""CLI commands: the incoming cohort — ``siso expected import|add|list|match``."""

from __future__ import annotations

from .output import add_format_option

HELP = "Trẻ dự kiến vào khối đầu cấp (huy động ra lớp): nhập danh sách, thêm, ghép với học sinh"
COLUMNS = [("id", "Số"), ("ho_ten", "Họ và tên"), ("ngay_sinh", "Ngày sinh"), ("nu", "Nữ"),
           ("thon", "Thôn/làng"), ("nguon", "Nguồn"), ("ma", "Đã ra lớp (mã HS)"),
           ("de_xuat", "Đề xuất ghép (mã HS)")]


def register(groups):
    root = groups["_root"]
    parent = root.add_parser("expected", help=HELP, description=HELP)
    g = parent.add_subparsers(dest="action", metavar="VIỆC", parser_class=type(parent), required=True)
    groups["expected"] = g

    p = g.add_parser("import", help="nhập danh sách trẻ dự kiến từ tệp xlsx/ods/csv",
                     description="Nhập danh sách trẻ dự kiến (danh sách hoàn thành chương trình tiểu học "
                                 "của trường tiểu học, danh sách trẻ trong độ tuổi của xã). Luôn in báo cáo "
                                 "chạy thử; chỉ ghi khi không có lỗi nào.")
    p.add_argument("file", metavar="TỆP", help="tệp .xlsx, .ods hoặc .csv (UTF-8)")
    p.add_argument("--year", help="năm học, ví dụ 2025-2026 (mặc định: năm học hiện tại)")
    p.add_argument("--source", required=True, help="nguồn danh sách: «Trường TH Kim Đồng» hoặc «UBND xã …»")
    p.add_argument("--grade", help="khối vào học (trường liên cấp: 1 hoặc 6)")
    p.add_argument("--sheet", help="tên trang tính (mặc định: trang đầu tiên có dòng tiêu đề)")
    p.add_argument("--map", action="append", default=[], metavar="CỘT=TRƯỜNG",
                   help="gán cột trong tệp cho một trường, ví dụ «Tên HS=given»; lặp lại được")
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
    p.set_defaults(func=expected_import)

    p = g.add_parser("add", help="thêm một trẻ dự kiến", description="Thêm một trẻ dự kiến bằng tay.")
    p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
    p.add_argument("--name", required=True, help="họ và tên")
    p.add_argument("--dob", required=True, help="ngày sinh dd/mm/yyyy")
    p.add_argument("--gender", required=True, help="nam hoặc nữ")
    p.add_argument("--village", help="thôn/làng")
    p.add_argument("--commune", help="xã (khi tên thôn có ở nhiều xã)")
    p.add_argument("--national-id", dest="national_id", help="mã định danh cá nhân (12 số)")
    p.add_argument("--ethnic", help="dân tộc (mã hoặc tên; mặc định Kinh)")
    p.add_argument("--source", required=True, help="nguồn danh sách")
    p.add_argument("--grade", help="khối vào học (trường liên cấp: 1 hoặc 6)")
    p.set_defaults(func=expected_add)

    p = g.add_parser("list", help="danh sách trẻ dự kiến và kết quả ghép",
                     description="Trẻ dự kiến của năm học: học sinh đã ghép (mã HS) và đề xuất ghép gần đúng.")
    p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
    p.add_argument("--unmatched", action="store_true", help="chỉ trẻ chưa ra lớp")
    add_format_option(p)
    p.set_defaults(func=expected_list)

    p = g.add_parser("match", help="xác nhận hoặc từ chối ghép một trẻ với học sinh",
                     description="Ghép trẻ dự kiến với một học sinh đã nhập học (xác nhận đề xuất), "
                                 "hoặc từ chối cặp đang ghép / đề xuất.")
    p.add_argument("id", metavar="SỐ", help="số của trẻ dự kiến (xem «siso expected list»)")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--student", metavar="MÃ_HS", help="mã học sinh để ghép")
    how.add_argument("--reject", action="store_true", help="từ chối học sinh đang ghép hoặc đề xuất")
    p.set_defaults(func=expected_match)


def _year(args):
    from db import school

    from cli import open_db

    open_db(args)
    return school.get_year(args.year)


def expected_import(args) -> int:
    from db import cohort
    from exports.importer import make_plan, parse_overrides
    from exports.readers import read_table

    year = _year(args)
    grade = cohort.check_entry_grade(args.grade)
    source = cohort.check_source(args.source)
    plan = make_plan(read_table(args.file, args.sheet), overrides=parse_overrides(args.map),
                     ref_date=year.start)
    rv = cohort.review_expected(plan, year, source=source, grade=grade)
    print(rv.report())
    if not rv.ok:
        return 2  # refused, nothing written
    if args.dry_run:
        print("Chạy thử: chưa ghi gì.")
        return 0
    n = cohort.run_expected_import(plan, year, source=source, grade=grade)
    print(f"Đã nhập {n} trẻ dự kiến từ nguồn «{source}».")
    return 0


def expected_add(args) -> int:
    from db import cohort

    year = _year(args)
    data = {"name": args.name, "dob": args.dob, "gender": args.gender}
    for key in ("village", "commune", "national_id", "ethnic"):
        if getattr(args, key):
            data[key] = getattr(args, key)
    child = cohort.add_expected(year, data, source=args.source, grade=args.grade)
    if child.village and child.village_ref is None:
        import sys

        print(f"Lưu ý: thôn/làng «{child.village}» chưa có trong danh mục thôn/làng: ghi theo chữ, chưa có "
              "cán bộ phụ trách (thêm bằng «siso village add»).", file=sys.stderr)
    print(f"Đã ghi trẻ dự kiến số {child.id}: {child.full_name} (khối {child.grade}, nguồn «{args.source}»).")
    return 0


def expected_list(args) -> int:
    from db import cohort_match

    from .output import emit

    rows = cohort_match.list_expected(_year(args), unmatched=args.unmatched)
    if args.format != "json":
        rows = [{**r, "nguon": "; ".join(r["nguon"])} for r in rows]
    emit(rows, COLUMNS, args.format)
    return 0


def expected_match(args) -> int:
    from db import cohort_match

    from cli import open_db

    open_db(args)
    if args.reject:
        st = cohort_match.reject_match(args.id)
        print(f"Đã từ chối ghép trẻ dự kiến số {args.id} với học sinh {st.code} ({st.full_name}).")
    else:
        child = cohort_match.confirm_match(args.id, args.student)
        print(f"Đã ghép trẻ dự kiến số {child.id} ({child.full_name}) với học sinh {args.student.upper()}.")
    return 0

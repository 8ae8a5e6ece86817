"""CLI commands: the reporting calendar — deadlines, and the forms sent (submissions)."""

from __future__ import annotations

from .output import add_format_option

DEADLINE_COLUMNS = [("id", "Số"), ("bieu_mau", "Biểu mẫu"), ("ky", "Kỳ"), ("tu_ngay", "Từ ngày"),
                    ("den_ngay", "Đến ngày"), ("trang_thai_ten", "Trạng thái"), ("ngay_gui", "Ngày gửi")]
SUBMISSION_COLUMNS = [("id", "Số"), ("nam_hoc", "Năm học"), ("bieu_mau", "Biểu mẫu"), ("ky", "Kỳ"),
                      ("ngay_gui", "Ngày gửi"), ("noi_nhan", "Nơi nhận"), ("ten_tep", "Tệp"),
                      ("ghi_chu", "Ghi chú")]


def register(groups):
    root = groups["_root"]
    deadline = root.add_parser("deadline", help="Lịch báo cáo: hạn nộp các biểu mẫu",
                               description="Hạn nộp các biểu mẫu của năm học: xem, thêm, sửa.")
    actions = deadline.add_subparsers(dest="action", metavar="VIỆC", parser_class=type(deadline),
                                      required=True)
    p = actions.add_parser("list", help="các hạn nộp và trạng thái",
                           description="Các hạn nộp của năm học, mỗi hạn với trạng thái hôm nay: "
                                       "chưa đến hạn, đang đến hạn, quá hạn, đã gửi, gửi muộn.")
    p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
    add_format_option(p, ("table", "json"))
    p.set_defaults(func=deadline_list)
    for name, helptext in (("add", "thêm một hạn nộp"), ("edit", "sửa ngày của một hạn nộp")):
        p = actions.add_parser(name, help=helptext, description=helptext.capitalize() + ".")
        p.add_argument("form", metavar="BIỂU_MẪU", help="si-so, chi-tieu, pcgd-nhap, pcgd-kiem-tra …")
        p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
        p.add_argument("--from", dest="start", required=True, help="ngày bắt đầu nộp (dd/mm/yyyy)")
        p.add_argument("--to", dest="end", required=True, help="hạn cuối (dd/mm/yyyy)")
        p.add_argument("--period", help="kỳ: YYYY-MM (một tháng), HK1, HK2 hoặc CN (cả năm; mặc định "
                                        "khi thêm)")
        p.set_defaults(func=deadline_add if name == "add" else deadline_edit)

    p = root.add_parser("submit", help="Ghi nhận đã gửi một báo cáo (lưu cả tệp)",
                        description="Ghi nhận một báo cáo đã gửi: biểu mẫu, kỳ, ngày gửi, nơi nhận "
                                    "và chính tệp đã gửi (lưu trong cơ sở dữ liệu, kèm mã SHA-256). "
                                    "Gửi lại cùng biểu mẫu và kỳ: giữ cả hai, lần sau thay lần trước.")
    p.add_argument("form", metavar="BIỂU_MẪU", help="si-so, chi-tieu, pcgd-nhap, pcgd-kiem-tra …")
    p.add_argument("--period", required=True, help="kỳ: YYYY-MM (một tháng), HK1, HK2 hoặc CN")
    p.add_argument("--file", required=True, help="tệp đã gửi")
    p.add_argument("--recipient", help="nơi nhận, ví dụ «UBND xã Tơ Tung» (mặc định: cơ quan quản lý "
                                       "trong thông tin nhà trường)")
    p.add_argument("--date", help="ngày gửi (mặc định: hôm nay)")
    p.add_argument("--year", help="năm học (mặc định: theo tháng của kỳ, hoặc năm học của ngày gửi)")
    p.set_defaults(func=submit)

    sub = root.add_parser("submission", help="Các báo cáo đã gửi: danh sách, lấy lại tệp",
                          description="Các báo cáo đã gửi: danh sách, lấy lại đúng tệp đã gửi.")
    actions = sub.add_subparsers(dest="action", metavar="VIỆC", parser_class=type(sub), required=True)
    p = actions.add_parser("list", help="các lần gửi", description="Các lần gửi báo cáo của năm học.")
    p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
    add_format_option(p, ("table", "json"))
    p.set_defaults(func=submission_list)
    p = actions.add_parser("get", help="lấy lại tệp đã gửi",
                           description="Ghi ra đúng tệp đã gửi của một lần gửi (kiểm tra mã SHA-256).")
    p.add_argument("id", metavar="SỐ", help="số của lần gửi (xem «siso submission list»)")
    p.add_argument("-o", "--output", required=True, help="tệp ghi ra")
    p.add_argument("--overwrite", action="store_true", help="ghi đè khi tệp đã có")
    p.set_defaults(func=submission_get)


def _year(args):
    from db.school import get_year

    return get_year(args.year)


def deadline_list(args) -> int:
    from db import deadlines
    from cli import open_db

    from .output import emit

    open_db(args)
    rows = deadlines.list_deadlines(_year(args))
    if args.format == "json":
        emit(rows, DEADLINE_COLUMNS, "json")
        return 0
    for r in rows:
        r["trang_thai_ten"] = deadlines.STATES[r["trang_thai"]]
    emit(rows, DEADLINE_COLUMNS, "table")
    return 0


def deadline_add(args) -> int:
    from db import deadlines
    from db.dates import fmt_date
    from cli import open_db

    open_db(args)
    d = deadlines.add_deadline(_year(args), args.form, args.start, args.end, args.period)
    print(f"Đã thêm hạn nộp {d.form} kỳ {d.period}: {fmt_date(d.start)} – {fmt_date(d.end)}.")
    return 0


def deadline_edit(args) -> int:
    from db import deadlines
    from db.dates import fmt_date
    from cli import open_db

    open_db(args)
    d = deadlines.edit_deadline(_year(args), args.form, args.start, args.end, args.period)
    print(f"Đã sửa hạn nộp {d.form} kỳ {d.period}: {fmt_date(d.start)} – {fmt_date(d.end)}.")
    return 0


def submit(args) -> int:
    from db import deadlines
    from db.dates import fmt_date
    from db.school import get_settings
    from cli import open_db

    open_db(args)
    recipient = args.recipient if args.recipient is not None else get_settings().get("co_quan_quan_ly", "")
    s = deadlines.submit(args.form, args.period, args.file, recipient, sent_on=args.date,
                         year_name=args.year)
    line = (f"Đã ghi lần gửi số {s.id}: {s.form} kỳ {s.period}, ngày {fmt_date(s.sent_on)}, "
            f"gửi {s.recipient}, tệp {s.filename} ({s.size} byte, SHA-256 {s.sha256[:12]}…)")
    if s.replaces_id:
        line += f"; thay cho lần gửi số {s.replaces_id}"
    print(line + ".")
    return 0


def _note(row: dict) -> str:
    parts = []
    if row["muon"]:
        parts.append("gửi muộn")
    if row["thay_cho"]:
        parts.append(f"thay cho số {row['thay_cho']}")
    if row["bi_thay_boi"]:
        parts.append(f"đã thay bằng số {row['bi_thay_boi']}")
    return ", ".join(parts)


def submission_list(args) -> int:
    from db import deadlines
    from cli import open_db

    from .output import emit

    open_db(args)
    rows = deadlines.list_submissions(_year(args))
    if args.format == "json":
        emit(rows, SUBMISSION_COLUMNS, "json")
        return 0
    for r in rows:
        r["ghi_chu"] = _note(r)
    emit(rows, SUBMISSION_COLUMNS, "table")
    return 0


def submission_get(args) -> int:
    from db import deadlines
    from db.errors import SisoError
    from db.files import TargetExists, atomic_write
    from cli import open_db

    open_db(args)
    sub, content = deadlines.get_submission(args.id)
    try:
        atomic_write(args.output, content, overwrite=args.overwrite)
    except TargetExists as err:
        raise SisoError(f"{err.message} Thêm --overwrite để ghi đè.", err.field) from None
    print(f"Đã ghi {args.output}: tệp {sub.filename} của lần gửi số {sub.id} "
          f"({len(content)} byte, SHA-256 khớp).")
    return 0

"""CLI commands: the at-risk register (``siso risk open|close|list``), home visits
(``siso visit add|list|void``) and their minutes (``siso report bien-ban --visit ID``)."""

from __future__ import annotations

import sys

from .output import add_format_option
from db import fields


def _open(args):
    from cli import open_db

    open_db(args)
    from db import risk

    case = risk.open_case(args.student, args.cause, sponsor=args.sponsor, day=args.date)
    print(case.id)
    return 0


def _close(args):
    from cli import open_db

    open_db(args)
    from db import risk
    from db.dates import fmt_date

    case = risk.close_case(args.student, args.result, day=args.date)
    print(f"Đã đóng hồ sơ số {case.id} ngày {fmt_date(case.closed)}: "
          f"{risk.CASE_RESULTS[case.result]}.")
    return 0


RISK_COLUMNS = [("id", "Số"), ("ma", "Mã HS"), ("ho_ten", "Họ và tên"), ("lop", "Lớp"),
                ("ngay_mo", "Ngày mở"), ("ngay_dong", "Ngày đóng"), ("nguyen_nhan_text", "Nguyên nhân"),
                ("do_dau", "Người đỡ đầu"), ("ket_qua_text", "Kết quả")]


def _list(args):
    from cli import open_db

    open_db(args)
    from db import risk
    from cli.output import emit

    rows = risk.list_cases(open_only=args.open)
    if args.format != "json":
        for r in rows:
            r["nguyen_nhan_text"] = ", ".join(r["nguyen_nhan"])
            r["ket_qua_text"] = risk.CASE_RESULTS.get(r["ket_qua"], "") if r["ket_qua"] else "Đang mở"
            for key in ("ngay_mo", "ngay_dong"):
                r[key] = _dmy(r[key])
    emit(rows, RISK_COLUMNS, args.format)
    return 0


def _dmy(iso: str | None) -> str:
    from datetime import date

    from db.dates import fmt_date

    return fmt_date(date.fromisoformat(iso) if iso else None)


def _visit_add(args):
    from cli import open_db

    open_db(args)
    from db import risk

    v = risk.add_visit(args.student, args.date, args.by, args.met, args.found, args.commitment,
                       args.result, args.signed_by, place=args.place)
    print(v.id)
    return 0


VISIT_COLUMNS = [("id", "Số"), ("ngay", "Ngày"), ("lan", "Lần"), ("ma", "Mã HS"),
                 ("ho_ten", "Họ và tên"), ("lop", "Lớp"), ("nguoi_di_text", "Người đi"),
                 ("ket_qua_text", "Kết quả"), ("nguoi_ky", "Người ký"), ("huy", "Đã hủy")]


def _visit_list(args):
    from cli import open_db

    open_db(args)
    from db import risk
    from cli.output import emit

    rows = risk.list_visits(args.student)
    if args.format != "json":
        for r in rows:
            r["ho_ten"] = r["hoc_sinh"]["ho_ten"]
            r["lop"] = r["hoc_sinh"]["lop"]
            r["ngay"] = _dmy(r["ngay"])
            r["nguoi_di_text"] = "; ".join(f"{p['ho_ten']} ({p['ten_vai_tro']})" for p in r["nguoi_di"])
            r["ket_qua_text"] = risk.VISIT_RESULTS.get(r["ket_qua"], r["ket_qua"])
            r["huy"] = f"x {r['ly_do_huy']}" if r["da_huy"] else ""
    emit(rows, VISIT_COLUMNS, args.format)
    return 0


def _visit_void(args):
    from cli import open_db

    open_db(args)
    from db import risk
    from db.dates import fmt_date

    v = risk.void_visit(args.id, args.reason)
    print(f"Đã hủy buổi vận động số {v.id} (lần thứ {v.number}, ngày {fmt_date(v.date)}).")
    return 0


def _bien_ban(args):
    from cli import open_db

    open_db(args)
    from db import risk, school
    from exports import minutes

    v = risk.get_visit(args.visit)
    form = risk.minutes(v)
    settings = school.get_settings()
    if args.output:
        from .output import output_format

        fmt = output_format(args.output, args.fmt) or None
        path = minutes.write_minutes(form, settings, args.output, fmt, overwrite=args.overwrite)
        print(f"Đã ghi {path}")
        return 0
    if args.fmt == "json":
        import json

        json.dump(form, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if args.fmt in ("docx", "pdf"):
        from db.errors import SisoError

        raise SisoError(f"Định dạng {args.fmt} cần tên tệp: -o {minutes.default_filename(form, args.fmt)}",
                        fields.TEP)
    if v.voided_at is not None:
        print(f"(Buổi vận động này đã bị hủy: {v.void_reason})")
    sys.stdout.write(minutes.minutes_text(form, settings))
    return 0


def register(groups):
    from db import risk

    r = groups["risk"]
    p = r.add_parser("open", help="mở hồ sơ học sinh có nguy cơ bỏ học (in ra số hồ sơ)")
    p.add_argument("--student", required=True, help="mã học sinh")
    p.add_argument("--cause", action="append", required=True,
                   help="nguyên nhân: mã lý do bỏ học 01 … (lặp lại được)")
    p.add_argument("--sponsor", help="cán bộ, giáo viên nhận đỡ đầu")
    p.add_argument("--date", help="ngày mở (mặc định: hôm nay)")
    p.set_defaults(func=_open)

    p = r.add_parser("close", help="đóng hồ sơ đang mở của học sinh")
    p.add_argument("--student", required=True, help="mã học sinh")
    p.add_argument("--result", required=True, choices=list(risk.CLOSABLE),
                   help="returned: trở lại lớp; dropped: bỏ học; transferred: chuyển trường")
    p.add_argument("--date", help="ngày đóng (mặc định: hôm nay)")
    p.set_defaults(func=_close)

    p = r.add_parser("list", help="danh sách hồ sơ nguy cơ bỏ học")
    p.add_argument("--open", action="store_true", help="chỉ hồ sơ đang mở")
    add_format_option(p)
    p.set_defaults(func=_list)

    v = groups["visit"]
    p = v.add_parser("add", help="ghi một buổi vận động (in ra số của buổi vận động)")
    p.add_argument("--student", required=True, help="mã học sinh")
    p.add_argument("--date", required=True, help="ngày vận động (dd/mm/yyyy)")
    p.add_argument("--by", action="append", required=True, metavar="HỌ_TÊN:VAI_TRÒ",
                   help="người đi vận động, ví dụ «Lò Thị Mai:Giáo viên chủ nhiệm» (lặp lại được)")
    p.add_argument("--met", default="", help="người trong gia đình được gặp")
    p.add_argument("--found", required=True, help="tình hình nắm được")
    p.add_argument("--commitment", default="", help="gia đình cam kết")
    p.add_argument("--result", required=True, choices=list(risk.VISIT_RESULTS),
                   help="returned: đã ra lớp; promised: hứa; refused: chưa đồng ý; nobody: không gặp ai")
    p.add_argument("--signed-by", dest="signed_by", default="",
                   help="người ký biên bản (cha, mẹ, người giám hộ hoặc hàng xóm)")
    p.add_argument("--place", help="địa điểm (mặc định: địa chỉ của học sinh)")
    p.set_defaults(func=_visit_add)

    p = v.add_parser("list", help="danh sách buổi vận động")
    p.add_argument("--student", help="chỉ học sinh này")
    add_format_option(p)
    p.set_defaults(func=_visit_list)

    p = v.add_parser("void", help="hủy một buổi vận động ghi nhầm (vẫn giữ, không đánh số lại)")
    p.add_argument("id", metavar="SỐ", help="số của buổi vận động (xem «siso visit list»)")
    p.add_argument("--reason", required=True, help="lý do hủy")
    p.set_defaults(func=_visit_void)

    text = "F9 Biên bản vận động học sinh ra lớp (một trang A4 mỗi buổi)"
    p = groups["report"].add_parser("bien-ban", help=text, description=text)
    p.add_argument("--visit", required=True, help="số của buổi vận động (xem «siso visit list»)")
    p.add_argument("--format", dest="fmt", choices=["text", "docx", "pdf", "json"],
                   help="định dạng (mặc định: văn bản, hoặc theo đuôi tệp khi có -o)")
    p.add_argument("-o", "--output", help="ghi ra tệp .docx, .pdf (cần LibreOffice) hoặc .json")
    p.add_argument("--overwrite", action="store_true", help="ghi đè khi tệp đã có")
    p.set_defaults(func=_bien_ban)

"""CLI commands: ``siso report FORM …`` (F1–F6, F8) and ``siso target set|list|delete``.

``siso report si-so --year 2024-2025 --as-of 31/10/2024 [--from 01/10/2024]
[--format table|csv|json|xlsx|ods] [-o FILE]``: a table or JSON on standard output when
no file is given; with ``-o`` the file is written atomically (format from ``--format`` or
the file's extension); an existing file is refused (exit 2) unless ``--overwrite`` is
given. ``--year`` defaults to the current school year; ``--as-of`` to today, clamped into
the school year and its summer (``db.clock.default_day``).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager

from db.errors import SisoError
from db import fields

TARGET_NAMES = ("ty_le_bo_hoc", "ty_le_duy_tri", "ty_le_luu_ban", "ty_le_dung_do_tuoi", "ty_le_hoan_thanh",
                "ty_le_len_lop", "ty_le_bo_hoc_luu_ban",
                "ty_le_huy_dong", "ty_le_vao_lop_6")  # db.targets.TARGETS


def _target_scope(p) -> None:
    """The options that name one target: year, level or grade, and its name."""
    p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument("--level", choices=["TH", "THCS", "THPT"], help="cấp học")
    scope.add_argument("--grade", type=int, help="khối (1–12)")
    p.add_argument("--name", required=True, choices=TARGET_NAMES, help="tên chỉ tiêu")


def register(groups):
    for name, help_text in (
            ("si-so", "F1 Báo cáo tình hình sĩ số học sinh"),
            ("bo-hoc", "F2 Danh sách học sinh bỏ học"),
            ("chuyen-truong", "F3 Danh sách học sinh chuyển đến / chuyển đi"),
            ("len-lop", "F4 Thống kê lên lớp, thi lại, lưu ban"),
            ("chi-tieu", "F5 Chỉ tiêu và kết quả thực hiện"),
            ("do-tuoi", "F6 Thống kê học sinh theo độ tuổi (mặc định: tính đến ngày chốt sĩ số đầu năm)"),
            ("nam-sinh", "F7 Danh sách học sinh theo năm sinh và địa bàn, cho điều tra phổ cập giáo dục "
             "(mặc định: tính đến ngày chốt sĩ số đầu năm)"),
            ("dang-bo", "F8 Sổ đăng bộ: mọi học sinh đã vào trường, mọi năm học, theo số đăng bộ"),
            ("chuyen-can", "F10 Theo dõi chuyên cần"),
            ("theo-lang", "F11 Sĩ số và vận động theo thôn/làng (tính đến một ngày)"),
            ("huy-dong", "F12 Huy động trẻ ra lớp: trẻ dự kiến đã / chưa ra lớp, theo thôn (tính đến một ngày)")):
        p = groups["report"].add_parser(name, help=help_text, description=help_text)
        p.add_argument("--year", help="năm học, ví dụ 2024-2025 (mặc định: năm học hiện tại)"
                       + ("; sổ đăng bộ gồm mọi năm học, không nhận --year" if name == "dang-bo" else ""))
        p.add_argument("--as-of", dest="as_of", help="tính đến ngày dd/mm/yyyy (mặc định: "
                       + ("ngày chốt sĩ số đầu năm)" if name in ("do-tuoi", "nam-sinh") else "hôm nay)"))
        p.add_argument("--from", dest="date_from",
                       help="đầu kỳ báo cáo dd/mm/yyyy (mặc định: ngày 1 của tháng báo cáo)")
        p.add_argument("--format", dest="fmt", choices=["table", "csv", "json", "xlsx", "ods"],
                       help="định dạng (mặc định: table, hoặc theo đuôi tệp khi có -o)")
        p.add_argument("-o", "--output", help="ghi ra tệp (xlsx, ods, csv, json)")
        p.add_argument("--overwrite", action="store_true", help="ghi đè khi tệp đã có")
        p.set_defaults(func=_report, form=name)

    t = groups["target"]
    p = t.add_parser("set", help="đăng ký / sửa một chỉ tiêu")
    _target_scope(p)
    p.add_argument("--value", required=True, help="giá trị (%%), ví dụ 2 hoặc 98,5")
    p.add_argument("--op", choices=["lt", "le", "gt", "ge"],
                   help="so sánh: lt dưới, le không vượt quá, gt trên, ge từ … trở lên (mặc định: le cho "
                   "tỷ lệ bỏ học, lưu ban, bỏ học và lưu ban; ge cho các tỷ lệ khác; khi sửa: giữ như cũ)")
    p.set_defaults(func=_target_set)
    p = t.add_parser("list", help="danh sách chỉ tiêu của năm học")
    p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
    p.add_argument("--format", dest="fmt", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=_target_list)
    p = t.add_parser("delete", help="xóa một chỉ tiêu")
    _target_scope(p)
    p.set_defaults(func=_target_delete)


@contextmanager
def refuse_existing():
    """An existing target file without ``--overwrite``: the refusal says how to allow it."""
    from db.files import TargetExists

    try:
        yield
    except TargetExists as err:
        raise SisoError(f"{err.message} Thêm --overwrite để ghi đè.", err.field) from None


def _report(args):
    from cli import open_db

    open_db(args)
    from db import reports, school, si_so
    from db.clock import default_day

    if args.form in reports.ALL_YEARS:  # F8: every school year, no date
        for value, option in ((args.year, "--year"), (args.as_of, "--as-of"), (args.date_from, "--from")):
            if value:
                raise SisoError(f"Sổ đăng bộ gồm mọi học sinh của mọi năm học: không nhận {option}.", fields.BIEU_MAU)
        year, as_of = None, None
    elif args.form == "do-tuoi" and args.date_from:
        raise SisoError("Thống kê theo độ tuổi tính đến một ngày (--as-of), không nhận --from.", fields.BIEU_MAU)
    else:
        year = school.get_year(args.year)
        as_of = args.as_of or (None if args.form in ("do-tuoi", "nam-sinh") else default_day(year))
    fmt = args.fmt
    if args.output:
        from db.files import check_target
        from exports.files import FORMATS, write_form

        from .output import output_format

        fmt = output_format(args.output, fmt)
        if fmt == "table" or fmt not in FORMATS:
            raise SisoError(f"Tệp «{args.output}»: chọn --format xlsx, ods, csv hoặc json "
                            "(hoặc đặt đuôi tệp tương ứng).", fields.DINH_DANG)
        with refuse_existing():
            check_target(args.output, overwrite=args.overwrite)
            form = reports.build(args.form, year, as_of, args.date_from, stream=fmt == "xlsx")
            try:
                path = write_form(form, args.output, fmt, overwrite=args.overwrite)
            except SisoError as err:
                if err.field != fields.CAN_BANG:
                    raise
                print(f"Lỗi: {err}", file=sys.stderr)  # the data has problems: exit status 1
                return 1
        print(f"Đã ghi {path}")
        return 0
    form = reports.build(args.form, year, as_of, args.date_from)
    fmt = fmt or "table"
    if fmt in ("xlsx", "ods"):
        raise SisoError(f"Định dạng {fmt} cần tên tệp: thêm -o TỆP.", fields.TEP_RA)
    if fmt == "json":
        import json

        sys.stdout.write(json.dumps(form, ensure_ascii=False, indent=2) + "\n")  # one write: 60,000 rows
    elif fmt == "csv":
        from exports.files import form_bytes

        sys.stdout.write(form_bytes(form, "csv").decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n"))
    else:
        _print_tables(form)
    if form.get("bieu_mau") == "si-so" and not form.get("can_bang", True):
        print("Cảnh báo: số liệu không cân đối —\n" + si_so.describe_lech(form), file=sys.stderr)
        return 1
    return 0


def _print_tables(form) -> None:
    from exports.forms import tables_of
    from exports.table import display

    for n, table in enumerate(tables_of(form)):
        for k, t in enumerate([table, *table.below]):
            if n or k:
                print()
            print(t.title)
            for line in t.lines:
                print(line)
            headers = t.short_headers
            if t.legend:
                print(f"({t.legend})")
            cells = [[display(v, c.kind) for v, c in zip(row, t.columns)] for row in t.rows]
            widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
            print("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
            print("  ".join("-" * w for w in widths))
            for r in cells:
                print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())


def _target_set(args):
    from cli import open_db

    open_db(args)
    from db import school, targets
    from exports.numbers import op_text

    year = school.get_year(args.year)
    t = targets.set_target(year, args.name, args.value, level=args.level, grade=args.grade, op=args.op)
    print(f"Đã ghi chỉ tiêu {targets.TARGETS[t.name][0]} "
          f"({targets.scope_label(t.level, t.grade)}, năm học {year.name}): "
          f"{op_text(targets.op_of(t), t.value)}")
    return 0


def _target_delete(args):
    from cli import open_db

    open_db(args)
    from db import school, targets

    year = school.get_year(args.year)
    targets.delete_target(year, args.name, level=args.level, grade=args.grade)
    print("Đã xóa chỉ tiêu.")
    return 0


def _target_list(args):
    from cli import open_db

    open_db(args)
    from db import school, targets
    from cli.output import emit

    year = school.get_year(args.year)
    rows = targets.list_targets(year)
    for r in rows:
        r["loai_nhan"] = f"{targets.OPS[r['so_sanh']]} ({targets.OP_SIGNS[r['so_sanh']]})"
    emit(rows, [("pham_vi", "Phạm vi"), ("ten", "Mã"), ("nhan", "Chỉ tiêu"), ("loai_nhan", "Yêu cầu"),
                ("gia_tri", "Giá trị (%)")], args.fmt)
    return 0

"""CLI commands: people and what each may do — ``siso user add|passwd|list|disable``,
``siso whoami``, ``siso audit`` (the audit log, readable)."""

from __future__ import annotations

import argparse
import sys

from .output import add_format_option, emit
from db import fields

COLUMNS = [("ten_dang_nhap", "Đăng nhập"), ("ho_ten", "Họ tên"), ("vai_tro", "Vai trò"), ("khoi", "Khối"),
           ("lop", "Lớp"), ("tai_khoan", "Tài khoản máy"), ("hoat_dong", "Hoạt động")]
AUDIT_COLUMNS = [("luc", "Lúc"), ("nguoi", "Người"), ("viec", "Việc"), ("doi_tuong", "Đối tượng"),
                 ("truoc", "Trước"), ("sau", "Sau")]


def register(groups):
    user = groups["user"]
    p = user.add_parser("add", help="thêm người dùng",
                        description="Thêm một người dùng với một hay nhiều vai trò (--role lặp lại): "
                                    "clerk (văn thư), principal (hiệu trưởng), vice-principal (phó "
                                    "hiệu trưởng, cần --grades), homeroom (giáo viên chủ nhiệm, cần "
                                    "--class). Người dùng đầu tiên phải là văn thư hoặc hiệu trưởng, "
                                    "gắn với chính tài khoản máy đang tạo.")
    p.add_argument("login", metavar="TÊN_ĐĂNG_NHẬP")
    p.add_argument("--name", required=True, metavar="\"HỌ TÊN\"", help="họ tên người dùng")
    p.add_argument("--role", action="append", required=True, metavar="VAI_TRÒ",
                   help="clerk | principal | vice-principal | homeroom (lặp lại cho nhiều vai trò)")
    p.add_argument("--grades", metavar="6,7", help="khối phụ trách của phó hiệu trưởng")
    p.add_argument("--class", dest="klass", metavar="LỚP",
                   help="lớp chủ nhiệm (của năm học hiện tại) của giáo viên chủ nhiệm")
    p.add_argument("--system-account", dest="system_account", metavar="TÀI_KHOẢN",
                   help="tài khoản máy (đăng nhập SSH) hoạt động dưới tên người này")
    p.set_defaults(func=user_add)

    p = user.add_parser("passwd", help="đặt mật khẩu (để đăng nhập qua trình duyệt)",
                        description="Đặt mật khẩu của người dùng: hỏi hai lần, không hiện ra màn hình. "
                                    "Văn thư, hiệu trưởng đặt cho mọi người; mỗi người đặt cho mình.")
    p.add_argument("login", metavar="TÊN_ĐĂNG_NHẬP")
    p.add_argument("--stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của đầu vào chuẩn (kịch bản)")
    p.set_defaults(func=user_passwd)

    p = user.add_parser("list", help="danh sách người dùng",
                        description="Người dùng, vai trò, khối, lớp, tài khoản máy, còn hoạt động hay không.")
    add_format_option(p, ("table", "json"))
    p.set_defaults(func=user_list)

    p = user.add_parser("disable", help="khóa người dùng (không bao giờ xóa)",
                        description="Khóa người dùng: không dùng siso được nữa, tên vẫn ở trên những gì "
                                    "họ đã ghi. Không khóa được văn thư/hiệu trưởng cuối cùng.")
    p.add_argument("login", metavar="TÊN_ĐĂNG_NHẬP")
    p.set_defaults(func=user_disable)

    p = user.add_parser("homeroom", help="gán lớp chủ nhiệm (năm học hiện tại)",
                        description="Gán người dùng làm giáo viên chủ nhiệm một lớp của năm học hiện tại "
                                    "(ví dụ sau khi chuyển năm, khi lớp cũ không chuyển tiếp).")
    p.add_argument("login", metavar="TÊN_ĐĂNG_NHẬP")
    p.add_argument("--class", dest="klass", required=True, metavar="LỚP")
    p.set_defaults(func=user_homeroom)

    root = groups["_root"]
    p = root.add_parser("whoami", help="ai đang dùng siso (tên đăng nhập, họ tên, vai trò)",
                        description="In tên đăng nhập, rồi họ tên và vai trò của người đang dùng siso "
                                    "(theo tài khoản máy).")
    p.add_argument("--db", default=argparse.SUPPRESS, help="tệp hoặc địa chỉ cơ sở dữ liệu")
    p.set_defaults(func=whoami)

    p = root.add_parser("audit", help="nhật ký: ai làm gì, lúc nào, trước → sau",
                        description="Nhật ký ghi: ai làm gì, lúc nào, trước → sau. Văn thư, hiệu trưởng "
                                    "xem toàn bộ; người khác chỉ xem dòng của chính mình.")
    p.add_argument("--db", default=argparse.SUPPRESS, help="tệp hoặc địa chỉ cơ sở dữ liệu")
    p.add_argument("--from", dest="start", metavar="NGÀY", help="từ ngày (dd/mm/yyyy)")
    p.add_argument("--to", dest="end", metavar="NGÀY", help="đến hết ngày (dd/mm/yyyy)")
    p.add_argument("--by", metavar="TÊN_ĐĂNG_NHẬP", help="chỉ việc của người này")
    p.add_argument("--action", metavar="VIỆC", help="chỉ việc này (event.dropout, hoặc event cho mọi event.…)")
    p.add_argument("--student", metavar="MÃ_HS", help="chỉ việc về học sinh này")
    add_format_option(p, ("table", "json", "csv"))
    p.set_defaults(func=audit_cmd)


def _roles(args) -> list[tuple[str, str | None]]:
    from db.errors import SisoError

    roles = [r.strip().lower() for r in args.role]
    if args.grades and "vice-principal" not in roles:
        raise SisoError("--grades chỉ dùng cho phó hiệu trưởng (--role vice-principal).", fields.KHOI_PHU_TRACH)
    if args.klass and "homeroom" not in roles:
        raise SisoError("--class chỉ dùng cho giáo viên chủ nhiệm (--role homeroom).", fields.LOP)
    return [(r, args.grades if r == "vice-principal" else args.klass if r == "homeroom" else None)
            for r in roles]


def user_add(args) -> int:
    from db import users
    from cli import open_db

    open_db(args)
    actor = users.add_user(args.login, args.name, _roles(args), system_account=args.system_account)
    print(f"Đã thêm người dùng {actor.login} ({actor.ho_ten}): {actor.roles_label}.")
    if not users.get_user(actor.login).system_account:
        print(f"Chưa gắn tài khoản máy: người này chỉ đăng nhập qua trình duyệt, sau khi có mật khẩu "
              f"(siso user passwd {actor.login}).")
    return 0


def _read_password(args) -> str:
    from db.errors import SisoError

    if args.stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    import getpass

    if not sys.stdin.isatty():
        raise SisoError("Không có terminal để hỏi mật khẩu: dùng --stdin trong kịch bản.", fields.MAT_KHAU)
    first = getpass.getpass("Mật khẩu mới: ")
    again = getpass.getpass("Nhập lại mật khẩu: ")
    if first != again:
        raise SisoError("Hai lần nhập mật khẩu không giống nhau; chưa đổi gì.", fields.MAT_KHAU)
    return first


def user_passwd(args) -> int:
    from db import users
    from cli import open_db

    open_db(args)
    user = users.get_user(args.login)
    if users.current_actor().login != user.login:
        users.require_admin("đặt mật khẩu cho người khác")  # before asking for it
    users.set_password(user.login, _read_password(args))
    print(f"Đã đặt mật khẩu cho {user.login}.")
    return 0


def user_list(args) -> int:
    from db import users
    from cli import open_db

    open_db(args)
    users.require_admin("xem danh sách người dùng")
    rows = users.list_users()
    if args.format == "json":
        emit(rows, COLUMNS, "json")
        return 0
    shown = [{**r, "vai_tro": ", ".join(users.ROLE_NAMES[v] for v in r["vai_tro"]),
              "khoi": ",".join(str(g) for g in r["khoi"]), "hoat_dong": "có" if r["hoat_dong"] else "khóa"}
             for r in rows]
    emit(shown, COLUMNS, "table")
    return 0


def user_disable(args) -> int:
    from db import users
    from cli import open_db

    open_db(args)
    users.disable(args.login)
    print(f"Đã khóa người dùng {args.login.strip().lower()} (tên vẫn ở trên những gì họ đã ghi).")
    return 0


def user_homeroom(args) -> int:
    from db import users
    from cli import open_db

    open_db(args)
    actor = users.assign_homeroom(args.login, args.klass)
    print(f"Đã gán {actor.login} ({actor.ho_ten}) làm giáo viên chủ nhiệm lớp {args.klass.strip()}.")
    return 0


def whoami(args) -> int:
    from db import users
    from cli import open_db

    open_db(args)
    actor = users.current_actor()
    print(actor.login)
    if users.any_users():
        print(f"{actor.ho_ten} — {actor.roles_label}")
    else:
        print(f"{actor.ho_ten} — {actor.roles_label} (chưa có người dùng nào: siso hoạt động như một "
              "văn thư, không cần đăng nhập)")
    return 0


def audit_cmd(args) -> int:
    import json as _json

    from db import audit_log
    from db.dates import parse_date
    from cli import open_db

    open_db(args)
    start = parse_date(args.start, "Từ ngày (--from)", fields.TU_NGAY) if args.start else None
    end = parse_date(args.end, "Đến ngày (--to)", fields.DEN_NGAY) if args.end else None
    rows = audit_log.lines(start, end, by=args.by, action=args.action, student=args.student)
    if args.format == "json":
        emit(rows, AUDIT_COLUMNS, "json")
        return 0

    def cell(v):
        return "" if v is None else v if isinstance(v, str) else _json.dumps(v, ensure_ascii=False)

    emit([{k: cell(r[k]) for k in audit_log.KEYS} for r in rows], AUDIT_COLUMNS, args.format)
    return 0

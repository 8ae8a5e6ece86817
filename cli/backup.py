"""CLI commands: ``siso backup [-o FILE]``, ``siso backup list``, ``siso restore FILE``."""

from __future__ import annotations

import argparse
import sys
from db import fields
from exports.numbers import size_text

FORMATS = ["table", "csv", "json"]


def register(groups):
    root = groups["_root"]
    p = root.add_parser(
        "backup", help="sao lưu cơ sở dữ liệu; «backup list»: các bản sao",
        description="Chép cơ sở dữ liệu (kể cả khi người khác đang ghi) vào thư mục backups/ "
                    "cạnh tệp, hoặc vào TỆP với -o. Bản sao được kiểm tra (SQLite và siso "
                    "check) trước khi báo xong. siso cũng tự sao lưu: lần ghi đầu tiên mỗi "
                    "ngày (giữ 7 bản hằng ngày và 4 bản hằng tuần), và trước mỗi lần nhập "
                    "danh sách, chuyển năm học, hoàn tác hay khôi phục (giữ 10 bản gần nhất).")
    p.add_argument("--db", default=argparse.SUPPRESS, help="tệp hoặc địa chỉ cơ sở dữ liệu")
    p.add_argument("-o", "--output", metavar="TỆP",
                   help="ghi bản sao vào tệp này (không ghi đè tệp có sẵn)")
    p.set_defaults(func=backup_now)
    sub = p.add_subparsers(dest="action", metavar="VIỆC")
    lst = sub.add_parser("list", help="các bản sao: ngày giờ, lý do, dung lượng, số học sinh",
                         description="Các bản sao của cơ sở dữ liệu trong thư mục backups/.")
    lst.add_argument("--db", default=argparse.SUPPRESS, help="tệp cơ sở dữ liệu")
    lst.add_argument("--format", choices=FORMATS, default="table",
                     help="định dạng: table (mặc định), csv, json")
    lst.set_defaults(func=backup_list)

    r = root.add_parser(
        "restore", help="khôi phục từ một bản sao",
        description="Thay dữ liệu hiện tại bằng một bản sao. Bản sao được kiểm tra trước "
                    "(không hỏng, đúng là của siso, phiên bản không mới hơn chương trình, qua "
                    "siso check); siso cho xem những gì sẽ thay đổi và hỏi lại; dữ liệu hiện "
                    "tại được giữ thành một bản sao (lý do: restore).")
    r.add_argument("file", metavar="TỆP",
                   help="tệp bản sao (đường dẫn, hoặc tên một tệp trong thư mục backups/)")
    r.add_argument("--db", default=argparse.SUPPRESS, help="tệp cơ sở dữ liệu")
    r.add_argument("--yes", action="store_true",
                   help="không hỏi lại (cho kịch bản); không có terminal thì bắt buộc")
    r.set_defaults(func=restore)


def _postgres(args, what: str) -> int | None:
    """On PostgreSQL: say what to use instead, exit 2."""
    from db.backup_postgres import pg_dump_command
    from db.connection import resolve_target

    target = resolve_target(getattr(args, "db", None))
    if not target.startswith(("postgres://", "postgresql://")):
        return None
    if what == "restore":
        print("Lỗi: với PostgreSQL, siso không tự khôi phục. Khôi phục một bản pg_dump bằng:\n  "
              + pg_dump_command(target, restore_file=args.file), file=sys.stderr)
    else:
        print("Lỗi: với PostgreSQL, siso không tự sao lưu (cũng không có bản sao tự động). "
              "Sao lưu bằng pg_dump (mật khẩu: pg_dump hỏi, hoặc PGPASSWORD / ~/.pgpass):\n  "
              + pg_dump_command(target), file=sys.stderr)
    return 2


def backup_now(args) -> int:
    from pathlib import Path

    from db import backup, backup_copies
    from cli import open_db

    pg = _postgres(args, "backup")
    if pg is not None:
        return pg
    open_db(args)
    live = backup_copies.live_path()
    dest = backup.manual_backup(live, Path(args.output).expanduser() if args.output else None)
    s = backup_copies.summary(dest)
    print(f"Đã sao lưu vào {dest} ({size_text(dest.stat().st_size)}, {s['students']} học sinh); "
          "bản sao đã qua kiểm tra của SQLite và siso check.")
    return 0


def backup_list(args) -> int:
    from db import backup_copies
    from cli import open_db
    from cli.output import emit

    pg = _postgres(args, "list")
    if pg is not None:
        return pg
    open_db(args)
    rows = []
    for c in reversed(backup_copies.copies(backup_copies.live_path())):
        rows.append({"luc": c.at.isoformat(sep=" "), "shown_at": f"{c.at:%d/%m/%Y %H:%M}",
                     "ly_do": c.reason, "reason_label": c.reason_label, "dung_luong": c.size,
                     "shown_size": size_text(c.size), "so_hoc_sinh": c.students(),
                     "tep": str(c.path)})
    if args.format == "json":  # codes and numbers; the labels are for the table
        for r in rows:
            del r["shown_at"], r["shown_size"], r["reason_label"]
        emit(rows, [], "json")
        return 0
    if not rows and args.format == "table":
        print(f"Chưa có bản sao nào trong {backup_copies.folder_for(backup_copies.live_path())}.")
        return 0
    emit(rows, [("shown_at", "Ngày giờ"), ("reason_label", "Lý do"), ("shown_size", "Dung lượng"),
                ("so_hoc_sinh", "Học sinh"), ("tep", "Tệp")], args.format)
    return 0


def _when(moment) -> str:
    return f"{moment:%d/%m/%Y %H:%M}" if moment else "—"


def describe(plan) -> list[str]:
    """What a restore changes, as lines of a small table."""
    rows = [("", "Hiện tại", "Sau khi khôi phục"),
            ("Học sinh", str(plan.live["students"]), str(plan.copy["students"])),
            ("Biến động", str(plan.live["events"]), str(plan.copy["events"])),
            ("Lần ghi cuối", _when(plan.live["last_write"]), _when(plan.copy["last_write"]))]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def _confirmed(args, question: str) -> bool:
    from db.errors import SisoError

    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise SisoError("Không có terminal để hỏi lại: thêm --yes để khôi phục (chưa thay "
                        "đổi gì).", fields.XAC_NHAN)
    try:
        answer = input(f"{question} Gõ c để đồng ý [c/K]: ")
    except EOFError:
        answer = ""
    return answer.strip().lower() in ("c", "co", "có", "y", "yes")


def _restore_unreadable(args, err) -> int:
    """``siso restore`` over a file that cannot be opened at all (its header, a truncation)."""
    from pathlib import Path

    from db import audit, backup_check, backup_copies, backup_restore
    from db.connection import close_database, open_database, resolve_target
    from db.errors import SisoError

    live = Path(resolve_target(getattr(args, "db", None))).expanduser().resolve()
    path = backup_restore.resolve_copy(args.file, live)
    report = backup_check.inspect(path)
    problems = ([report["refusal"]] if report.get("refusal") else []) + report.get("problems", [])
    if problems:
        raise SisoError(f"Tệp «{path.name}» không dùng để khôi phục được: {problems[0]}", fields.TEP)
    print(f"Tệp {live} không đọc được ({err}).")
    print(f"Khôi phục từ {path}: {backup_copies.summary(path)['students']} học sinh.")
    if not _confirmed(args, "Thay tệp hỏng bằng bản sao này?"):
        print("Đã thôi, chưa thay đổi gì.")
        return 1
    kept = backup_restore.restore_damaged(path, live)
    open_database(str(live))
    with audit.write("restore", path.name, before=kept.name):
        pass
    close_database()
    print(f"Đã khôi phục. Tệp hỏng được giữ nguyên ở {kept}.")
    return 0


def restore(args) -> int:
    from db import backup_copies, backup_restore
    from db.connection import close_database, resolve_target
    from db.errors import DamagedDatabase
    from cli import open_db

    pg = _postgres(args, "restore")
    if pg is not None:
        return pg
    try:
        open_db(args)
    except DamagedDatabase as err:  # not even readable: restoring is what it needs
        return _restore_unreadable(args, err)
    path = backup_restore.resolve_copy(args.file, backup_copies.live_path())
    plan = backup_restore.plan_restore(path)
    print(f"Khôi phục {resolve_target(getattr(args, 'db', None))} từ {path}:")
    for line in describe(plan):
        print("  " + line)
    for line in plan.warnings:
        print(line)
    if not _confirmed(args, "Thay dữ liệu hiện tại bằng bản sao này?"):
        print("Đã thôi, chưa thay đổi gì.")
        return 1
    before = backup_restore.restore(plan)
    close_database()
    print(f"Đã khôi phục. Dữ liệu trước khi khôi phục được giữ ở {before}.")
    return 0

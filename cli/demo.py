"""CLI command: ``siso demo`` — build (or reuse) the demo school and open the app on it."""

from __future__ import annotations

import argparse
import time
from db import fields


def register(groups):
    p = groups["_root"].add_parser(
        "demo", help="trường mẫu để dùng thử",
        description="Tạo trường mẫu (THCS Tơ Tung, khối 6–9) trong một tệp riêng rồi mở chương "
                    "trình trên đó. Tệp mặc định: demo.sqlite3 trong thư mục dữ liệu, không "
                    "đụng tới dữ liệu thật.")
    # SUPPRESS: `siso --db X demo` and `siso demo --db X` both work
    p.add_argument("--db", default=argparse.SUPPRESS,
                   help="tệp hoặc địa chỉ cơ sở dữ liệu cho trường mẫu (mặc định: demo.sqlite3 "
                        "trong thư mục dữ liệu)")
    p.add_argument("--students", default="600", help="số học sinh (mặc định 600)")
    p.add_argument("--seed", default="1", help="hạt giống ngẫu nhiên (mặc định 1)")
    p.add_argument("--reset", action="store_true", help="xóa trường mẫu cũ và tạo lại")
    p.add_argument("--no-open", dest="no_open", action="store_true",
                   help="chỉ tạo, không mở giao diện")
    p.set_defaults(func=demo)


def demo_path() -> str:
    from db.demo import demo_path as path

    return path()


def _int(value: str, field: str, label: str) -> int:
    from db.errors import SisoError

    try:
        return int(str(value).strip())
    except ValueError:
        raise SisoError(f"{label} «{value}» không hợp lệ: cần một số nguyên.", field) from None


def demo(args) -> int:
    from db import demo as demo_db
    from db.audit import set_user
    from db.connection import close_database, shown
    from db.errors import SisoError
    from db.models import Student

    students = _int(args.students, fields.SO_HOC_SINH, "Số học sinh (--students)")
    seed = _int(args.seed, fields.HAT_GIONG, "Hạt giống (--seed)")
    if not 1 <= students <= 200_000:
        raise SisoError(f"Số học sinh (--students) {students} không hợp lệ: cần từ 1 đến 200000.",
                        fields.SO_HOC_SINH)
    target = getattr(args, "db", None) or demo_path()
    set_user(getattr(args, "user", None))
    started = time.perf_counter()
    year = demo_db.open_demo(target, students=students, seed=seed, reset=args.reset)
    if year is not None:
        print(f"Đã tạo trường mẫu THCS Tơ Tung, năm học {year.name}: {students} học sinh "
              f"trong {time.perf_counter() - started:.1f} giây — {shown(target)}")
    else:
        print(f"Dùng lại trường mẫu có sẵn trong {shown(target)} "
              f"({Student.select().count()} học sinh; tạo lại bằng --reset).")
    close_database()
    if args.no_open:
        return 0
    args.db = target
    from cli.app_door import run_app

    return run_app(args)

"""CLI commands: villages (thôn, làng, buôn …) — add, edit, list, similar names, merge."""

from __future__ import annotations

from .output import add_format_option

COLUMNS = [("thon", "Thôn/làng"), ("xa", "Xã"), ("truong_thon", "Trưởng thôn"),
           ("dien_thoai", "Điện thoại"), ("phu_trach", "Cán bộ phụ trách"), ("so_hs", "Số HS")]


def register(groups):
    village = groups["village"]
    p = village.add_parser("add", help="thêm thôn/làng", description="Thêm một thôn/làng của một xã.")
    p.add_argument("name", metavar="TÊN", help="tên thôn/làng, ví dụ «Thôn 1», «Làng Kon Lanh»")
    _details(p)
    p.set_defaults(func=village_add)

    p = village.add_parser("edit", help="sửa trưởng thôn, cán bộ phụ trách",
                           description="Sửa trưởng thôn, số điện thoại, cán bộ phụ trách của một thôn.")
    p.add_argument("name", metavar="TÊN")
    _details(p)
    p.set_defaults(func=village_edit)

    p = village.add_parser("list", help="danh sách thôn/làng",
                           description="Các thôn/làng, trưởng thôn, cán bộ phụ trách và số học sinh. "
                                       "Các tên chỉ khác dấu, chữ hoa hoặc khoảng trắng được nêu "
                                       "để gộp (siso village merge).")
    add_format_option(p, ("table", "json"))
    p.set_defaults(func=village_list)

    p = village.add_parser("similar", help="các tên thôn gần trùng",
                           description="Các nhóm thôn cùng xã chỉ khác nhau ở dấu, chữ hoa hoặc "
                                       "khoảng trắng: gộp bằng siso village merge khi đúng là một.")
    add_format_option(p, ("table", "json"))
    p.set_defaults(func=village_similar)

    p = village.add_parser("merge", help="gộp hai thôn",
                           description="Chuyển mọi học sinh của thôn TỪ sang thôn VÀO rồi xóa thôn TỪ "
                                       "(một lần ghi, có nhật ký).")
    p.add_argument("source", metavar="TỪ", help="tên thôn bị gộp (sẽ xóa)")
    p.add_argument("into", metavar="VÀO", help="tên thôn giữ lại")
    p.add_argument("--commune", help="xã của hai thôn (cần khi tên có ở nhiều xã)")
    p.set_defaults(func=village_merge)


def _details(p) -> None:
    p.add_argument("--commune", help="xã / phường của thôn")
    p.add_argument("--head", help="họ tên trưởng thôn/làng")
    p.add_argument("--head-phone", dest="head_phone", help="điện thoại trưởng thôn")
    p.add_argument("--staff", help="cán bộ, giáo viên phụ trách, cách nhau dấu phẩy: \"A, B\"")


def village_add(args) -> int:
    from db import villages
    from cli import open_db

    open_db(args)
    v = villages.add_village(args.name, args.commune or "", head=args.head or "",
                             head_phone=args.head_phone or "", staff=args.staff or "")
    print(f"Đã thêm thôn {villages.label(v)}.")
    return 0


def village_edit(args) -> int:
    from db import villages
    from cli import open_db

    open_db(args)
    v = villages.get(args.name, args.commune)
    villages.edit_village(v, head=args.head, head_phone=args.head_phone, staff=args.staff)
    print(f"Đã sửa thôn {villages.label(v)}.")
    return 0


def village_list(args) -> int:
    from peewee import fn

    from db import villages
    from db.models import Student
    from cli import open_db

    from .output import emit

    open_db(args)
    rows = [villages.village_dict(v) for v in villages.all_villages()]
    if args.format == "json":
        emit(rows, COLUMNS, "json")
        return 0
    from db import scope

    counts = dict(scope.where(Student.select(Student.village_ref, fn.COUNT(Student.id))
                              .where(Student.village_ref.is_null(False)),
                              scope.student_condition(None))  # the reader's students
                  .group_by(Student.village_ref).tuples())
    for v, row in zip(villages.all_villages(), rows):
        row["phu_trach"] = ", ".join(row["phu_trach"])
        row["so_hs"] = counts.get(v.id, 0)
    emit(rows, COLUMNS, "table")
    groups = villages.similar_groups()
    if groups:
        print("\nTên gần trùng (chỉ khác dấu, chữ hoa hoặc khoảng trắng), gộp bằng "
              "«siso village merge TỪ VÀO --commune XÃ» khi đúng là một thôn:")
        for g in groups:
            print("  " + " | ".join(villages.label(v) for v in g))
    return 0


def village_similar(args) -> int:
    from db import villages
    from cli import open_db

    from .output import emit

    open_db(args)
    groups = villages.similar_groups()
    if args.format == "json":
        emit([[villages.village_dict(v) for v in g] for g in groups], [], "json")
        return 0
    if not groups:
        print("Không có tên thôn nào gần trùng.")
    for g in groups:
        print(" | ".join(villages.label(v) for v in g))
    return 0


def village_merge(args) -> int:
    from db import villages
    from cli import open_db

    open_db(args)
    source = villages.get(args.source, args.commune)
    into = villages.get(args.into, args.commune)
    n = villages.merge(source, into)
    print(f"Đã gộp thôn {villages.label(source)} vào {villages.label(into)}: chuyển {n} học sinh.")
    return 0

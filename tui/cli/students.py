"""CLI commands: add, list and show students."""

from __future__ import annotations

from db.dates import fmt_date
from db.errors import SisoError


def register(groups):
    student = groups["student"]
    p = student.add_parser("add", help="thêm học sinh",
                           description="Thêm một học sinh vào lớp; in ra mã học sinh.")
    p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
    p.add_argument("--class", dest="klass", required=True, help="lớp, ví dụ 6A1")
    p.add_argument("--name", required=True, help="họ và tên")
    p.add_argument("--dob", required=True, help="ngày sinh (dd/mm/yyyy)")
    p.add_argument("--gender", required=True, help="nam hoặc nu")
    p.add_argument("--ethnic", default="01", help="dân tộc: mã 01–55 hoặc tên (mặc định 01 Kinh)")
    p.add_argument("--code", help="mã học sinh (mặc định: tự cấp HS000001…)")
    p.add_argument("--national-id", dest="national_id", help="mã định danh cá nhân (12 chữ số)")
    p.add_argument("--disability", help="loại khuyết tật: mã 01–06")
    p.add_argument("--village", help="thôn / làng / buôn")
    p.add_argument("--commune", help="xã / phường")
    p.add_argument("--birthplace", help="nơi sinh")
    p.add_argument("--guardian", help="cha mẹ / người giám hộ")
    p.add_argument("--phone", help="số điện thoại")
    p.add_argument("--address", help="địa chỉ")
    p.add_argument("--date", help="ngày vào lớp (mặc định: ngày bắt đầu năm học)")
    p.add_argument("--entry", choices=["admit", "transfer-in"], default="admit",
                   help="nhập học (admit) hoặc chuyển đến (transfer-in)")
    p.add_argument("--from-school", dest="from_school", help="trường chuyển đến từ")
    p.set_defaults(func=student_add)

    p = student.add_parser("list", help="danh sách học sinh",
                           description="Danh sách học sinh theo thứ tự tên, tính đến một ngày.")
    p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
    p.add_argument("--class", dest="klass", help="chỉ một lớp")
    p.add_argument("--search", help="tìm theo tên (không cần dấu) hoặc mã")
    p.add_argument("--as-of", dest="as_of", help="tính đến ngày (mặc định: hôm nay)")
    p.add_argument("--current", action="store_true", help="chỉ học sinh đang học")
    p.add_argument("--format", choices=LIST_FORMATS,
                   help="định dạng: table, csv, json (màn hình hoặc tệp); xlsx, ods (cần -o). "
                        "Mặc định: table, hoặc theo đuôi tệp khi có -o")
    p.add_argument("-o", "--output", metavar="TỆP",
                   help="ghi ra tệp (xlsx theo mẫu nhập lại được, ods, csv có BOM, json)")
    p.add_argument("--overwrite", action="store_true", help="ghi đè khi tệp đã có")
    p.set_defaults(func=student_list)

    p = student.add_parser("show", help="xem một học sinh",
                           description="Thông tin và lịch sử biến động của một học sinh.")
    p.add_argument("code", metavar="MÃ", help="mã học sinh hoặc mã định danh")
    p.set_defaults(func=student_show)


_OPTIONAL = {"code": "code", "national_id": "national_id", "disability": "disability",
             "village": "village", "commune": "commune", "birthplace": "birthplace",
             "guardian": "guardian", "phone": "phone", "address": "address"}


def student_add(args) -> int:
    from db import kinds, school
    from db.students import add_student
    from tui.cli import open_db

    open_db(args)
    year = school.get_year(args.year)
    klass = school.get_class(args.klass, year)
    data = {"name": args.name, "dob": args.dob, "gender": args.gender, "ethnic": args.ethnic}
    for attr, key in _OPTIONAL.items():
        value = getattr(args, attr)
        if value is not None:
            data[key] = value
    entry = kinds.FROM_CLI[args.entry]
    st = add_student(data, year, klass, entry=entry, day=args.date, from_school=args.from_school)
    print(st.code)
    return 0


LIST_FORMATS = ["table", "csv", "json", "xlsx", "ods"]

COLUMNS = [("stt", "STT"), ("ma", "Mã HS"), ("ho_ten", "Họ và tên"), ("ngay_sinh", "Ngày sinh"),
           ("gioi_tinh", "Giới tính"), ("dan_toc", "Dân tộc"), ("lop", "Lớp"),
           ("thon", "Thôn/làng"), ("trang_thai", "Trạng thái")]


def roster_dicts(rows) -> list[dict]:
    from db import codes
    from db.roster import STATUS_TEXT

    return [{"stt": i, "ma": r.code, "ho_ten": r.full_name, "ngay_sinh": r.dob,
             "gioi_tinh": "Nữ" if r.female else "Nam", "dan_toc": r.ethnic_name,
             "ma_dan_toc": r.ethnic, "khuyet_tat": codes.disability_types().get(r.disability or "", ""),
             "ma_dinh_danh": r.national_id or "", "lop": r.klass, "khoi": r.grade, "thon": r.village,
             "trang_thai": STATUS_TEXT.get(r.status, r.status), "ma_trang_thai": r.status}
            for i, r in enumerate(rows, 1)]


def student_list(args) -> int:
    from db import roster, school
    from tui.cli import open_db

    from .output import emit
    from .school import default_day

    open_db(args)
    year = school.get_year(args.year)
    klass = school.get_class(args.klass, year) if args.klass else None
    day = default_day(year, args.as_of)
    fmt = args.format
    if args.output:
        from pathlib import Path

        fmt = fmt or Path(args.output).suffix.lstrip(".").lower()
        if fmt not in LIST_FORMATS:
            raise SisoError(f"Tệp «{args.output}»: chọn --format xlsx, ods, csv, json hoặc table "
                            "(hoặc đặt đuôi tệp .xlsx, .ods, .csv, .json).", "format")
    fmt = fmt or "table"
    if fmt in ("xlsx", "ods") and not args.output:
        raise SisoError(f"Định dạng {fmt} cần tên tệp: thêm -o TỆP, ví dụ -o danh-sach.{fmt}.", "output")
    rows = roster.roster_rows(year, day, klass=klass, search=args.search,
                              include_left=not args.current)
    if not args.output:
        emit(roster_dicts(rows), COLUMNS, fmt)
        return 0
    title = (f"DANH SÁCH HỌC SINH{' LỚP ' + klass.name if klass else ''} NĂM HỌC {year.name}"
             f" (tính đến ngày {fmt_date(day)})")
    from exports.files import check_target

    from .reports import refuse_existing

    with refuse_existing():
        check_target(args.output, overwrite=args.overwrite)
        path = write_list_file(rows, args.output, fmt, title=title, overwrite=args.overwrite)
    print(f"Đã ghi {len(rows)} học sinh vào {path}")
    return 0


def write_list_file(rows, path, fmt: str, *, title: str, overwrite: bool = False):
    """Write roster rows to ``path`` atomically: xlsx and ods in the export layout the
    importer reads back (``exports.students.COLUMNS``), csv (UTF-8 with BOM, text that
    could start a formula quoted), json and table with the columns of ``siso student list``."""
    import io

    from exports.files import BOM, atomic_write, csv_safe

    from .output import _cell, emit

    if fmt == "xlsx":
        from exports.students import roster_export_rows, write_student_list

        return write_student_list(roster_export_rows(rows), path, title=title, overwrite=overwrite)
    if fmt == "ods":
        import tablib

        from exports.students import COLUMNS as EXPORT_COLUMNS
        from exports.students import _value, roster_export_rows

        ds = tablib.Dataset(title="Danh sách", headers=[label for _, label in EXPORT_COLUMNS])
        for i, row in enumerate(roster_export_rows(rows), 1):
            ds.append([_cell(_value(row, key, i)) if key not in ("stt", "grade") else _value(row, key, i)
                       for key, _ in EXPORT_COLUMNS])
        return atomic_write(path, ds.export("ods"), overwrite=overwrite)
    buf = io.StringIO()
    if fmt == "csv":
        import csv

        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow([h for _, h in COLUMNS])
        w.writerows([csv_safe(_cell(r.get(k))) for k, _ in COLUMNS] for r in roster_dicts(rows))
        data = BOM + buf.getvalue()
    else:
        emit(roster_dicts(rows), COLUMNS, fmt, out=buf)
        data = buf.getvalue()
    return atomic_write(path, data.encode("utf-8"), overwrite=overwrite)


def student_show(args) -> int:
    from db import codes, kinds
    from db.models import SchoolClass
    from db.students import get_student, history
    from tui.cli import open_db

    open_db(args)
    st = get_student(args.code)
    fields = [
        ("Mã học sinh", st.code),
        ("Họ và tên", st.full_name),
        ("Ngày sinh", fmt_date(st.dob)),
        ("Giới tính", "Nữ" if st.female else "Nam"),
        ("Dân tộc", f"{codes.ethnic_name(st.ethnic)} ({st.ethnic})"),
        ("Mã định danh", st.national_id or ""),
        ("Khuyết tật", codes.disability_types().get(st.disability or "", "")),
        ("Thôn / làng", st.village),
        ("Xã / phường", st.commune),
        ("Nơi sinh", st.birthplace),
        ("Cha mẹ / người giám hộ", st.guardian),
        ("Điện thoại", st.phone),
        ("Địa chỉ", st.address),
    ]
    width = max(len(label) for label, _ in fields)
    for label, value in fields:
        if not value:
            continue
        print(f"{label.ljust(width)}  {value}")
    events = history(st)
    print()
    print("Lịch sử biến động:" if events else "Chưa có biến động nào.")
    classes = {c.id: c.name for c in SchoolClass.select(SchoolClass.id, SchoolClass.name)
               .where(SchoolClass.id.in_({e.klass_id for e in events} | {e.from_klass_id for e in events}))}
    reasons = codes.dropout_reasons()
    for ev in events:
        parts = [fmt_date(ev.date), ev.year.name, kinds.LABELS.get(ev.kind, ev.kind)]
        if ev.from_klass_id:
            parts.append(f"lớp {classes.get(ev.from_klass_id, '?')} → {classes.get(ev.klass_id, '?')}")
        elif ev.klass_id:
            parts.append(f"lớp {classes.get(ev.klass_id, '?')}")
        if ev.semester:
            parts.append(kinds.SEMESTER_LABELS.get(ev.semester, ev.semester))
        if ev.reason:
            parts.append(f"lý do: {reasons.get(ev.reason, ev.reason)}")
        if ev.school:
            where = ", ".join(x for x in (ev.school, ev.district, ev.province) if x)
            parts.append(("từ " if ev.kind in kinds.ENTRIES else "đến ") + where)
        if ev.scope:
            parts.append(kinds.SCOPES.get(ev.scope, ev.scope))
        if ev.vocational:
            parts.append("học nghề")
        if ev.doc_no:
            parts.append(f"số {ev.doc_no}")
        if ev.note:
            parts.append(ev.note)
        line = "  " + " | ".join(parts)
        if ev.voided_at:
            line += f"  [ĐÃ HỦY {fmt_date(ev.voided_at.date())} bởi {ev.voided_by or '?'}"
            line += f": {ev.void_reason}]" if ev.void_reason else "]"
        print(line)
    return 0

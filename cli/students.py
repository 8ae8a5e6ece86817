"""CLI commands: add, edit, list and show students."""

from __future__ import annotations

import sys

from db import fields, text
from db.dates import fmt_date
from db.errors import SisoError


def register(groups):
    student = groups["student"]
    p = student.add_parser("add", help="thêm học sinh",
                           description="Thêm một học sinh vào lớp; in ra mã học sinh.")
    p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
    p.add_argument("--class", dest="klass", required=True, help="lớp, ví dụ 6A1")
    add_student_options(p)
    p.add_argument("--date", help="ngày vào lớp (mặc định: hôm nay, trong năm học)")
    p.add_argument("--future", action="store_true",
                   help="chuyển đến: ghi cả khi ngày sau hôm nay (mặc định: từ chối)")
    p.add_argument("--entry", choices=["admit", "transfer-in"], default="admit",
                   help="nhập học (admit) hoặc chuyển đến (transfer-in)")
    p.add_argument("--from-school", dest="from_school", help="trường chuyển đến từ")
    p.set_defaults(func=student_add)

    p = student.add_parser("edit", help="sửa thông tin học sinh",
                           description="Sửa thông tin một học sinh (không đổi lớp: lớp là biến động). "
                                       "Chỉ các trường được ghi mới thay đổi; ghi \"\" để xóa một trường "
                                       "không bắt buộc. Một giao dịch, ghi nhật ký trước → sau.")
    p.add_argument("student", metavar="MÃ", help="mã học sinh hoặc mã định danh")
    add_student_options(p, editing=True)
    p.set_defaults(func=student_edit)

    p = student.add_parser("list", help="danh sách học sinh",
                           description="Danh sách học sinh theo thứ tự tên, tính đến một ngày.")
    p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
    p.add_argument("--class", dest="klass", help="chỉ một lớp")
    p.add_argument("--search", help="tìm theo tên (không cần dấu) hoặc mã")
    p.add_argument("--as-of", dest="as_of", help="tính đến ngày (mặc định: hôm nay)")
    p.add_argument("--current", action="store_true", help="chỉ học sinh đang học")
    p.add_argument("--village", help="chỉ học sinh của một thôn/làng")
    p.add_argument("--commune", help="xã của thôn (khi tên thôn có ở nhiều xã)")
    p.add_argument("--flagged", action="store_true",
                   help="chỉ học sinh «cần chú ý» (nghỉ học quá 3 ngày) ngày tính")
    p.add_argument("--at-risk", dest="at_risk", action="store_true",
                   help="chỉ học sinh đang có hồ sơ nguy cơ bỏ học ngày tính")
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


def add_student_options(parser, *, new_student_note: str = "", editing: bool = False) -> None:
    """The new student's fields as options, from ``db.students.STUDENT_FIELDS`` (the same in
    ``student add``, ``student edit`` and ``event add --kind transfer-in``). With
    ``new_student_note`` or ``editing`` none is required by the parser (the command checks
    them when it adds a student; an edit changes only the fields given)."""
    from db.students import STUDENT_FIELDS

    from . import allow_empty

    for spec in STUDENT_FIELDS:
        help_text = spec.help + new_student_note
        if editing and spec.option == "--code":
            help_text = "mã học sinh mới"
        action = parser.add_argument(spec.option, dest=spec.key,
                                     required=spec.required and not new_student_note and not editing,
                                     help=help_text)
        if editing and not spec.required and spec.key != "code":
            allow_empty(action)  # «""» clears an optional field
    parser.add_argument("--new-village", dest="new_village", action="store_true",
                        help="--village là thôn mới: tạo thôn (mặc định: thôn chưa có bị từ chối, "
                             "kèm các tên gần giống)")
    if not editing:
        parser.add_argument("--accept-duplicates", action="store_true",
                            help="vẫn thêm khi đã có học sinh cùng họ tên và ngày sinh (như khi nhập)")


def student_edit(args) -> int:
    """``siso student edit MÃ --father … --village …``: the fields given, one transaction."""
    from db.students import STUDENT_FIELDS, get_student, update_student
    from cli import open_db

    open_db(args)
    st = get_student(args.student)
    data = {spec.key: getattr(args, spec.key) for spec in STUDENT_FIELDS
            if getattr(args, spec.key, None) is not None}
    if not data:
        options = ", ".join(spec.option for spec in STUDENT_FIELDS)
        raise SisoError(f"Không có gì để sửa: ghi ít nhất một trường ({options}).", fields.HOC_SINH)
    data["new_village"] = args.new_village
    before = st.code
    from db.students import EditConflict

    for attempt in range(3):  # only the fields given: another user's edit meanwhile is kept
        try:
            update_student(st, data)
            break
        except EditConflict:
            if attempt == 2:
                raise
            st = get_student(st.code)
    print(f"Đã sửa học sinh {st.full_name} ({before}" + (f" → {st.code}" if st.code != before else "") + ").")
    return 0


def student_data(args) -> tuple[dict, list[str]]:
    """The new student's fields given on the command line, and the notices to print once the
    student is saved: a field left out that has a default takes it, and the command says so
    on standard error (the default is never silent)."""
    from db.students import STUDENT_FIELDS
    from db.text import has_controls

    data, notices = {}, []
    for spec in STUDENT_FIELDS:
        value = getattr(args, spec.key, None)
        if value is not None:
            data[spec.key] = value
            if has_controls(str(value)):
                notices.append(f"{spec.label}: đã bỏ ký tự điều khiển hoặc ký tự đảo chiều chữ "
                               "(ESC, BEL, U+202E…).")
        elif spec.default is not None:
            data[spec.key] = spec.default
            notices.append(f"{spec.label}: {spec.default} (mặc định, vì không có {spec.option}).")
    if getattr(args, "new_village", False):
        data["new_village"] = True
    from db.students import duplicates_message, possible_duplicates

    same = possible_duplicates(data.get("name") or "", data.get("dob"))
    if same and not getattr(args, "accept_duplicates", False):
        raise SisoError(f"{duplicates_message(same)} Chưa ghi gì; nếu đúng là học sinh khác, thêm "
                        "--accept-duplicates.", fields.HO_TEN)
    if same:
        notices.append(f"Lưu ý: cùng họ tên và ngày sinh với {same[0].full_name} ({same[0].code}); "
                       "vẫn thêm (--accept-duplicates).")
    return data, notices


def print_notices(notices: list[str]) -> None:
    import sys

    for line in notices:
        print(line, file=sys.stderr)


def student_add(args) -> int:
    from db import kinds, school
    from db.clock import FutureDate
    from db.students import add_student, start_count_warning
    from cli import open_db
    from cli.events import future_refused

    open_db(args)
    year = school.get_year(args.year)
    klass = school.get_class(args.klass, year)
    data, notices = student_data(args)
    entry = kinds.FROM_CLI[args.entry]
    warning = start_count_warning(year, args.date) if args.date else None
    try:
        st = add_student(data, year, klass, entry=entry, day=args.date,
                         from_school=args.from_school, future=args.future)
    except FutureDate as err:
        raise future_refused(err) from None
    if warning:  # an explicit --date is taken as given
        print(f"Cảnh báo: {warning}", file=sys.stderr)
    print(st.code)
    print_notices(notices)
    return 0


LIST_FORMATS = ["table", "csv", "json", "xlsx", "ods"]

def student_list(args) -> int:
    from db import roster, school
    from cli import open_db

    from .output import emit
    from .school import as_of_option

    open_db(args)
    year = school.get_year(args.year)
    klass = school.get_class(args.klass, year) if args.klass else None
    day = as_of_option(year, args.as_of)
    fmt = args.format
    if args.output:
        from .output import output_format

        fmt = output_format(args.output, fmt)
        if fmt not in LIST_FORMATS:
            raise SisoError(f"Tệp «{args.output}»: chọn --format xlsx, ods, csv, json hoặc table "
                            "(hoặc đặt đuôi tệp .xlsx, .ods, .csv, .json).", fields.DINH_DANG)
    fmt = fmt or "table"
    if fmt in ("xlsx", "ods") and not args.output:
        raise SisoError(f"Định dạng {fmt} cần tên tệp: thêm -o TỆP, ví dụ -o danh-sach.{fmt}.", fields.TEP_RA)
    rows = roster.roster_rows(year, day, klass=klass, search=args.search,
                              include_left=not args.current)
    if args.village or args.commune:
        from db import villages
        from db.models import Student

        place = villages.get(args.village, args.commune) if args.village else None
        q = (Student.select(Student.id).where(Student.village_ref == place.id) if place
             else Student.select(Student.id).where(Student.commune == text.clean(args.commune)))
        ids = {s.id for s in q}
        rows = [r for r in rows if r.id in ids]
    if args.flagged:  # «nghỉ học quá 3 ngày» on the day (db.attendance_flag)
        from db.attendance_flag import flagged_students

        flagged = flagged_students(year, day)
        rows = [r for r in rows if r.id in flagged]
    if args.at_risk:  # an at-risk case open at the end of the day (db.risk)
        from db.risk import cases_and_visits

        open_ids, _visits = cases_and_visits(year, day, [r.id for r in rows])
        rows = [r for r in rows if r.id in open_ids]
    if not args.output:
        from db.roster import LIST_COLUMNS, list_dicts

        emit(list_dicts(rows), LIST_COLUMNS, fmt)
        return 0
    title = (f"DANH SÁCH HỌC SINH{' LỚP ' + klass.name if klass else ''} NĂM HỌC {year.name}"
             f" (tính đến ngày {fmt_date(day)})")
    from db.files import check_target
    from db.roster import roster_export_rows
    from exports.students import write_list_file

    from .reports import refuse_existing

    with refuse_existing():
        check_target(args.output, overwrite=args.overwrite)
        path = write_list_file(rows, roster_export_rows(rows), args.output, fmt, title=title,
                               overwrite=args.overwrite)
    print(f"Đã ghi {len(rows)} học sinh vào {path}")
    return 0



def student_show(args) -> int:
    from db import codes
    from db.history import history_lines
    from db.students import read_student
    from db.text import visible
    from cli import open_db

    open_db(args)
    st = read_student(args.code)
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
        ("Trưởng thôn", " – ".join(x for x in (st.village_ref.head, st.village_ref.head_phone) if x)
         if st.village_ref else ""),
        ("Nơi sinh", st.birthplace),
        ("Họ tên cha", st.father),
        ("Họ tên mẹ", st.mother),
        ("Người giám hộ", st.guardian),
        ("Số đăng bộ", str(st.so_dang_bo or "")),
        ("Điện thoại", st.phone),
        ("Địa chỉ", st.address),
    ]
    width = max(len(label) for label, _ in fields)
    for label, value in fields:
        if not value:
            continue
        print(f"{label.ljust(width)}  {visible(str(value))}")
    lines = history_lines(st)
    print()
    print("Lịch sử biến động:" if lines else "Chưa có biến động nào.")
    for line in lines:
        print(visible("  " + line.text()))
    return 0

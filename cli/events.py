"""CLI commands: the movement register (``siso event …``) and year end (``siso year outcome|rollover|undo-rollover``)."""

from __future__ import annotations

from db.clock import FutureDate
from db.errors import SisoError

from .output import add_format_option
from db import fields


def future_refused(err: FutureDate) -> SisoError:
    """A date after today, refused: the service's message and how to confirm it here."""
    return SisoError(f"{err.message} Nếu đúng là ngày đó, ghi lại với --future.", err.field)


def _year_for(args, day=None):
    """The year named by --year; else the one whose school days and summer hold ``day``
    (``db.clock.year_of``); else the current one."""
    from db import clock, school

    if getattr(args, "year", None) or day is None:
        return school.get_year(getattr(args, "year", None))
    return clock.year_of(day) or school.get_year(None)


def _event_add(args):
    from cli import open_db

    open_db(args)
    from db import kinds, movements
    from db.dates import parse_date
    from db.students import STUDENT_FIELDS, get_student

    from .students import print_notices, student_data

    kind = kinds.FROM_CLI.get(args.kind, args.kind)
    day = parse_date(args.date, "ngày", fields.NGAY)
    year = _year_for(args, day)
    given = [spec.option for spec in STUDENT_FIELDS if getattr(args, spec.key, None) is not None]
    if args.student and given:
        raise SisoError(f"{', '.join(given)}: chỉ dùng cho học sinh mới chuyển đến (không kèm "
                        "--student); thông tin của học sinh đã có không sửa ở đây.", fields.HOC_SINH)
    student = get_student(args.student) if args.student else None
    data, notices = None, []
    if student is None:
        if kind != kinds.TRANSFER_IN:
            raise SisoError("Thiếu --student (mã học sinh).", fields.HOC_SINH)
        if not args.name:
            raise SisoError("Chuyển đến: cần --student (học sinh đã có) hoặc --name, --dob, --gender "
                            "(học sinh mới).", fields.HOC_SINH)
        data, notices = student_data(args)
    try:
        ev = movements.record(kind, student, year, day, klass=args.klass, school=args.school,
                              province=args.province, district=args.district, scope=args.scope,
                              reason=args.reason, vocational=args.vocational, doc_no=args.doc,
                              note=args.note, data=data, future=args.future,
                              without_visits=args.without_visits)
    except FutureDate as err:
        raise future_refused(err) from None
    print(ev.id)
    print_notices(notices)
    return 0


def _event_void(args):
    from cli import open_db

    open_db(args)
    from db import movements

    ev = movements.void_event(args.id, args.reason)
    print(f"Đã hủy sự kiện {movements.describe(ev)}.")
    return 0


COLUMNS = [("id", "Số"), ("ngay", "Ngày"), ("ten_loai", "Biến động"), ("ma", "Mã HS"),
           ("ho_ten", "Họ và tên"), ("lop", "Lớp"), ("tu_lop", "Từ lớp"),
           ("ten_hoc_ky", "Kỳ"), ("ly_do", "Lý do"), ("truong", "Trường"),
           ("tinh", "Tỉnh"), ("xa", "Xã/huyện"), ("ten_pham_vi", "Phạm vi"),
           ("hoc_nghe", "Học nghề"), ("so_van_ban", "Số văn bản"), ("ghi_chu", "Ghi chú"),
           ("da_huy", "Đã hủy"), ("ly_do_huy", "Lý do hủy")]


def _event_list(args):
    from cli import open_db

    open_db(args)
    from db import kinds, movement_register
    from cli.output import emit

    year = _year_for(args)
    rows = movement_register.list_events(year, args.date_from, args.date_to,
                                         kind=args.kind or None, klass=args.klass,
                                         include_voided=not args.valid_only)
    out = [r.as_dict() for r in rows]
    if args.format != "json":  # the table and CSV show the semester's name
        for d in out:
            d["ten_hoc_ky"] = kinds.SEMESTER_LABELS.get(d["hoc_ky"], d["hoc_ky"])
    emit(out, COLUMNS, args.format)
    return 0


def _outcome(args):
    from cli import open_db

    open_db(args)
    from db import school, yearend
    from db.students import get_student

    year = school.get_year(args.year)
    st = get_student(args.student)
    ev = yearend.set_outcome(st, year, args.result, day=args.date, klass=args.klass,
                             future=args.future, destination=args.destination)
    print(ev.id)
    return 0


def _parse_map(items, flag: str) -> dict:
    out = {}
    for item in items or []:
        if "=" not in item:
            raise SisoError(f"{flag} «{item}» không đúng dạng: cần LỚP_CŨ=LỚP_MỚI, ví dụ 6A1=7A1.", fields.ANH_XA)
        a, b = item.split("=", 1)
        out[a.strip().upper()] = b.strip().upper()
    return out


def _rollover(args):
    from cli import open_db

    open_db(args)
    from db import rollover, rollover_plan, school

    source = school.get_year(args.source)
    options = dict(mapping=_parse_map(args.map, "--map"),
                   held_mapping=_parse_map(args.held_map, "--held-map"),
                   start=args.start, end=args.end, ref=args.ref, hk2=args.hk2,
                   pending_as=args.pending_as)
    plan = rollover_plan.rollover_preview(source, args.target, **options)
    for line in plan.summary():
        print(line)
    if not plan.ok:
        raise SisoError("Chưa chuyển năm được: " + " ".join(plan.problems), fields.CHUYEN_NAM)
    if plan.before_end and not args.before_end and not args.dry_run:
        raise SisoError(f"Chưa chuyển năm: {plan.early_warning} Nếu vẫn muốn chuyển năm bây giờ, "
                        "chạy lại với --before-end.", fields.CHUYEN_NAM)
    if args.dry_run:
        print("Chạy thử: chưa ghi gì.")
        return 0
    batch = rollover.rollover(source, args.target, before_end=args.before_end, **options)
    print(f"Đã chuyển năm (đợt số {batch.id}).")
    for line in rollover.homeroom_notes(batch):
        print(line)
    return 0


def _undo_rollover(args):
    from cli import open_db

    open_db(args)
    from db import rollover

    batch = rollover.undo_rollover(args.year_name)
    print(f"Đã hoàn tác đợt chuyển năm số {batch.id}.")
    return 0


def register(groups):
    from db import kinds
    from db.movements import RECORDABLE

    from .students import add_student_options

    ev = groups["event"]
    p = ev.add_parser("add", help="ghi một biến động (in ra số của sự kiện mới)",
                      description="Ghi một biến động của học sinh. In ra số của sự kiện mới.")
    p.add_argument("--student", help="mã học sinh (hoặc mã định danh 12 số)")
    p.add_argument("--kind", required=True, choices=[kinds.CLI_NAMES[k] for k in RECORDABLE],
                   help="loại biến động")
    p.add_argument("--date", required=True, help="ngày (dd/mm/yyyy)")
    p.add_argument("--year", help="năm học (mặc định: năm học chứa ngày đó)")
    p.add_argument("--class", dest="klass", help="lớp (chuyển đến, đi học lại, chuyển lớp)")
    p.add_argument("--school", help="trường chuyển đi / chuyển đến")
    p.add_argument("--province", help="tỉnh / thành phố")
    p.add_argument("--district", help="xã / phường / huyện")
    p.add_argument("--scope", choices=list(kinds.SCOPE_FROM_CLI), help="phạm vi chuyển")
    p.add_argument("--reason", help="mã lý do bỏ học (01 …) hoặc lý do giảm khác")
    p.add_argument("--vocational", action="store_true", help="chuyển đi học nghề")
    p.add_argument("--doc", help="số văn bản / quyết định")
    p.add_argument("--note", help="ghi chú")
    p.add_argument("--without-visits", dest="without_visits", metavar="LÝ_DO",
                   help="bỏ học khi chưa đủ 3 lần vận động: lý do (in ở cột Ghi chú của F2)")
    add_student_options(p, new_student_note=" — chuyển đến, học sinh mới")
    p.add_argument("--future", action="store_true",
                   help="ghi cả khi ngày sau hôm nay (mặc định: từ chối ngày chưa tới)")
    p.set_defaults(func=_event_add)

    p = ev.add_parser("void", help="hủy một sự kiện ghi nhầm (vẫn giữ trong lịch sử)")
    p.add_argument("id", metavar="SỐ", help="số của sự kiện (xem «siso event list»)")
    p.add_argument("--reason", required=True, help="lý do hủy")
    p.set_defaults(func=_event_void)

    p = ev.add_parser("list", help="sổ theo dõi biến động trong một khoảng thời gian")
    p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
    p.add_argument("--from", dest="date_from", help="từ ngày")
    p.add_argument("--to", dest="date_to", help="đến ngày")
    p.add_argument("--kind", action="append", choices=list(kinds.CLI_NAMES.values()),
                   help="chỉ loại này (lặp lại được)")
    p.add_argument("--class", dest="klass", help="chỉ lớp này")
    p.add_argument("--valid-only", action="store_true", help="bỏ các sự kiện đã hủy")
    add_format_option(p)
    p.set_defaults(func=_event_list)

    yr = groups["year"]
    p = yr.add_parser("outcome", help="ghi kết quả cuối năm của một học sinh")
    p.add_argument("--year", help="năm học (mặc định: năm học hiện tại)")
    p.add_argument("--class", dest="klass", help="lớp của học sinh (để kiểm tra)")
    p.add_argument("--student", required=True, help="mã học sinh")
    p.add_argument("--result", required=True, choices=["promoted", "pending", "held-back", "completed"],
                   help="lên lớp / thi lại, rèn luyện hè / lưu ban / hoàn thành chương trình")
    p.add_argument("--date", help="ngày (mặc định: ngày kết thúc năm học; khi giải quyết thi lại / "
                   "rèn luyện hè: hôm nay, trong hè)")
    p.add_argument("--future", action="store_true",
                   help="xác nhận ngày giải quyết thi lại sau hôm nay")
    p.add_argument("--destination", metavar="thpt|gdtx|nghe|lam-viec|khong-ro",
                   help="nơi học tiếp của học sinh tốt nghiệp khối cuối cùng (với --result completed): "
                   "THPT, GDTX, học nghề, đi làm, không rõ")
    p.set_defaults(func=_outcome)

    p = yr.add_parser("rollover", help="chuyển sang năm học mới (xem trước với --dry-run)")
    p.add_argument("--from", dest="source", required=True, metavar="NĂM_HỌC", help="năm học cũ, ví dụ 2024-2025")
    p.add_argument("--to", dest="target", metavar="NĂM_HỌC", help="năm học mới (mặc định: năm kế tiếp)")
    p.add_argument("--start", help="ngày bắt đầu năm học mới (khi tạo mới; mặc định 05/09)")
    p.add_argument("--end", help="ngày kết thúc năm học mới (mặc định 31/05)")
    p.add_argument("--ref", help="ngày chốt sĩ số đầu năm (mặc định: cùng ngày, tháng của năm học cũ)")
    p.add_argument("--hk2", help="ngày bắt đầu học kỳ II (mặc định: cùng ngày, tháng của năm học cũ)")
    p.add_argument("--map", nargs="*", metavar="CŨ=MỚI", help="lớp lên lớp: 6A1=7A1 …")
    p.add_argument("--held-map", nargs="*", metavar="CŨ=MỚI", help="lớp cho học sinh lưu ban: 6A1=6A1 …")
    p.add_argument("--pending-as", choices=["promoted", "held-back"],
                   help="coi học sinh còn chờ thi lại là lên lớp / lưu ban (mặc định: dừng lại)")
    p.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi")
    p.add_argument("--before-end", action="store_true",
                   help="xác nhận chuyển năm trước ngày kết thúc năm học cũ")
    p.set_defaults(func=_rollover)

    p = yr.add_parser("undo-rollover", help="hoàn tác đợt chuyển năm vào một năm học")
    p.add_argument("year_name", help="năm học mới, ví dụ 2025-2026")
    p.set_defaults(func=_undo_rollover)

"""``siso`` — the headless command line. Same services as the TUI.

Each area adds its commands in its own module (``register(groups)``); this module builds
the parser, opens the database, and turns every ``SisoError`` into one Vietnamese line
on standard error with exit code 2 (the exit codes: ``DONE`` … ``INTERRUPTED`` below); any
other error is the program's own: one Vietnamese line, the traceback in the log
(``tui.crashlog``), exit code 70.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sqlite3
import sys

from peewee import DatabaseError

from db import fields
from db.errors import SisoError

# Command groups: `siso GROUP ACTION …`
GROUPS = {
    "year": "Năm học: tạo, kết quả cuối năm, chuyển năm",
    "class": "Lớp học",
    "student": "Học sinh: thêm, danh sách, xem",
    "event": "Biến động: chuyển đến, chuyển đi, bỏ học, đi học lại, chuyển lớp",
    "report": "Báo cáo theo biểu mẫu",
    "target": "Chỉ tiêu năm học",
    "import": "Nhập danh sách từ tệp",
    "settings": "Thông tin nhà trường",
    "risk": "Hồ sơ học sinh có nguy cơ bỏ học: mở, đóng, danh sách",
    "visit": "Vận động học sinh ra lớp: ghi buổi vận động (biên bản), danh sách, hủy",
    "village": "Thôn/làng: thêm, danh sách, gộp tên trùng",
    "absence": "Điểm danh: học sinh vắng, ngày đã điểm danh",
    "holiday": "Ngày nghỉ của năm học",
    "user": "Người dùng và vai trò: thêm, đặt mật khẩu, danh sách, khóa",
}
# Modules that add commands, in cli/
MODULES = ["school", "students", "demo", "events", "reports", "imports", "backup", "risk", "villages", "attendance",
           "expected", "calendar", "users", "serve"]


class _VersionAction(argparse.Action):
    """``--version``: the version is read only when asked for."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="in phiên bản rồi thoát"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from db.version import program_version

        parser.exit(message=f"siso {program_version()}\n")


class _VietnameseUsage:
    """A help formatter whose usage line starts «Cách dùng:» (argparse writes «usage:»)."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


# argparse's own messages (Python 3.10–3.13) -> Vietnamese, applied to the message error() gets
_ERRORS = [
    (r"^argument (\S+): ", r"tham số \1: "),
    (r"the following arguments are required: (.*)", r"thiếu tham số: \1"),
    (r"unrecognized arguments: (.*)", r"tham số không nhận ra: \1"),
    (r"invalid choice: (.*?) \(choose from (.*)\)", r"lựa chọn không hợp lệ: \1 (chọn một trong: \2)"),
    (r"invalid int value: (.*)", r"cần một số nguyên, không phải \1"),
    (r"invalid float value: (.*)", r"cần một số, không phải \1"),
    (r"invalid \S+ value: (.*)", r"giá trị không hợp lệ: \1"),
    (r"expected one argument", "cần một giá trị"),
    (r"expected at least one argument", "cần ít nhất một giá trị"),
    (r"expected at most one argument", "cần nhiều nhất một giá trị"),
    (r"expected (\d+) arguments?", r"cần \1 giá trị"),
    (r"not allowed with argument (.*)", r"không dùng cùng với \1"),
    (r"one of the arguments (.*) is required", r"cần một trong các tham số \1"),
    (r"ambiguous option: (\S+) could match (.*)", r"tùy chọn \1 chưa rõ, có thể là: \2"),
    (r"ignored explicit argument (.*)", r"tùy chọn này không nhận giá trị: \1"),
    (r"can't open '(.*)': (.*)", r"không mở được «\1»: \2"),
]


def vietnamese_error(message: str) -> str:
    """An argparse error message in Vietnamese (a message not listed stays as it is)."""
    import re

    for pattern, replacement in _ERRORS:
        message = re.sub(pattern, replacement, message)
    return message


class _NoEmptyValues:
    """An option given an empty value (``--year ""``, ``-o ""``) is refused, naming it:
    argparse would take it as the option left out (the current year, no file). An option
    whose empty value means something (``student edit --guardian ""`` clears the field) is
    added with ``allow_empty(parser.add_argument(…))``."""

    def _get_values(self, action, arg_strings):
        if (action.option_strings and action.nargs is None and len(arg_strings) == 1
                and not arg_strings[0].strip() and not getattr(action, "allow_empty", False)):
            self.error(f"argument {'/'.join(action.option_strings)}: cần một giá trị, không được "
                       "để trống")
        return super()._get_values(action, arg_strings)


def allow_empty(action: argparse.Action) -> argparse.Action:
    """Mark an option whose empty value is a value (see ``_NoEmptyValues``)."""
    action.allow_empty = True
    return action


class _Parser(_NoEmptyValues, argparse.ArgumentParser):
    """argparse speaking Vietnamese: «Cách dùng:», «tham số», «tùy chọn», -h/--help, and
    its errors as one Vietnamese line (exit 2). Only this parser's text: the standard
    library is left as it is."""

    def __init__(self, *args, add_help: bool = True,
                 formatter_class: type = argparse.HelpFormatter, **kwargs) -> None:
        formatter = type(formatter_class.__name__, (_VietnameseUsage, formatter_class), {})
        super().__init__(*args, add_help=False, formatter_class=formatter, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="in trợ giúp này rồi thoát")

    def error(self, message: str):
        self.exit(2, f"Lỗi: {vietnamese_error(message)} (xem «{self.prog} --help»)\n")


# The placeholder of each option's value in --help, by the option's dest: an option without
# a metavar would show its dest («--class KLASS», «--year YEAR»); set by ``_placeholders``.
_METAVARS = {
    "klass": "LỚP", "year": "NĂM_HỌC", "db": "TỆP_CSDL", "user": "TÊN_ĐĂNG_NHẬP",
    "output": "TỆP", "file": "TỆP", "sheet": "TRANG_TÍNH",
    # days
    "as_of": "NGÀY", "date": "NGÀY", "date_from": "NGÀY", "date_to": "NGÀY", "start": "NGÀY",
    "end": "NGÀY", "ref": "NGÀY", "hk2": "NGÀY", "to": "NGÀY", "first": "NGÀY", "last": "NGÀY",
    "dob": "NGÀY_SINH", "period": "KỲ",
    # a student
    "student": "MÃ_HS", "code": "MÃ_HS", "name": "HỌ_TÊN", "gender": "GIỚI_TÍNH",
    "ethnic": "DÂN_TỘC", "national_id": "MÃ_ĐỊNH_DANH", "disability": "MÃ_KHUYẾT_TẬT",
    "birthplace": "NƠI_SINH", "address": "ĐỊA_CHỈ", "phone": "SỐ_ĐIỆN_THOẠI",
    "father": "HỌ_TÊN_CHA", "mother": "HỌ_TÊN_MẸ", "guardian": "NGƯỜI_GIÁM_HỘ",
    "village": "THÔN", "commune": "XÃ", "district": "HUYỆN", "province": "TỈNH",
    "school": "TRƯỜNG", "from_school": "TRƯỜNG", "search": "TỪ_KHÓA",
    # events, classes, villages
    "reason": "LÝ_DO", "doc": "SỐ_VĂN_BẢN", "note": "GHI_CHÚ", "grade": "KHỐI", "gvcn": "HỌ_TÊN",
    "head": "HỌ_TÊN", "head_phone": "SỐ_ĐIỆN_THOẠI", "staff": "\"HỌ TÊN, …\"",
    # risk and visits
    "cause": "MÃ_LÝ_DO", "sponsor": "HỌ_TÊN", "visit": "SỐ", "met": "NGƯỜI_GẶP",
    "found": "TÌNH_HÌNH", "commitment": "CAM_KẾT", "signed_by": "NGƯỜI_KÝ", "place": "ĐỊA_ĐIỂM",
    # targets, the cohort, the calendar, the demo, the web door
    "value": "GIÁ_TRỊ", "source": "NGUỒN", "recipient": "NƠI_NHẬN", "students": "SỐ_HỌC_SINH",
    "seed": "HẠT_GIỐNG", "host": "ĐỊA_CHỈ_MÁY", "port": "CỔNG",
}


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="tệp SQLite hoặc postgresql://… (mặc định: SISO_DB hoặc thư mục dữ liệu)")
    parser.add_argument("--lang", choices=["vi", "en"], help="ngôn ngữ giao diện")
    parser.add_argument("--user", help="người thực hiện ghi vào nhật ký (mặc định: tài khoản máy; "
                        "khi đã có người dùng, chỉ được nêu chính mình)")


def _app_only_args(argv: list[str]):
    """When the command line holds only global options (``siso``, ``siso --db X --lang en``),
    their values — so that opening the app does not import every command module. Else None."""
    if any(a in ("-h", "--help", "--version") for a in argv):
        return None
    quick = _QuietParser(prog="siso", add_help=False)
    _add_global_options(quick)
    try:
        args, rest = quick.parse_known_args(argv)
    except ValueError:  # a bad value: the full parser says what is wrong
        return None
    return None if rest else args


class _QuietParser(_NoEmptyValues, argparse.ArgumentParser):
    def error(self, message: str):
        raise ValueError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="siso", description="siso — quản lý sĩ số học sinh.")
    parser.add_argument("--version", action=_VersionAction)
    _add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)
    groups = {}
    for name, help_text in GROUPS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        groups[name] = p.add_subparsers(dest="action", metavar="VIỆC", parser_class=_Parser,
                                        required=name != "settings")
        groups[name]._parent = p  # modules may add arguments to the group itself
    groups["_root"] = sub
    for mod in MODULES:
        importlib.import_module(f"cli.{mod}").register(groups)
    _placeholders(parser)
    return parser


def _placeholders(parser: argparse.ArgumentParser) -> None:
    """Every option that takes a value and has no metavar nor choices, in every subcommand,
    shows the Vietnamese placeholder of its dest (``_METAVARS``): «--year NĂM_HỌC»."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _placeholders(sub)
        elif (action.option_strings and action.nargs != 0 and action.metavar is None
              and action.choices is None and action.dest in _METAVARS):
            action.metavar = _METAVARS[action.dest]


def open_db(args):
    from db.audit import set_user
    from db.connection import open_database

    set_user(getattr(args, "user", None))
    db = open_database(getattr(args, "db", None))
    from db.connection import state

    if state.read_only:  # a damaged file, a read-only folder: say so before any output
        from db.backup_restore import restore_hint

        print(f"Chú ý: {state.read_only} Chỉ đọc: mọi việc ghi đều bị từ chối."
              + (restore_hint() if state.damage else ""), file=sys.stderr)
    from db.users import act_in_terminal

    act_in_terminal(getattr(args, "user", None))  # who acts: the effective system account's user
    return db


# Exit status, the same for every command (README, "Mã thoát")
DONE = 0  # done
DATA_PROBLEM = 1  # the data has problems (`check`, a form that does not balance)
REFUSED = 2  # refused and nothing written (bad input, a dry run with errors, a role refused…)
INTERRUPTED = 130  # interrupted (Ctrl+C)
# 70: an error of the program itself (tui.crashlog.INTERNAL_ERROR), its traceback in the log


class Stopped(BaseException):
    """SIGTERM or SIGHUP (the terminal closed): raised so that every ``finally`` runs — a
    transaction rolls back, a temporary export file is removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _stopped_by_signals():
    import signal

    def stop(signum, _frame):
        raise Stopped(signum)

    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                previous[sig] = signal.signal(sig, stop)
            except ValueError:  # not the main thread
                pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # Vietnamese on a Windows console
        except (AttributeError, ValueError):
            pass
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser = None
    try:
        args = _app_only_args(argv)
        if args is None:
            parser = build_parser()
            args = parser.parse_args(argv)
        if getattr(args, "command", None) is None:
            from .app_door import run_app

            return run_app(args)
        if not hasattr(args, "func"):
            parser.parse_args([args.command, "--help"])
        with _stopped_by_signals():
            return int(args.func(args) or DONE)
    except SisoError as err:
        option = _option_of(parser, args, err)
        print(f"Lỗi: {err}" + (f" (tùy chọn {option})" if option else ""), file=sys.stderr)
        return REFUSED
    except (DatabaseError, sqlite3.DatabaseError) as err:  # the engine refused outside a write
        from db.audit import storage_error

        print(f"Lỗi: {storage_error(err)}", file=sys.stderr)
        return REFUSED
    except KeyboardInterrupt:
        print("Đã dừng (Ctrl+C); việc đang làm dở không được ghi.", file=sys.stderr)
        return INTERRUPTED
    except Stopped as stop:
        print("Đã dừng (tín hiệu kết thúc); việc đang làm dở không được ghi.", file=sys.stderr)
        return 128 + stop.signum
    except BrokenPipeError:
        return DONE
    except Exception as err:  # the last resort: an error of the program, never a traceback
        from tui import crashlog

        command = " ".join(filter(None, (getattr(args, "command", None),
                                         getattr(args, "action", None))))
        log = crashlog.write(err, f"siso {command}".strip())
        damage = _damage()
        if damage:  # a value the damaged file holds: that, not the program, is the cause
            print(f"Lỗi: không làm được vì {damage[0].lower()}{damage[1:]} Chưa ghi gì "
                  f"(chi tiết: {log}).", file=sys.stderr)
            return REFUSED
        print(crashlog.message(log), file=sys.stderr)
        return crashlog.INTERNAL_ERROR


# a field (db.fields) -> the ``dest`` of the options that give it, where the option's name
# is not the field's (the options speak English, the fields Vietnamese; a new student's
# fields: db.students.STUDENT_FIELDS)
OPTION_OF = {
    fields.NGUOI_DUNG: ("by",), fields.CSDL: ("db",), fields.NGAY_BAT_DAU: ("start",),
    fields.NGAY_KET_THUC: ("end",), fields.NGAY_CHOT_SI_SO: ("ref",),
    fields.NGAY_BAT_DAU_HK2: ("hk2",), fields.CACH_VAO: ("entry",),
    fields.DINH_DANG: ("format",), fields.TEP_RA: ("output",),
    fields.KHOI_PHU_TRACH: ("grades",), fields.LOAI: ("kind",), fields.ANH_XA: ("map",),
    fields.HO_TEN: ("name",), fields.VAI_TRO: ("role",), fields.HOC_SINH: ("student",),
    fields.TAI_KHOAN_HE_THONG: ("system_account",), fields.SO_HOC_SINH: ("students",),
    fields.HAT_GIONG: ("seed",), fields.NGUOI_GAP: ("met",), fields.TINH_HINH: ("found",),
    fields.CAM_KET: ("commitment",), fields.NGUOI_KY: ("signed_by",), fields.CONG: ("port",),
    fields.MAY_CHU: ("host",), fields.DIA_CHI_WEB: ("public_url",),
}


def _option_of(parser, args, err: SisoError) -> str | None:
    """The option of the command that gave the field a refusal names (``--met`` for
    ``met``, ``--name`` for ``ho_ten``), when the message does not name one already."""
    if parser is None or not err.field or "--" in err.message:
        return None
    try:
        group = parser._subparsers._group_actions[0].choices[args.command]
        command = group._subparsers._group_actions[0].choices[args.action]
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
    keys = {err.field, *OPTION_OF.get(err.field, ())}
    students = sys.modules.get("db.students")
    for spec in getattr(students, "STUDENT_FIELDS", ()):  # the form's field name -> its key
        if err.field == spec.field:
            keys.add(spec.key)
    for action in command._actions:
        if action.option_strings and action.dest in keys:
            return max(action.option_strings, key=len)
    return None


def _damage() -> str | None:
    """What the open-time check found wrong with the open database (None: nothing)."""
    connection = sys.modules.get("db.connection")
    return getattr(getattr(connection, "state", None), "damage", None)


if __name__ == "__main__":
    sys.exit(main())

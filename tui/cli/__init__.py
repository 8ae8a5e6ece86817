"""``siso`` — the headless command line. Same services as the TUI.

Each area adds its commands in its own module (``register(groups)``); this module builds
the parser, opens the database, and turns every ``SisoError`` into one Vietnamese line
on standard error with exit code 2 (the exit codes: ``DONE`` … ``INTERRUPTED`` below); any
other error is the program's own: one Vietnamese line, the traceback in the log
(``tui.crashlog``), exit code 70.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from peewee import DatabaseError

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
}
# Modules that add commands, in tui/cli/
MODULES = ["school", "students", "demo", "events", "reports", "imports", "backup"]


def _version() -> str:
    # imported here: importlib.metadata and reading the package metadata cost about 40 ms
    # of every start (the TUI's included), and only --version needs them
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("siso")
    except PackageNotFoundError:
        return "0+unknown"


class _VersionAction(argparse.Action):
    """``--version``: the version is read only when asked for."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="in phiên bản rồi thoát"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        parser.exit(message=f"siso {_version()}\n")


class _Parser(argparse.ArgumentParser):
    """argparse with its errors as one Vietnamese line."""

    def error(self, message: str):
        message = (message.replace("the following arguments are required", "thiếu tham số")
                   .replace("unrecognized arguments", "tham số không nhận ra")
                   .replace("invalid choice", "lựa chọn không hợp lệ")
                   .replace("choose from", "chọn một trong")
                   .replace("expected one argument", "cần một giá trị"))
        self.exit(2, f"Lỗi: {message} (xem «{self.prog} --help»)\n")


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="tệp SQLite hoặc postgresql://… (mặc định: SISO_DB hoặc thư mục dữ liệu)")
    parser.add_argument("--lang", choices=["vi", "en"], help="ngôn ngữ giao diện")
    parser.add_argument("--user", help="người thực hiện ghi vào nhật ký (mặc định: tài khoản máy)")


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


class _QuietParser(argparse.ArgumentParser):
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
        importlib.import_module(f"tui.cli.{mod}").register(groups)
    return parser


def open_db(args):
    from db.audit import set_user
    from db.connection import open_database

    set_user(getattr(args, "user", None))
    return open_database(getattr(args, "db", None))


# Exit status, the same for every command (README, "Mã thoát")
DONE = 0  # done
DATA_PROBLEM = 1  # the data has problems (`check`, a form that does not balance)
REFUSED = 2  # refused and nothing written (bad input, a dry run with errors, a role refused…)
INTERRUPTED = 130  # interrupted (Ctrl+C)
# 70: an error of the program itself (tui.crashlog.INTERNAL_ERROR), its traceback in the log


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # Vietnamese on a Windows console
        except (AttributeError, ValueError):
            pass
    argv = sys.argv[1:] if argv is None else list(argv)
    args = None
    try:
        args = _app_only_args(argv)
        parser = None
        if args is None:
            parser = build_parser()
            args = parser.parse_args(argv)
        if getattr(args, "command", None) is None:
            from .app_door import run_app

            return run_app(args)
        if not hasattr(args, "func"):
            parser.parse_args([args.command, "--help"])
        return int(args.func(args) or DONE)
    except SisoError as err:
        print(f"Lỗi: {err}", file=sys.stderr)
        return REFUSED
    except DatabaseError as err:  # the engine refused outside a write (e.g. a damaged file)
        from db.audit import storage_error

        print(f"Lỗi: {storage_error(err)}", file=sys.stderr)
        return REFUSED
    except KeyboardInterrupt:
        print("Đã dừng (Ctrl+C); việc đang làm dở không được ghi.", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        return DONE
    except Exception as err:  # the last resort: an error of the program, never a traceback
        from tui import crashlog

        command = " ".join(filter(None, (getattr(args, "command", None),
                                         getattr(args, "action", None))))
        print(crashlog.message(crashlog.write(err, f"siso {command}".strip())), file=sys.stderr)
        return crashlog.INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())

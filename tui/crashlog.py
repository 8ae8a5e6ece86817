"""The last resort of both doors: an error of the program itself (never one the user caused:
those are ``SisoError`` messages) is written with its full traceback to a log file in the
user's log folder, and the user sees one Vietnamese line naming that file.

No Textual here: the CLI uses it without loading the interface.
"""

from __future__ import annotations

import os
import platform
import sys
import traceback
from datetime import datetime
from pathlib import Path

from db.version import program_version

INTERNAL_ERROR = 70  # exit status of an error of the program (sysexits EX_SOFTWARE)
LOG_NAME = "errors.log"
MAX_LOG_BYTES = 1_000_000  # then the log starts afresh (the previous one kept as .1)


def log_dir() -> Path:
    """The user's log folder (Linux ``~/.local/state/siso/log``, Windows
    ``%LOCALAPPDATA%\\siso\\Logs``)."""
    from platformdirs import user_log_dir

    return Path(user_log_dir("siso", appauthor=False))


def _safe_argv(argv: list[str]) -> list[str]:
    """The command line without a database password (``postgresql://u:***@host/db``)."""
    from db.connection import shown

    return [shown(a) if "://" in a else a for a in argv]


def write(error: BaseException, where: str) -> Path | None:
    """Append ``error``'s traceback (and what was running) to the log; its path, or None
    when no log could be written (neither in the log folder nor in the temporary one)."""
    import tempfile

    entry = "".join([
        f"==== {datetime.now():%Y-%m-%d %H:%M:%S} siso {program_version()} ({where}) ====\n",
        f"python {platform.python_version()} on {platform.platform()}\n",
        f"argv: {' '.join(_safe_argv(sys.argv))}\n",
        *traceback.format_exception(type(error), error, error.__traceback__),
        "\n",
    ])
    for folder in (log_dir, lambda: Path(tempfile.gettempdir()) / f"siso-{os.getpid()}"):
        try:
            path = folder() / LOG_NAME
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
                path.replace(path.with_name(LOG_NAME + ".1"))
            with path.open("a", encoding="utf-8") as fh:
                fh.write(entry)
            return path
        except Exception:  # try the next folder
            continue
    return None


def message(path: Path | None) -> str:
    """The one line the command line prints."""
    if path is None:
        return ("Lỗi chương trình (không phải do dữ liệu nhập vào); không ghi được tệp nhật ký "
                "lỗi. Dữ liệu đã lưu trước đó không bị ảnh hưởng.")
    return (f"Lỗi chương trình (không phải do dữ liệu nhập vào): chi tiết đã ghi vào {path}; "
            "hãy gửi tệp này cho người hỗ trợ. Dữ liệu đã lưu trước đó không bị ảnh hưởng.")

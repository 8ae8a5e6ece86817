"""Writing a file so that a crash never leaves half of it: to a temporary file in the
target's folder, flushed and synced, then renamed onto the target (``atomic_path``,
``atomic_write``), after the rule for every file the program writes (``check_target``).
The forms and lists (``exports``), the backups (``db.backup``) and the .mo catalogues write
through here.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from . import fields
from .errors import SisoError, os_reason


def _new_file_mode() -> int:
    """The mode a plain ``open()`` would give a new file (0666 less the umask)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


class TargetExists(SisoError):
    """The target file exists and the caller did not allow overwriting it."""


def _read_only(path: Path) -> bool:
    """No write permission, or no write bit at all (so even an administrator is refused)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not os.access(path, os.W_OK) or not mode & 0o222


def check_target(path, *, overwrite: bool = False) -> Path:
    """The rule for every file the program writes: refuse a folder, a read-only file or a
    read-only folder (always), and an existing file unless ``overwrite`` (``TargetExists``).
    Returns the path, expanded."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise SisoError(f"«{path}» là một thư mục: cần tên tệp.", fields.TEP)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the folders that do not exist yet are created in it
    if folder.exists() and (not folder.is_dir() or _read_only(folder)):
        raise SisoError(f"Thư mục «{folder}» chỉ đọc: không ghi được tệp vào đó. Chọn thư mục khác.", fields.TEP)
    if path.exists():
        if _read_only(path):
            raise SisoError(f"Tệp «{path}» chỉ đọc: không ghi đè được. Chọn tên tệp khác.", fields.TEP)
        if not overwrite:
            raise TargetExists(f"Tệp «{path}» đã có; không ghi đè.", fields.TEP)
    return path


@contextmanager
def atomic_path(path, *, overwrite: bool = False, mode: int | None = None):
    """Yield a temporary path in the target's folder; on success sync it and move it onto
    ``path`` with the permission bits ``mode`` (default: the usual ones, as a plain ``open()``
    gives); on any error remove it. ``check_target`` first; without ``overwrite`` the move
    itself refuses a file that appeared meanwhile."""
    path = check_target(path, overwrite=overwrite)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise SisoError(f"Không tạo được tệp trong thư mục «{path.parent}»: {os_reason(exc)}.", fields.TEP) from None
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _new_file_mode() if mode is None else mode)
        if overwrite:
            os.replace(tmp, path)
        else:
            _move_no_clobber(tmp, path)
    except TargetExists:
        raise
    except FileExistsError:
        raise TargetExists(f"Tệp «{path}» đã có; không ghi đè.", fields.TEP) from None
    except OSError as exc:
        import errno

        why = ("ổ đĩa đã đầy (giải phóng chỗ trống rồi thử lại)" if exc.errno in (errno.ENOSPC, errno.EDQUOT)
               else os_reason(exc))
        raise SisoError(f"Không ghi được tệp «{path}»: {why}; không để lại tệp dở dang.", fields.TEP) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _move_no_clobber(tmp: str, path: Path) -> None:
    """Move ``tmp`` to ``path``, failing with FileExistsError if ``path`` exists: a hard link
    (atomic) where the file system has them, else a check and a rename."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def atomic_write(path, data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename;
    an existing ``path`` only with ``overwrite`` (``check_target``)."""
    with atomic_path(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(data)
    return Path(path).expanduser()

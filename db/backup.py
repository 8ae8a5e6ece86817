"""Making a backup: one checked copy of a SQLite database file.

Every copy is made with SQLite's online backup API (a consistent snapshot while others keep
writing), written to a hidden temporary file, checked, then given its name; it keeps the
database file's mode and group. ``make_backup`` puts it in the database's ``backups/``
folder (``db.backup_copies``) and then drops the copies rotation no longer keeps
(``db.backup_rotation``); ``manual_backup`` is ``siso backup`` and the settings screen's
copy, which also passes ``siso check`` (``db.backup_check.verify``).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from . import clock, fields
from .backup_check import verify
from .backup_copies import MANUAL, folder_for, stem_of
from .backup_rotation import prune
from .errors import SisoError, os_reason
from .files import atomic_path


def _keep_owner(src: Path, dest: Path) -> None:
    """Give ``dest`` the mode and group of ``src`` (a group that shares the database shares
    its backups; a private database keeps private backups)."""
    st = os.stat(src)
    os.chmod(dest, stat.S_IMODE(st.st_mode))
    try:
        os.chown(dest, -1, st.st_gid)
    except OSError:  # not a member of that group: the mode still applies
        pass


def make_folder(db_path: Path) -> Path:
    folder = folder_for(db_path)
    if not folder.is_dir():
        parent = os.stat(folder.parent)
        try:
            folder.mkdir(exist_ok=True)
            os.chmod(folder, stat.S_IMODE(parent.st_mode))
            try:
                os.chown(folder, -1, parent.st_gid)
            except OSError:
                pass
        except OSError as exc:
            raise SisoError(f"Không tạo được thư mục sao lưu «{folder}»: {os_reason(exc)}.",
                            fields.BAN_SAO) from None
    return folder


def copy_into(src: Path, tmp: Path, name: str, *, check: str = "integrity_check") -> None:
    """Copy the SQLite database ``src`` into the empty file ``tmp`` with the online backup API
    (one file: journal mode DELETE), refused unless it passes ``PRAGMA <check>``; it gets the
    mode and group of ``src``. ``name``: the copy's name in the refusal."""
    source = sqlite3.connect(str(src), timeout=10)
    try:
        out = sqlite3.connect(str(tmp))
        try:
            source.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")
            result = [row[0] for row in out.execute(f"PRAGMA {check}")]
        finally:
            out.close()
    finally:
        source.close()
    if result != ["ok"]:
        raise SisoError(f"Bản sao «{name}» không qua được kiểm tra của SQLite "
                        f"({'; '.join(result[:3])}): đã xóa bản sao.", fields.BAN_SAO)
    _keep_owner(src, tmp)


def copy_file(src: Path, dest: Path, *, check: str = "integrity_check") -> Path:
    """Copy the SQLite database ``src`` into the new file ``dest`` (refused when it exists)
    with the online backup API; ``dest`` passes ``PRAGMA <check>`` before it gets its name
    (else nothing is left behind). The copy is a single file (journal mode DELETE)."""
    src, dest = Path(src), Path(dest)
    reserved = False
    try:
        mode = stat.S_IMODE(os.stat(src).st_mode)
        # reserve the name: never overwrite a file, and two writers never share a name
        os.close(os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        reserved = True
        # written, checked and synced beside it, then renamed onto the reserved name
        with atomic_path(dest, overwrite=True, mode=mode) as tmp:
            copy_into(src, tmp, dest.name, check=check)
        reserved = False
        return dest
    except FileExistsError:
        raise SisoError(f"Tệp «{dest}» đã có: chọn tên khác (siso không ghi đè lên tệp có sẵn).",
                        fields.BAN_SAO) from None
    except sqlite3.Error as exc:
        raise SisoError(f"Không sao lưu được «{src.name}»: {exc}.", fields.BAN_SAO) from None
    except OSError as exc:
        if not dest.parent.is_dir():
            raise SisoError(f"Không ghi được bản sao «{dest}»: thư mục «{dest.parent}» không có "
                            "(tạo thư mục trước, hoặc chọn thư mục khác).", fields.BAN_SAO) from None
        raise SisoError(f"Không ghi được bản sao «{dest}»: {os_reason(exc)}.",
                        fields.BAN_SAO) from None
    finally:
        if reserved:
            try:
                dest.unlink()
            except OSError:
                pass


def make_backup(db_path: Path, reason: str, *, full_check: bool = False) -> Path:
    """Copy ``db_path`` into its ``backups/`` folder (reason ``daily``, ``manual``,
    ``import``…), then drop the old copies of that reason. ``full_check``: the copy also
    passes ``siso check`` (else it is removed and SisoError is raised)."""
    db_path = Path(db_path)
    folder = make_folder(db_path)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    base = f"{stem_of(db_path)}-{stamp}-{reason}"
    for n in range(1, 100):
        dest = folder / (f"{base}.sqlite3" if n == 1 else f"{base}-{n}.sqlite3")
        if dest.exists():
            continue
        try:
            copy_file(db_path, dest, check="integrity_check" if full_check else "quick_check")
            break
        except SisoError:
            if dest.exists():  # another writer took the name in between: the next one
                continue
            raise
    else:
        raise SisoError(f"Không đặt được tên cho bản sao trong «{folder}».", fields.BAN_SAO)
    if full_check:
        verify(dest)
    prune(db_path)
    return dest


def manual_backup(db_path: Path, output: Path | None = None) -> Path:
    """A copy the user asked for (``siso backup``, the settings screen): into ``output``, or
    the backups folder; checked before it is reported. The clerk and the principal only."""
    from . import users

    users.require_admin("sao lưu dữ liệu")
    if output is None:
        return make_backup(db_path, MANUAL, full_check=True)
    copy_file(db_path, output, check="integrity_check")
    verify(output)
    return output

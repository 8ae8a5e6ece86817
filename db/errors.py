"""The one error type users see: a Vietnamese sentence naming the field and what is expected."""


class SisoError(Exception):
    """A refused action. ``str(err)`` is a complete Vietnamese message for the user.

    ``field`` names the input at fault, for forms that put the message beside it (the
    widget ``prefix + field``) and the CLI that names the option: one of the constants of
    :mod:`db.fields` (``fields.LOP``), never a literal (tests/test_fields.py), or None.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class DamagedDatabase(SisoError):
    """The database file cannot be read: damaged, or not a database (``siso check`` exits 1)."""


MAX_ID = 2 ** 63 - 1  # the largest integer key SQLite and PostgreSQL (bigint) store


def parse_id(value, what: str, field: str | None = None, hint: str = "") -> int:
    """The number of a record as the user typed it (an event, an import batch …): a whole
    number from 1 to ``MAX_ID``. Anything else is a :class:`SisoError` naming ``what`` (for
    example «sự kiện»), for ``field`` (a :mod:`db.fields` constant); a number out of range
    is simply not there."""
    raw = str(value).strip() if value is not None else ""
    try:
        number = int(raw)
    except ValueError:
        raise SisoError(f"Số {what} «{raw}» không hợp lệ: cần một số nguyên dương{hint}.",
                        field) from None
    if not 1 <= number <= MAX_ID:
        raise SisoError(f"Không có {what} số {raw}{hint}.", field)
    return number


def collect(*checks) -> list[tuple[str | None, str]]:
    """Run every check (a callable that raises SisoError when it refuses) and return the
    ``(field, message)`` of each refusal, in order: a form reports all its problems at once
    instead of one per save."""
    errors: list[tuple[str | None, str]] = []
    for check in checks:
        try:
            check()
        except SisoError as err:
            errors.append((err.field, err.message))
    return errors


def os_reason(exc: OSError) -> str:
    """Why the system refused a file operation, in Vietnamese (``strerror`` is English)."""
    import errno

    reasons = {
        errno.ENOENT: "không có tệp hay thư mục này",
        errno.EACCES: "không có quyền",
        errno.EPERM: "không được phép",
        errno.ENOSPC: "ổ đĩa đã đầy (giải phóng chỗ trống rồi thử lại)",
        errno.EDQUOT: "đã hết hạn mức dung lượng của tài khoản",
        errno.EROFS: "ổ đĩa chỉ cho đọc",
        errno.EISDIR: "đó là một thư mục",
        errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
        errno.EEXIST: "đã có",
        errno.ENAMETOOLONG: "tên quá dài",
        errno.EIO: "lỗi đọc/ghi của ổ đĩa",
        errno.EXDEV: "khác ổ đĩa",
        errno.EBUSY: "đang được dùng",
    }
    if exc.errno in reasons:
        return reasons[exc.errno]
    return f"lỗi hệ thống số {exc.errno}" if exc.errno else "lỗi hệ thống"

"""One user action = one transaction, with its audit record written inside it."""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from datetime import date, datetime

from peewee import DatabaseError, OperationalError, SqliteDatabase

from .errors import SisoError

from .models import Audit, database
from . import fields

_acting_user: str | None = None


def current_user() -> str:
    """The acting user: set explicitly, else the process's effective system account."""
    if _acting_user:
        return _acting_user
    from .users import system_account

    return system_account()


def set_user(name: str | None) -> None:
    global _acting_user
    _acting_user = name


def _default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


# The audit line's keys, in the vocabulary of the JSON output (the ``db.fields`` name where
# one exists): the writes across db/ note what they did with the names of their parameters
# and models (``case=``, ``date=``, a student's ``dob`` …), and the line stores each under
# its Vietnamese key, at every depth. Lines written before keep their keys (``audit_log``
# reads both). A key already Vietnamese (``ho_ten``, ``lop`` …) is kept as it is.
KEYS = {
    "before": "truoc", "after": "sau", "id": "id",
    # who, when, which
    "user": "nguoi_dung", "login": fields.TEN_DANG_NHAP, "role": fields.VAI_TRO,
    "system_account": fields.TAI_KHOAN_HE_THONG, "password_hash": "mat_khau_bam",
    "locked_until": "khoa_den", "recorded_by": "nguoi_ghi", "created_by": "nguoi_tao",
    "created_at": "luc_tao", "voided_by": "nguoi_huy", "voided_at": "luc_huy",
    "void_reason": fields.LY_DO_HUY, "version": "phien_ban", "today": "hom_nay",
    # the school year, classes, dates
    "year": fields.NAM_HOC, "year_removed": "xoa_nam_hoc", "klass": fields.LOP,
    "from_klass": "tu_lop", "classes": "cac_lop", "class_names": "ten_lop",
    "classes_removed": "lop_da_xoa", "grade": fields.KHOI, "grades": fields.KHOI_PHU_TRACH,
    "level": fields.CAP_HOC, "homeroom": fields.GVCN, "homerooms": "gvcn_chuyen",
    "homerooms_left": "gvcn_con_lai", "date": fields.NGAY, "day": fields.NGAY,
    "start": fields.TU_NGAY, "end": fields.DEN_NGAY, "ref": fields.NGAY_CHOT_SI_SO,
    "ref_date": fields.NGAY_CHOT_SI_SO, "days": "so_ngay", "semester": "hoc_ky",
    "period": fields.KY, "name": fields.TEN,
    # students and events
    "student": fields.HOC_SINH, "students": fields.SO_HOC_SINH, "new_student": "hoc_sinh_moi",
    "code": fields.MA, "codes": "cac_ma", "national_id": fields.MA_DINH_DANH, "family": "ho",
    "middle": "ten_dem", "given": "ten_rieng", "female": "nu", "dob": fields.NGAY_SINH,
    "ethnic": fields.DAN_TOC, "disability": fields.KHUYET_TAT, "birthplace": fields.NOI_SINH,
    "guardian": fields.NGUOI_GIAM_HO, "father": fields.HO_TEN_CHA, "mother": fields.HO_TEN_ME,
    "phone": fields.DIEN_THOAI, "address": fields.DIA_CHI, "entry": fields.CACH_VAO,
    "event": "su_kien", "events": "su_kien", "kind": fields.LOAI, "reason": fields.LY_DO,
    "school": fields.TRUONG, "from_school": fields.TRUONG, "province": fields.TINH,
    "district": "huyen", "commune": fields.XA, "scope": fields.PHAM_VI,
    "vocational": fields.HOC_NGHE, "doc_no": fields.SO_VAN_BAN, "note": fields.GHI_CHU,
    "without_visits": fields.KHONG_VAN_DONG, "destination": fields.NOI_HOC_TIEP,
    "future": "ngay_sau_hom_nay", "outcomes": "ket_qua_cuoi_nam", "promoted": "len_lop",
    "held_back": "luu_ban", "completers": "hoan_thanh", "failed": "thi_lai",
    # villages
    "village": fields.THON, "village_ref": "ma_thon", "head": fields.TRUONG_THON,
    "head_phone": fields.DIEN_THOAI_TRUONG_THON, "staff": fields.CAN_BO,
    # attendance, risk, visits
    "session": fields.BUOI, "excused": "co_phep", "ids": "cac_id", "absences": "nghi_hoc",
    "case": "ho_so", "risk_cases": "ho_so_nguy_co", "causes": fields.NGUYEN_NHAN,
    "sponsor": fields.DO_DAU, "opened": "ngay_mo", "closed": "ngay_dong",
    "result": fields.KET_QUA, "visit": "buoi_van_dong", "visits": "buoi_van_dong",
    "number": "lan",
    # imports, targets, calendar, files, the demo
    "batch": fields.LAN_NHAP, "count": "so_luong", "duplicates": "trung", "hints": "goi_y",
    "sheet": "trang_tinh", "source": fields.NGUON, "expected": "tre_du_kien",
    "value": fields.GIA_TRI, "op": fields.SO_SANH, "op_before": "so_sanh_truoc",
    "form": fields.BIEU_MAU, "sent_on": "ngay_gui", "recipient": fields.NOI_NHAN,
    "filename": "ten_tep", "file": fields.TEP, "size": "kich_thuoc", "replaces": "thay_cho",
    "submissions": "lan_gui", "mark": "danh_dau", "seed": fields.HAT_GIONG,
}


def vietnamese_keys(value):
    """``value`` with every dict key in it renamed by ``KEYS`` (at every depth); a key whose
    new name is already in the same dict keeps its old name (nothing is lost)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            new = KEYS.get(k, k) if isinstance(k, str) else k
            out[k if new in out or (new != k and new in value) else new] = vietnamese_keys(v)
        return out
    if isinstance(value, (list, tuple)):
        return [vietnamese_keys(v) for v in value]
    return value


@contextmanager
def write(action: str, target: str = "", **detail):
    """Open a write transaction (IMMEDIATE on SQLite) and record the audit line in it.

    The body may add to ``detail`` through the yielded dict (e.g. the new id, before/after).
    """
    db = database.obj
    if not db.in_transaction():
        from .connection import refuse_write

        refuse_write()  # a damaged file or a read-only folder: nothing is written
        from . import backup_daily  # imported at the first write, not at start-up

        backup_daily.before_write(action)  # the day's copy; a copy before an import or rollover
    ctx = db.atomic("IMMEDIATE") if isinstance(db, SqliteDatabase) else db.atomic()
    try:
        with ctx:
            info = dict(detail)
            yield info
            Audit.create(
                user=current_user(),
                action=action,
                target=str(info.pop("_target", target)),
                detail=json.dumps(vietnamese_keys(info), ensure_ascii=False, default=_default),
            )
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        if isinstance(exc, (OperationalError, sqlite3.OperationalError)) or storage_case(exc):
            raise storage_error(exc) from None
        raise


# SQLite's primary result codes (the low byte of an extended code) and what they mean to the
# user; Python 3.11+ gives the code on the exception, earlier versions only SQLite's message.
_SQLITE_CODES = {5: "busy", 6: "busy", 8: "readonly", 10: "ioerr", 11: "corrupt", 13: "full",
                 14: "cantopen", 26: "notadb"}
_SQLITE_TEXTS = [  # (SQLite's own message, the case) — the fallback when there is no code
    ("database disk image is malformed", "corrupt"), ("file is not a database", "notadb"),
    ("file is encrypted", "notadb"), ("database or disk is full", "full"),
    ("disk i/o error", "ioerr"), ("readonly database", "readonly"),
    ("database is locked", "busy"), ("database table is locked", "busy"),
    ("unable to open database", "cantopen"), ("could not decode to utf-8", "corrupt"),
]
STORAGE_MESSAGES = {
    "busy": "Cơ sở dữ liệu đang bận: người khác đang ghi. Chưa ghi gì; hãy thử lại sau ít phút.",
    "readonly": "Không ghi được: cơ sở dữ liệu chỉ cho đọc (kiểm tra quyền ghi của tệp và thư "
                "mục chứa nó). Chưa ghi gì.",
    "full": "Không ghi được: ổ đĩa (hoặc giới hạn dung lượng của cơ sở dữ liệu) đã đầy. Chưa ghi "
            "gì; giải phóng chỗ trống rồi thử lại.",
    "ioerr": "Lỗi đọc/ghi ổ đĩa (ổ đĩa đầy, bị rút ra hoặc hỏng). Chưa ghi gì; kiểm tra ổ đĩa rồi "
             "thử lại.",
    "corrupt": "Tệp cơ sở dữ liệu bị hỏng. Chưa ghi gì; chạy «siso check» để xem chỗ hỏng và "
               "«siso restore» để khôi phục từ bản sao lưu.",
    "notadb": "Tệp này không phải cơ sở dữ liệu SQLite (hoặc phần đầu tệp đã hỏng). Chưa ghi gì; "
              "khôi phục bằng «siso restore» từ bản sao lưu.",
    "cantopen": "Không mở được tệp cơ sở dữ liệu (kiểm tra đường dẫn và quyền của thư mục). "
                "Chưa ghi gì.",
}


def storage_case(exc: BaseException) -> str | None:
    """Which of ``STORAGE_MESSAGES`` an engine error is (peewee's wrapper or sqlite3's own):
    by SQLite's result code, else by its message; None for anything else."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in _SQLITE_CODES:
            return _SQLITE_CODES[code & 0xFF]
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        exc = inner or exc.__cause__ or exc.__context__
    return None


def storage_error(exc: Exception) -> SisoError:
    """A Vietnamese message for what the database engine refused (locked, read-only, full,
    damaged …), chosen by SQLite's result code, not by the words of its English message."""
    case = storage_case(exc)
    if case is None:
        msg = str(exc).lower()
        case = next((c for text, c in _SQLITE_TEXTS if text in msg), None)
        if case is None and ("locked" in msg or "busy" in msg):
            case = "busy"
    if case is not None:
        return SisoError(STORAGE_MESSAGES[case], fields.CSDL)
    return SisoError(f"Cơ sở dữ liệu từ chối việc ghi ({exc}). Chưa ghi gì.", fields.CSDL)

"""Reading the audit log: who did what and when, before → after (``siso audit``, the TUI's
audit screen). The clerk and the principal read the whole log; everyone else their own lines.

Exports of personal data to files are audited too (:func:`note_export`): who exported which
form, when, to which file name. On a database open read-only that line goes to the log file
(``exports.log`` in the user's log folder: :func:`export_log_path`)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from . import audit, fields, users
from .errors import SisoError
from .models import Audit

KEYS = ("luc", "nguoi", "viec", "doi_tuong", "truoc", "sau")


def export_log_path() -> Path:
    """Where exports made from a read-only database are noted (Linux
    ``~/.local/state/siso/log/exports.log``)."""
    from platformdirs import user_log_dir

    return Path(user_log_dir("siso", appauthor=False)) / "exports.log"


def readable_by(by: str | None) -> str | None:
    """The ``by`` filter the acting person may use: anyone for the clerk and the principal;
    only themselves for everyone else (their own lines when they name no one)."""
    actor = users.current_actor()
    if actor.has(*users.ADMINS):
        return by or None
    if by and by.strip().lower() != actor.login:
        raise SisoError(f"Vai trò {actor.roles_label} ({actor.login}) chỉ được xem nhật ký của chính "
                        "mình: chỉ văn thư, hiệu trưởng xem được nhật ký của người khác.", fields.NGUOI_DUNG)
    return actor.login


def lines(start: date | None = None, end: date | None = None, by: str | None = None,
          action: str | None = None, student: str | None = None, limit: int | None = None) -> list[dict]:
    """The audit lines, newest first, as dicts with ``KEYS``: luc (ISO time), nguoi, viec,
    doi_tuong, truoc, sau (the record before and after, when the write kept them; the rest of
    what it noted is in ``sau``)."""
    if start and end and start > end:
        raise SisoError("Ngày bắt đầu (--from) sau ngày kết thúc (--to).", fields.TU_NGAY)
    by = readable_by(by)
    q = Audit.select().order_by(Audit.at.desc(), Audit.id.desc())
    if start:
        q = q.where(Audit.at >= datetime.combine(start, time.min))
    if end:
        q = q.where(Audit.at < datetime.combine(end + timedelta(days=1), time.min))
    if by:
        q = q.where(Audit.user == by.strip().lower())
    if action:
        action = action.strip()
        q = q.where((Audit.action == action) | Audit.action.startswith(action + "."))
    if student:
        code = student.strip()
        q = q.where((Audit.target == f"student:{code}")
                    | Audit.detail.contains(json.dumps({fields.HOC_SINH: code}, ensure_ascii=False)[1:-1])
                    | Audit.detail.contains(json.dumps({"student": code}, ensure_ascii=False)[1:-1]))  # older lines
    if limit:
        q = q.limit(limit)
    return [as_dict(a) for a in q]


def as_dict(a: Audit) -> dict:
    try:
        detail = json.loads(a.detail) if a.detail else {}
    except ValueError:
        detail = {"ghi_chu": a.detail}
    if not isinstance(detail, dict):
        detail = {"ghi_chu": detail}
    before = detail.pop("truoc", detail.pop("before", None))  # older lines: before/after
    after = detail.pop("sau", detail.pop("after", None))
    if detail:
        after = {**after, **detail} if isinstance(after, dict) else ({"gia_tri": after, **detail}
                                                                    if after is not None else detail)
    at = a.at if isinstance(a.at, datetime) else datetime.fromisoformat(str(a.at))
    return {"luc": at.isoformat(timespec="seconds"), "nguoi": a.user, "viec": a.action,
            "doi_tuong": a.target, "truoc": before, "sau": after}


def note_export(form: str, path, rows: int | None = None) -> None:
    """Record that the acting person exported ``form`` (a list, a form, F8, minutes) to the
    file ``path``: an audit line; on a read-only database, a line of the log instead."""
    from .connection import state
    from .models import database

    if database.obj is None:  # no database open (a library caller): nothing to note it in
        return
    name = Path(str(path)).name
    detail = {"bieu_mau": form, "tep": name}
    if rows is not None:
        detail["so_dong"] = rows
    if not state.read_only:
        try:
            with audit.write("export", f"file:{name}", **detail):
                return
        except SisoError:
            pass  # refused (read-only after all): the log keeps it
    line = {"luc": datetime.now().isoformat(timespec="seconds"), "nguoi": audit.current_user(),
            "viec": "export", "doi_tuong": f"file:{name}", "truoc": None, "sau": detail}
    try:
        path = export_log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    except OSError:
        pass  # no log folder: the export itself is not refused for it

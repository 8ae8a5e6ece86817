"""The reporting calendar: when each form is due, and a record of every form sent.

A school year has its deadlines (``Deadline``): a form, a period and the days it may be sent,
``start`` … ``end`` (inclusive). Each new year gets the defaults of the seeds, each editable:

- the monthly class-size report F1 ``si-so``, from the 15th to the 25th of every month from
  September to May (period ``YYYY-MM``);
- the targets ``chi-tieu`` by 20/9 (from 01/9; period ``CN``);
- the universal-education data ``pcgd-nhap`` 05/9–30/9 and its check ``pcgd-kiem-tra``
  01/10–20/10 (period ``CN``).

A submission (``Submission``) keeps the exact file sent, in the database (so PostgreSQL holds
it too), with its SHA-256. Sending the same form for the same period again keeps both, and
the later one ``replaces`` the one before.

A deadline's state on a day (``today``, default :func:`db.clock.today`):

- ``da_gui`` — sent on or before its end (the first submission counts);
- ``gui_muon`` — first sent after its end;
- ``chua_den`` — not sent, before its start;
- ``den_han`` — not sent, from its start to its end;
- ``qua_han`` — not sent, after its end.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from pathlib import Path

from . import audit, clock, fields, text
from .dates import fmt_date, parse_date
from .errors import SisoError
from .models import Deadline, SchoolYear, Submission
from .school import parse_year_name

# the forms a deadline or a submission may name, beyond the report forms of db.reports.FORMS
EXTRA_FORMS = {
    "nam-sinh": "DANH SÁCH HỌC SINH THEO NĂM SINH VÀ ĐỊA BÀN",
    "huy-dong": "HUY ĐỘNG TRẺ RA LỚP",
    "bien-ban": "BIÊN BẢN VẬN ĐỘNG HỌC SINH RA LỚP",
    "pcgd-nhap": "NHẬP SỐ LIỆU PHỔ CẬP GIÁO DỤC",
    "pcgd-kiem-tra": "KIỂM TRA SỐ LIỆU PHỔ CẬP GIÁO DỤC",
}
STATES = {
    "chua_den": "Chưa đến hạn",
    "den_han": "Đang đến hạn",
    "qua_han": "Quá hạn",
    "da_gui": "Đã gửi",
    "gui_muon": "Gửi muộn",
}
SEMESTERS = {"HK1": "Học kỳ I", "HK2": "Học kỳ II", "CN": "Cả năm"}
MAX_FILE_BYTES = 50 * 1024 * 1024  # a form's file; the largest (F8 of 60,000 students) is far less
SOON_DAYS = 7  # "due in the next 7 days"

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def forms() -> dict[str, str]:
    """Every form code a deadline or a submission may name, with its title."""
    from .reports import FORMS

    return {**FORMS, **{k: v for k, v in EXTRA_FORMS.items() if k not in FORMS}}


def check_form(form) -> str:
    code = text.clean(str(form or "")).lower()
    if code not in forms():
        raise SisoError(f"Biểu mẫu «{form}» không có: cần một trong {', '.join(forms())}.",
                        fields.BIEU_MAU)
    return code


def _months(year: SchoolYear) -> tuple[tuple[int, int], tuple[int, int]]:
    """The first and last (year, month) a monthly period of ``year`` may name: the month the
    year starts to the month its summer ends."""
    from .events import summer_end

    last = summer_end(year)
    return (year.start.year, year.start.month), (last.year, last.month)


def check_period(period, year: SchoolYear | None = None) -> str:
    """``YYYY-MM`` (a month, within ``year`` when given), ``HK1``, ``HK2`` or ``CN``."""
    value = text.clean(str(period or "")).upper()
    if value in SEMESTERS:
        return value
    m = _MONTH.match(value)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise SisoError(f"Kỳ báo cáo «{period}» không hợp lệ: cần YYYY-MM cho một tháng (ví dụ "
                        "2024-10), HK1, HK2 hoặc CN (cả năm).", fields.KY)
    month = (int(m.group(1)), int(m.group(2)))
    if year is not None:
        first, last = _months(year)
        if not first <= month <= last:
            raise SisoError(f"Tháng {month[1]:02d}/{month[0]} không thuộc năm học {year.name} "
                            f"(từ {first[1]:02d}/{first[0]} đến {last[1]:02d}/{last[0]}).", fields.KY)
    return f"{month[0]}-{month[1]:02d}"


def period_label(period: str) -> str:
    if period in SEMESTERS:
        return SEMESTERS[period]
    y, m = period.split("-")
    return f"Tháng {int(m)}/{y}"


# ---- deadlines ------------------------------------------------------------------------------

def default_deadlines(year: SchoolYear) -> list[dict]:
    """The seeds' deadlines for ``year``: F1 monthly 15–25 September to May, targets by 20/9,
    PCGD data 05/9–30/9 and its check 01/10–20/10."""
    first = parse_year_name(year.name)[0]
    rows = []
    for i in range(9):  # September … May
        y, m = (first, 9 + i) if i < 4 else (first + 1, i - 3)
        rows.append(dict(form="si-so", period=f"{y}-{m:02d}", start=date(y, m, 15), end=date(y, m, 25)))
    rows.append(dict(form="chi-tieu", period="CN", start=date(first, 9, 1), end=date(first, 9, 20)))
    rows.append(dict(form="pcgd-nhap", period="CN", start=date(first, 9, 5), end=date(first, 9, 30)))
    rows.append(dict(form="pcgd-kiem-tra", period="CN", start=date(first, 10, 1), end=date(first, 10, 20)))
    return rows


def add_defaults(year: SchoolYear) -> int:
    """Give ``year`` the default deadlines it does not have yet (inside the caller's
    transaction: the year's creation, the migration). Returns how many were added."""
    have = set(Deadline.select(Deadline.form, Deadline.period).where(Deadline.year == year.id).tuples())
    rows = [dict(r, year=year.id) for r in default_deadlines(year) if (r["form"], r["period"]) not in have]
    if rows:
        Deadline.insert_many(rows).execute()
    return len(rows)


def _check_days(start, end) -> tuple[date, date]:
    start = parse_date(start, "ngày bắt đầu hạn nộp", fields.TU_NGAY)
    end = parse_date(end, "ngày kết thúc hạn nộp", fields.DEN_NGAY)
    if end < start:
        raise SisoError(f"Ngày kết thúc hạn nộp {fmt_date(end)} trước ngày bắt đầu {fmt_date(start)}: "
                        "hạn cuối cần cùng ngày hoặc sau ngày bắt đầu.", fields.DEN_NGAY)
    return start, end


def _find(year: SchoolYear, form: str, period) -> Deadline:
    """The deadline of ``form`` for ``period`` in ``year``; with no period, the form's only
    deadline of the year."""
    rows = list(Deadline.select().where((Deadline.year == year.id) & (Deadline.form == form)))
    if period not in (None, ""):
        period = check_period(period, year)
        rows = [d for d in rows if d.period == period]
        if not rows:
            raise SisoError(f"Năm học {year.name} chưa có hạn nộp {form} kỳ {period}: "
                            "thêm bằng «siso deadline add».", fields.KY)
        return rows[0]
    if not rows:
        raise SisoError(f"Năm học {year.name} chưa có hạn nộp {form}: thêm bằng «siso deadline add».",
                        fields.BIEU_MAU)
    if len(rows) > 1:
        raise SisoError(f"Biểu {form} có {len(rows)} hạn nộp trong năm học {year.name}: cần --period, "
                        f"một trong {', '.join(sorted(d.period for d in rows))}.", fields.KY)
    return rows[0]


def add_deadline(year: SchoolYear, form, start, end, period=None) -> Deadline:
    """A new deadline (period default ``CN``); refused when the form already has one for it.
    The clerk and the principal only."""
    from . import users

    users.require_admin('thêm hạn nộp báo cáo')
    form = check_form(form)
    period = check_period(period or "CN", year)
    start, end = _check_days(start, end)
    if Deadline.get_or_none((Deadline.year == year.id) & (Deadline.form == form)
                            & (Deadline.period == period)):
        raise SisoError(f"Năm học {year.name} đã có hạn nộp {form} kỳ {period}: sửa bằng "
                        "«siso deadline edit».", fields.KY)
    with audit.write("deadline.add", f"deadline:{year.name}/{form}/{period}", start=start, end=end):
        return Deadline.create(year=year, form=form, period=period, start=start, end=end)


def edit_deadline(year: SchoolYear, form, start, end, period=None) -> Deadline:
    """Move a deadline's days (the clerk and the principal)."""
    from . import users

    users.require_admin('sửa hạn nộp báo cáo')
    form = check_form(form)
    d = _find(year, form, period)
    start, end = _check_days(start, end)
    with audit.write("deadline.edit", f"deadline:{year.name}/{form}/{d.period}",
                     before=[d.start, d.end], after=[start, end]):
        d.start, d.end = start, end
        d.save()
    return d


def state_of(start: date, end: date, first_sent: date | None, today: date) -> str:
    """The state of a deadline (see the module's docstring)."""
    if first_sent is not None:
        return "da_gui" if first_sent <= end else "gui_muon"
    if today < start:
        return "chua_den"
    return "den_han" if today <= end else "qua_han"


def _sent(years: list[int]) -> dict[tuple, list[tuple]]:
    """(year id, form, period) -> [(sent_on, id)] in sending order."""
    out: dict[tuple, list[tuple]] = {}
    q = (Submission.select(Submission.year, Submission.form, Submission.period, Submission.sent_on,
                           Submission.id)
         .where(Submission.year.in_(years)).order_by(Submission.sent_on, Submission.id).tuples())
    for y, form, period, sent_on, sid in q:
        out.setdefault((y, form, period), []).append((sent_on, sid))
    return out


def list_deadlines(year: SchoolYear, today: date | None = None) -> list[dict]:
    """The year's deadlines by end date, each with its state on ``today``."""
    today = today or clock.today()
    sent = _sent([year.id])
    rows = []
    for d in Deadline.select().where(Deadline.year == year.id).order_by(Deadline.end, Deadline.form,
                                                                        Deadline.period):
        subs = sent.get((year.id, d.form, d.period), [])
        first = subs[0][0] if subs else None
        rows.append({"id": d.id, "nam_hoc": year.name, "bieu_mau": d.form, "ky": d.period,
                     "tu_ngay": d.start, "den_ngay": d.end,
                     "trang_thai": state_of(d.start, d.end, first, today),
                     "ngay_gui": first, "so_lan_gui": len(subs)})
    return rows


def watch(year: SchoolYear | None, today: date | None = None, days: int = SOON_DAYS) -> dict:
    """What the overview and the vice-principal's cards show: ``sap_den_han`` — not sent, open
    now or opening within ``days`` days (and not over); ``qua_han`` — not sent and over;
    ``da_gui`` — sent (on time or late) in the last 30 days, newest first."""
    today = today or clock.today()
    out = {"sap_den_han": [], "qua_han": [], "da_gui": []}
    if year is None:
        return out
    horizon = today + timedelta(days=days)
    for row in list_deadlines(year, today):
        if row["trang_thai"] in ("chua_den", "den_han") and row["den_ngay"] >= today \
                and row["tu_ngay"] <= horizon:
            out["sap_den_han"].append(row)
        elif row["trang_thai"] == "qua_han":
            out["qua_han"].append(row)
    recent = today - timedelta(days=30)
    out["da_gui"] = [s for s in list_submissions(year, today)
                     if recent <= s["ngay_gui"] <= today and s["bi_thay_boi"] is None]
    out["da_gui"].sort(key=lambda s: (s["ngay_gui"], s["id"]), reverse=True)
    return out


def short(row: dict) -> str:
    """``F1 si-so 10/2024`` — a deadline or submission in a few characters."""
    period = row["ky"]
    if _MONTH.match(period):
        y, m = period.split("-")
        period = f"{m}/{y}"
    return f"{row['bieu_mau']} {period}"


# ---- submissions ----------------------------------------------------------------------------

def _year_for(period: str, sent_on: date, year_name: str | None) -> SchoolYear:
    from .school import get_year

    if year_name not in (None, ""):
        return get_year(year_name)
    m = _MONTH.match(period)
    if m:
        month = (int(m.group(1)), int(m.group(2)))
        years = list(SchoolYear.select().order_by(SchoolYear.start))
        # the year whose teaching months hold it, else the one whose summer does
        for y in years:
            if (y.start.year, y.start.month) <= month <= (y.end.year, y.end.month):
                return y
        for y in years:
            first, last = _months(y)
            if first <= month <= last:
                return y
        raise SisoError(f"Tháng {month[1]:02d}/{month[0]} không thuộc năm học nào đã tạo.", fields.KY)
    found = clock.year_of(sent_on)
    return found if found is not None else get_year(None)


def read_file(path) -> tuple[str, bytes]:
    """The name and bytes of the file to send; a Vietnamese refusal when it cannot be read."""
    p = Path(str(path or "")).expanduser()
    if not str(path or "").strip():
        raise SisoError("Thiếu tệp đã gửi: cần --file ĐƯỜNG_DẪN tới tệp báo cáo.", fields.TEP)
    if not p.exists():
        raise SisoError(f"Không có tệp «{path}»: cần đường dẫn tới tệp báo cáo đã gửi.", fields.TEP)
    if not p.is_file():
        raise SisoError(f"«{path}» không phải một tệp: cần đường dẫn tới tệp báo cáo đã gửi.", fields.TEP)
    size = p.stat().st_size
    if size == 0:
        raise SisoError(f"Tệp «{path}» rỗng (0 byte): cần tệp báo cáo đã gửi.", fields.TEP)
    if size > MAX_FILE_BYTES:
        raise SisoError(f"Tệp «{path}» lớn quá ({size // (1024 * 1024)} MB): tối đa "
                        f"{MAX_FILE_BYTES // (1024 * 1024)} MB.", fields.TEP)
    try:
        return p.name, p.read_bytes()
    except OSError as exc:
        raise SisoError(f"Không đọc được tệp «{path}»: {exc.strerror}.", fields.TEP) from None


def submit(form, period, path, recipient, sent_on=None, year_name: str | None = None) -> Submission:
    """Record that ``form`` for ``period`` was sent to ``recipient`` on ``sent_on`` (default
    today), keeping the file's bytes and SHA-256. A second submission of the same form and
    period replaces the latest one (both are kept). The clerk and the principal only."""
    from . import users

    users.require_admin('ghi việc gửi báo cáo')
    form = check_form(form)
    period = check_period(period)
    recipient = text.clean(str(recipient or ""))
    if not recipient:
        raise SisoError("Thiếu nơi nhận: cần --recipient, ví dụ «UBND xã Tơ Tung».", fields.NOI_NHAN)
    if len(recipient) > 200:
        raise SisoError("Nơi nhận dài quá: tối đa 200 ký tự.", fields.NOI_NHAN)
    sent_on = clock.today() if sent_on in (None, "") else parse_date(sent_on, "ngày gửi", fields.NGAY)
    clock.refuse_future(sent_on, "việc gửi báo cáo")
    year = _year_for(period, sent_on, year_name)
    period = check_period(period, year)
    name, content = read_file(path)
    digest = hashlib.sha256(content).hexdigest()
    with audit.write("submission.add", f"submission:{year.name}/{form}/{period}", file=name,
                     size=len(content), sha256=digest, recipient=recipient, sent_on=sent_on) as info:
        previous = (Submission.select(Submission.id)
                    .where((Submission.year == year.id) & (Submission.form == form)
                           & (Submission.period == period))
                    .order_by(Submission.id.desc()).first())
        sub = Submission.create(year=year, form=form, period=period, sent_on=sent_on,
                                recipient=recipient, filename=name[:255], size=len(content),
                                sha256=digest, content=content,
                                replaces=previous.id if previous else None,
                                recorded_by=audit.current_user())
        info.update(id=sub.id, replaces=previous.id if previous else None)
    return sub


def list_submissions(year: SchoolYear | None = None, today: date | None = None) -> list[dict]:
    """Submissions (of ``year``, else every year) in sending order, without their bytes; each
    says which it replaces (``thay_cho``), which replaced it (``bi_thay_boi``) and whether it
    came after its deadline's end (``muon``; None when the form has no deadline for it)."""
    cols = (Submission.id, Submission.year, Submission.form, Submission.period, Submission.sent_on,
            Submission.recipient, Submission.filename, Submission.size, Submission.sha256,
            Submission.replaces, Submission.recorded_by)
    q = Submission.select(*cols)
    if year is not None:
        q = q.where(Submission.year == year.id)
    rows = list(q.order_by(Submission.sent_on, Submission.id).tuples())
    names = dict(SchoolYear.select(SchoolYear.id, SchoolYear.name).tuples())
    dq = Deadline.select(Deadline.year, Deadline.form, Deadline.period, Deadline.end)
    if year is not None:
        dq = dq.where(Deadline.year == year.id)
    ends = {(y, f, p): e for y, f, p, e in dq.tuples()}
    replaced_by = {r[9]: r[0] for r in rows if r[9] is not None}
    out = []
    for sid, y, form, period, sent_on, recipient, filename, size, sha, replaces, who in rows:
        end = ends.get((y, form, period))
        out.append({"id": sid, "nam_hoc": names.get(y), "bieu_mau": form, "ky": period,
                    "ngay_gui": sent_on, "noi_nhan": recipient, "ten_tep": filename,
                    "kich_thuoc": size, "sha256": sha, "thay_cho": replaces,
                    "bi_thay_boi": replaced_by.get(sid), "han_cuoi": end,
                    "muon": None if end is None else sent_on > end, "nguoi_ghi": who})
    return out


def get_submission(sid) -> tuple[Submission, bytes]:
    """A submission and its file's bytes, checked against the SHA-256 kept with them. The file
    is a form of the whole school: a reader with a scope (a homeroom teacher) is refused."""
    from . import scope

    reader = scope.current()
    if not reader.whole:
        raise SisoError(f"Tệp đã gửi là báo cáo của cả trường, ngoài phạm vi bạn được xem "
                        f"({reader.label}).", fields.SO)
    try:
        sid = int(sid)
    except (TypeError, ValueError):
        raise SisoError(f"Mã lần gửi «{sid}» không hợp lệ: cần một số (xem «siso submission list»).",
                        fields.SO) from None
    sub = Submission.get_or_none(Submission.id == sid)
    if sub is None:
        raise SisoError(f"Không có lần gửi số {sid} (xem «siso submission list»).", fields.SO)
    content = bytes(sub.content)  # PostgreSQL gives a memoryview
    if hashlib.sha256(content).hexdigest() != sub.sha256:
        raise SisoError(f"Tệp của lần gửi số {sid} không còn khớp mã SHA-256 đã lưu: dữ liệu bị hỏng.",
                        fields.SO)
    return sub, content


def problems() -> list[str]:
    """For ``siso check``: each kept file whose bytes no longer match the SHA-256 or size
    recorded with them, and each deadline ending before it starts (a hand-edited file).
    Reads one file at a time."""
    out = []
    for sid, size, sha in Submission.select(Submission.id, Submission.size, Submission.sha256).tuples():
        content = Submission.select(Submission.content).where(Submission.id == sid).scalar()
        content = bytes(content) if content is not None else b""
        if len(content) != size or hashlib.sha256(content).hexdigest() != sha:
            out.append(f"Lần gửi báo cáo số {sid}: tệp đã lưu không khớp kích thước hoặc mã SHA-256 "
                       "ghi lúc gửi (dữ liệu bị hỏng).")
    for d in Deadline.select().where(Deadline.end < Deadline.start):
        out.append(f"Hạn nộp {d.form} kỳ {d.period}: hạn cuối {fmt_date(d.end)} trước ngày bắt đầu "
                   f"{fmt_date(d.start)}.")
    return out

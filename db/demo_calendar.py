"""The demo school's reporting calendar: the year's default deadlines and the forms sent so
far. Deterministic from the seed: most deadlines that are over were met, one form went late,
one month's F1 was sent again with a correction (the second replaces the first), and the
last monthly report that is over was never sent, so the overview shows something late;
deadlines still open are not sent yet."""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta

from . import deadlines
from .models import Deadline, SchoolYear, Submission


def _content(form: str, period: str, year: SchoolYear, sent_on: date, note: str = "") -> bytes:
    title = deadlines.forms()[form]
    lines = [f"{title}", f"Năm học,{year.name}", f"Kỳ,{deadlines.period_label(period)}",
             f"Ngày gửi,{sent_on:%d/%m/%Y}"] + ([f"Ghi chú,{note}"] if note else [])
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def build_calendar(year: SchoolYear, today: date, seed: int, recipient: str, user: str) -> int:
    """Insert the year's deadlines and its submissions (inside the builder's transaction).
    Returns the number of submissions."""
    deadlines.add_defaults(year)
    rng = random.Random(seed * 104729 + 6)
    over = [d for d in Deadline.select().where(Deadline.year == year.id).order_by(Deadline.end)
            if d.end < today]
    monthly = [d for d in over if d.form == "si-so"]
    never = monthly[-1] if monthly else None
    late = next((d for d in over if d.form == "pcgd-kiem-tra"), None) or (monthly[0] if len(monthly) > 2 else None)
    resent = monthly[1] if len(monthly) > 2 else None
    rows = []
    for d in over:
        if d is never:
            continue
        if d is late:
            sent = min(today, d.end + timedelta(days=rng.randint(1, 4)))
        else:
            sent = d.start + timedelta(days=rng.randint(0, (d.end - d.start).days))
        rows.append((d, sent, ""))
        if d is resent:
            rows.append((d, min(today, sent + timedelta(days=2)), "Bản sửa: bổ sung học sinh chuyển đến"))
    last_id = None
    by_key: dict[tuple, int] = {}
    for d, sent, note in rows:
        content = _content(d.form, d.period, year, sent, note)
        name = f"{d.form}_{d.period}{'_sua' if note else ''}.csv"
        sub = Submission.create(year=year, form=d.form, period=d.period, sent_on=sent,
                                recipient=recipient, filename=name, size=len(content),
                                sha256=hashlib.sha256(content).hexdigest(), content=content,
                                replaces=by_key.get((d.form, d.period)), recorded_by=user)
        by_key[(d.form, d.period)] = last_id = sub.id
    return len(rows) if last_id is not None else 0

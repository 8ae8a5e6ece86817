"""Which backups are kept: per database file name, so the demo's copies never push out the
real ones.

Kept: the 7 newest daily copies, and the newest copy of each of the 4 weeks before them; the
last 10 copies made before an import, rollover, undo or restore; every manual copy (never
removed by siso), and every copy of a damaged file.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from . import clock
from .backup_copies import DAILY, EVENT_REASONS, Copy, copies, day_marker, folder_for, stem_of

KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_EVENTS = 10  # copies made before an import, rollover, undo or restore, per database file


def to_keep(found: list[Copy]) -> set[Path]:
    """Which copies stay: every manual copy; the last KEEP_EVENTS event copies; the
    KEEP_DAILY newest daily copies (one per day) and the newest daily copy of each of the
    KEEP_WEEKLY weeks before them."""
    keep = {c.path for c in found if c.reason not in (DAILY, *EVENT_REASONS)}
    events = [c for c in found if c.reason in EVENT_REASONS]
    keep |= {c.path for c in events[-KEEP_EVENTS:]}
    daily = sorted((c for c in found if c.reason == DAILY), key=lambda c: c.at, reverse=True)
    days: list[date] = []
    for c in daily:
        if c.at.date() not in days:
            days.append(c.at.date())
            keep.add(c.path)
            if len(days) == KEEP_DAILY:
                break
    weeks: set[tuple[int, int]] = {tuple(d.isocalendar()[:2]) for d in days}
    kept_weeks = 0
    for c in daily:
        week = tuple(c.at.isocalendar()[:2])
        if c.at.date() in days or week in weeks:
            continue
        weeks.add(week)
        keep.add(c.path)
        kept_weeks += 1
        if kept_weeks == KEEP_WEEKLY:
            break
    return keep


def prune(db_path: Path) -> list[Path]:
    """Remove the copies of ``db_path`` that rotation no longer keeps, and old day markers."""
    found = copies(db_path)
    keep = to_keep(found)
    removed = []
    for c in found:
        if c.path not in keep:
            try:
                c.path.unlink()
                removed.append(c.path)
            except OSError:
                pass
    today = day_marker(db_path, clock.today()).name
    prefix = f".{stem_of(db_path)}-"
    try:
        for entry in os.scandir(folder_for(db_path)):
            if entry.name.startswith(prefix) and entry.name.endswith(".daily") \
                    and entry.name != today and re.fullmatch(r"\d{8}", entry.name[len(prefix):-6]):
                os.unlink(entry.path)
    except OSError:
        pass
    return removed

"""Give a demo school's students their earlier years: ``add_earlier_years(path, 3)``.

The demo has one school year. The register (F8) covers every year, so its figures are taken
on a school whose students have a history: for each of the ``n`` years before the demo's,
a year with the same classes one grade lower (``7A2`` → ``6A2`` the year before), and for
every student whose grade was still taught then, a start-of-year enrolment, a class span
and a promotion at the year end. Written with sqlite3 directly (a few seconds for 60,000
students); the spans are what ``db.events.rebuild_spans`` would write for those events.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import date


def add_earlier_years(path: str, n: int = 3, first_grade: int = 6) -> int:
    """Returns the number of spans added."""
    con = sqlite3.connect(path)
    try:
        (year_id, name, start) = con.execute(
            "SELECT id, name, start FROM school_year ORDER BY start LIMIT 1").fetchone()
        y0 = int(name[:4])
        classes = con.execute("SELECT id, name, grade FROM school_class WHERE year_id = ?", (year_id,)).fetchall()
        spans = con.execute("SELECT student_id, klass_id FROM span WHERE year_id = ? GROUP BY student_id",
                            (year_id,)).fetchall()
        grade_of = {cid: (cname, g) for cid, cname, g in classes}
        added = 0
        for k in range(1, n + 1):
            y = y0 - k
            cur = con.execute(
                "INSERT INTO school_year (name, start, end, hk2_start, ref_date, ngay_hoc) VALUES (?,?,?,?,?,?)",
                (f"{y}-{y + 1}", date(y, 9, 5).isoformat(), date(y + 1, 5, 31).isoformat(),
                 date(y + 1, 1, 18).isoformat(), date(y, 9, 30).isoformat(), "2-6"))
            yid = cur.lastrowid
            old_class = {}
            for cid, (cname, g) in grade_of.items():
                if g - k >= first_grade:
                    rest = cname[len(str(g)):] if cname.startswith(str(g)) else cname
                    c = con.execute("INSERT INTO school_class (year_id, name, grade, homeroom) VALUES (?,?,?,?)",
                                    (yid, f"{g - k}{rest}", g - k, ""))
                    old_class[cid] = c.lastrowid
            rows = [(sid, old_class[kid]) for sid, kid in spans if kid in old_class]
            begin, end = date(y, 9, 5).isoformat(), date(y + 1, 5, 31).isoformat()
            for sid, kid in rows:
                ev = con.execute(
                    "INSERT INTO event (student_id, year_id, kind, date, klass_id, semester, vocational, "
                    "recorded_by, recorded_at) VALUES (?,?,?,?,?,?,0,'bench',?)",
                    (sid, yid, "enroll", begin, kid, "HK1", begin)).lastrowid
                con.execute("INSERT INTO span (student_id, year_id, klass_id, start, start_event_id) "
                            "VALUES (?,?,?,?,?)", (sid, yid, kid, begin, ev))
                con.execute(
                    "INSERT INTO event (student_id, year_id, kind, date, klass_id, semester, vocational, "
                    "recorded_by, recorded_at) VALUES (?,?,?,?,?,?,0,'bench',?)",
                    (sid, yid, "promoted", end, kid, "HK2", end))
            added += len(rows)
        con.commit()
        return added
    finally:
        con.close()


if __name__ == "__main__":
    print(add_earlier_years(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3))

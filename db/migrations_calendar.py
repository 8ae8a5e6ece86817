"""Schema 5 → 6: the reporting calendar.

Creates the tables of deadlines and submissions, and gives every existing school year the
default deadlines (``db.deadlines.default_deadlines``): F1 monthly from the 15th to the 25th
September to May, targets by 20/9, PCGD data 05/9–30/9 and its check 01/10–20/10. Plain
CREATE TABLE and INSERT: the same on SQLite and PostgreSQL."""

from __future__ import annotations


def migrate(db) -> None:
    from .deadlines import default_deadlines
    from .models import Deadline, SchoolYear, Submission

    db.create_tables([Deadline, Submission], safe=True)
    have = set(Deadline.select(Deadline.year, Deadline.form, Deadline.period).tuples())
    rows = []
    for year in SchoolYear.select(SchoolYear.id, SchoolYear.name):
        rows += [dict(r, year=year.id) for r in default_deadlines(year)
                 if (year.id, r["form"], r["period"]) not in have]
    if rows:
        Deadline.insert_many(rows).execute()

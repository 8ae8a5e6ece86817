"""Schema 1 → 2: school days and attendance.

Each school year gets its teaching weekdays (``ngay_hoc``, ``2-6`` for every existing
year: Monday to Friday, what the program assumed before); the tables of holidays,
absences and "attendance taken" are created empty.

The column is added with one standard ``ALTER TABLE … ADD COLUMN … NOT NULL DEFAULT``
(the same on SQLite and PostgreSQL): playhouse.migrate's ``add_column`` of a NOT NULL
column rebuilds an SQLite table, which the foreign keys of the classes refuse."""

from __future__ import annotations


def migrate(db) -> None:
    from .models import Absence, AttendanceTaken, Holiday

    columns = {c.name for c in db.get_columns("school_year")}
    if "ngay_hoc" not in columns:
        db.execute_sql("ALTER TABLE school_year ADD COLUMN ngay_hoc VARCHAR(3) NOT NULL "
                       "DEFAULT '2-6'")
    db.create_tables([Holiday, Absence, AttendanceTaken], safe=True)

"""Schema 5 → 6: ``student.version``, the edit counter that keeps two users' edits of the
same student from overwriting each other (``db.students.update_student``: an edit is
written only if the row still has the version the editor read, and adds one to it).

Existing students start at 0. One plain ``ALTER TABLE … ADD COLUMN … NOT NULL DEFAULT 0`` on
both engines (SqliteMigrator would rebuild the table for a NOT NULL column, which the
foreign keys to student refuse); runs inside ``ensure_schema``'s transaction.
"""

from __future__ import annotations


def migrate(db) -> None:
    db.execute_sql("ALTER TABLE student ADD COLUMN version INTEGER NOT NULL DEFAULT 0")

"""The demo school row for row: a small build's every table, compared with a stored digest.

The demo is deterministic from its seed and ``today``, and other tests (``siso demo``'s
numbers, the snapshots, the reports) are written against what it builds, so a change to how
the demo is planned or written must leave every row as it was. Each case below builds a
small demo and hashes a dump of every table: the rows of each table sorted, every column
(ids included, so the order of the inserts is pinned too), tables by name.

Two columns take the wall-clock time of the build (the model's ``default=datetime.now``),
not the demo's ``today``: ``audit.at`` and ``submission.recorded_at``. They are left out
of the dump (written as None).

How the digests were made: with the demo code as it was before ``build_demo`` was split
into planning (``db/demo_plan.py``) and writing (``db/demo_write.py``), this same dump was
run once per case (``_digest`` below) and its SHA-256 written down here. A digest that no
longer matches means the demo is no longer the same school; if that change is wanted, say
so and make the digest again the same way.

The audit lines' keys became Vietnamese (``db.audit.KEYS``): the digests were made again
after checking that, with that renaming turned off, the build still gave the digests made
before the split (e35d4926… and f5d3ab8a…) — only the audit lines' keys changed.
"""

import hashlib
import json
import sqlite3
from datetime import date

import pytest

from db import clock, kinds
from db.connection import close_database, open_database
from db.demo import build_demo
from db.demo_plan import plan_demo
from db.models import database

WALL_CLOCK = {("audit", "at"), ("submission", "recorded_at")}

CASES = {
    # (students, seed, today): digest of the dump
    (60, 3, date(2027, 4, 20)): "3b42a52e974299a11cda25109922316a8bf602466f31709e674ba452649642b2",
    (12, 5, date(2026, 11, 22)): "482be6e50cf9f4c02f86d53284c5e42ce7be41ac24cfca30921c10787bd06613",
}


def _dump(path: str) -> list:
    con = sqlite3.connect(path)
    try:
        out = []
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"):
            columns = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
            blank = [j for j, c in enumerate(columns) if (table, c) in WALL_CLOCK]
            rows = [[None if j in blank else v for j, v in enumerate(row)]
                    for row in con.execute(f'SELECT * FROM "{table}"')]
            out.append([table, columns, sorted(rows, key=repr)])
        return out
    finally:
        con.close()


def _digest(tmp_path, students: int, seed: int, today: date) -> str:
    path = str(tmp_path / f"demo-{students}-{seed}.sqlite3")
    open_database(path)
    try:
        with clock.fixed(today):  # whatever reads clock.today() sees the build's day
            build_demo(students, seed=seed, today=today)
    finally:
        close_database()
    text = json.dumps(_dump(path), ensure_ascii=False, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("case", sorted(CASES), ids=lambda c: f"{c[0]}-students-seed-{c[1]}")
def test_demo_is_the_same_school_row_for_row(tmp_path, case):
    assert _digest(tmp_path, *case) == CASES[case]


def test_the_plan_is_data_made_without_a_database(monkeypatch):
    monkeypatch.setattr(database, "obj", None)  # any query would raise
    plan = plan_demo(60, 3, date(2027, 4, 20))
    assert plan == plan_demo(60, 3, date(2027, 4, 20))  # the same seed and day, the same plan
    assert plan != plan_demo(60, 4, date(2027, 4, 20))
    assert len(plan.students) == len(plan.student_rows) == 60
    assert [r["code"] for r in plan.student_rows] == [f"HS{n:06d}" for n in range(1, 61)]
    # about 37 students a class: 60 / 37.5 / 4 grades rounds to 0 classes a grade, at least one
    assert [name for _, name in plan.class_keys] == ["6A1", "7A1", "8A1", "9A1"]
    assert len(plan.teachers) == 4
    seen = {ev["kind"] for st in plan.students for ev in st.events}
    assert {kinds.TRANSFER_IN, kinds.TRANSFER_OUT, kinds.DROPOUT} <= seen
    assert kinds.CLASS_CHANGE not in seen  # one class in each grade: nowhere to change to
    assert all(ev["recorded_at"].date() == ev["date"] for st in plan.students for ev in st.events)

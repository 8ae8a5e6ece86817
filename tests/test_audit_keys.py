"""The audit lines speak the JSON's vocabulary: every key a write notes is stored under a
Vietnamese name (``db.audit.KEYS``), and older lines, written with English keys, still read."""

import ast
import json
from pathlib import Path

from db import audit, audit_log, fields
from db.models import Audit

DB = Path(__file__).resolve().parent.parent / "db"
FIELD_NAMES = {v for k, v in vars(fields).items() if k.isupper() and isinstance(v, str)}
VIETNAMESE = set(audit.KEYS.values()) | FIELD_NAMES | {
    "_target", "moi", "vao", "tu", "so_dong", "ngay_hoc", "ten_truong", "ho_ten",
    "hk2", "sha256"}  # the keys of year list and submission list


def _noted_keys():
    """(file:line, key) of every keyword given to ``audit.write(…)`` / ``info.update(…)`` and
    every ``info["key"] = …`` in db/."""
    for path in sorted(DB.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                f = node.func
                write = f.attr == "write" and isinstance(f.value, ast.Name) and f.value.id == "audit"
                update = f.attr == "update" and isinstance(f.value, ast.Name) and f.value.id == "info"
                if write or update:
                    for kw in node.keywords:
                        if kw.arg:
                            yield f"{path.name}:{node.lineno}", kw.arg
            if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                    and node.value.id == "info" and isinstance(node.slice, ast.Constant)):
                yield f"{path.name}:{node.lineno}", node.slice.value


def test_every_key_a_write_notes_has_a_vietnamese_name():
    seen = list(_noted_keys())
    assert len(seen) > 50  # the scan finds the writes
    english = [(where, k) for where, k in seen if k not in audit.KEYS and k not in VIETNAMESE]
    assert english == []


def test_keys_renamed_at_every_depth_and_nothing_lost():
    got = audit.vietnamese_keys({"case": 3, "date": "2024-10-01", "causes": ["01"],
                                 "before": {"excused": False, "session": "S"},
                                 "after": [{"dob": "2013-01-01"}], "ho_ten": "An", "ids": [1, 2],
                                 "ngay": "2024-10-02"})
    assert got == {"ho_so": 3, "date": "2024-10-01", "nguyen_nhan": ["01"],
                   "truoc": {"co_phep": False, "buoi": "S"}, "sau": [{"ngay_sinh": "2013-01-01"}],
                   "ho_ten": "An", "cac_id": [1, 2], "ngay": "2024-10-02"}  # «date» kept: ngay is taken


def test_a_write_stores_vietnamese_keys_and_old_lines_still_read(year):
    with audit.write("risk.open", "student:HS1", case=7, date="2024-10-01", sponsor="Lan",
                     student="HS1", before={"start": "2024-09-05"}, after={"end": "2025-05-31"}):
        pass
    line = Audit.select().order_by(Audit.id.desc()).get()
    assert json.loads(line.detail) == {"ho_so": 7, "ngay": "2024-10-01", "do_dau": "Lan", "hoc_sinh": "HS1",
                                       "truoc": {"tu_ngay": "2024-09-05"}, "sau": {"den_ngay": "2025-05-31"}}
    new = audit_log.as_dict(line)
    assert (new["truoc"], new["sau"]) == ({"tu_ngay": "2024-09-05"},
                                          {"den_ngay": "2025-05-31", "ho_so": 7, "ngay": "2024-10-01",
                                           "do_dau": "Lan", "hoc_sinh": "HS1"})
    # a line written before the renaming keeps its keys, and before/after still split
    old = Audit.create(user="vt", action="risk.open", target="x:1",
                       detail=json.dumps({"student": "HS9", "before": 1, "after": 2}))
    assert (audit_log.as_dict(old)["truoc"], audit_log.as_dict(old)["sau"]) == (1, {"gia_tri": 2, "student": "HS9"})
    # «audit --student» finds both the new lines and the old ones
    assert {a["doi_tuong"] for a in audit_log.lines(student="HS9")} == {"x:1"}
    assert "student:HS1" in {a["doi_tuong"] for a in audit_log.lines(student="HS1")}

"""F12 ``huy-dong`` (``docs/forms.md``): the expected children of the year who came into class,
by village and by source; and what other rules take from the incoming cohort: the cohort
targets' counts (``db.targets``) and the children never admitted (F7 ``nam-sinh``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from . import clock, scope as scopes, text
from .cohort import expected_children
from .cohort_match import codes_of, match_cohort, raw_rows
from .models import ExpectedChild, SchoolYear, Village
from .report_common import check_report_day, rate

def on_age(child, year: SchoolYear) -> bool:
    """The child's age (the year's start year − birth year) is that of the grade: grade + 5."""
    return year.start.year - child.dob.year == child.grade + 5


def report_huy_dong(year: SchoolYear, as_of=None) -> dict:
    """F12 ``huy-dong``: the expected children of the year, matched to admissions dated up to
    ``as_of`` (default ``clock.default_day``), by village and by source; the rate overall and
    for on-age children; the children not yet in class with their village and its staff."""
    from .villages import staff_list

    as_of = check_report_day(year, as_of if as_of not in (None, "") else clock.default_day(year))
    children, sources = expected_children(year)
    matches = match_cohort(year, as_of)
    if not scopes.current().whole:
        # a reader with a scope sees the children who came into it, no one still expected
        # (a child not yet in class is nobody's student: the clerk's and the village staff's)
        seen = set(scopes.keep_ids([m.student for m in matches.values() if m.student], year))
        children = [c for c in children if matches[c.id].student in seen]
        matches = {c.id: replace(matches[c.id], proposed=None) for c in children}
    codes = codes_of({m.proposed for m in matches.values()})
    villages = {v.id: v for v in Village.select()}
    n = arrived = age_n = age_arrived = 0
    by_village: dict = {}
    by_source: dict = {}
    missing = []
    village_order = {name: text.natural_key(name) for name in {c.village for c in children}}
    staff_of = {vid: staff_list(v) for vid, v in villages.items()}
    for c in sorted(children, key=lambda c: (not c.village, village_order[c.village], c.grade, c.sort_key)):
        ok = matches[c.id].student is not None
        n += 1
        arrived += ok
        if on_age(c, year):
            age_n += 1
            age_arrived += ok
        staff = staff_of.get(c.vid, [])
        vkey = c.vid or (c.village or None)
        row = by_village.setdefault(vkey, {"thon": c.village or None, "xa": c.commune or None,
                                           "phu_trach": staff, "du_kien": 0, "da_ra_lop": 0})
        row["du_kien"] += 1
        row["da_ra_lop"] += ok
        names = [s for s, _ in sources.get(c.id, [])]
        for s in names:
            srow = by_source.setdefault(s, {"nguon": s, "du_kien": 0, "da_ra_lop": 0})
            srow["du_kien"] += 1
            srow["da_ra_lop"] += ok
        if not ok:
            missing.append({"ho_ten": c.full_name, "ngay_sinh": c.dob.isoformat(), "nu": c.female,
                            "khoi": c.grade, "thon": c.village or None, "nguon": names, "phu_trach": staff,
                            "de_xuat": codes.get(matches[c.id].proposed)})
    theo_thon = [{**r, "ty_le": rate(r["da_ra_lop"], r["du_kien"])} for r in by_village.values()]
    theo_nguon = [{**r, "ty_le": rate(r["da_ra_lop"], r["du_kien"])} for r in by_source.values()]
    return {"bieu_mau": "huy-dong", "nam_hoc": year.name, "den_ngay": as_of.isoformat(),
            **scopes.form_marks(), "khoi": sorted({c.grade for c in children}),
            "du_kien": n, "da_ra_lop": arrived, "ty_le": rate(arrived, n),
            "du_kien_dung_do_tuoi": age_n, "da_ra_lop_dung_do_tuoi": age_arrived,
            "ty_le_dung_do_tuoi": rate(age_arrived, age_n),
            "theo_thon": theo_thon, "theo_nguon": theo_nguon, "chua_ra_lop": missing}


# ---- the cohort targets (db.targets) ---------------------------------------------------------

def target_counts(name: str, year: SchoolYear, as_of: date, grades) -> tuple[int, int]:
    """(numerator, denominator) of a cohort target over the first grades among ``grades``.

    ``ty_le_huy_dong``: expected children matched to an admission by ``as_of`` ÷ expected
    children (F12's ``ty_le``). ``ty_le_vao_lop_6``: children on a feeder school's list for
    grade 6 (its grade-5 completers) admitted to grade 6 by ``as_of`` ÷ those children."""
    grades = set(grades)
    if name == "ty_le_vao_lop_6":
        grades &= {6}
    children, sources = expected_children(year)
    matches = match_cohort(year, as_of)
    num = den = 0
    for c in children:
        if c.grade not in grades:
            continue
        if name == "ty_le_vao_lop_6" and not any(f for _, f in sources.get(c.id, [])):
            continue
        den += 1
        num += matches[c.id].student is not None
    return num, den


__all__ = ["report_huy_dong", "target_counts"]


# ---- F7 nam-sinh: the expected children never admitted ---------------------------------------

def never_admitted(year: SchoolYear, as_of) -> list[dict]:
    """The year's expected children with no admission matched by ``as_of`` (F7's
    ``chua_ra_lop``), in F7's row keys (``ma`` and ``lop`` null), with ``_key`` (the sort key
    of the name) and ``_dan_toc_ma`` (the ethnic code) for F7 to order and count them. A
    reader with a scope sees none (a child not in class is nobody's student)."""
    if not scopes.current().whole:
        return []
    as_of = check_report_day(year, as_of)
    matches = match_cohort(year, as_of)
    missing = [cid for cid, m in matches.items() if m.student is None]
    out: list[dict] = []
    names = codes_of_ethnic()
    from peewee import chunked

    E = ExpectedChild
    for part in chunked(missing, 500):
        for family, middle, given, dob, female, ethnic, commune, village, disability, key in raw_rows(
                E.select(E.family, E.middle, E.given, E.dob, E.female, E.ethnic, E.commune, E.village,
                         E.disability, E.sort_key).where(E.id.in_(part)).order_by(E.id)):
            born = str(dob)[:10]  # SQLite's text or a date: yyyy-mm-dd
            out.append({"ma": None, "ho_ten": text.join_name(family, middle, given),
                        "ngay_sinh": born, "nu": bool(female),
                        "dan_toc": names.get(ethnic or "", ethnic or ""), "xa": commune or "",
                        "thon": village or "", "nam_sinh": int(born[:4]), "lop": None,
                        "trang_thai": "chua_ra_lop", "noi_hoc_tiep": None,
                        "khuyet_tat": disability or None, "_key": key or "",
                        "_dan_toc_ma": ethnic})
    return out


def codes_of_ethnic() -> dict[str, str]:
    from .codes import ethnic_groups

    return ethnic_groups()

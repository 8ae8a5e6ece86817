"""The demo school's incoming cohort (called by ``db.demo_write.write_demo``): the lists of children
expected in grade 6 this year, as the school received them from its feeder primary schools
and from the commune.

Most grade-6 admissions are on a list exactly as admitted (about half with the national
ID); a few are written slightly differently (no accents, or one letter off: proposed
matches for the clerk to confirm); about a third are also on the commune's list (one child,
two sources); and a few children on the lists never arrived. Deterministic from the seed,
with its own random stream (the rest of the demo stays as the seed made it)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from peewee import chunked

from . import text
from .models import ExpectedChild, ExpectedSource, SchoolYear, Student, Village

FEEDERS = ["Trường TH Tơ Tung", "Trường TH Kim Đồng", "Trường PTDTBT TH Đăk Asêl"]
COMMUNE = "UBND xã Tơ Tung"
_NEVER = [("Rơ Châm", "", "H'Ngơn", True), ("Đinh", "Văn", "Blưch", False), ("Siu", "", "Hyên", True),
          ("Nguyễn", "Văn", "Tuấn", False), ("Ksor", "", "Thoa", True), ("Trần", "Thị", "Mai", True),
          ("Rơ Mah", "", "Lim", False), ("Lê", "Văn", "Hoàng", False)]


def _misspelt(family: str, middle: str, given: str, rng: random.Random) -> tuple[str, str, str]:
    """The name as a list may write it: without accents, or the given name one letter off."""
    if rng.random() < 0.5:
        plain = [text.title_name(text.fold(p)) for p in (family, middle, given)]
        if plain != [family, middle, given]:
            return plain[0], plain[1], plain[2]
    swap = {"n": "m", "m": "n", "t": "c", "c": "t", "i": "y", "y": "i"}
    last = given[-1:]
    if last in swap:
        return family, middle, given[:-1] + swap[last]
    plain = text.title_name(text.fold(given))
    return family, middle, plain if plain != given else given + "h"


def add_expected_children(year: SchoolYear, seed: int, user: str, today: date) -> int:
    """Insert the demo's expected children of ``year`` (grade 6); returns how many."""
    from .cohort_match import candidates
    from .demo_write import bulk_insert

    rng = random.Random(seed * 104729 + 6)
    villages = {(v.name, v.commune): v.id for v in Village.select()}
    admitted = candidates(year, None, [6])
    rows, sources = [], []
    students = [st for part in chunked(sorted(admitted), 5000)
                for st in Student.select(Student.id, Student.family, Student.middle, Student.given,
                                         Student.female, Student.dob, Student.ethnic, Student.national_id,
                                         Student.village, Student.commune).where(Student.id.in_(part))]
    for st in sorted(students, key=lambda s: s.id):
        r = rng.random()
        if r < 0.03:
            continue  # came without being on a list (moved in over the summer)
        family, middle, given = st.family, st.middle, st.given
        if r < 0.08:
            family, middle, given = _misspelt(family, middle, given, rng)
        rows.append(dict(family=family, middle=middle, given=given, female=st.female, dob=st.dob,
                         ethnic=st.ethnic, national_id=st.national_id if rng.random() < 0.5 else None,
                         village=st.village, commune=st.commune,
                         village_ref=villages.get((st.village, st.commune))))
    n_never = max(1, len(rows) // 25)
    names = sorted(villages)
    for i in range(n_never):
        family, middle, given, female = _NEVER[i % len(_NEVER)]
        village, commune = names[rng.randrange(len(names))] if names else ("", "")
        born = year.start.year - 11 - (rng.random() < 0.2)
        rows.append(dict(family=family, middle=middle, given=given, female=female,
                         dob=date(born, 1, 1) + timedelta(days=rng.randrange(365)),
                         ethnic="13" if family in ("Rơ Châm", "Đinh", "Siu", "Ksor", "Rơ Mah") else "01",
                         national_id=None, village=village, commune=commune,
                         village_ref=villages.get((village, commune))))
    for r in rows:
        r.update(year=year.id, grade=6, disability=None, recorded_by=user,
                 recorded_at=datetime.combine(min(today, year.start), time(8, 0)),
                 sort_key=text.sort_key(r["family"], r["middle"], r["given"], r["dob"]),
                 name_folded=text.fold(text.join_name(r["family"], r["middle"], r["given"])))
        r["source"] = FEEDERS[rng.randrange(len(FEEDERS))] if rng.random() < 0.9 else None
        r["commune_list"] = r["source"] is None or rng.random() < 0.35
    keys = [(r.pop("source"), r.pop("commune_list")) for r in rows]
    bulk_insert(ExpectedChild, rows)
    ids = [cid for (cid,) in ExpectedChild.select(ExpectedChild.id).where(ExpectedChild.year == year.id)
           .order_by(ExpectedChild.id).tuples()]
    for cid, (feeder, commune) in zip(ids, keys):
        if feeder:
            sources.append({"child": cid, "source": feeder, "feeder": True})
        if commune:
            sources.append({"child": cid, "source": COMMUNE, "feeder": False})
    bulk_insert(ExpectedSource, sources)
    return len(rows)

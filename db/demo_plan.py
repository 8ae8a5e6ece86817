"""Planning the demo school: who exists, in which class, with which events, as plain data.

``plan_demo(students, seed, today)`` decides everything of the school from the seed and
``today``, without touching the database: the school year, the classes and their homeroom
teachers, every student's row (name, birth date, ethnic group, village, parents…), the
current year's events up to ``today`` (transfers in and out, dropouts with their reason
codes, returns, class changes within a grade) with the time each was recorded, and the
villages' heads and teachers. ``db.demo_write`` then writes the plan; the at-risk cases,
absences, expected children and the reporting calendar are planned and written by their
own modules (``db.demo_visits``, ``db.demo_attendance``, ``db.demo_cohort``,
``db.demo_calendar``), each from its own random stream.

All draws of the main stream (``random.Random(seed)``) are made here in one fixed order:
teachers, students, events, then the students' details, then the events' times.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from . import kinds, text
from .demo_names import LANG, SCHOOLS_IN, THON, VOCATIONAL, Maker, teacher_names
from .school import proposed_year

# The targets a THCS school of the seeds registers (seed 001, 003, 004).
TARGETS = {"ty_le_bo_hoc": 2.0, "ty_le_duy_tri": 98.0, "ty_le_luu_ban": 1.0,
           "ty_le_dung_do_tuoi": 95.0, "ty_le_hoan_thanh": 100.0}

SETTINGS = {
    "ten_truong": "Trường THCS Tơ Tung",
    "co_quan_quan_ly": "UBND xã Tơ Tung",
    "xa": "Xã Tơ Tung",
    "tinh": "Gia Lai",
    "cap_hoc": "THCS",
    "dia_danh": "Tơ Tung",
    "hieu_truong": "Đinh Văn Hyun",
    "nguoi_lap_bieu": "Nguyễn Thị Thu Hà",
}

# dropout reason codes (db/data/ly_do_bo_hoc.csv) and their weights
_REASONS = [("01", 30), ("02", 25), ("03", 15), ("06", 8), ("09", 6), ("04", 3), ("07", 3)]
_DROPOUT_NOTES = ["Đã đến nhà vận động 3 lần, gia đình chưa đồng ý cho đi học lại.",
                  "Đi làm rẫy cùng gia đình.", "Nghỉ học quá 45 buổi.", None, None]

# Share of the school touched by each kind over a whole school year
_RATES = {"transfer_in": 0.04, "late_admit": 0.006, "class_change": 0.03,
          "transfer_out": 0.04, "dropout": 0.05, "return": 0.4}  # return: share of dropouts


@dataclass
class PlannedStudent:
    """One student of the plan: grade, class, name, and the year's events (dicts: kind, date,
    klass … and recorded_at; ``klass`` is an index into the plan's classes)."""

    grade: int
    klass: int  # index into the year's classes
    female: bool
    ethnic: str
    family: str
    middle: str
    given: str
    surname: str  # the family name as the people say it ("Rơ Châm"), for the guardian
    events: list[dict] = field(default_factory=list)


@dataclass
class DemoPlan:
    """The whole demo school as data: what ``db.demo_write.write_demo`` writes."""

    year_name: str
    start: date
    end: date
    ref_date: date
    hk2_start: date
    class_keys: list[tuple[int, str]]  # (grade, name) of each class, in the order written
    teachers: list[str]  # the homeroom teacher of each class, in the same order
    students: list[PlannedStudent]  # each with its events (``klass``: index into class_keys)
    student_rows: list[dict]  # the student table's rows, in the order of ``students``
    villages: list[dict]  # the village table's rows
    settings: dict = field(default_factory=lambda: dict(SETTINGS))
    targets: dict = field(default_factory=lambda: dict(TARGETS))


def _weekdays(first: date, last: date) -> list[date]:
    """School days (Monday–Saturday) from ``first`` to ``last``."""
    days, d = [], first
    while d <= last:
        if d.weekday() != 6:
            days.append(d)
        d += timedelta(days=1)
    return days


def plan_demo(students: int, seed: int, today: date) -> DemoPlan:
    """The demo school of ``students`` students on ``today``, deterministic from ``seed``."""
    rng = random.Random(seed)
    maker = Maker(rng)
    name, start, end, ref, hk2 = proposed_year(today)
    last_day = min(today, date(end.year, 8, 31))
    span_days = (last_day - start).days
    elapsed = min(1.0, max(0.0, span_days / max(1, (end - start).days)))

    # classes: about 37 students each, the same number in every grade
    per_grade = max(1, round(students / 37.5 / 4))
    class_keys = [(g, f"{g}A{i}") for g in range(6, 10) for i in range(1, per_grade + 1)]
    teachers = teacher_names(maker, len(class_keys))

    # students, oldest grade first (their codes were given earlier)
    by_grade: dict[int, list[int]] = {}
    for j, (g, _) in enumerate(class_keys):
        by_grade.setdefault(g, []).append(j)
    plans: list[PlannedStudent] = []
    for i in range(students):
        grade = 9 - (i * 4 // students)
        in_grade = by_grade[grade]
        klass = in_grade[rng.randrange(len(in_grade))]
        female = rng.random() < 0.49
        eth = maker.ethnic()
        fam, mid, giv = maker.name(eth, female)
        # stored as the add-student form stores it: first word, middle words, last word
        parts = text.split_name(text.join_name(fam, mid, giv))
        plans.append(PlannedStudent(grade, klass, female, eth, *parts, surname=fam if eth != "12" else giv))

    school_days = _weekdays(start + timedelta(days=1), last_day)

    def count(kind: str) -> int:
        if not school_days:
            return 0
        return max(1, round(_RATES[kind] * elapsed * students)) if students >= 20 else (
            1 if rng.random() < _RATES[kind] * elapsed * students else 0)

    order = list(range(students))
    rng.shuffle(order)
    cursor = 0

    def take(n: int) -> list[int]:
        nonlocal cursor
        chosen = order[cursor:cursor + n]
        cursor += len(chosen)
        return chosen

    def day_after(d: date, min_gap: int = 1) -> date | None:
        lo = bisect_left(school_days, d + timedelta(days=min_gap))
        if lo >= len(school_days):
            return None
        return school_days[lo + rng.randrange(len(school_days) - lo)]

    # entries: most admitted on the first day; some transferred in, a few admitted late
    late = set(take(count("transfer_in")))
    late_admit = set(take(count("late_admit")))
    for i, st in enumerate(plans):
        if i in late and school_days:
            d = day_after(start)
            sch, prov, comm, scope = maker.pick(SCHOOLS_IN)
            st.events.append(dict(kind=kinds.TRANSFER_IN, date=d, klass=st.klass, school=sch,
                                  province=prov, district=comm, scope=scope,
                                  doc_no=f"{rng.randrange(1, 300)}/GGT"))
        elif i in late_admit and school_days:
            st.events.append(dict(kind=kinds.ADMIT, date=day_after(start),
                                  klass=st.klass, note="Nhập học muộn"))
        else:
            # grade 6 starts the level (nhập học); the others carry on from last year
            entry = kinds.ADMIT if st.grade == 6 else kinds.ENROLL
            st.events.append(dict(kind=entry, date=start, klass=st.klass))

    # class changes within the grade
    for i in take(count("class_change")):
        st = plans[i]
        others = [j for j in by_grade[st.grade] if j != st.klass]
        d = day_after(st.events[-1]["date"])
        if others and d:
            new = maker.pick(others)
            st.events.append(dict(kind=kinds.CLASS_CHANGE, date=d, klass=new, from_klass=st.klass,
                                  note="Theo nguyện vọng gia đình"))
            st.klass = new

    # transfers out
    for i in take(count("transfer_out")):
        st = plans[i]
        d = day_after(st.events[-1]["date"])
        if d is None:
            continue
        vocational = st.grade == 9 and rng.random() < 0.3
        sch, prov, comm, scope = maker.pick(VOCATIONAL if vocational else SCHOOLS_IN)
        st.events.append(dict(kind=kinds.TRANSFER_OUT, date=d, klass=st.klass, school=sch,
                              province=prov, district=comm, scope=scope, vocational=vocational,
                              doc_no=f"{rng.randrange(1, 300)}/GGT"))

    # dropouts (more often in the upper grades), some of them brought back
    dropouts = []
    codes_, weights = [c for c, _ in _REASONS], [w for _, w in _REASONS]
    candidates = take(count("dropout") * 2)
    candidates.sort(key=lambda i: -plans[i].grade - rng.random() * 3)
    for i in candidates[:count("dropout")]:
        st = plans[i]
        d = day_after(st.events[-1]["date"])
        if d is None:
            continue
        reason = rng.choices(codes_, weights)[0]
        if st.grade == 9 and rng.random() < 0.2:
            reason = "08"
        st.events.append(dict(kind=kinds.DROPOUT, date=d, klass=st.klass, reason=reason,
                              note=maker.pick(_DROPOUT_NOTES)))
        dropouts.append(i)
    rng.shuffle(dropouts)
    for i in dropouts[:round(len(dropouts) * _RATES["return"])]:
        st = plans[i]
        d = day_after(st.events[-1]["date"], min_gap=7)
        if d:
            st.events.append(dict(kind=kinds.RETURN, date=d, klass=st.klass,
                                  note="Sau các lần giáo viên chủ nhiệm đến nhà vận động"))

    # each student's details, then the time each event was recorded (the main stream, in
    # this order); the villages from a stream of their own
    student_rows = _student_rows(plans, maker, start)
    villages = _village_rows(Maker(random.Random(seed * 7919 + 14)), teachers)
    _event_times(plans, rng)
    return DemoPlan(name, start, end, ref, hk2, class_keys, teachers, plans, student_rows, villages)


def _student_rows(plans: list[PlannedStudent], maker: Maker, start: date) -> list[dict]:
    """The student table's rows (birth date, national id, village, parents…) of the plan."""
    rng = maker.rng
    first = start.year
    used_ids: set[str] = set()
    rows = []
    for n, st in enumerate(plans, 1):
        age = st.grade + 5
        if st.ethnic != "01" and rng.random() < 0.10:
            age += 1 + (rng.random() < 0.3)
        elif rng.random() < 0.02:
            age += 1
        born = first - age
        dob = date(born, 1, 1) + timedelta(days=rng.randrange(365))
        nid = None
        if rng.random() < 0.88:
            while True:
                nid = f"064{2 + st.female}{born % 100:02d}{rng.randrange(1_000_000):06d}"
                if nid not in used_ids:
                    used_ids.add(nid)
                    break
        minority_village = st.ethnic in ("13", "10", "12", "14")
        village = maker.pick(LANG if minority_village else THON)
        disability = maker.pick(["01", "02", "03", "05", "06"]) if rng.random() < 0.012 else None
        full = text.join_name(st.family, st.middle, st.given)
        rows.append({
            "code": f"HS{n:06d}", "national_id": nid, "family": st.family, "middle": st.middle,
            "given": st.given, "female": st.female, "dob": dob, "ethnic": st.ethnic,
            "disability": disability, "village": village, "commune": "Xã Tơ Tung",
            "birthplace": "Gia Lai" if rng.random() < 0.9 else maker.pick(
                ["Quảng Ngãi", "Đắk Lắk", "Thanh Hóa", "Nghệ An", "Cao Bằng", "Hà Giang"]),
            "guardian": maker.guardian(st), "phone": maker.phone(),
            "address": f"{village}, xã Tơ Tung, tỉnh Gia Lai",
            "sort_key": text.sort_key(st.family, st.middle, st.given, dob),
            "name_folded": text.fold(full), "batch": None,
            "created_at": datetime.combine(start - timedelta(days=20), time(8, 0)),
        })
    _parents(rows, plans, maker.guardian_female)
    return rows


def _village_rows(maker: Maker, teachers: list[str]) -> list[dict]:
    """The villages of the students' free text as records (db.villages), each with its head
    (trưởng thôn / làng, with a phone) and one or two teachers assigned to it. Its own
    random stream, so the rest of the demo is as before."""
    rows = []
    for name in LANG + THON:
        head = text.join_name(*maker.name("13" if name in LANG else "01", False))
        staff = sorted({maker.pick(teachers) for _ in range(1 + (maker.rng.random() < 0.5))})
        phone = "0" + maker.pick("35789") + "".join(str(maker.rng.randrange(10)) for _ in range(8))
        rows.append(dict(name=name, commune="Xã Tơ Tung", head=head, head_phone=phone,
                         staff="\n".join(staff)))
    return rows


def _parents(rows: list[dict], plans: list[PlannedStudent], mothers: list[bool]) -> None:
    """Father and mother for the register (F8), from their own random stream (the rest of
    the school stays as the seed made it): the parent already drawn as «guardian» (a
    mother where ``mothers`` says so) becomes the father or the mother, the other parent is
    drawn beside them; about one student in twelve keeps a guardian (grandparents, an
    uncle) as well."""
    rng = random.Random(sum(r["dob"].toordinal() for r in rows))  # from the seed's data
    other = Maker(rng)
    for row, st, is_mother in zip(rows, plans, mothers):
        first = row["guardian"]
        fam, mid, giv = other.name(st.ethnic, not is_mother, family=st.surname if is_mother else None)
        second = text.join_name(fam, mid, giv)
        row["mother"], row["father"] = (first, second) if is_mother else (second, first)
        if rng.random() < 0.08:
            fam, mid, giv = other.name(st.ethnic, rng.random() < 0.5, family=st.surname)
            row["guardian"] = text.join_name(fam, mid, giv)
        else:
            row["guardian"] = ""



def _event_times(plans: list[PlannedStudent], rng: random.Random) -> None:
    """When each event was recorded: a time of the school day of its date (``recorded_at``)."""
    for st in plans:
        for ev in st.events:
            minutes = rng.randrange(7 * 60, 16 * 60)
            ev["recorded_at"] = datetime.combine(ev["date"], time(minutes // 60, minutes % 60))

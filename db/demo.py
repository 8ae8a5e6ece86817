"""A deterministic demo school: Trường THCS Tơ Tung (Gia Lai), grades 6–9.

The same ``seed`` and ``today`` always give the same school: classes with their
homeroom teachers, students with Vietnamese names (Kinh and the Ba Na, Gia Rai,
Ê Đê, Xơ Đăng, Mông, Tày, Thái, Nùng peoples of the Central Highlands), villages,
guardians, and the current school year's events up to ``today`` (transfers in and
out, dropouts with their reason codes, returns, class changes within a grade).

Built with bulk inserts so that 60,000 students take seconds, not minutes. The
spans are computed here directly from the generated histories, which are valid by
construction; ``tests/test_demo.py`` proves they equal ``events.rebuild_spans``.
"""

from __future__ import annotations

import json
import random
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from operator import itemgetter

from peewee import (BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField,
                    SqliteDatabase, TextField, chunked)

from .demo_visits import add_cases_and_visits
from . import audit, clock, kinds, register, text
from .errors import SisoError
from .demo_attendance import build_attendance
from .demo_cohort import add_expected_children
from .demo_calendar import build_calendar
from .events import semester_of
from .models import Event, DatabaseFact, SchoolClass, SchoolYear, Setting, Span, Student, Target, database

# The targets a THCS school of the seeds registers (seed 001, 003, 004).
TARGETS = {"ty_le_bo_hoc": 2.0, "ty_le_duy_tri": 98.0, "ty_le_luu_ban": 1.0,
           "ty_le_dung_do_tuoi": 95.0, "ty_le_hoan_thanh": 100.0}
DEMO_KEY = "demo"  # DatabaseFact key marking a database built by build_demo

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

# ---- names, villages, schools: data (db/data/demo_school.json) ---------------------------------

def _demo_data() -> dict:
    from importlib import resources

    return json.loads(resources.files("db").joinpath("data/demo_school.json").read_text(encoding="utf-8"))


_D = _demo_data()
_KINH_FAMILY = _D["kinh_family"]
_KINH_MIDDLE_M = _D["kinh_middle_m"]
_KINH_MIDDLE_F = _D["kinh_middle_f"]
_KINH_GIVEN_M = _D["kinh_given_m"]
_KINH_GIVEN_F = _D["kinh_given_f"]
_BANA_GIVEN_M = _D["bana_given_m"]
_BANA_GIVEN_F = _D["bana_given_f"]
_JRAI_FAMILY = _D["jrai_family"]
_JRAI_GIVEN_M = _D["jrai_given_m"]
_JRAI_GIVEN_F = _D["jrai_given_f"]
_EDE_FAMILY = _D["ede_family"]
_EDE_GIVEN_M = _D["ede_given_m"]
_EDE_GIVEN_F = _D["ede_given_f"]
_XODANG_GIVEN_M = _D["xodang_given_m"]
_XODANG_GIVEN_F = _D["xodang_given_f"]
_MONG_FAMILY = _D["mong_family"]
_MONG_GIVEN_M = _D["mong_given_m"]
_MONG_GIVEN_F = _D["mong_given_f"]
_TAY_FAMILY = _D["tay_family"]
_THAI_FAMILY = _D["thai_family"]
_THAI_GIVEN_M = _D["thai_given_m"]
_THAI_GIVEN_F = _D["thai_given_f"]
_NUNG_FAMILY = _D["nung_family"]
_ETHNIC_WEIGHTS = [tuple(x) for x in _D["ethnic_weights"]]
_LANG = _D["lang"]
_THON = _D["thon"]
_SCHOOLS_IN = [tuple(x) for x in _D["schools_in"]]
_VOCATIONAL = [tuple(x) for x in _D["vocational"]]

# dropout reason codes (db/data/ly_do_bo_hoc.csv) and their weights
_REASONS = [("01", 30), ("02", 25), ("03", 15), ("06", 8), ("09", 6), ("04", 3), ("07", 3)]
_DROPOUT_NOTES = ["Đã đến nhà vận động 3 lần, gia đình chưa đồng ý cho đi học lại.",
                  "Đi làm rẫy cùng gia đình.", "Nghỉ học quá 45 buổi.", None, None]

# Share of the school touched by each kind over a whole school year
_RATES = {"transfer_in": 0.04, "late_admit": 0.006, "class_change": 0.03,
          "transfer_out": 0.04, "dropout": 0.05, "return": 0.4}  # return: share of dropouts


def year_bounds(today: date) -> tuple[str, date, date, date, date]:
    """(name, start, end, reference date, HK2 start) of the school year ``today`` falls in
    (its summer counts as part of it: the next year starts on 5 September)."""
    first = today.year if today >= date(today.year, 9, 5) else today.year - 1
    start = date(first, 9, 5)
    end = date(first + 1, 5, 31)
    hk2 = date(first + 1, 1, 12)
    hk2 += timedelta(days=(7 - hk2.weekday()) % 7)  # a Monday
    return f"{first}-{first + 1}", start, end, date(first, 9, 30), hk2


@dataclass
class _Plan:
    grade: int
    klass: int  # index into the year's classes
    female: bool
    ethnic: str
    family: str
    middle: str
    given: str
    surname: str  # the family name as the people say it ("Rơ Châm"), for the guardian
    events: list[dict] = field(default_factory=list)


class _Maker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.ethnic_codes = [c for c, _ in _ETHNIC_WEIGHTS]
        self.ethnic_weights = [w for _, w in _ETHNIC_WEIGHTS]
        self.guardian_female: list[bool] = []

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def ethnic(self) -> str:
        return self.rng.choices(self.ethnic_codes, self.ethnic_weights)[0]

    def name(self, ethnic: str, female: bool, family: str | None = None) -> tuple[str, str, str]:
        """(family, middle, given) as a clerk would type it into the register."""
        p, r = self.pick, self.rng.random()
        if ethnic == "13":  # Ba Na: Đinh Văn Blưn, Đinh Thị Hiên
            fam = family or ("Đinh" if r < 0.85 else p(["Mai", "Hồ", "Đinh"]))
            mid = "Thị" if female else p(["Văn", "Văn", "Văn", ""])
            return fam, mid, p(_BANA_GIVEN_F if female else _BANA_GIVEN_M)
        if ethnic == "10":  # Gia Rai: Ksor H'Hen, Rơ Châm Yuih, Siu Hlim
            fam = family or p(_JRAI_FAMILY)
            return fam, "", p(_JRAI_GIVEN_F if female else _JRAI_GIVEN_M)
        if ethnic == "12":  # Ê Đê, written as schools register them: H'Linh Niê, Y Thuận Niê
            surname = family or p(_EDE_FAMILY)
            if female:
                return "H'" + p(_EDE_GIVEN_F), "", surname
            return "Y", p(_EDE_GIVEN_M), surname
        if ethnic == "14":  # Xơ Đăng: A Blong, Y Dung
            if female:
                return family or "Y", "", p(_XODANG_GIVEN_F)
            return family or "A", "", p(_XODANG_GIVEN_M)
        if ethnic == "08":  # Mông: Giàng A Páo, Sùng Thị Mỷ
            return (family or p(_MONG_FAMILY), "Thị" if female else "A",
                    p(_MONG_GIVEN_F if female else _MONG_GIVEN_M))
        if ethnic == "03":  # Thái: Lò Văn Pánh, Lường Thị Xuân
            return (family or p(_THAI_FAMILY), "Thị" if female else "Văn",
                    p(_THAI_GIVEN_F if female else _THAI_GIVEN_M))
        fam = family or p(_TAY_FAMILY if ethnic == "02" else _NUNG_FAMILY if ethnic == "07"
                          else _KINH_FAMILY)
        return (fam, p(_KINH_MIDDLE_F if female else _KINH_MIDDLE_M),
                p(_KINH_GIVEN_F if female else _KINH_GIVEN_M))

    def guardian(self, st: _Plan) -> str:
        e = st.ethnic
        if e in ("10", "12"):  # matrilineal: the child carries the mother's family name
            female, family = True, st.surname
        elif self.rng.random() < 0.75:  # the father
            female, family = False, st.surname
        else:
            female, family = True, None
        fam, mid, giv = self.name(e, female, family=family)
        self.guardian_female.append(female)  # the register's father / mother (_parents)
        return text.join_name(fam, mid, giv)

    def phone(self) -> str:
        if self.rng.random() < 0.35:
            return ""
        return "0" + self.pick("35789") + "".join(str(self.rng.randrange(10)) for _ in range(8))


def _weekdays(first: date, last: date) -> list[date]:
    """School days (Monday–Saturday) from ``first`` to ``last``."""
    days, d = [], first
    while d <= last:
        if d.weekday() != 6:
            days.append(d)
        d += timedelta(days=1)
    return days


def _teacher_names(maker: _Maker, n: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        female = maker.rng.random() < 0.7
        eth = "13" if maker.rng.random() < 0.15 else "01"
        full = text.join_name(*maker.name(eth, female))
        if full not in seen:
            seen.add(full)
            names.append(full)
    return names


def has_school() -> bool:
    """True when the open database already holds a school (a year, a class or a student)."""
    return SchoolYear.select().exists() or Student.select().exists()


def is_demo() -> bool:
    return DatabaseFact.get_or_none(DatabaseFact.key == DEMO_KEY) is not None


def build_demo(students: int = 600, seed: int = 1, today: date | None = None) -> SchoolYear:
    """Fill the open, empty database with the demo school; return its current school year.

    One transaction with one audit record. Refuses a database that already holds a school.
    """
    try:
        students = int(students)
    except (TypeError, ValueError):
        raise SisoError(f"Số học sinh «{students}» không hợp lệ: cần một số nguyên.", "students") from None
    if not 1 <= students <= 200_000:
        raise SisoError(f"Số học sinh {students} không hợp lệ: cần từ 1 đến 200000.", "students")
    if has_school():
        raise SisoError("Cơ sở dữ liệu này đã có dữ liệu trường học: trường mẫu chỉ tạo "
                        "trong một cơ sở dữ liệu trống (chọn tệp khác bằng --db).", "db")
    today = today or clock.today()
    rng = random.Random(seed)
    maker = _Maker(rng)
    name, start, end, ref, hk2 = year_bounds(today)
    last_day = min(today, date(end.year, 8, 31))
    span_days = (last_day - start).days
    elapsed = min(1.0, max(0.0, span_days / max(1, (end - start).days)))

    # classes: about 37 students each, the same number in every grade
    per_grade = max(1, round(students / 37.5 / 4))
    class_keys = [(g, f"{g}A{i}") for g in range(6, 10) for i in range(1, per_grade + 1)]
    teachers = _teacher_names(maker, len(class_keys))

    # students, oldest grade first (their codes were given earlier)
    by_grade: dict[int, list[int]] = {}
    for j, (g, _) in enumerate(class_keys):
        by_grade.setdefault(g, []).append(j)
    plans: list[_Plan] = []
    for i in range(students):
        grade = 9 - (i * 4 // students)
        in_grade = by_grade[grade]
        klass = in_grade[rng.randrange(len(in_grade))]
        female = rng.random() < 0.49
        eth = maker.ethnic()
        fam, mid, giv = maker.name(eth, female)
        # stored as the add-student form stores it: first word, middle words, last word
        parts = text.split_name(text.join_name(fam, mid, giv))
        plans.append(_Plan(grade, klass, female, eth, *parts, surname=fam if eth != "12" else giv))

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
            sch, prov, comm, scope = maker.pick(_SCHOOLS_IN)
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
        sch, prov, comm, scope = maker.pick(_VOCATIONAL if vocational else _SCHOOLS_IN)
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

    with audit.write("demo.build", "school", students=students, seed=seed, year=name,
                     today=today) as info:
        Setting.insert_many([{"key": k, "value": v} for k, v in SETTINGS.items()]).execute()
        year = SchoolYear.create(name=name, start=start, end=end, ref_date=ref, hk2_start=hk2)
        SchoolClass.insert_many([{"year": year.id, "name": n, "grade": g, "homeroom": t}
                                 for (g, n), t in zip(class_keys, teachers)]).execute()
        class_ids = {n: cid for cid, n in SchoolClass.select(SchoolClass.id, SchoolClass.name)
                     .where(SchoolClass.year == year.id).tuples()}
        klass_id = [class_ids[n] for _, n in class_keys]

        student_ids = _insert_students(plans, maker, start, today)
        _demo_villages(_Maker(random.Random(seed * 7919 + 14)), teachers)
        event_rows = _event_rows(plans, student_ids, klass_id, year, rng)
        event_ids = _insert_events(event_rows)
        spans = _spans(plans, student_ids, klass_id, event_ids, year.id)
        _bulk_insert(Span, spans)
        register.number_unnumbered()  # register numbers by first entry (db.register)
        info.update(zip(("risk_cases", "visits"), add_cases_and_visits(
            plans, student_ids, teachers, year, today, seed, SETTINGS["hieu_truong"])))
        info["absences"] = build_attendance(year, spans, seed, today, audit.current_user())
        info["expected"] = add_expected_children(year, seed, audit.current_user(), today)
        info["submissions"] = build_calendar(year, today, seed, SETTINGS["co_quan_quan_ly"], audit.current_user())
        Target.insert_many([{"year": year.id, "level": "THCS", "grade": None, "name": n, "value": v}
                            for n, v in TARGETS.items()]).execute()
        DatabaseFact.put(DEMO_KEY, json.dumps({"seed": seed, "students": students,
                                       "today": today.isoformat()}))
        info.update(classes=len(class_keys), events=len(event_rows))
    return year


BULK_REBUILD = 20_000  # rows from which _bulk_insert builds an empty table's indexes at the end


def _bulk_insert(model, rows: list[dict]) -> None:
    """INSERT many rows (all with the same keys) with one prepared statement.

    Plain standard SQL through the driver's ``executemany``: the same on SQLite and
    PostgreSQL, and many times faster than building one statement per chunk.
    """
    if not rows:
        return
    db = database.obj
    names = list(rows[0])
    fields = [model._meta.fields[n] for n in names]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join([db.param] * len(fields))
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    cursor = db.cursor()
    # many rows into an empty table (the demo's absences, days taken, students at 60,000):
    # its indexes are built once at the end, from sorted data, rather than kept up to date
    # row by row (414,819 absences: 3.1 -> 1.8 s of CPU)
    rebuild = len(rows) >= BULK_REBUILD and not model.select().exists()
    if rebuild:
        model._schema.drop_indexes(safe=True)
    get = itemgetter(*names) if len(names) > 1 else (lambda r: (r[names[0]],))
    for chunk in chunked(rows, 5000):
        values = [get(r) for r in chunk]
        # a column whose values are all of the field's own Python type (or None) goes to the
        # driver as it is (``db_value`` returns them unchanged); any other through db_value
        convert = [j for j, f in enumerate(fields)
                   if not {type(t[j]) for t in values} <= _raw_types(f)]
        if convert:
            values = [tuple(fields[j].db_value(t[j]) if j in convert else t[j]
                            for j in range(len(fields))) for t in values]
        cursor.executemany(sql, values)
    if rebuild:
        model._schema.create_indexes(safe=True)


def _raw_types(field) -> set:
    """The Python types whose values ``field.db_value`` passes on unchanged."""
    if isinstance(field, ForeignKeyField):
        field = field.rel_field
    for kind, types in ((BooleanField, {bool}), (DateTimeField, {datetime}), (DateField, {date}),
                        (IntegerField, {int}), (CharField, {str}), (TextField, {str})):
        if isinstance(field, kind):
            return types | {type(None)}
    return set()


def _insert_students(plans: list[_Plan], maker: _Maker, start: date, today: date) -> list[int]:
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
        village = maker.pick(_LANG if minority_village else _THON)
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
    _bulk_insert(Student, rows)
    ids = dict(Student.select(Student.code, Student.id).tuples())
    return [ids[r["code"]] for r in rows]


def _demo_villages(maker: _Maker, teachers: list[str]) -> None:
    """The villages of the students' free text as records (db.villages), each with its head
    (trưởng thôn / làng, with a phone) and one or two teachers assigned to it; every student
    linked to theirs in one statement (fast at 60,000 students). Its own random stream, so
    the rest of the demo is as before."""
    from .models import Village

    for name in _LANG + _THON:
        head = text.join_name(*maker.name("13" if name in _LANG else "01", False))
        staff = sorted({maker.pick(teachers) for _ in range(1 + (maker.rng.random() < 0.5))})
        phone = "0" + maker.pick("35789") + "".join(str(maker.rng.randrange(10)) for _ in range(8))
        Village.create(name=name, commune="Xã Tơ Tung", head=head, head_phone=phone,
                       staff="\n".join(staff))
    database.execute_sql("UPDATE student SET village_id = (SELECT v.id FROM village v WHERE "
                         "v.name = student.village AND v.commune = student.commune)")


_EVENT_KEYS = ("klass", "from_klass", "reason", "school", "province", "district", "scope",
               "vocational", "doc_no", "note")


def _parents(rows: list[dict], plans: list[_Plan], mothers: list[bool]) -> None:
    """Father and mother for the register (F8), from their own random stream (the rest of
    the school stays as the seed made it): the parent already drawn as «guardian» (a
    mother where ``mothers`` says so) becomes the father or the mother, the other parent is
    drawn beside them; about one student in twelve keeps a guardian (grandparents, an
    uncle) as well."""
    rng = random.Random(sum(r["dob"].toordinal() for r in rows))  # from the seed's data
    other = _Maker(rng)
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


def _event_rows(plans, student_ids, klass_id, year, rng) -> list[dict]:
    rows = []
    for st, sid in zip(plans, student_ids):
        for ev in st.events:
            row = {k: ev.get(k) for k in _EVENT_KEYS}
            row["klass"] = klass_id[ev["klass"]]
            row["from_klass"] = klass_id[ev["from_klass"]] if ev.get("from_klass") is not None else None
            row["vocational"] = bool(ev.get("vocational"))
            minutes = rng.randrange(7 * 60, 16 * 60)
            row.update(student=sid, year=year.id, kind=ev["kind"], date=ev["date"],
                       semester=semester_of(year, ev["date"]), batch=None, recorded_by="vanthu",
                       recorded_at=datetime.combine(ev["date"], time(minutes // 60, minutes % 60)),
                       voided_at=None, voided_by=None, void_reason=None)
            rows.append(row)
    return rows


def _insert_events(rows: list[dict]) -> list[int]:
    """Insert in order; return the new ids in the same order (ids grow with each insert)."""
    last = Event.select(Event.id).order_by(Event.id.desc()).first()
    after = last.id if last else 0
    _bulk_insert(Event, rows)
    got = list(Event.select(Event.id, Event.student, Event.kind, Event.date)
               .where(Event.id > after).order_by(Event.id).tuples())
    if len(got) != len(rows) or any((s, k, d) != (r["student"], r["kind"], r["date"])
                                    for (_, s, k, d), r in zip(got, rows)):
        raise SisoError("Không tạo được trường mẫu: thứ tự ghi biến động không như dự kiến.")
    return [g[0] for g in got]


def _spans(plans, student_ids, klass_id, event_ids, year_id) -> list[dict]:
    """The spans the generated histories give (the same rule as events.spans_from_replay)."""
    spans = []
    n = 0
    for st, sid in zip(plans, student_ids):
        current = None
        for ev in st.events:
            eid = event_ids[n]
            n += 1
            k = ev["kind"]
            if current is not None and (k in kinds.EXITS or k == kinds.CLASS_CHANGE):
                current["end"], current["end_event"] = ev["date"], eid
                spans.append(current)
                current = None
            if k in kinds.ENTRIES or k == kinds.CLASS_CHANGE:
                current = {"student": sid, "year": year_id, "klass": klass_id[ev["klass"]],
                           "start": ev["date"], "end": None, "start_event": eid, "end_event": None}
        if current is not None:
            spans.append(current)
    return spans


def reset_database() -> None:
    """Empty every table of the open database (used by ``siso demo --reset``)."""
    from .models import MODELS

    db = database.obj
    with db.atomic():
        db.drop_tables(MODELS)
        db.create_tables(MODELS)
        from .connection import SCHEMA_VERSION

        DatabaseFact.put("schema_version", str(SCHEMA_VERSION))


def demo_path() -> str:
    """The demo school's own file: ``demo.sqlite3`` in the user's data folder, beside the
    default database (``SISO_DB`` and ``--db`` never move it: the demo is never written
    into a real school's file)."""
    from .connection import default_db_path

    return str(default_db_path().with_name("demo.sqlite3"))


def open_demo(target: str | None = None, *, students: int = 600, seed: int = 1,
              reset: bool = False, today: date | None = None) -> SchoolYear | None:
    """Open the demo database (``target``, default :func:`demo_path`) and build the demo
    school in it when it is empty (or when ``reset``). Returns the current year of the school
    built, or None when an existing demo is reused. The open database is then the demo one (the
    ``database`` proxy is bound to it), in every thread.

    Refuses, and leaves the file untouched, when ``target`` holds a real school."""
    from .connection import close_database, open_database, shown

    target = target or demo_path()
    open_database(target)
    if has_school():
        if not is_demo():
            close_database()
            raise SisoError(f"«{shown(target)}» đã có dữ liệu trường thật, không phải trường mẫu: "
                            "chọn tệp khác bằng --db.", "db")
        if not reset:
            return None
        if isinstance(database.obj, SqliteDatabase):
            return _rebuild_beside(target, students=students, seed=seed, today=today)
        reset_database()
    return build_demo(students=students, seed=seed, today=today)


def _rebuild_beside(target: str, **build) -> SchoolYear:
    """``--reset`` of a demo file: the new school is built in a hidden file beside it, then
    copied in by SQLite's backup API (one transaction under the database's write lock): a
    kill at any moment leaves the old demo or the new one, never an empty file."""
    import os
    import sqlite3
    from pathlib import Path

    from .connection import close_database, open_database

    live = Path(database.obj.database)
    close_database()
    for stale in live.parent.glob(f".{live.name}.new-*"):  # left by a build that was killed
        stale.unlink(missing_ok=True)
    fresh = live.with_name(f".{live.name}.new-{os.getpid()}")
    try:
        open_database(str(fresh))
        year_id = build_demo(**build).id
        close_database()
        open_database(str(live))
        source = sqlite3.connect(str(fresh))
        try:
            source.backup(database.obj.connection())
        finally:
            source.close()
    finally:
        for leftover in (fresh, fresh.with_name(fresh.name + "-wal"),
                         fresh.with_name(fresh.name + "-shm")):
            leftover.unlink(missing_ok=True)
    return SchoolYear.get_by_id(year_id)

"""F10 «chuyen-can» against a straightforward reading of its definitions, day by day and
student by student, on randomised small schools: class moves, a late admission, a transfer
out, holidays, half days, excused and voided absences, runs, several periods and thresholds.
The report reads the year's absences in one ordered pass; this reads them literally."""

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from db import attendance as att, attendance_days, chuyen_can
from db import clock, movements, school
from db.students import add_student


def half_up(num: int, den: int) -> float:
    return float((Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def as_days(halves: int):
    return halves // 2 if halves % 2 == 0 else halves / 2


def build(seed: int):
    """The school, and what the test knows of it: every student's class on each school day
    (absent when not enrolled) and the active records {(code, day): [(excused, session)]}."""
    rng = random.Random(seed)
    clock.set_today(date(2025, 1, 10))
    year = school.add_year("2024-2025", "05/09/2024", "31/05/2025")
    if rng.random() < 0.5:
        attendance_days.set_school_days(year, "2-7")
    attendance_days.add_holiday(date(2024, 11, 20), "Ngày Nhà giáo")
    attendance_days.add_holiday(date(2024, 10, 14), "Nghỉ", end=date(2024, 10, 16))
    a1, a2 = school.add_class("6A1", 6, year), school.add_class("6A2", 6, year)
    last = date(2024, 12, 20)
    days = attendance_days.school_days(year, last=last)
    klass_on: dict[str, dict[date, str]] = {}
    students = []
    for i in range(14):
        klass = a1 if i % 2 else a2
        st = add_student({"name": f"Học Sinh {chr(65 + i)}", "dob": "05/09/2013", "gender": "nam"},
                         year, klass, day=year.start)
        students.append(st)
        klass_on[st.code] = {d: klass.name for d in days}
    # a class move, a transfer out, a late admission
    mover, leaver = students[1], students[2]
    move_day = rng.choice(days[20:60])
    movements.record_class_change(mover, year, move_day, a2)
    for d in days:
        if d >= move_day:
            klass_on[mover.code][d] = "6A2"
    leave_day = rng.choice(days[30:70])
    movements.record_transfer_out(leaver, year, leave_day, school="THCS B", scope="01")
    klass_on[leaver.code] = {d: k for d, k in klass_on[leaver.code].items() if d < leave_day}
    join_day = rng.choice(days[10:40])
    late = movements.record_transfer_in(year, join_day, a1, school="THCS C", data={
        "name": "Học Sinh Muộn", "dob": "05/09/2013", "gender": "nu"}).student
    klass_on[late.code] = {d: "6A1" for d in days if d >= join_day}
    students.append(late)

    records: dict[tuple[str, date], list[tuple[bool, str | None]]] = {}
    ids = []
    for st in students:
        p = rng.choice([0.02, 0.06, 0.12, 0.2])
        enrolled = sorted(klass_on[st.code])
        run_from = rng.randrange(len(enrolled)) if enrolled and rng.random() < 0.5 else None
        run_len = rng.randint(2, 7)
        for j, d in enumerate(enrolled):
            in_run = run_from is not None and run_from <= j < run_from + run_len
            if not in_run and rng.random() >= p:
                continue
            excused = rng.random() < (0.3 if in_run else 0.5)
            kind = None if in_run else rng.choice([None, None, None, "sang", "chieu", "both"])
            for one in (["sang", "chieu"] if kind == "both" else [kind]):
                new = att.add_absences(st.code, d, excused=excused, session=one)[0]
                ids += [(x, st.code, d, excused, one) for x in new]
                records.setdefault((st.code, d), []).append((excused, one))
    for aid, code, d, excused, one in rng.sample(ids, min(6, len(ids))):  # voided in error
        att.void_absence(aid, "Ghi nhầm")
        records[(code, d)].remove((excused, one))
    return year, students, klass_on, records


def expected(year, students, klass_on, records, tu: date, den: date, n: int, m: int):
    upto = attendance_days.school_days(year, last=den)
    period = [d for d in upto if d >= tu]

    def halves(code, d, only_unexcused=False):
        return sum(2 if s is None else 1 for e, s in records.get((code, d), [])
                   if not (only_unexcused and e))

    def whole(code, d):
        recs = records.get((code, d), [])
        return any(s is None for _e, s in recs) or {s for _e, s in recs} == {"sang", "chieu"}

    def run_ending(code, t):
        run = 0
        for x in reversed([d for d in upto if d <= t]):
            if not whole(code, x):
                break
            run += 1
        return run

    def unexcused_30(code, t):
        return sum(halves(code, x, True) for x in upto if t - timedelta(days=29) <= x <= t)

    classes: dict[str, dict] = {}
    listed = {}
    for st in students:
        code = st.code
        on = [d for d in period if d in klass_on[code]]
        if not on:
            continue
        row = classes.setdefault(klass_on[code][on[-1]], {
            "ngay_hs_du_kien": 0, "p": 0, "k": 0, "so_hs_canh_bao": 0,
            "so_hs_vang_nhieu": 0, "so_hs_sap_vang_nhieu": 0})
        row["ngay_hs_du_kien"] += len(on)
        for (c, d), recs in records.items():
            if c == code and tu <= d <= den:
                for e, s in recs:
                    row["p" if e else "k"] += 2 if s is None else 1
        enrolled = [d for d in upto if d in klass_on[code]]
        total = sum(halves(code, d) for d in upto)
        rate = half_up(total, 2 * len(enrolled)) if len(enrolled) >= 10 else None
        level = (None if rate is None else "chronic" if rate >= 10.0
                 else "approaching" if rate >= 5.0 else None)
        flag = any(t in klass_on[code] and (run_ending(code, t) > n or unexcused_30(code, t) > 2 * m)
                   for t in period)
        row["so_hs_canh_bao"] += flag
        row["so_hs_vang_nhieu"] += level == "chronic"
        row["so_hs_sap_vang_nhieu"] += level == "approaching"
        if flag or level == "chronic":
            listed[code] = {"lop": klass_on[code][on[-1]],
                            "nghi_lien_tiep": max(run_ending(code, t) for t in period),
                            "khong_phep_30_ngay": as_days(max(unexcused_30(code, t) for t in period)),
                            "ty_le_vang": rate, "vang_nhieu": level}
    return classes, listed


@pytest.mark.parametrize("seed", [3, 2024])
def test_chuyen_can_equals_a_literal_reading(tmp_path, seed):
    from db.connection import close_database, open_database

    open_database(str(tmp_path / "f10.sqlite3"))
    try:
        year, students, klass_on, records = build(seed)
        rng = random.Random(seed + 1)
        periods = [(date(2024, 12, 20), None), (date(2024, 12, 20), year.start),
                   (date(2024, 11, 29), date(2024, 11, 1)), (date(2024, 10, 18), date(2024, 10, 17))]
        for den, tu in periods:
            n, m = rng.randint(1, 4), rng.randint(0, 3)
            school.set_settings({"nghi_lien_tiep_toi_da": str(n), "khong_phep_30_ngay_toi_da": str(m)})
            form = chuyen_can.report_chuyen_can(year, den, tu)
            tu_day = date.fromisoformat(form["tu_ngay"])
            classes, listed = expected(year, students, klass_on, records, tu_day, den, n, m)
            got_rows = {r["lop"]: r for r in form["lop"]}
            for name, row in classes.items():
                got = got_rows[name]
                assert (got["ngay_hs_du_kien"], got["co_phep"], got["khong_phep"]) == (
                    row["ngay_hs_du_kien"], as_days(row["p"]), as_days(row["k"])), (seed, den, tu, name)
                assert (got["so_hs_canh_bao"], got["so_hs_vang_nhieu"], got["so_hs_sap_vang_nhieu"]) == (
                    row["so_hs_canh_bao"], row["so_hs_vang_nhieu"], row["so_hs_sap_vang_nhieu"]), (seed, den, tu, name)
            got_listed = {r["ma"]: {k: r[k] for k in ("lop", "nghi_lien_tiep", "khong_phep_30_ngay",
                                                      "ty_le_vang", "vang_nhieu")}
                          for r in form["canh_bao"]}
            assert got_listed == listed, (seed, den, tu, n, m)
    finally:
        clock.set_today(None)
        close_database()

"""The demo school's at-risk cases and home visits (called by ``db.demo_write.write_demo``).

Every demo dropout satisfies the dropout rule: a case opened some weeks before, three
visits on or before the dropout (the third with a school leader: seed 004's escalation),
the case closed «dropped» on the dropout's day; a student who came back has a fourth visit
that brought them back. A few other students have a case with 1–3 visits: some back in
class (case closed «returned»), some still open. Deterministic from the seed.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta

from . import kinds

_HEADS = ["Rơ Châm Bắc", "Ksor Nhơn", "Siu Thoanh", "Đinh Văn Blơ", "Nguyễn Văn Tư", "Rơ Mah Hyuh"]
_FOUND = ["Em theo bố mẹ lên rẫy, ở lại chòi rẫy nhiều ngày.",
          "Gia đình khó khăn, em ở nhà trông em nhỏ.",
          "Em ngại đi học vì học đuối, bị bạn trêu.",
          "Em đi làm thuê cùng anh trai ở xã bên.",
          "Em bị ốm, gia đình chưa cho đi học lại.",
          "Em chán học, thường bỏ đi chơi với bạn ngoài trường."]
_COMMIT = ["Gia đình hứa đưa em đến lớp từ thứ Hai tuần sau.",
           "Bố mẹ sẽ cho em ở nhà bán trú để đi học đều.",
           "Gia đình cam kết động viên em trở lại lớp.",
           ""]
_RESULTS_BEFORE_DROPOUT = ["promised", "nobody", "refused"]


def _visitors(n: int, teacher: str, head: str, principal: str) -> list[dict]:
    people = [{"ho_ten": teacher, "vai_tro": "Giáo viên chủ nhiệm"}]
    if n >= 2:
        people.append({"ho_ten": head, "vai_tro": "Trưởng thôn"})
    if n >= 3:
        people.append({"ho_ten": principal, "vai_tro": "Lãnh đạo nhà trường"})
        people.append({"ho_ten": "Rơ Lan Hằng", "vai_tro": "Đoàn thanh niên"})
    return people


def add_cases_and_visits(plans, student_ids, teachers, year, today: date, seed: int,
                         principal: str) -> tuple[int, int]:
    """Insert the demo's cases and visits; returns (cases, visits)."""
    from .demo_write import bulk_insert
    from .models import RiskCase, Student, Visit

    rng = random.Random(seed * 1009 + 14)
    last_day = min(today, year.end)
    cases, visits = [], []  # visits: (student index, visit dict) until the case ids are known

    def visit(i, day, n, result, people_n, back=False):
        head = _HEADS[(plans[i].klass + i) % len(_HEADS)]
        visits.append((i, {"date": day, "number": n, "result": result,
                           "visitors": _visitors(people_n, teachers[plans[i].klass], head, principal),
                           "found": "Em đã trở lại lớp." if back else rng.choice(_FOUND),
                           "commitment": "" if result == "nobody" else rng.choice(_COMMIT)}))

    dropped = set()
    for i, st in enumerate(plans):
        drop = next((e for e in st.events if e["kind"] == kinds.DROPOUT), None)
        if drop is None:
            continue
        dropped.add(i)
        entry = st.events[0]["date"]
        opened = max(entry, drop["date"] - timedelta(days=21))
        span = (drop["date"] - opened).days
        days = [opened + timedelta(days=span * k // 2) for k in range(3)]
        cases.append({"i": i, "causes": drop["reason"], "opened": opened, "closed": drop["date"],
                      "result": "dropped"})
        for n, day in enumerate(days, 1):
            visit(i, day, n, _RESULTS_BEFORE_DROPOUT[n - 1], n)
        back = next((e for e in st.events if e["kind"] == kinds.RETURN), None)
        if back is not None:
            gap = (back["date"] - drop["date"]).days
            visit(i, drop["date"] + timedelta(days=max(1, gap - 2)), 4, "returned", 2)

    # a few more students at risk who did not drop out
    steady = [i for i, st in enumerate(plans)
              if i not in dropped and len(st.events) == 1 and st.events[0]["date"] == year.start]
    first_open = year.start + timedelta(days=14)
    if steady and first_open + timedelta(days=7) <= last_day:
        for k, i in enumerate(rng.sample(steady, min(len(steady), max(2, len(dropped) // 2 + 1)))):
            opened = first_open + timedelta(days=rng.randrange((last_day - first_open).days - 6))
            n_visits = 1 + k % 3
            days = [opened + timedelta(days=7 * j) for j in range(n_visits)]
            days = [d for d in days if d <= last_day] or [opened]
            returned = k % 2 == 0 and days[-1] + timedelta(days=1) <= last_day
            cases.append({"i": i, "causes": rng.choice(["01", "02", "03", "05"]), "opened": opened,
                          "closed": days[-1] + timedelta(days=1) if returned else None,
                          "result": "returned" if returned else None})
            for n, day in enumerate(days, 1):
                last = n == len(days)
                visit(i, day, n, "returned" if returned and last else "promised", min(n, 2),
                      back=returned and last)

    if not cases:
        return 0, 0
    sponsors = {i: teachers[(plans[i].klass + 1) % len(teachers)] for i in range(len(plans))}
    bulk_insert(RiskCase, [{"student": student_ids[c["i"]], "year": year.id, "causes": c["causes"],
                             "sponsor": sponsors[c["i"]], "opened": c["opened"], "closed": c["closed"],
                             "result": c["result"], "recorded_by": "gvcn",
                             "recorded_at": datetime.combine(c["opened"], time(16, 0))}
                            for c in cases])
    case_of = {sid: cid for cid, sid in RiskCase.select(RiskCase.id, RiskCase.student)
               .where(RiskCase.year == year.id).tuples()}
    people = {sid: (guardian, address) for sid, guardian, address in
              Student.select(Student.id, Student.guardian, Student.address)
              .where(Student.id.in_([student_ids[i] for i, _ in visits])).tuples()}
    rows = []
    for i, v in visits:
        sid = student_ids[i]
        guardian, address = people[sid]
        nobody = v["result"] == "nobody"
        rows.append({"student": sid, "year": year.id, "case": case_of.get(sid), "date": v["date"],
                     "number": v["number"], "place": address,
                     "visitors": json.dumps(v["visitors"], ensure_ascii=False),
                     "met": "" if nobody else guardian, "found": "Không có ai ở nhà; hàng xóm cho biết "
                     "gia đình đi rẫy." if nobody else v["found"], "commitment": v["commitment"],
                     "result": v["result"], "signed_by": "Hàng xóm: Rơ Mah Ju" if nobody else guardian,
                     "recorded_by": "gvcn", "recorded_at": datetime.combine(v["date"], time(17, 0)),
                     "voided_at": None, "voided_by": None, "void_reason": None})
    bulk_insert(Visit, rows)
    return len(cases), len(rows)

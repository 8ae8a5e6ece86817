"""The vice-principal's cards (Ctrl+G): flagged today, open at-risk cases and visits due per
grade, the class size at the end of every month and the attendance rate week by week —
numbers worked out by hand on a small school, then a Pilot test that the cards show them.

The school (year 2024-2025 starts on Thursday 05/09/2024; November 2024: Monday 4, 11, 18,
25; Wednesday 20/11 a holiday):

- 6A1 (grade 6): An, Bình, Cường from 05/09; Giang from 15/10.
- 7A1 (grade 7): Dũng from 05/09; Em from 05/09, transferred out on 20/11.

Attendance taken: 6A1 on 4–8/11 and 25–29/11; 7A1 on 18–22/11 and 25–29/11.
- Bình absent (excused) Monday 4/11, Cường the morning of Tuesday 5/11.
- Em absent Monday 18/11.
- An absent (unexcused) 25–28/11: 4 unexcused days in 30 days > 3, flagged on Friday 29/11.
- Dũng absent (excused) 26–29/11: a run of 4 school days > 3, flagged on 29/11.

Cases: Cường opened 06/11, visits 07/11, 12/11, 22/11. Bình opened 10/11, visits 12/11,
14/11 (voided), 21/11. Em opened 01/11, closed by the transfer out on 20/11. Giang opened
01/11, closed «returned» 15/11. Dũng opened 27/11, no visit.
"""

from datetime import date

import pytest
from textual.widgets import Sparkline, Static

from db import attendance as att, attendance_days, attendance_flag, attendance_rates
from db import clock, movements, risk
from db.roster import month_end_counts, roster_rows
from db.school import add_class
from db.students import add_student
from db.chi_tieu import grade_dashboard
from home_visits import visits
from test_tui_reports import TinyApp
from tui_wait import settle
from tui.screens.dashboard import DashboardScreen, GradeCard

D = lambda d, m=11, y=2024: date(y, m, d)  # a day of November 2024 by default


@pytest.fixture
def small(year):
    clock.set_today(D(20, 12))
    six = add_class("6A1", 6, year, homeroom="Lò Thị Mai")
    seven = add_class("7A1", 7, year, homeroom="A Sáu")

    def pupil(name, klass, day=year.start):
        return add_student({"name": name, "dob": "05/09/2012", "gender": "nam"}, year, klass, day=day)

    an, binh, cuong = (pupil(n, six) for n in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"))
    giang = pupil("Hà Thị Giang", six, day="15/10/2024")
    dung, em = pupil("Phạm Văn Dũng", seven), pupil("Vũ Thị Em", seven)
    attendance_days.add_holiday(D(20), "Ngày Nhà giáo Việt Nam")

    att.mark_taken(six, D(4), D(8))
    att.add_absences(binh.code, D(4), excused=True)
    att.add_absences(cuong.code, D(5), session="sang")
    att.mark_taken(seven, D(18), D(22))
    att.add_absences(em.code, D(18))
    att.mark_taken(six, D(25), D(29))
    att.mark_taken(seven, D(25), D(29))
    att.add_absences(an.code, D(25), D(28))
    att.add_absences(dung.code, D(26), D(29), excused=True)

    risk.open_case(cuong, ["01"], day="06/11/2024")
    visits(cuong, "07/11/2024", "12/11/2024", "22/11/2024")
    risk.open_case(binh, ["02"], day="10/11/2024")
    _v1, void, _v3 = visits(binh, "12/11/2024", "14/11/2024", "21/11/2024")
    risk.void_visit(void.id, "ghi nhầm ngày")
    risk.open_case(em, ["03"], day="01/11/2024")
    movements.record("transfer_out", em, year, "20/11/2024", school="THCS Lê Lợi", scope="01")
    risk.open_case(giang, ["01"], day="01/11/2024")
    risk.close_case(giang, "returned", day="15/11/2024")
    risk.open_case(dung, ["02"], day="27/11/2024")
    return year, {"an": an, "binh": binh, "cuong": cuong, "giang": giang, "dung": dung, "em": em}


def test_flagged_cases_and_visits_due_per_grade(small):
    year, s = small
    # 29/11: An flagged (no case: due), Bình's case has 2 visits (one voided: due), Cường's 3
    # (not due); Dũng flagged with a case and no visit: one student, counted once as due
    assert risk.grade_watch(year, D(29)) == {
        6: {"canh_bao": 1, "nguy_co": 2, "can_tham": 2},
        7: {"canh_bao": 1, "nguy_co": 1, "can_tham": 1}}
    # 19/11: nobody flagged; Cường 2 visits, Bình 1: both due; Em's case still open (it is
    # closed by the transfer of 20/11), no visit; Giang's closed on 15/11, Dũng's not opened
    assert risk.grade_watch(year, D(19)) == {
        6: {"canh_bao": 0, "nguy_co": 2, "can_tham": 2},
        7: {"canh_bao": 0, "nguy_co": 1, "can_tham": 1}}
    # 22/11 (Friday): Cường's third visit is that day: no longer due
    assert risk.grade_watch(year, D(22))[6] == {"canh_bao": 0, "nguy_co": 2, "can_tham": 1}
    # the flags behind it, the overview's «Cần chú ý hôm nay»
    assert attendance_flag.attention_students(year, D(29)) == {s["an"].id, s["dung"].id}


def test_class_size_at_the_end_of_every_month(small):
    year, _s = small
    # Giang arrives 15/10 (grade 6), Em leaves 20/11 (grade 7); the last point is the day
    assert month_end_counts(year, D(29)) == {
        6: [(D(30, 9), 3), (D(31, 10), 4), (D(29), 4)],
        7: [(D(30, 9), 2), (D(31, 10), 2), (D(29), 1)]}
    assert month_end_counts(year, D(10, 10)) == {6: [(D(30, 9), 3), (D(10, 10), 3)],
                                                 7: [(D(30, 9), 2), (D(10, 10), 2)]}


def test_attendance_rate_week_by_week(small):
    year, _s = small
    weeks = attendance_rates.weekly_attendance(year, D(29))
    mondays = [D(2, 9), D(9, 9), D(16, 9), D(23, 9), D(30, 9), D(7, 10), D(14, 10), D(21, 10),
               D(28, 10), D(4), D(11), D(18), D(25)]
    assert [m for m, _r in weeks[6]] == mondays == [m for m, _r in weeks[7]]
    # weeks no class of the grade took: None (not 100 %)
    # grade 6, 4–8/11: 4 students × 5 days = 20 student-days; absent 1 (Bình) + 0,5 (Cường):
    # 18,5 ÷ 20 = 92,5 %. 25–29/11: 20 student-days, An 4: 16 ÷ 20 = 80,0 %
    assert {m: r for m, r in weeks[6] if r is not None} == {D(4): 92.5, D(25): 80.0}
    # grade 7, 18–22/11 (20/11 a holiday: 4 school days): Dũng 4 + Em 2 (18, 19: she left on
    # 20/11) = 6 student-days, absent 1 (Em): 5 ÷ 6 = 83,3 %. 25–29/11: Dũng alone, 5 days,
    # absent 4: 1 ÷ 5 = 20,0 %
    assert {m: r for m, r in weeks[7] if r is not None} == {D(18): 83.3, D(25): 20.0}
    # a week cut by the day: on Wednesday 27/11 grade 6 has 4 × 3 = 12 student-days, An
    # absent 25, 26, 27: 9 ÷ 12 = 75,0 %
    assert attendance_rates.weekly_attendance(year, D(27))[6][-1] == (D(25), 75.0)


def test_grade_dashboard_carries_them(small):
    year, _s = small
    six, seven = grade_dashboard(year, D(29))
    assert (six["canh_bao"], six["nguy_co"], six["can_tham"]) == (1, 2, 2)
    assert six["si_so_thang"] == [{"ngay": "2024-09-30", "ts": 3}, {"ngay": "2024-10-31", "ts": 4},
                                  {"ngay": "2024-11-29", "ts": 4}]
    assert [w["ty_le"] for w in seven["chuyen_can_tuan"]] == [None] * 11 + [83.3, 20.0]


async def test_the_cards_show_them_and_fit_80x24(small):
    year, _s = small
    screen = DashboardScreen()
    app = TinyApp(year, screen, today=D(29))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        six, seven = screen.query(GradeCard)
        assert "Chú ý 1  Nguy cơ 2  Cần thăm 2" in six.render_card(six.card)
        assert "Chú ý 1  Nguy cơ 1  Cần thăm 1" in seven.render_card(seven.card)
        # the sparklines, and their lowest–highest written beside them (not colour alone)
        assert list(six.query_one(".spark-size", Sparkline).data) == [3, 4, 4]
        assert list(six.query_one(".spark-attendance", Sparkline).data) == [92.5, 80.0]
        ranges = [str(w.render()) for w in six.query(".spark-range").results(Static)]
        assert ranges == ["3–4", "80,0–92,5%"]
        ranges = [str(w.render()) for w in seven.query(".spark-range").results(Static)]
        assert ranges == ["1–2", "20,0–83,3%"]
        # every card whole on the screen, above the footer
        for card in (six, seven):
            region = card.region
            assert region.right <= 80 and region.bottom <= 24 - 1 and region.height >= 9


async def test_the_cards_fit_80x24_with_four_grades_and_a_missed_target(small):
    from db.targets import set_target

    year, _s = small
    for grade, name in ((8, "8A1"), (9, "9A1")):
        klass = add_class(name, grade, year)
        for given in ("Hải", "Hùng"):
            add_student({"name": f"Lý Văn {given}", "dob": "05/09/2010", "gender": "nam"}, year,
                        klass, day=year.start)
    eight = next(r for r in roster_rows(year, D(1)) if r.klass == "8A1")
    movements.record("dropout", eight.id, year, "15/11/2024", reason="02",
                     without_visits="gia đình chuyển đi, không liên lạc được")
    # grade 8: dropout 1 ÷ 2 = 50,0 % > 0 and retention 1 ÷ (1 + 1) = 50,0 % < 99,5: missed
    set_target(year, "ty_le_duy_tri", 99.5, level="THCS")
    set_target(year, "ty_le_bo_hoc", 0, level="THCS")
    screen = DashboardScreen()
    app = TinyApp(year, screen, today=D(29))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        cards = list(screen.query(GradeCard))
        assert [c.card["khoi"] for c in cards] == [6, 7, 8, 9]
        assert [c.has_class("missed") for c in cards] == [False, False, True, False]
        assert "Duy trì: 50,0% (≥ 99,5% KHÔNG ĐẠT)" in cards[2].render_card(cards[2].card)
        for card in cards:
            region = card.region
            assert region.right <= 80 and region.bottom <= 24 - 1, (card.card["khoi"], region)
            # nothing wrapped: the text is title, counts, two rates, the watch line
            assert card.query_one(".card-text", Static).region.height == 5

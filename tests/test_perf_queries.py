"""The list screens fetch their rows with one query per screen, not one per row
(peewee's playhouse.test_utils.count_queries counts every statement sent)."""

from datetime import date

from playhouse.test_utils import count_queries

from db import roster
from db.demo import build_demo
from db.school import current_year


def test_roster_rows_is_one_query_whatever_the_size(db):
    year = build_demo(students=120, seed=3, today=date(2024, 11, 20))
    day = date(2024, 11, 20)
    year = current_year(day) or year
    with count_queries() as counter:
        rows = roster.roster_rows(year, day)
    assert counter.count == 1
    assert len(rows) >= 100  # every student of the demo school, in one statement
    with count_queries() as counter:
        found = roster.roster_rows(year, day, search=rows[0].given)
    assert counter.count == 1 and rows[0].id in [r.id for r in found]


def test_in_memory_search_matches_the_sql_search_without_a_query(db):
    build_demo(students=120, seed=3, today=date(2024, 11, 20))
    day = date(2024, 11, 20)
    year = current_year(day)
    rows = roster.roster_rows(year, day)
    keys = [roster.search_key(r) for r in rows]
    for query in ("n", "nguyen", "thi h", "h'", rows[7].code.upper(), rows[3].name_folded, "zzz"):
        with count_queries() as counter:
            found = [rows[i].id for i in roster.filter_rows(keys, query)]
        assert counter.count == 0
        assert found == [r.id for r in roster.roster_rows(year, day, search=query)], query


async def test_search_screen_loads_once_and_filters_without_queries(db):
    from tui.app import make_app
    from tui.screens.search import SearchScreen
    from tui.widgets.vlist import VirtualList

    today = date(2024, 11, 20)
    build_demo(students=150, seed=5, today=today)
    total = len(roster.roster_rows(current_year(today), today))
    app = make_app(db=db.database, lang="vi", today=today)
    async with app.run_test(size=(80, 24)) as pilot:
        overview = app.screen.query_one(VirtualList)
        for _ in range(300):  # the overview's own counts are loaded first
            if overview.row_count:
                break
            await pilot.pause(0.01)
        await pilot.pause()
        with count_queries(only_select=True) as opening:
            await pilot.press("f3")
            for _ in range(300):
                if isinstance(app.screen, SearchScreen) and app.screen.result_query == "":
                    break
                await pilot.pause(0.01)
        vlist = app.screen.query_one(VirtualList)
        assert vlist.row_count == total
        # the students come in one statement (plus the school year the screen asks for)
        assert sum("FROM \"span\"" in q.msg[0] for q in opening.get_queries()) == 1
        assert opening.count <= 3
        with count_queries() as typing:
            await pilot.press(*"nguyen")
            await pilot.pause()
        assert typing.count == 0
        assert app.screen.result_query == "nguyen"
        assert 0 < vlist.row_count < total
        assert all("Nguy" in row[2] for row in vlist.rows)

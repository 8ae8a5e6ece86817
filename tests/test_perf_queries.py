"""The list screens fetch their rows with one query per screen, not one per row
(peewee's playhouse.test_utils.count_queries counts every statement sent). The
whole-school list is narrow (``roster.roster_index``): one list query, one query for the
classes of the year, then one query per page of rows shown (never one per row)."""

from datetime import date

from playhouse.test_utils import count_queries

from db import roster
from db.demo import build_demo
from db.school import current_year
from tui_wait import wait_for


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


PAGE_QUERY = 'FROM "student" AS "t1" WHERE ("t1"."id" IN ('


def page_sizes(counter) -> list[int]:
    """The number of students each page query read; fails on any other kind of query."""
    sizes = []
    for q in counter.get_queries():
        assert PAGE_QUERY in q.msg[0], q.msg[0]
        sizes.append(len(q.msg[1]))
    return sizes


def test_roster_index_is_roster_rows_read_a_page_at_a_time(db):
    build_demo(students=150, seed=4, today=date(2024, 11, 20))
    day = date(2024, 11, 20)
    year = current_year(day)
    for kwargs in ({}, {"grades": [7]}, {"include_left": False}, {"grades": [6, 9], "include_left": False}):
        rows = roster.roster_rows(year, day, **kwargs)
        with count_queries() as loading:
            index = roster.roster_index(year, day, **kwargs)
        # the classes of the year, then the list itself
        assert loading.count == 2, kwargs
        assert sum('FROM "span"' in q.msg[0] for q in loading.get_queries()) == 1
        assert list(index.ids) == [r.id for r in rows]
        assert index.keys == [roster.search_key(r) for r in rows]
        assert [s for s in index.status] == [r.status for r in rows]
        n = len(rows)
        with count_queries() as paging:
            read = [index.row(i, range(i + 1, min(i + index.PAGE, n))) for i in range(n)]
        assert read == rows, kwargs
        # a page of PAGE rows per query, and nothing read twice
        assert paging.count == -(-n // index.PAGE)
        assert sum(page_sizes(paging)) == n
        with count_queries() as again:
            assert index.row(n - 1) == rows[-1]
        assert again.count == 0


LIST_QUERY = 'AS "later"'  # the roster list query (the latest span of each student)


async def open_search(app, pilot, after_write: bool):
    """Start, wait for the overview and the background reading after it, (write,) F3;
    returns the queries sent for F3."""
    from tui.screens.search import SearchScreen
    from tui.widgets.vlist import VirtualList

    overview = app.screen.query_one(VirtualList)
    await wait_for(pilot, lambda: overview.row_count)  # the overview's own counts are loaded first
    await app.workers.wait_for_complete()  # the list screens and the list, read after start
    await pilot.pause()
    if after_write:
        app.data_changed()  # a write: the list read before it is not shown
        await app.workers.wait_for_complete()  # the overview's own reload
        await pilot.pause()
    with count_queries(only_select=True) as opening:
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen)
                       and app.screen.result_query == "")
        await pilot.pause()
    return [q.msg[0] for q in opening.get_queries()]


async def test_search_screen_after_a_write_reads_the_list_in_one_query(db):
    from tui.app import make_app
    from tui.widgets.vlist import VirtualList

    today = date(2024, 11, 20)
    build_demo(students=150, seed=5, today=today)
    total = len(roster.roster_rows(current_year(today), today))
    app = make_app(db=db.database, lang="vi", today=today)
    async with app.run_test(size=(80, 24)) as pilot:
        queries = await open_search(app, pilot, after_write=True)
        assert app.screen.query_one(VirtualList).row_count == total
        # the students come in one statement, the classes in another, the school year the
        # screen asks for, and one query for the page of rows on screen
        assert sum(LIST_QUERY in q for q in queries) == 1
        assert sum('FROM "school_class"' in q for q in queries) == 1
        assert sum(PAGE_QUERY in q for q in queries) == 1
        assert all('FROM "school_year"' in q for q in queries
                   if not (LIST_QUERY in q or 'FROM "school_class"' in q or PAGE_QUERY in q))
        assert len(queries) <= 5


async def test_search_screen_loads_once_and_filters_without_queries(db):
    from tui.app import make_app
    from tui.widgets.vlist import VirtualList

    today = date(2024, 11, 20)
    build_demo(students=150, seed=5, today=today)
    total = len(roster.roster_rows(current_year(today), today))
    expected = [r.id for r in roster.roster_rows(current_year(today), today, search="nguyen")]
    app = make_app(db=db.database, lang="vi", today=today)
    with count_queries(only_select=True) as everything:
        async with app.run_test(size=(80, 24)) as pilot:
            queries = await open_search(app, pilot, after_write=False)
            vlist = app.screen.query_one(VirtualList)
            assert vlist.row_count == total
            # the list was read in the background once the overview was shown: F3 sends
            # only the query for the page of rows on screen (and the school year it asks for)
            assert sum(LIST_QUERY in q for q in queries) == 0
            assert sum(PAGE_QUERY in q for q in queries) == 1
            assert all('FROM "school_year"' in q for q in queries if PAGE_QUERY not in q)
            assert len(queries) <= 3
            with count_queries() as typing:
                for ch in "nguyen":
                    await pilot.press(ch)
                    await pilot.pause()
            # typing filters in memory: at most the page of rows newly on screen per keystroke
            sizes = page_sizes(typing)
            assert len(sizes) <= len("nguyen")
            assert all(1 <= n <= roster.RosterIndex.PAGE for n in sizes)
            assert app.screen.result_query == "nguyen"
            assert 0 < vlist.row_count < total
            assert all("Nguy" in row[2] for row in vlist.rows)
            # the same students as the SQL search, in the same order
            assert list(vlist.row_keys) == expected
            # moving to the end of the list reads the last page with one query
            with count_queries() as paging:
                await pilot.press("ctrl+end")
                await pilot.pause()
            assert len(page_sizes(paging)) <= 1
            assert vlist.cursor == vlist.row_count - 1
    # from start to the end of the search: the year's list was read once
    assert sum(LIST_QUERY in q.msg[0] for q in everything.get_queries()) == 1

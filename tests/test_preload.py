"""tui.preload.WholeList: the whole-school list read in the background is used once, for its
own year and day only, and not after a write."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from tui.preload import WholeList

YEAR = SimpleNamespace(id=3)
DAY = date(2025, 10, 1)


def read(whole: WholeList, result=None, error=None):
    key, future = whole.start(YEAR, DAY)
    assert key == (3, DAY)
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
    return whole


def test_taken_once_for_its_year_and_day():
    whole = read(WholeList(), result=("index", b"dim"))
    assert whole.take(SimpleNamespace(id=4), DAY) is None  # another year: not this list
    assert whole.take(YEAR, date(2025, 10, 2)) is None  # another day
    assert whole.take(YEAR, DAY) == ("index", b"dim")
    assert whole.take(YEAR, DAY) is None  # already taken: the screen reads its own


def test_not_used_after_a_write_or_a_failed_read():
    whole = read(WholeList(), result=("index", b"dim"))
    whole.drop()
    assert whole.take(YEAR, DAY) is None
    assert read(WholeList(), error=RuntimeError("disk")).take(YEAR, DAY) is None
    assert WholeList().take(YEAR, DAY) is None  # nothing read


def test_without_waiting_only_a_finished_read():
    whole = WholeList()
    key, future = whole.start(YEAR, DAY)
    assert whole.take(YEAR, DAY, wait=False) is None  # still being read: not taken
    future.set_result(("index", b"dim"))
    assert whole.take(YEAR, DAY, wait=False) == ("index", b"dim")
    assert whole.take(YEAR, DAY) is None


def test_held_while_not_taken_and_ready_once_read():
    whole = WholeList()
    assert (whole.held, whole.ready) == (False, False)  # nothing read
    key, future = whole.start(YEAR, DAY)
    assert (whole.held, whole.ready) == (True, False)  # being read
    future.set_result(("index", b"dim"))
    assert (whole.held, whole.ready) == (True, True)
    whole.take(YEAR, DAY)
    assert (whole.held, whole.ready) == (False, False)  # taken
    read(whole, result=("index", b"dim")).drop()
    assert (whole.held, whole.ready) == (False, False)  # dropped after a write

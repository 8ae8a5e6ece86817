"""``db_work(jobs=True)``: one worker for a screen that does each job queued, in order, with
its thread's database connection closed after each, until ``None`` is queued."""

import queue
import threading

from textual.app import App
from textual.screen import Screen

from db.models import SchoolYear, database
from tui.screens.base import db_work
from tui_wait import wait_for


class Jobs(Screen):
    def __init__(self):
        super().__init__()
        self.todo: queue.Queue = queue.Queue()
        self.done: list = []  # (job, the connection was closed when the job began, thread)

    def on_mount(self) -> None:
        self._job(self.todo)

    @db_work(group="jobs", exclusive=False, jobs=True)
    def _job(self, name: str, count: int) -> None:
        was_closed = database.is_closed()
        SchoolYear.select().count()  # opens this thread's connection
        self.done.append((name, count, was_closed, threading.get_ident()))


async def test_jobs_run_in_order_in_one_worker_closing_the_connection_after_each(db):
    app = App()
    async with app.run_test() as pilot:
        screen = Jobs()
        await app.push_screen(screen)
        for i, name in enumerate("abc"):
            screen.todo.put((name, i))
        await wait_for(pilot, lambda: len(screen.done) == 3)
        assert [(n, c) for n, c, _closed, _thread in screen.done] == [("a", 0), ("b", 1), ("c", 2)]
        assert all(closed for _n, _c, closed, _thread in screen.done)
        assert len({thread for *_rest, thread in screen.done}) == 1
        assert threading.get_ident() not in {thread for *_rest, thread in screen.done}
        worker = next(w for w in app.workers if w.group == "jobs")
        assert not worker.is_finished
        screen.todo.put(None)
        await wait_for(pilot, lambda: worker.is_finished)

"""What the app reads in the background once its first screen is usable: the next screens'
modules, the code list of ethnic groups and the year's whole-school list (F3), so that the
first F3 or Enter on a class does not wait for them (``SisoApp.on_virtual_list_highlighted``
starts :func:`preload` in a thread worker; ``SearchScreen`` takes the list with
:meth:`WholeList.take`)."""

from __future__ import annotations

from concurrent.futures import Future

from db.models import database

# imported in the background once the first screen is usable (the most used next screens)
PRELOAD = ("tui.screens.search", "tui.screens.roster", "tui.screens.student")


class WholeList:
    """The whole-school list read in the background after start: ((year id, day), Future)
    while it is being read or not yet taken, else None."""

    def __init__(self) -> None:
        self._whole_list: tuple[tuple, Future] | None = None

    @property
    def held(self) -> bool:
        """A list is held to be taken: being read, or read and not taken yet."""
        return self._whole_list is not None

    @property
    def ready(self) -> bool:
        """A list is held and its reading has finished (``take(wait=False)`` does not wait)."""
        return self._whole_list is not None and self._whole_list[1].done()

    def start(self, year, day) -> tuple[tuple, Future]:
        """The list of ``year`` on ``day`` is about to be read (by :func:`preload`)."""
        self._whole_list = ((year.id, day), Future())
        return self._whole_list

    def drop(self) -> None:
        """Something was written: a list read before it is not used."""
        self._whole_list = None

    def take(self, year, day, wait: bool = True):
        """The whole-school list of ``year`` on ``day`` read in the background after start
        (waiting for it if it is still being read), or None: not read, another year or day,
        a write since, or already taken. Called from a worker thread; ``wait=False`` (the UI
        thread): None while it is still being read, and it stays to be taken."""
        whole_list = self._whole_list
        if whole_list is None or whole_list[0] != (year.id, day):
            return None
        if not wait and not whole_list[1].done():
            return None
        self._whole_list = None
        try:
            return whole_list[1].result()
        except Exception:
            return None


def preload(year, day, whole_list) -> None:
    """In a thread, once the first screen is usable: import the list screens and read the
    code list of ethnic groups, then read the year's whole-school list (F3 then shows it
    without waiting for the query)."""
    import importlib

    from db import codes

    try:
        for module in PRELOAD:
            importlib.import_module(module)
        codes.ethnic_groups()  # the list's column «Dân tộc» (read from its file once)
        if whole_list is not None:
            from tui.screens.search import read_index

            try:
                whole_list[1].set_result(read_index(year, day))
            except Exception as err:  # F3 reads the list itself (and reports the error)
                whole_list[1].set_exception(err)
    finally:
        if database.obj is not None and not database.is_closed() \
                and not database.in_transaction():
            database.close()  # this thread's own connection

"""What the app does when the data or the database change under it.

The handlers of the messages of ``tui/changes.py``. After a write a screen posts
``DataChanged``: the app reads its year and day again and every open screen that has a
``reload()`` reloads. The welcome screen posts ``SchoolReady`` (the school was created) or
``DemoOpened`` (the demo school in its own file), the settings ``DatabaseReplaced`` (a
restore). The app calls ``data_changed`` itself after its own writes (a saved form it
opened, another year chosen).
"""

from __future__ import annotations

from textual import on
from textual.app import App

from db import school
from db.models import database
from tui import changes
from tui.i18n import _
from tui.textual_private import open_screens


class Changes(App):
    """The app's handlers of a write, a new school and a replaced database (mixed into
    ``SisoApp``)."""

    @on(changes.DataChanged)
    def data_changed(self) -> None:
        """Something was written: every open screen with a ``reload()`` reloads."""
        self.whole_list.drop()  # read before the write: not used
        self._year = self._read_year()  # its dates or name may have changed
        self._day = None  # a year added or changed may move the end of a summer
        self._hold_day()  # read now, once, not by the first screen that asks
        for screen in open_screens(self):
            reload = getattr(screen, "reload", None)
            if reload is not None:
                reload()

    @on(changes.DatabaseReplaced)
    def database_replaced(self) -> None:
        """The whole database was replaced (a restore): the overview of the current year,
        every section built afresh, every open screen reloaded."""
        self.read_only_text = None  # the damaged file's red bar no longer applies
        for screen in open_screens(self):
            self._place_read_only_bar(screen)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._reset_sections()
        self.school_ready()
        self.data_changed()

    @on(changes.SchoolReady)
    def school_ready(self) -> None:
        """The welcome screen created the school (or the demo): show its current year."""
        current = school.current_year()
        self.year_id = current.id if current else None
        self._year, self._day = current, None
        self.refresh_title()
        self.switch_mode("overview")

    @on(changes.DemoOpened)
    def demo_opened(self, message: changes.DemoOpened) -> None:
        """The welcome screen opened the demo school in its own file: work on it from now on
        (``previous``, the school's own database, is closed untouched)."""
        from db.connection import shown

        previous, target = message.previous, message.target
        if previous is not None and previous is not database.obj:
            previous.close()
        self.db_target = target
        self.school_ready()
        self.notify(_("Đang dùng trường mẫu trong tệp riêng {path}; dữ liệu của trường không "
                      "thay đổi.").format(path=shown(target)), title=_("Trường mẫu"), timeout=10)

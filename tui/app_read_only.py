"""The app's start-up check of the database file and its read-only bar.

``SisoApp.on_mount`` runs SQLite's quick check of the file in a worker (``_open_check``; a
write waits for it). A damaged file, or a folder siso may not write to, leaves the file open
read-only: ``show_read_only`` then puts a fixed red bar on every screen (placed again on each
screen that becomes current) and the title says «chỉ đọc»; a restore takes it away
(``SisoApp.database_replaced``).
"""

from __future__ import annotations

from textual.app import App

from tui.i18n import _
from tui.textual_private import open_screens


class ReadOnly(App):
    """The read-only state of the database file, as the app shows it (mixed into ``SisoApp``)."""

    def _open_check(self) -> None:
        from db import connection

        connection.run_open_check()
        if connection.state.read_only:
            self.call_from_thread(self.show_read_only)

    def show_read_only(self) -> None:
        """A damaged file or a folder siso may not write to: a fixed red bar at the top of
        every screen (``tui.widgets.read_only_bar``) naming the problem, the last backup and
        ``siso restore``, for as long as the file is open read-only; the title says «chỉ
        đọc»."""
        from db import backup_copies, connection

        self.refresh_title()
        state = connection.state
        found = backup_copies.copies(state.path) if state.path else []
        lines = [f"{_('CHỈ ĐỌC')}: {_(state.read_only or '')} {_('Mọi việc ghi đều bị từ chối.')}"]
        if state.damage:
            lines.append(_("Bản sao lưu gần nhất: {name}. Khôi phục: F9 → Khôi phục, hoặc "
                           "«siso restore {name}».").format(name=found[-1].path.name)
                         if found else _("Chưa có bản sao lưu nào của tệp này: khôi phục từ một "
                                         "bản sao đã chép đi nơi khác bằng «siso restore TỆP»."))
        self.read_only_text = "\n".join(lines)
        for screen in open_screens(self):
            self._place_read_only_bar(screen)

    read_only_text: str | None = None  # the red bar's text while the file is read-only

    def _place_read_only_bar(self, screen) -> None:
        """Put the red read-only bar on ``screen`` (a screen becoming current: every screen
        shows it), or take it away once the file is writable again."""
        from tui.widgets.read_only_bar import BAR_ID, ReadOnlyBar

        if screen is None or not screen.is_attached:
            return
        bars = screen.query(f"#{BAR_ID}")
        if self.read_only_text is None:
            bars.remove()
        elif bars:
            bars.first().update(self.read_only_text)
        else:
            screen.mount(ReadOnlyBar(self.read_only_text))

"""F10 "Chức năng": every section and action of siso, one letter each (the same list feeds
the command palette, Ctrl+P).

``MainMenu()`` dismisses with the name of an app action (``"open_movements"`` …) or None;
the app runs it. ``COMMANDS`` is the one list: (letter, action, label msgid, key shown); an
action with a Ctrl shortcut has that shortcut's letter (Ctrl+N rollover: N in the menu).
"""

from __future__ import annotations

from textual.command import Hit, Hits
from textual.system_commands import SystemCommandsProvider

from tui.i18n import N_
from tui.screens.event_chooser import ChoiceModal, lettered

COMMANDS = [
    ("d", "open_overview", N_("Danh sách lớp (tổng quan)"), "Esc"),
    ("t", "open_search", N_("Tìm học sinh toàn trường"), "F3"),
    ("b", "open_movements", N_("Sổ theo dõi biến động"), "F8"),
    ("c", "transfer_in", N_("Chuyển đến (học sinh mới)"), ""),
    ("a", "open_attendance", N_("Điểm danh lớp"), "F12"),
    ("l", "add_class", N_("Thêm lớp"), "Ctrl+L"),
    ("r", "open_reports", N_("Báo cáo, biểu mẫu"), "Ctrl+R"),
    ("g", "open_dashboard", N_("Theo dõi khối (phó hiệu trưởng)"), "Ctrl+G"),
    ("p", "open_calendar", N_("Lịch báo cáo: hạn nộp, đã gửi"), ""),
    ("o", "open_import", N_("Nhập danh sách từ tệp"), "Ctrl+O"),
    ("u", "open_cohort", N_("Trẻ vào lớp đầu cấp (huy động ra lớp)"), ""),
    ("y", "open_year_end", N_("Kết quả cuối năm"), "Ctrl+Y"),
    ("n", "open_rollover", N_("Chuyển sang năm học mới"), "Ctrl+N"),
    ("h", "choose_year", N_("Chọn năm học"), "F6"),
    ("s", "open_settings", N_("Cài đặt"), "F9"),
    ("k", "open_audit", N_("Nhật ký: ai làm gì, lúc nào"), ""),
]


class MainMenu(ChoiceModal):
    """The app's menu (F10)."""

    CHOICES = [(key, action, label, shown) for key, action, label, shown in COMMANDS]
    BINDINGS = [*lettered(CHOICES), *ChoiceModal.BINDINGS]

    def __init__(self, *args, **kwargs) -> None:
        from tui.roles import may

        super().__init__(*args, **kwargs)
        self.items = [item for item in self.items if may(item[2])]  # what the role may use

    def action_choose(self, value: str) -> None:
        from tui.roles import may

        if may(value):
            self.dismiss(value)


class SisoCommands(SystemCommandsProvider):
    """The command palette's source: the app's commands, matched without accents (typing
    "bao cao" finds "Báo cáo, biểu mẫu")."""

    async def search(self, query: str) -> Hits:
        from db.text import fold

        matcher = self.matcher(fold(query))
        for name, help_text, callback, *_rest in self.app.get_system_commands(self.screen):
            score = matcher.match(fold(name))
            if score > 0:
                yield Hit(score, name, callback, text=name, help=help_text)

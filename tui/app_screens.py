"""The app's handlers that open screens: the navigation messages screens post
(``tui/navigation.py``), and the keys and menu entries that open the same screens.

One method per destination. It handles the screens' message (``@on``); when a key or the
F10 menu opens it too, it is that key's action (``action_…``), the binding's own: a screen
posts ``OpenStudent(id)``, ``OpenRoster(klass_id=None, grade=None)``,
``OpenAttendance(klass_id)`` (F12 «Điểm danh»), ``AddStudent(klass_id)``,
``EditStudent(id)``, ``EditClass(klass_id)``, ``RecordEvent(student_id, kind, klass_id)``
(F7 on a roster, the student and the search screens: a chooser, then the event form; no
student = a new student transferring in) or ``VoidEvents(id)``. Screens pushed by a key or
the menu: ``action_open_import`` (Ctrl+O), ``action_open_year_end`` (Ctrl+Y),
``action_open_rollover`` (Ctrl+N), the year (F6), the settings (F9), the help (F1) …
The sections (overview, search, movements, reports, dashboard) are in ``tui/app_sections.py``.

Modals return typed results: ``tui.screens.confirm.ConfirmScreen`` (typed confirmation),
the student form (the student id or None), ``YearScreen`` (a year id or None).
"""

from __future__ import annotations

from textual import on
from textual.app import App

from tui import navigation as nav
from tui.i18n import _, describe
from tui.later import Later

HelpScreen = Later("tui.screens.help", "HelpScreen")
RosterScreen = Later("tui.screens.roster", "RosterScreen")
SettingsScreen = Later("tui.screens.settings", "SettingsScreen")
StudentScreen = Later("tui.screens.student", "StudentScreen")
open_settings = Later("tui.screens.settings", "open_settings")
open_student_form = Later("tui.screens.student_form", "open_student_form")
YearScreen = Later("tui.screens.years", "YearScreen")


class OpenScreens(App):
    """The screens the app opens on a message, a key or the menu (mixed into ``SisoApp``)."""

    @on(nav.OpenRoster)
    def open_roster(self, message: nav.OpenRoster) -> None:
        self.push_screen(RosterScreen(klass_id=message.klass_id, grade=message.grade))

    @on(nav.OpenStudent)
    def open_student(self, message: nav.OpenStudent) -> None:
        self.push_screen(StudentScreen(message.student_id))

    @on(nav.OpenAttendance)
    def action_open_attendance(self, message: nav.OpenAttendance | None = None) -> None:
        """F12 «Điểm danh» of a class (the roster's, or the overview's class under the cursor);
        from the menu (no message): the class of the screen on top."""
        from tui.screens.attendance import AttendanceScreen

        klass_id = message.klass_id if message is not None else None
        if klass_id is None:
            klass_id = getattr(self.screen, "klass_id", None)
        if klass_id is None and hasattr(self.screen, "class_under_cursor"):
            klass_id = self.screen.class_under_cursor()
        if klass_id is None:
            self.notify(_("Chọn một lớp (trong danh sách lớp hoặc danh sách học sinh của lớp) "
                          "rồi nhấn F12 để điểm danh."), title=_("Điểm danh"))
            return
        self.push_screen(AttendanceScreen(klass_id))

    @on(nav.AddStudent)
    async def add_student(self, message: nav.AddStudent) -> None:
        if self.year_id is not None:
            await open_student_form(self, self._student_saved, klass_id=message.klass_id)

    @on(nav.EditClass)
    async def edit_class(self, message: nav.EditClass) -> None:
        """Add a class to the year (None) or change a class's GVCN."""
        from tui.screens.class_form import open_class_form

        if self.year_id is not None:
            await open_class_form(self, lambda saved: saved and self.data_changed(), message.klass_id)

    def action_add_class(self) -> None:
        """The menu's «Thêm lớp»: the class form of a new class."""
        self.post_message(nav.EditClass(None))

    @on(nav.EditStudent)
    async def edit_student(self, message: nav.EditStudent) -> None:
        await open_student_form(self, self._student_saved, student_id=message.student_id)

    def _student_saved(self, student_id: int | None) -> None:
        if student_id is not None:
            self.data_changed()

    def action_choose_year(self) -> None:
        if self.year_id is None or isinstance(self.screen, YearScreen):
            return

        def chosen(year_id: int | None) -> None:
            if year_id is not None and year_id != self.year_id:
                while len(self.screen_stack) > 1:
                    self.pop_screen()
                self.set_year(year_id)
                self._reset_sections()

        self.push_screen(YearScreen(), chosen)

    async def action_open_settings(self) -> None:
        if isinstance(self.screen, SettingsScreen):
            return

        def saved(changed: bool | None) -> None:
            if changed:
                self.refresh_title()

        await open_settings(self, saved)

    def action_show_help(self) -> None:
        from textual.screen import Screen

        from tui.widgets.vlist import VirtualList

        if isinstance(self.screen, HelpScreen):
            return
        # siso's own keys: the app's, the screen's and the lists' (not the stock widgets'),
        # in the interface language; the Command key (super+…) never reaches a terminal
        keys = [(b.binding.key_display or self.get_key_display(b.binding),
                 describe(b.binding.description))
                for key, b in self.screen.active_bindings.items()
                if b.binding.description and b.enabled and not key.startswith("super+")
                and isinstance(b.node, (App, Screen, VirtualList))]
        self.push_screen(HelpScreen(keys))

    def action_help_quit(self) -> None:
        """Ctrl+C outside a text selection: say how to quit (Textual says it in English)."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                shown = "+".join(part.capitalize() if len(part) > 1 else part.upper()
                                 for part in key.split("+"))
                self.notify(_("Nhấn {key} để thoát chương trình.").format(key=shown),
                            title=_("Muốn thoát?"))
                return

    def action_open_import(self) -> None:
        from tui.screens.import_wizard import ImportWizard

        self.push_screen(ImportWizard(), self._imported)

    def _imported(self, count: int | None) -> None:
        if count:
            self.notify(_("Đã nhập {n} học sinh.").format(n=count), title=_("Nhập danh sách"))

    def action_open_year_end(self) -> None:
        from tui.screens.year_end import YearEndScreen

        self.push_screen(YearEndScreen(self.year_id, klass_id=getattr(self.screen, "klass_id",
                                                                      None)))

    def action_open_calendar(self) -> None:
        from tui.screens.calendar import CalendarScreen

        if self.year_id is not None:
            self.push_screen(CalendarScreen())

    def action_open_rollover(self) -> None:
        from tui.screens.rollover import RolloverScreen

        def done(batch_id: int | None) -> None:
            if batch_id is not None:
                self.notify(_("Đã chuyển năm học (lần chuyển số {b}). F6 để chọn năm học mới.")
                            .format(b=batch_id), title=_("Chuyển năm học"), timeout=10)

        self.push_screen(RolloverScreen(self.year_id), done)

    def action_open_cohort(self) -> None:
        """«Trẻ vào lớp đầu cấp»: the year's expected children and their matches (db.cohort)."""
        from tui.screens.cohort import CohortScreen

        if not isinstance(self.screen, CohortScreen):
            self.push_screen(CohortScreen(self.year_id))

    def action_open_audit(self) -> None:
        from tui.screens.audit import AuditScreen

        if not isinstance(self.screen, AuditScreen):
            self.push_screen(AuditScreen())

    @on(nav.RecordEvent)
    def record_event(self, message: nav.RecordEvent) -> None:
        from tui.screens.event_chooser import record_event_flow

        record_event_flow(self, message.student_id, message.kind, message.klass_id)

    def action_transfer_in(self) -> None:
        """The menu's «Chuyển đến»: a new student transferring in (into the shown class)."""
        self.post_message(nav.RecordEvent(None, klass_id=getattr(self.screen, "klass_id", None)))

    @on(nav.VoidEvents)
    def void_events_of(self, message: nav.VoidEvents) -> None:
        from tui.screens.event_chooser import void_event_flow

        void_event_flow(self, message.student_id)

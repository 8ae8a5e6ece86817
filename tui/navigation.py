"""Navigation by messages: a screen asks for another screen by posting one of these.

``self.post_message(OpenStudent(student_id))`` in a screen: the message bubbles from the
screen up to the app, whose handler (``tui/app_screens.py``; a section's:
``tui/app_sections.py``) builds the screen and does what follows when it closes (a saved
form reloads the open screens …). A screen never calls the app's methods, and the app is
the one place that knows how each screen is opened. The app's keys and the F10 menu reach
the same handlers: a handler that a key also reaches is that key's action
(``SisoApp.action_open_search`` handles ``OpenSearch`` and is F3's action).

Adding a destination: a message here, a handler in ``tui/app_screens.py`` decorated with
``@on(navigation.TheMessage)`` (named ``action_…`` when a key or the menu opens it too).
"""

from __future__ import annotations

from textual.message import Message


class Navigate(Message):
    """A screen asks the app to open another screen (the base of every message here)."""


class OpenOverview(Navigate):
    """The overview: the classes of the year (Esc from a section's first screen)."""


class OpenSearch(Navigate):
    """F3: the whole-school search."""


class OpenMovements(Navigate):
    """F8: the movement register."""


class OpenRoster(Navigate):
    """The list of a class (``klass_id``), of a grade (``grade``) or of the whole school
    (neither)."""

    def __init__(self, klass_id: int | None = None, grade: int | None = None) -> None:
        super().__init__()
        self.klass_id = klass_id
        self.grade = grade


class OpenStudent(Navigate):
    """A student's record."""

    def __init__(self, student_id: int) -> None:
        super().__init__()
        self.student_id = student_id


class OpenAttendance(Navigate):
    """F12 «Điểm danh» of a class (None: the class of the screen on top, if it shows one)."""

    def __init__(self, klass_id: int | None = None) -> None:
        super().__init__()
        self.klass_id = klass_id


class AddStudent(Navigate):
    """F2: the form of a new student (in the class ``klass_id`` when given)."""

    def __init__(self, klass_id: int | None = None) -> None:
        super().__init__()
        self.klass_id = klass_id


class EditStudent(Navigate):
    """F4: the form of a student's record."""

    def __init__(self, student_id: int) -> None:
        super().__init__()
        self.student_id = student_id


class EditClass(Navigate):
    """The class form: a new class of the year (None) or a class's homeroom teacher."""

    def __init__(self, klass_id: int | None = None) -> None:
        super().__init__()
        self.klass_id = klass_id


class RecordEvent(Navigate):
    """F7: record a movement of a student (the chooser of kinds unless ``kind`` is given);
    no student: a new student transferring in (into the class ``klass_id`` when given)."""

    def __init__(self, student_id: int | None, kind: str | None = None,
                 klass_id: int | None = None) -> None:
        super().__init__()
        self.student_id = student_id
        self.kind = kind
        self.klass_id = klass_id


class VoidEvents(Navigate):
    """Void one of a student's recorded movements (the chooser of their events)."""

    def __init__(self, student_id: int) -> None:
        super().__init__()
        self.student_id = student_id

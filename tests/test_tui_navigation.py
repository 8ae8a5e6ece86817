"""Navigation by messages (tui/navigation.py): a screen opens another only by posting a
message that the app handles; the app's keys and menu entries are bound to the methods
themselves, with no one-line action wrapper beside them."""

from __future__ import annotations

import ast
import inspect
import textwrap
from datetime import date
from pathlib import Path

from textual.app import App

from db.school import add_class
from db.students import add_student
from tui import changes, navigation
from tui.app import SisoApp, make_app
from tui.navigation import OpenStudent
from tui.screens.menu import COMMANDS
from tui.screens.overview import OverviewScreen
from tui.screens.roster import RosterScreen
from tui.screens.search import SearchScreen
from tui.screens.student import StudentScreen
from tui.screens.student_form import StudentForm
from tui_wait import overview_ready, settle, wait_for

TODAY = date(2024, 11, 20)
SCREENS = Path(__file__).resolve().parent.parent / "tui" / "screens"


def _school(year):
    klass = add_class("6A1", 6, year)
    student = add_student({"name": "Nguyễn Văn An", "dob": "05/05/2013", "gender": "nam",
                           "ethnic": "Kinh", "code": "HS1"}, year, klass, day=year.start)
    return klass, student


def _record_navigation(app) -> list:
    """The navigation messages that reach the app (they bubble up from the screens)."""
    seen: list = []
    post = app.post_message

    def recording(message):
        if isinstance(message, navigation.Navigate):
            seen.append(message)
        return post(message)

    app.post_message = recording
    return seen


async def test_keys_on_screens_open_the_next_screen_by_a_message(year):
    klass, student = _school(year)
    app = make_app(db=year._meta.database.obj.database, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        seen = _record_navigation(app)
        await overview_ready(pilot)
        await settle(pilot)
        await pilot.press("enter")  # the cursor is on 6A1
        await wait_for(pilot, lambda: isinstance(app.screen, RosterScreen))
        assert [type(m) for m in seen] == [navigation.OpenRoster]
        assert (seen[0].klass_id, seen[0].grade) == (klass.id, None)
        assert app.screen.klass_id == klass.id
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StudentScreen))
        assert type(seen[-1]) is navigation.OpenStudent and seen[-1].student_id == student.id
        await settle(pilot)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, StudentForm))
        assert type(seen[-1]) is navigation.EditStudent and seen[-1].student_id == student.id
        assert len(seen) == 3


async def test_a_message_posted_on_a_screen_opens_the_screen(year):
    _klass, student = _school(year)
    app = make_app(db=year._meta.database.obj.database, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        app.screen.post_message(navigation.OpenSearch())  # as a screen does
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        app.screen.post_message(navigation.OpenOverview())  # Esc of a section
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen))
        app.screen.post_message(OpenStudent(student.id))
        await wait_for(pilot, lambda: isinstance(app.screen, StudentScreen))
        assert app.screen.student_id == student.id


def _app_members() -> dict:
    """The app's own members: those of ``SisoApp`` and of the classes of ``tui/`` it is made
    of (``tui/app_*.py``), not Textual's."""
    members: dict = {}
    for cls in reversed(SisoApp.__mro__):
        if cls.__module__.startswith("tui."):
            members.update(vars(cls))
    return members


def _navigation_methods() -> set[str]:
    """The app's methods that open a screen: the handlers of the navigation messages and the
    actions of its keys and menu."""
    names = set()
    for name, member in _app_members().items():
        handled = getattr(member, "_textual_on", ())
        if name.startswith("action_") or any(issubclass(m, navigation.Navigate)
                                             for m, _ in handled):
            names.add(name)
    return names


def _change_methods() -> set[str]:
    """The app's handlers of the changes screens tell it of (``tui/changes.py``)."""
    return {name for name, member in _app_members().items()
            if any(issubclass(m, changes.Changed) for m, _ in getattr(member, "_textual_on", ()))}


def _calls_to_app(source: str, names: set[str]) -> list[str]:
    """``….app.NAME`` / ``….siso.NAME`` in ``source`` for the names given: called, or passed
    on to be called (``call_from_thread(self.siso.NAME)``), or ``getattr(….app, "NAME")``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in names \
                and isinstance(node.value, ast.Attribute) and node.value.attr in ("app", "siso"):
            found.append(f"{node.value.attr}.{node.attr} (line {node.lineno})")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "getattr" and len(node.args) >= 2 \
                and isinstance(node.args[0], ast.Attribute) and node.args[0].attr in ("app", "siso") \
                and isinstance(node.args[1], ast.Constant) and node.args[1].value in names:
            found.append(f"getattr {node.args[1].value} (line {node.lineno})")
    return sorted(found, key=lambda f: int(f.rsplit(" ", 1)[1].rstrip(")")))


def test_no_screen_calls_the_apps_navigation_methods():
    names = _navigation_methods()
    assert {"open_student", "open_roster", "add_student", "edit_class", "record_event",
            "action_open_search", "action_open_overview"} <= names
    # the check itself finds such a call
    assert _calls_to_app("self.siso.open_student(1)\ngetattr(self.app, 'edit_class')(None)",
                         names) == ["siso.open_student (line 1)", "getattr edit_class (line 2)"]
    calls = {path.name: found for path in sorted(SCREENS.glob("*.py"))
             if (found := _calls_to_app(path.read_text(encoding="utf-8"), names))}
    assert calls == {}


def test_no_screen_calls_the_apps_handlers_of_changes():
    """A screen tells the app of a write, a new school or a restored database by posting a
    message of ``tui/changes.py``, never by calling the app's handler."""
    names = _change_methods()
    assert names == {"data_changed", "school_ready", "demo_opened", "database_replaced"}
    # the check itself finds such a call, or a handler passed on to be called
    assert _calls_to_app("self.siso.data_changed()\n"
                         "self.app.call_from_thread(self.siso.school_ready)\n"
                         "refresh = getattr(self.app, 'data_changed', None)", names) == [
        "siso.data_changed (line 1)", "siso.school_ready (line 2)", "getattr data_changed (line 3)"]
    calls = {path.name: found for path in sorted(SCREENS.glob("*.py"))
             if (found := _calls_to_app(path.read_text(encoding="utf-8"), names))}
    assert calls == {}


def _bound_actions() -> set[str]:
    return {b.action for b in SisoApp.BINDINGS} | {action for _k, action, _l, _s in COMMANDS}


def test_keys_and_menu_are_bound_to_the_methods_themselves():
    """One way to each screen: the action a key or a menu entry names is the method that
    opens the screen, not a one-line forward to another method of the app."""
    own = _app_members()
    wrappers = []
    for action in sorted(_bound_actions()):
        assert hasattr(SisoApp, f"action_{action}"), action
        if f"action_{action}" not in own:  # Textual's own (quit)
            continue
        assert action not in own, f"{action} beside action_{action}"
        body = ast.parse(textwrap.dedent(inspect.getsource(own[f"action_{action}"]))).body[0].body
        statements = [s for s in body if not (isinstance(s, ast.Expr)
                                              and isinstance(s.value, ast.Constant))]
        if len(statements) == 1 and isinstance(statements[0], ast.Expr) \
                and isinstance(call := statements[0].value, ast.Call) \
                and isinstance(call.func, ast.Attribute) and call.func.attr in own \
                and not hasattr(App, call.func.attr):  # Textual's own, only refined (switch_mode)
            wrappers.append(f"action_{action} -> {call.func.attr}")
    assert wrappers == []

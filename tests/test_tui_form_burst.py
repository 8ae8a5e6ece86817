"""A form's opening key and the text typed after it, arriving in one burst (over SSH, from
a paste, or typed fast), land where slow typing would: in the form's first field. The forms
read what they show in a worker of the screen in sight before they open (their openers'
``read_then``), and keys typed meanwhile wait for it (``tui.keys.InOrderKeys``).

The keys are posted to the app all at once, as the terminal driver posts what one read
brought; the forms' reads are slowed down so that the keys surely arrive before the form is
there."""

import time
from datetime import date

import pytest
from conftest import demo_file
from textual import events

from db import fields
from db.connection import close_database

TODAY = date(2026, 11, 30)
TYPED = "Lan"

# (name, opening keys, the module whose read_start is slowed, the screen, the field's id)
FORMS = [
    ("add_student", ["enter", "f2"], "tui.screens.student_form", "StudentForm", f"f-{fields.HO_TEN}"),
    ("edit_student", ["enter", "f4"], "tui.screens.student_form", "StudentForm",
     f"f-{fields.HO_TEN}"),
    ("transfer_in", ["enter", "f7", "d"], "tui.screens.event_form", "EventForm", fields.HO_TEN),
    ("add_class", ["ctrl+l"], "tui.screens.class_form", "ClassForm", f"c-{fields.LOP}"),
    ("settings", ["f9"], "db.school", "SettingsScreen", "s-ten_truong"),
]


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    return demo_file(tmp_path_factory.mktemp("burst"), 30, TODAY)


def slowed(read):
    def slow(*args, **kwargs):
        time.sleep(0.3)  # (in the worker: the keys typed meanwhile must wait for it)
        return read(*args, **kwargs)
    return slow


@pytest.mark.parametrize(("name", "keys", "module", "screen", "field"), FORMS,
                         ids=[f[0] for f in FORMS])
async def test_opening_key_and_text_in_one_burst_land_in_the_first_field(
        demo_path, monkeypatch, name, keys, module, screen, field):
    import importlib

    from textual.widgets import Input
    from tui_wait import overview_ready, settle, wait_for

    from tui.app import make_app

    target = importlib.import_module(module)
    reader = "get_settings" if module == "db.school" else "read_start"
    monkeypatch.setattr(target, reader, slowed(getattr(target, reader)))

    app = make_app(db=demo_path, lang="vi", today=TODAY)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await overview_ready(pilot)
            await settle(pilot)
            burst = [events.Key(key, None) for key in keys]
            burst += [events.Key(ch.lower() if ch.islower() else ch, ch) for ch in TYPED]
            for event in burst:  # all at once, before any of them is handled
                app.post_message(event)
            await wait_for(pilot, lambda: type(app.screen).__name__ == screen
                           and app.screen.query(f"#{field}"))
            await settle(pilot)
            await wait_for(pilot, lambda: TYPED in app.screen.query_one(f"#{field}", Input).value)
            assert app.focused is app.screen.query_one(f"#{field}", Input)
    finally:
        close_database()

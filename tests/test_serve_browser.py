"""``siso serve`` in a real headless Chromium (Debian's, driven through Debian's
chromedriver; see tests/browser.py): sign-in, the overview, a roster, an event recorded,
sign-out; a wrong password refused; a homeroom teacher kept to their class. The two
figures of the browser (the first screen after sign-in, a key in a list) are measured here
and printed; docs/performance.md publishes them. Skipped only when Chromium or its driver
is missing (.ci/run installs both)."""

from __future__ import annotations

import re
import time

import pytest

import browser

REASON = browser.missing()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")

PRINCIPAL, PRINCIPAL_PW = "hieutruong", "mat-khau-hieu-truong"
TEACHER, TEACHER_PW = "gv.6a1", "mat-khau-giao-vien"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A demo school (600 students, seed 1) with a principal and the homeroom teacher of
    6A1, both with passwords, served on a free port."""
    from db import demo, users
    from db.connection import close_database

    path = str(tmp_path_factory.mktemp("serve") / "school.sqlite3")
    demo.open_demo(path, students=600, seed=1)
    users.add_user(PRINCIPAL, "Nguyễn Văn Hiệu", [("principal", None)])  # this account's user
    users.set_password(PRINCIPAL, PRINCIPAL_PW)
    users.add_user(TEACHER, "Trần Ngọc Quỳnh", [("homeroom", "6A1")])
    users.set_password(TEACHER, TEACHER_PW)
    users.set_current_actor(None)
    close_database()
    server = browser.Server(path)
    yield server, path
    server.stop()


@pytest.fixture
def page(served):
    server, _path = served
    tab = browser.Page(server.url)
    yield tab
    tab.close()


def sign_in(page, login, password):
    from selenium.webdriver.common.keys import Keys

    page.wait_for("Đăng nhập siso")
    page.wait_quiet()
    page.keys(login, Keys.ENTER, password, Keys.ENTER)


def report(capsys, line: str) -> None:
    with capsys.disabled():
        print(f"\n[browser] {line}")


def test_sign_in_overview_roster_event_sign_out(served, page, capsys, tmp_path):
    from selenium.webdriver.common.keys import Keys

    server, path = served
    # the page: siso's own, nothing from another address
    html = page.driver.page_source
    assert "googleapis" not in html and "//fonts." not in html
    sign_in(page, PRINCIPAL, "mat-khau-sai-roi")
    page.wait_for("Tên đăng nhập hoặc mật khẩu không đúng.")
    page.screenshot(str(tmp_path / "signin-refused.png"))

    # the right password: the overview (every class of the school, the principal's view)
    page.wait_quiet()
    page.keys(PRINCIPAL_PW, Keys.ENTER)
    pressed = page.last_key_time()
    page.wait_for("Khối 9", "9A4", "Đăng xuất")  # the school's last grade (below it, the calendar)
    received, painted = page.first_frame_showing(pressed, "Khối 9", "9A4")
    first_screen = painted - pressed
    report(capsys, f"first screen after sign-in: {first_screen:.0f} ms "
                   f"(frame received after {received - pressed:.0f} ms)")
    page.wait_quiet(0.5)
    page.screenshot(str(tmp_path / "overview.png"))

    # a key in a list: ↓ on the overview's classes, from keydown to the page painted
    times = []
    for key in [Keys.DOWN] * 10 + [Keys.UP] * 10:
        page.wait_quiet(0.2)
        page.keys(key)
        pressed = page.last_key_time()
        _received, painted = page.first_frame_after(pressed)
        times.append(painted - pressed)
    times.sort()
    report(capsys, f"key in a list (↓/↑ ×20): median {times[len(times) // 2]:.0f} ms, "
                   f"slowest {times[-1]:.0f} ms")

    # a roster: Enter on 6A1 (the cursor is back on the first class)
    page.keys(Keys.ENTER)
    page.wait_for("Lớp 6A1 — GVCN", "HS0")
    # an event: F7 on the first student, «L» class change, the next class, Ctrl+S
    page.wait_quiet()
    page.keys(Keys.F7)
    page.wait_for("Ghi biến động cho")
    page.keys("l")
    screen = page.wait_for("Chuyển lớp —", "Chuyển sang lớp")
    code = re.search(r"Chuyển lớp — .*?\((HS\d+)\)", screen).group(1)
    page.wait_quiet()
    page.keys(Keys.TAB, Keys.ENTER)
    page.wait_quiet()
    page.keys(Keys.DOWN, Keys.ENTER, pause=0.2)
    page.wait_quiet()
    page.chord(Keys.CONTROL, "s")
    page.wait_for("Lớp 6A1 — GVCN")
    deadline = time.monotonic() + 10
    while page.shows("Chuyển sang lớp") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not page.shows("Chuyển sang lớp"), page.text()

    # sign out: the page is loaded again, a new session, the sign-in screen
    page.wait_quiet()
    page.chord(Keys.CONTROL, "q")
    page.wait_for("Đăng nhập siso", timeout=15)
    assert not page.shows("Khối 9")

    # the event is in the database, written in the principal's name
    from db import kinds
    from db.connection import close_database, open_database
    from db.models import Audit, Event, Student

    open_database(path)
    try:
        student = Student.get(Student.code == code)
        recorded = Event.select().where(Event.student == student, Event.kind == kinds.CLASS_CHANGE,
                                        Event.recorded_by == PRINCIPAL)
        assert recorded.count() == 1
        assert Audit.select().where(Audit.user == PRINCIPAL, Audit.action.startswith("event")).exists()
    finally:
        close_database()


def test_a_homeroom_teacher_cannot_reach_for_another_class(served, page):
    """The homeroom teacher of 6A1 signs in (the session acts as them, whatever account runs
    the server) and reaches for 6A2. Where the overview lists every class (reading not
    scoped), they open 6A2's roster and record a class change to 6A3 for its first student:
    db/ refuses it, naming the role, the form says so, and nothing is written. Where the
    overview is scoped to their class, 6A2 is not there to reach. Either way no event of
    theirs is in the database."""
    from selenium.webdriver.common.keys import Keys

    server, path = served
    sign_in(page, TEACHER, TEACHER_PW)
    screen = page.wait_for("6A1", "Xin chào Trần Ngọc Quỳnh")
    if "6A2" in screen:
        page.wait_quiet()
        page.keys(Keys.DOWN, Keys.ENTER, pause=0.2)
        page.wait_for("Lớp 6A2 — GVCN")
        page.wait_quiet()
        page.keys(Keys.F7)
        page.wait_for("Ghi biến động cho")
        page.keys("l")
        page.wait_for("Chuyển sang lớp")
        page.wait_quiet()
        page.keys(Keys.TAB, Keys.ENTER)
        page.wait_quiet()
        page.keys(Keys.DOWN, Keys.DOWN, Keys.ENTER, pause=0.2)  # 6A1, then 6A3
        page.wait_for("6A3 (khối 6)")
        page.wait_quiet()
        page.chord(Keys.CONTROL, "s")
        page.wait_for("Vai trò giáo viên chủ nhiệm (gv.6a1) không được ghi «Chuyển lớp»")
        assert page.shows("Chuyển sang lớp")  # the form stays open, nothing recorded
    else:
        assert "6A2" not in screen and "9A4" not in screen

    from db.connection import close_database, open_database
    from db.models import Event

    open_database(path)
    try:
        assert not Event.select().where(Event.recorded_by == TEACHER).exists()
    finally:
        close_database()


def test_each_tab_is_its_own_session(served, page):
    """A second tab of the same browser gets its own session: the sign-in screen, not the
    first tab's signed-in overview; the first tab stays signed in."""
    server, _path = served
    sign_in(page, TEACHER, TEACHER_PW)
    page.wait_for("6A1", "Xin chào Trần Ngọc Quỳnh")
    first = page.new_tab(server.url)
    screen = page.wait_for("Đăng nhập siso")
    assert "Xin chào" not in screen and "6A1" not in screen
    page.switch_to(first)
    page.wait_for("Xin chào Trần Ngọc Quỳnh", "Đăng xuất")

"""``siso serve`` without a browser: its refusals, its page, its logging, and the served
session (sign-in first, sign-out, 30 minutes idle) driven with Pilot.
The real browser: tests/test_serve_browser.py."""

from __future__ import annotations

import logging
import re
import socket

import pytest

from db import users
from db.connection import close_database, open_database
from cli import main
from tui.web import server
from tui_wait import wait_for as settle

PRINCIPAL, PASSWORD = "hieutruong", "mat-khau-dung-roi"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def school(tmp_path):
    """A demo school whose principal (this account's user) has a password; closed after."""
    from db import demo

    path = str(tmp_path / "school.sqlite3")
    demo.open_demo(path, students=60, seed=1)
    users.add_user(PRINCIPAL, "Nguyễn Văn Hiệu", [("principal", None)])
    users.set_password(PRINCIPAL, PASSWORD)
    users.set_current_actor(None)
    close_database()
    yield path
    users.set_current_actor(None)
    close_database()


def test_serve_refuses_to_start_until_a_user_has_a_password(tmp_path, capsys):
    path = str(tmp_path / "empty.sqlite3")
    rc = main(["--db", path, "serve", "--port", str(free_port())])
    err = capsys.readouterr().err
    assert rc == 2
    assert "Chưa có người dùng nào có mật khẩu" in err and "siso user passwd" in err
    close_database()
    # a user without a password is not enough
    open_database(path)
    users.add_user(PRINCIPAL, "Nguyễn Văn Hiệu", [("principal", None)])
    users.set_current_actor(None)
    close_database()
    rc = main(["--db", path, "serve", "--port", str(free_port())])
    assert rc == 2 and "Chưa có người dùng nào có mật khẩu" in capsys.readouterr().err
    close_database()


def test_serve_refuses_a_port_in_use(school, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        rc = main(["--db", school, "serve", "--port", str(port)])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"Cổng {port} đang được một chương trình khác dùng" in err


@pytest.mark.parametrize("argv, message", [
    (["--port", "http"], "Cổng (--port) «http» không hợp lệ"),
    (["--port", "70000"], "Cổng (--port) 70000 không hợp lệ"),
    (["--public-url", "siso.truong.vn"], "Địa chỉ (--public-url) «siso.truong.vn» không hợp lệ"),
])
def test_serve_refuses_bad_options(school, capsys, argv, message):
    rc = main(["--db", school, "serve", *argv])
    assert rc == 2 and message in capsys.readouterr().err


def test_only_a_loopback_host_is_local_and_any_other_gets_one_line_of_warning():
    assert all(server.is_local(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.1.1"))
    assert not any(server.is_local(h) for h in ("0.0.0.0", "192.168.1.10", "::", "siso.truong.vn"))
    assert server.host_note("127.0.0.1", 8000) is None
    note = server.host_note("0.0.0.0", 8000)
    assert "\n" not in note
    assert "mạng nội bộ" in note and "không được mã hóa" in note and "HTTPS" in note


def page_links(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]*)"', html) + re.findall(r'url\("([^"]*)"\)', html)


async def fetch_page(public_url=None):
    from aiohttp.test_utils import TestClient, TestServer

    web = server.make_server("127.0.0.1", 8000, public_url, None, "Trường THCS Tơ Tung")
    client = TestClient(TestServer(await web._make_app()))
    await client.start_server()
    try:
        page = await client.get("/")
        html = await page.text()
        loads = {}
        for link in page_links(html):
            if "://" not in link:
                loads[link] = (await client.get("/" + link)).status
        return html, loads
    finally:
        await client.close()


async def test_the_page_is_sisos_own_and_loads_nothing_from_elsewhere():
    html, loads = await fetch_page()
    assert "googleapis" not in html
    links = page_links(html)
    assert links and all("://" not in link for link in links), links  # all from this server
    assert {"static/js/textual.js", "static/css/xterm.css",
            "static/fonts/RobotoMono-VariableFont_wght.ttf"} <= set(loads)
    assert set(loads.values()) == {200}, loads  # the font, the script, the style: all here
    assert "Trường THCS Tơ Tung" in html and 'lang="vi"' in html


async def test_public_url_sets_the_websocket_address():
    html, _loads = await fetch_page("https://siso.truong.vn/")
    assert 'data-session-websocket-url="wss://siso.truong.vn/ws"' in html
    assert 'href="https://siso.truong.vn/static/css/xterm.css"' in html


@pytest.fixture
def server_logging():
    """The loggers the server sets up, as they were before the test."""
    names = ("textual-serve", "siso.serve", "aiohttp", "aiohttp.access")
    saved = {n: (logging.getLogger(n).handlers[:], logging.getLogger(n).propagate,
                 logging.getLogger(n).level, logging.getLogger(n).disabled) for n in names}
    yield
    for name, (handlers, propagate, level, disabled) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:], logger.propagate, logger.disabled = handlers, propagate, disabled
        logger.setLevel(level)


def test_the_log_has_no_local_variables_and_no_request_lines(capsys, server_logging):
    web = server.make_server("127.0.0.1", 8000, None, None, "siso")
    web.initialize_logging()

    def read_student():
        ho_ten = "Nguyễn Thị Bí Mật"  # noqa: F841 — a local the traceback must not show
        raise ValueError("hỏng")

    try:
        read_student()
    except ValueError:
        logging.getLogger("textual-serve").exception("lỗi của phiên")
    err = capsys.readouterr().err
    assert "Traceback" in err and "ValueError: hỏng" in err
    assert "Bí Mật" not in err
    assert logging.getLogger("aiohttp.access").disabled


def test_each_tab_runs_the_session_module_with_no_secret_on_its_command_line():
    command = server.session_command("en")
    assert "-m tui.web.session --lang en" in command
    assert "postgresql" not in command and "--db" not in command


# ---- the served session (one browser tab), with Pilot -------------------------------------


def served_app(path):
    from tui.app import make_app
    from tui.web.session import ServedApp

    return make_app(db=path, app_class=ServedApp)


async def type_in(pilot, login, password):
    from textual.widgets import Input

    screen = pilot.app.screen
    screen.query_one("#signin-login", Input).value = login
    screen.query_one("#signin-password", Input).value = password
    screen.query_one("#signin-password", Input).focus()
    await pilot.press("enter")


def shown_error(app) -> str:
    from textual.widgets import Static

    return str(app.screen.query_one("#signin-error", Static).render())


async def test_a_served_session_shows_sign_in_first_and_nothing_works_before(school):
    from textual.widgets import Input

    from tui.screens.signin import SignInScreen

    app = served_app(school)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert app.screen.query_one("#signin-password", Input).password  # masked
        # it acts for nobody, not for the account running the server (this one: the principal)
        assert users.current_actor().login == "" and not users.current_actor().roles
        for key in ("f3", "f8", "f10", "ctrl+r", "ctrl+p", "f6"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, SignInScreen), key
        assert app.current_mode == "_default"


async def test_a_wrong_password_and_an_unknown_login_get_the_same_message(school):
    from tui.screens.signin import SignInScreen

    app = served_app(school)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_in(pilot, PRINCIPAL, "sai-mat-khau")
        await settle(pilot, lambda: shown_error(app))
        wrong = shown_error(app)
        assert wrong == users.WRONG_PASSWORD
        app.screen.query_one("#signin-error").update("")
        await type_in(pilot, "khong.co.ai", "sai-mat-khau")
        await settle(pilot, lambda: shown_error(app))
        assert shown_error(app) == wrong
        assert isinstance(app.screen, SignInScreen)


async def test_five_wrong_passwords_lock_the_account_and_say_so(school):
    app = served_app(school)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for _ in range(users.MAX_TRIES):
            app.screen.query_one("#signin-error").update("")
            await type_in(pilot, PRINCIPAL, "sai-mat-khau")
            await settle(pilot, lambda: shown_error(app))
        app.screen.query_one("#signin-error").update("")
        await type_in(pilot, PRINCIPAL, PASSWORD)  # the right one, too late
        await settle(pilot, lambda: shown_error(app))
        assert "tạm khóa" in shown_error(app) and "5 phút" in shown_error(app)


async def test_signing_in_opens_the_overview_as_that_person_and_ctrl_q_signs_out(school):
    from tui.screens.overview import OverviewScreen

    app = served_app(school)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_in(pilot, PRINCIPAL, PASSWORD)
        await settle(pilot, lambda: isinstance(app.screen, OverviewScreen))
        assert users.current_actor().login == PRINCIPAL
        await pilot.press("ctrl+q")
        await settle(pilot, lambda: app.signed_out)
    assert app.signed_out
    assert users.current_actor().login == ""  # nobody again


async def test_thirty_minutes_without_a_key_signs_out(school, monkeypatch):
    from tui.screens.overview import OverviewScreen
    from tui.web import session

    now = [1000.0]
    monkeypatch.setattr(session.ServedApp, "now", staticmethod(lambda: now[0]))
    app = served_app(school)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        now[0] += 2 * session.IDLE_SECONDS
        app.sign_out_when_idle()  # before sign-in there is nothing to close
        assert not app.signed_out
        await type_in(pilot, PRINCIPAL, PASSWORD)
        await settle(pilot, lambda: isinstance(app.screen, OverviewScreen))
        now[0] += session.IDLE_SECONDS - 60
        await pilot.press("down")  # a key: the half hour starts again
        now[0] += session.IDLE_SECONDS - 60
        app.sign_out_when_idle()
        assert not app.signed_out
        now[0] += 61
        app.sign_out_when_idle()
        assert app.signed_out


def test_the_server_need_not_run_as_a_siso_user(school, capsys, monkeypatch):
    """A service account that maps to no user may run the server (every tab signs in); the
    port check is the next thing it meets."""
    monkeypatch.setattr(users, "system_account", lambda: "siso-service")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        rc = main(["--db", school, "serve", "--port", str(port)])
    err = capsys.readouterr().err
    assert rc == 2 and "chưa được gán" not in err and f"Cổng {port}" in err


async def test_f10_has_a_sign_out_entry(school):
    from tui.screens.overview import OverviewScreen
    from tui.web.session import ServedMenu

    app = served_app(school)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_in(pilot, PRINCIPAL, PASSWORD)
        await settle(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("f10")
        await settle(pilot, lambda: isinstance(app.screen, ServedMenu))
        await pilot.press("x")
        await settle(pilot, lambda: app.signed_out)

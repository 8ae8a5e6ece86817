"""``siso serve``: the app in a browser on the school network, with textual-serve.

Every browser tab opens a websocket; textual-serve starts one process for it
(``python -m tui.web.session``), which shows the sign-in screen before anything else and
acts only for the person who signed in (never for the account that runs the server).

What this module changes in textual-serve's ``Server``:

* siso's own page (``templates/siso.html``): no web font or anything else from the internet
  (Roboto Mono comes from textual-serve's own static folder), Vietnamese text;
* logging: one plain line per event, no request log (it names the teachers' addresses),
  tracebacks without local variables (textual-serve's shows them: they may hold a
  student's data);
* the start-up line, in Vietnamese, and the checks before it: a user with a password, a
  free port (``check_port``).

This module imports neither Textual nor the app: the CLI imports it.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import os
import shlex
import signal
import socket
import sys
from pathlib import Path

from db.errors import SisoError
from db import fields

TEMPLATES = Path(__file__).resolve().parent / "templates"
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")
log = logging.getLogger("siso.serve")


def is_local(host: str) -> bool:
    """``host`` only accepts connections from this computer (loopback)."""
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_port(host: str, port: int) -> None:
    """Refuse (SisoError) a port that is out of range, already in use, or that this host
    cannot listen on — before the server starts, so the message is siso's own."""
    if not 1 <= port <= 65535:
        raise SisoError(f"Cổng (--port) {port} không hợp lệ: cần một số từ 1 đến 65535.", fields.CONG)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise SisoError(f"Địa chỉ (--host) «{host}» không có trên máy này: cần một địa chỉ IP "
                        f"của máy (ví dụ 127.0.0.1 hoặc 0.0.0.0) hoặc một tên máy.", fields.MAY_CHU) from None
    for family, kind, proto, _name, address in infos:
        with socket.socket(family, kind, proto) as probe:
            if hasattr(socket, "SO_REUSEADDR") and os.name != "nt":
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as err:
                if err.errno == errno.EADDRINUSE:
                    raise SisoError(f"Cổng {port} đang được một chương trình khác dùng: chọn cổng "
                                    f"khác bằng --port (ví dụ --port {port + 1 if port < 65535 else 8000}) "
                                    f"hoặc tắt chương trình đó.", fields.CONG) from None
                if err.errno == errno.EACCES:
                    raise SisoError(f"Không được phép mở cổng {port} (cổng dưới 1024 cần quyền quản "
                                    f"trị): chọn cổng khác bằng --port, ví dụ 8000.", fields.CONG) from None
                raise SisoError(f"Không mở được cổng {port} trên «{host}»: {err.strerror}.",
                                fields.MAY_CHU) from None


def host_note(host: str, port: int) -> str | None:
    """The one line printed when the server listens beyond this computer."""
    if is_local(host):
        return None
    return (f"Chú ý: siso nghe trên {host}:{port}, chỉ dùng trong mạng nội bộ của trường; dữ "
            f"liệu và mật khẩu đi qua mạng không được mã hóa, trừ khi đặt sau một reverse proxy "
            f"có HTTPS (xem README, «siso serve»).")


def session_command(lang: str | None) -> str:
    """The command textual-serve runs for each browser tab (the database is passed in
    ``SISO_DB``, not on the command line, where every account could read a PostgreSQL
    password in the process list)."""
    words = [sys.executable, "-m", "tui.web.session"]
    if lang:
        words += ["--lang", lang]
    return shlex.join(words)


def make_server(host: str, port: int, public_url: str | None, lang: str | None, title: str):
    import aiohttp_jinja2
    from textual_serve.server import Server

    class SisoServer(Server):
        def initialize_logging(self) -> None:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(_NoLocals("%(asctime)s %(levelname)s %(message)s",
                                           "%Y-%m-%d %H:%M:%S"))
            for name in ("textual-serve", "siso.serve", "aiohttp"):
                logger = logging.getLogger(name)
                logger.handlers[:] = [handler]
                logger.propagate = False
                logger.setLevel(logging.INFO if name != "aiohttp" else logging.WARNING)
            logging.getLogger("aiohttp.access").disabled = True  # addresses of people

        @aiohttp_jinja2.template("siso.html")
        async def handle_index(self, request):
            """The page. Without --public-url its links are relative and the page works out
            its websocket's address from its own (so it works by IP address, by name, and
            behind a proxy); with --public-url they are that address's."""
            font_size = max(8, min(40, _int(request.query.get("fontsize", "16"), 16)))
            base = f"{self.public_url}/" if self.given_url else ""
            websocket = ""
            if self.given_url:
                scheme = "wss" if self.public_url.startswith("https") else "ws"
                websocket = f"{scheme}:{self.public_url.split(':', 1)[1]}/ws"
            return {"font_size": font_size, "static_url": f"{base}static/",
                    "websocket_url": websocket, "title": self.title}

        async def on_startup(self, app) -> None:
            print(f"siso đang chạy tại {self.public_url}/ — mở địa chỉ này trong trình duyệt; "
                  f"Ctrl+C để dừng.", flush=True)

        def serve(self, debug: bool = False) -> None:
            from aiohttp import web

            self.debug = False  # never textual's devtools from a browser
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                loop.add_signal_handler(signal.SIGINT, self.request_exit)
                loop.add_signal_handler(signal.SIGTERM, self.request_exit)
            except NotImplementedError:
                pass
            web.run_app(self._make_app(), host=self.host, port=self.port,
                        handle_signals=False, loop=loop, access_log=None,
                        print=lambda *args: None)

    server = SisoServer(session_command(lang), host=host, port=port, title=title,
                        public_url=public_url.rstrip("/") if public_url else None,
                        templates_path=TEMPLATES)
    server.given_url = bool(public_url)
    return server


def _int(value: str, default: int) -> int:
    try:
        return int(value)
    except ValueError:
        return default


class _NoLocals(logging.Formatter):
    """A traceback's lines, never the values of its variables."""

    def formatException(self, ei) -> str:  # logging's name
        import traceback

        return "".join(traceback.format_exception(ei[0], ei[1], ei[2], capture_locals=False))


def serve(target: str, host: str, port: int, public_url: str | None, lang: str | None,
          shown: str = "") -> int:
    """Check, then run the server until Ctrl+C (the database ``target`` is resolved)."""
    from db import school, users

    if not users.has_password_user():
        raise SisoError("Chưa có người dùng nào có mật khẩu, nên chưa thể mở siso trên trình "
                        "duyệt (ai cũng phải đăng nhập). Tạo người dùng bằng «siso user add», đặt "
                        "mật khẩu bằng «siso user passwd LOGIN», rồi chạy lại «siso serve».")
    check_port(host, port)
    title = school.get_settings().get("ten_truong") or "siso"
    server = make_server(host, port, public_url, lang, title)
    note = host_note(host, port)
    if note:
        print(note, flush=True)
    print(f"Cơ sở dữ liệu: {shown or target}", flush=True)
    os.environ["SISO_DB"] = target  # each tab's process opens the same database
    os.environ.pop("SISO_USER", None)
    try:
        server.serve()
    except OSError as err:  # taken between the check and the start
        if err.errno == errno.EADDRINUSE:
            raise SisoError(f"Cổng {port} đang được một chương trình khác dùng: chọn cổng "
                            f"khác bằng --port.", fields.CONG) from None
        raise
    return 0

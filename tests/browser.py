"""A real browser on ``siso serve`` for the tests: Debian's Chromium, driven by Selenium
through Debian's chromedriver (the same version as the browser; nothing is downloaded).

The page draws the terminal on a canvas, so what it shows is read from the bytes the app
sent: a script put in the page before its own wraps ``WebSocket`` and keeps every frame
received (with ``performance.now()``) and the size the page asked for; ``pyte`` (a terminal
emulator) replays them into the screen's lines. Key presses are timed in the page, from
``keydown`` to the first frame received after it and to the paint that follows that frame.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def missing() -> str | None:
    """Why the browser tests cannot run here (None: they can)."""
    if not os.path.exists(CHROMIUM):
        return f"Chromium is not installed ({CHROMIUM}; .ci/run installs Debian's chromium)"
    if not os.path.exists(CHROMEDRIVER):
        return f"chromedriver is not installed ({CHROMEDRIVER}; Debian's chromium-driver)"
    return None


HOOK = r"""
(() => {
  const Native = window.WebSocket;
  const state = window.__siso = {chunks: [], times: [], size: null, keys: [], paints: [],
                                 page: Math.random()};
  function Wrapped(url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    const send = ws.send.bind(ws);
    ws.send = (data) => {
      try {
        const m = JSON.parse(data);
        if (m[0] === "resize") state.size = m[1];
      } catch (e) {}
      send(data);
    };
    ws.addEventListener("message", (e) => {
      if (typeof e.data === "string") return;
      const now = performance.now();
      state.chunks.push(new Uint8Array(e.data));
      state.times.push(now);
      const index = state.times.length - 1;
      requestAnimationFrame(() => { state.paints[index] = performance.now(); });
    });
    return ws;
  }
  Wrapped.prototype = Native.prototype;
  for (const k of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Wrapped[k] = Native[k];
  window.WebSocket = Wrapped;
  document.addEventListener("keydown", () => state.keys.push(performance.now()), true);
})();
"""

READ = r"""
const state = window.__siso;
if (!state) return null;
const start = arguments[0];
const parts = state.chunks.slice(start);
let size = 0; for (const p of parts) size += p.length;
const all = new Uint8Array(size); let at = 0;
for (const p of parts) { all.set(p, at); at += p.length; }
let text = ""; const step = 0x8000;
for (let i = 0; i < all.length; i += step) text += String.fromCharCode.apply(null, all.subarray(i, i + step));
return {data: btoa(text), page: state.page, count: state.chunks.length, size: state.size,
        lengths: parts.map(p => p.length), times: state.times.slice(start)};
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``siso --db DB serve --port P`` in a child process, until ``stop()``."""

    def __init__(self, db: str, port: int | None = None, *extra: str) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = Path(db).with_suffix(".serve.log")
        self.out = open(self.log, "w")
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "-c", "import sys; from cli import main; sys.exit(main())",
             "--db", db, "serve", "--port", str(self.port), *extra],
            stdout=self.out, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"siso serve stopped: {self.log.read_text()}")
            if "siso đang chạy" in self.log.read_text():
                return
            time.sleep(0.1)
        raise RuntimeError(f"siso serve did not start: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.out.close()


class Page:
    """One browser tab on the server."""

    def __init__(self, url: str, width: int = 1100, height: int = 700) -> None:
        import pyte
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                    "--disable-extensions", "--no-first-run", f"--window-size={width},{height}"):
            options.add_argument(arg)
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
        self._pyte = pyte
        self.open(url)

    def open(self, url: str | None = None) -> None:
        """Load the page (again): a new websocket, so a new app process."""
        self.screen = None
        self.page = None
        self.read = 0  # frames replayed so far
        self.frames: list[tuple[int, float, str]] = []  # (index, received, screen after it)
        if url:
            self.driver.get(url)

    def _replay(self) -> None:
        state = self.driver.execute_script(READ, self.read)
        if not state:
            return
        if self.screen is not None and state["page"] != self.page:  # the page was loaded again
            self.open()
            return self._replay()
        self.page = state["page"]
        size = state["size"] or {"width": 80, "height": 24}
        if self.screen is None:
            self.screen = self._pyte.Screen(size["width"], size["height"])
            self.stream = self._pyte.ByteStream(self.screen)
        elif (self.screen.columns, self.screen.lines) != (size["width"], size["height"]):
            self.screen.resize(size["height"], size["width"])
        data = base64.b64decode(state["data"])
        at = 0
        for length, received in zip(state["lengths"], state["times"]):
            self.stream.feed(data[at:at + length])
            at += length
            self.frames.append((self.read, received, self.text()))  # the screen after each frame
            self.read += 1

    def text(self) -> str:
        return "\n".join(self.screen.display) if self.screen else ""

    def shows(self, *needles: str) -> bool:
        self._replay()
        text = self.text()
        return all(n in text for n in needles)

    def wait_for(self, *needles: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.shows(*needles):
                return self.text()
            time.sleep(0.05)
        raise AssertionError(f"the page does not show {needles!r}; it shows:\n{self.text()}")

    def wait_quiet(self, seconds: float = 0.3, timeout: float = 10.0) -> None:
        """Until no frame has come for ``seconds``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = self.driver.execute_script("return window.__siso.chunks.length")
            time.sleep(seconds)
            if self.driver.execute_script("return window.__siso.chunks.length") == before:
                self._replay()
                return
        self._replay()

    def keys(self, *keys: str, pause: float = 0.0) -> None:
        """Type into the terminal (selenium Keys values or text)."""
        from selenium.webdriver.common.action_chains import ActionChains

        self.focus()
        for key in keys:
            ActionChains(self.driver).send_keys(key).perform()
            if pause:
                time.sleep(pause)

    def chord(self, modifier: str, key: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        self.focus()
        ActionChains(self.driver).key_down(modifier).send_keys(key).key_up(modifier).perform()

    def focus(self) -> None:
        """The terminal takes the keys (xterm.js reads them from its hidden text area)."""
        self.driver.execute_script(
            "const t = document.querySelector('.xterm-helper-textarea');"
            "if (t && document.activeElement !== t) t.focus();")

    def last_key_time(self) -> float:
        return self.driver.execute_script("const k = window.__siso.keys; return k[k.length - 1];")

    def _painted(self, index: int) -> float:
        """When the page painted after frame ``index`` (the animation frame that followed it)."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            painted = self.driver.execute_script("return window.__siso.paints[arguments[0]]", index)
            if painted is not None:
                return painted
            time.sleep(0.02)
        raise AssertionError(f"frame {index} was never painted")

    def first_frame_showing(self, since: float, *needles: str,
                            timeout: float = 10.0) -> tuple[float, float]:
        """(received, painted) of the first frame after ``since`` (a ``performance.now()``)
        whose screen shows all ``needles`` (waiting for it at most ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            self._replay()
            for index, received, text in self.frames:
                if received >= since and all(n in text for n in needles):
                    return received, self._painted(index)
            if time.monotonic() > deadline:
                raise AssertionError(f"no frame after the key shows {needles!r}")
            time.sleep(0.01)

    def first_frame_after(self, since: float) -> tuple[float, float]:
        return self.first_frame_showing(since)

    def new_tab(self, url: str) -> str:
        """Open ``url`` in a new tab of the same browser and read that tab from now on;
        returns the handle of the tab left (for ``switch_to``)."""
        left = self.driver.current_window_handle
        self.driver.switch_to.new_window("tab")
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
        self.open(url)
        return left

    def switch_to(self, handle: str) -> None:
        """Read another tab (its frames replayed from its first)."""
        self.driver.switch_to.window(handle)
        self.open()

    def screenshot(self, path: str) -> None:
        self.driver.save_screenshot(path)

    def close(self) -> None:
        self.driver.quit()

"""Drive a terminal program through a pseudo-terminal: time to a marker, bytes per key press,
peak memory. Used by bench/run.py; no dependency beyond the standard library (POSIX only)."""

from __future__ import annotations

import os
import pty
import select
import signal
import struct
import termios
import fcntl
import time


class PtyApp:
    def __init__(self, argv: list[str], cols: int = 80, rows: int = 24, env: dict | None = None):
        self.argv = argv
        self.cols, self.rows = cols, rows
        self.env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor",
                    "TEXTUAL_ANIMATIONS": "none", **(env or {})}
        self.pid = None
        self.fd = None
        self.buffer = bytearray()

    def start(self) -> float:
        self.t0 = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            os.execvpe(self.argv[0], self.argv, self.env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        return self.t0

    def read_for(self, seconds: float) -> bytes:
        """Read whatever arrives during ``seconds``."""
        out = bytearray()
        end = time.perf_counter() + seconds
        while True:
            left = end - time.perf_counter()
            if left <= 0:
                break
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                out += chunk
        self.buffer += out
        return bytes(out)

    def wait_for(self, marker: bytes, timeout: float = 20.0) -> float:
        """Seconds since start until ``marker`` has appeared in the output."""
        end = time.perf_counter() + timeout
        while marker not in self.buffer:
            left = end - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{marker!r} not seen; last output: {bytes(self.buffer[-400:])!r}")
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    self.buffer += os.read(self.fd, 65536)
                except OSError:
                    raise TimeoutError("program ended") from None
        return time.perf_counter() - self.t0

    def settle(self, quiet: float = 0.15, limit: float = 5.0) -> bytes:
        """Read until nothing has arrived for ``quiet`` seconds."""
        out = bytearray()
        end = time.perf_counter() + limit
        while time.perf_counter() < end:
            r, _, _ = select.select([self.fd], [], [], quiet)
            if not r:
                break
            try:
                out += os.read(self.fd, 65536)
            except OSError:
                break
        self.buffer += out
        return bytes(out)

    def key(self, seq: bytes, quiet: float = 0.12) -> tuple[float, int]:
        """Send a key; return (seconds until the screen update finished, bytes it wrote)."""
        self.settle(quiet=0.05)
        t = time.perf_counter()
        os.write(self.fd, seq)
        out = bytearray()
        last = None
        while True:
            r, _, _ = select.select([self.fd], [], [], quiet)
            if not r:
                break
            out += os.read(self.fd, 65536)
            last = time.perf_counter()
        self.buffer += out
        return ((last - t) if last else float("nan")), len(out)

    def peak_rss_mb(self) -> float:
        """Peak resident memory (VmHWM) of the program, from /proc."""
        with open(f"/proc/{self.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGTERM)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            os.close(self.fd)
            self.pid = None

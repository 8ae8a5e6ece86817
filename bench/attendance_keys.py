"""Key-to-screen time of the «Điểm danh» screen, in a Textual pilot (80×24):
``python bench/attendance_keys.py DB [--json]``.

Opens the attendance screen of the first class on its last school day, then for each of
``ROWS`` students moves the cursor down (not timed) and types the attendance keys
K, P, N, N, X (unexcused, excused, morning, afternoon, cleared). Each key is timed from the
press until the screen has been composited again with the key's result on it: the pilot
delivers the key (through the app's in-order key handling), the handler writes its record
(one transaction, synchronous FULL) and re-reads the row, then the screen is drawn at once
(``_on_timer_update``, which a terminal gets on Textual's next refresh tick). The row's new
text is checked after every key, so a key that did not land would be seen. The app's
start-up work in the background (the day's backup: a write waits for it) is let finish
first. For reference, a cursor key (no database work) is timed the same way.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS = 12
KEYS = (("k", "K"), ("p", "P"), ("n", "P sáng"), ("n", "P chiều"), ("x", ""))


async def measure(db: str) -> dict:
    from db import attendance_days
    from db import clock, school
    from db.models import SchoolClass
    from textual import events

    from tui.app import make_app
    from tui.screens.attendance import AttendanceScreen, mark_text
    from tui.widgets.vlist import VirtualList

    app = make_app(db=db)
    times: list[float] = []
    moves: list[float] = []
    cpu: list[float] = []  # the process's CPU time per key (the machine's load aside)
    async with app.run_test(size=(80, 24)) as pilot:
        year = school.current_year()
        day = attendance_days.last_school_day(year, clock.default_day(year))
        klass = SchoolClass.select().where(SchoolClass.year == year.id).order_by(SchoolClass.id).first()
        await pilot.pause()
        # the start-up work in the background (the day's backup, which a first write waits
        # for; the whole-school list) is done before the keys: it is measured on its own
        started = time.perf_counter()
        while any(not w.is_finished for w in app.workers if w.group in ("backup", "preload")):
            if time.perf_counter() - started > 120:
                break
            await pilot.pause(0.05)
        await app.push_screen(AttendanceScreen(klass.id, day))
        screen = app.screen
        for _ in range(500):
            if screen.day is not None and screen.query_one(VirtualList).row_count:
                break
            await pilot.pause(0.01)
        vlist = screen.query_one(VirtualList)
        rows = min(ROWS, vlist.row_count)
        for r in range(rows):
            if r:
                await pilot.press("down")
                await pilot.pause()
            sid = vlist.cursor_key
            if screen.marks.get(sid):  # start from a student with no record that day
                await pilot.press("x")
                await pilot.pause()
            for key, shown in KEYS:
                # as the terminal driver does: the key is posted to the app, which hands it
                # on in typed order; timed until the row shows it and the screen is drawn
                t, c = time.perf_counter(), time.process_time()
                app.post_message(events.Key(key, key))
                while mark_text(screen.marks.get(sid, [])) != shown:
                    if time.perf_counter() - t > 5:
                        raise AssertionError((r, key, screen.marks.get(sid), shown))
                    await asyncio.sleep(0)
                screen._on_timer_update()  # draw now (a terminal: on the next refresh tick)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
                await pilot.pause()  # settled before the next key (not timed)
        # reference: a cursor key (no database work) through the same path
        for _ in range(ROWS):
            before = vlist.cursor
            t = time.perf_counter()
            app.post_message(events.Key("down" if before < rows else "up", None))
            while vlist.cursor == before:
                if time.perf_counter() - t > 5:
                    raise AssertionError(("up", before, vlist.cursor, app.focused, app.screen))
                await asyncio.sleep(0)
            screen._on_timer_update()
            moves.append(time.perf_counter() - t)
            await pilot.pause()
    return {"keys": len(times), "typical_ms": statistics.median(times) * 1000,
            "p90_ms": sorted(times)[int(len(times) * 0.9)] * 1000,
            "worst_ms": max(times) * 1000, "first_ms": times[0] * 1000,
            "cursor_key_ms": statistics.median(moves) * 1000,
            "cpu_typical_ms": statistics.median(cpu) * 1000, "cpu_worst_ms": max(cpu) * 1000}


def main() -> int:
    out = asyncio.run(measure(sys.argv[1]))
    if "--json" in sys.argv:
        print(json.dumps(out))
    else:
        print(f"{out['keys']} keys: typical {out['typical_ms']:.1f} ms, 90% {out['p90_ms']:.1f} ms, "
              f"worst {out['worst_ms']:.1f} ms (first {out['first_ms']:.1f} ms); "
              f"a cursor key {out['cursor_key_ms']:.1f} ms; CPU per key: typical "
              f"{out['cpu_typical_ms']:.1f} ms, worst {out['cpu_worst_ms']:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

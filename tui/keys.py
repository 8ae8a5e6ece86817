"""Keys take effect in the order they were typed, however fast they arrive.

Textual hands a key to the focused widget's message queue and goes on with the next one at
once. A key the widget does not take itself (Tab, Enter, an arrow, Backspace in an input,
F7, Ctrl+S …) bubbles up through its ancestors' queues to the app, which only then runs the
binding — by which time the characters typed after it have already been given to the old
focused widget. Over SSH, on a slow PC, when pasting or with Unikey (which sends Backspace
and a letter together), keys arrive in bursts, and ``Tên trường<Tab>UBND…`` ends up in one
field.

``InOrderKeys`` (mixed into the app before ``App``) delivers a key, then waits until it has
settled before it delivers the next one:

1. the key has been handled by every node on its way (the focused widget, its ancestors, the
   screen, the app: the app runs the bindings there) — a callback queued behind the key in
   each of those queues, in order, has run;
2. what the key set off has settled: the screen on top (a form or a chooser the key opened,
   the screen under a form it closed) is mounted, and no widget of it nor the app has a
   message waiting (a list that closes tells its Select, which gives itself the focus back
   through a callback queued on the app);
3. the workers the key started on the screen it went to, or on the screen now on top, have
   finished (a list being read, a form being saved: the cursor's row and the field at fault
   decide where the next key goes), unless the screen changes meanwhile (a worker may wait
   for an answer), at most ``WORKER_LIMIT`` seconds. Not waited for: the screens underneath
   (they reload after a write), the groups in ``KEYS_DO_NOT_WAIT_FOR`` (background work of
   the app) and the workers of widgets (a directory tree's loader runs as long as the tree).

The first key of a burst is delivered at once, so a key typed alone is not delayed. Pastes
(bracketed paste) wait their turn the same way. A node that closes meanwhile no longer holds
the key back, and no key waits more than ``LIMIT`` seconds for one node.
"""

from __future__ import annotations

import asyncio
from collections import deque

from textual import events
from textual.message_pump import MessagePump
from textual.screen import Screen

LIMIT = 5.0  # seconds a key waits at most for one node (a handler that blocks)
POLL = 0.1  # how often a wait checks whether the node has closed
QUIET_LIMIT = 0.5  # seconds the next key waits at most for the messages a key set off
WORKER_LIMIT = 10.0  # seconds the next key waits at most for the work a key started
WORKER_POLL = 0.01


class InOrderKeys:
    """Mixin for a Textual ``App``: one key (or paste) is fully handled — bindings, focus
    changes and screens it opens included — before the next one is delivered."""

    KEYS_DO_NOT_WAIT_FOR: tuple[str, ...] = ()
    """Worker groups the next key does not wait for (work in the background)."""

    _key_backlog: deque | None = None
    _key_task: asyncio.Task | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if self._key_backlog is None:
                self._key_backlog = deque()
            if self._key_task is not None:  # a key is still being handled: wait its turn
                self._key_backlog.append(event)
                return
            delivered = await self._deliver_key(event)
            self._key_task = asyncio.create_task(self._settle_keys(delivered))
            return
        await super().on_event(event)  # type: ignore[misc]

    async def _deliver_key(self, event: events.Event) -> tuple[list[MessagePump], set]:
        """Hand ``event`` over as Textual does (priority bindings, then the focused widget or
        the screen); returns the nodes it will pass through and the workers running before."""
        workers = set(self.workers)  # type: ignore[attr-defined]
        try:
            target = self.focused or self.screen  # type: ignore[attr-defined]
            path = list(target.ancestors_with_self)
        except Exception:  # no screen (starting or closing)
            path = [self]
        await super().on_event(event)  # type: ignore[misc]
        return path, workers

    async def _settle_keys(self, delivered_key: tuple[list[MessagePump], set]) -> None:
        """Runs beside the app: waits for each delivered key to settle, then asks the app to
        deliver the next one in its own task."""
        loop = asyncio.get_running_loop()
        try:
            while True:
                await self._key_settled(*delivered_key)
                if not self._key_backlog:
                    return
                event = self._key_backlog.popleft()
                delivered: asyncio.Future = loop.create_future()

                async def deliver(event=event, delivered=delivered) -> None:
                    try:
                        delivered.set_result(await self._deliver_key(event))
                    except BaseException as err:
                        delivered.set_exception(err)
                        raise  # the app's own error handling, as for any key

                if not self.call_later(deliver):  # type: ignore[attr-defined]
                    return  # the app is closing
                if not await self._wait(delivered, self, None):  # type: ignore[arg-type]
                    return
                delivered_key = delivered.result()
        except Exception as err:  # never leave the keys stuck: the rest go as they come
            self.log.error("keys in typed order:", err)  # type: ignore[attr-defined]  # noqa: PLE1205 - Textual's log, not logging: it takes several values
        finally:
            self._key_task = None
            if self._key_backlog:  # stopped early (closing, an error): do not lose keys
                pending, self._key_backlog = list(self._key_backlog), deque()
                for event in pending:
                    self.post_message(event)  # type: ignore[attr-defined]

    async def _key_settled(self, path: list[MessagePump], workers_before: set) -> None:
        for node in path:  # the key itself, up to the bindings (run by the app)
            await self._drained(node)
        waited = 0.0
        while True:
            await self._quiet()
            # the work the key started (a list being read, a form being saved): its result
            # decides where the next key goes (a list's cursor, the field at fault)
            try:
                screen = self.screen  # type: ignore[attr-defined]
            except Exception:
                return
            # (the screens in sight: the one the key went to, the one on top now — not the
            # screens underneath that reload after a write)
            screens = {screen, *(node for node in path if isinstance(node, Screen))}
            started = [w for w in self.workers  # type: ignore[attr-defined]
                       if w not in workers_before and not w.is_finished
                       and w.node in screens and w.group not in self.KEYS_DO_NOT_WAIT_FOR]
            if not started or waited >= WORKER_LIMIT:
                return
            while (waited < WORKER_LIMIT and self.screen is screen  # type: ignore[attr-defined]
                   and not all(w.is_finished for w in started)):
                await asyncio.sleep(WORKER_POLL)
                waited += WORKER_POLL

    async def _quiet(self) -> None:
        """Wait until the screen on top is mounted and neither it, its widgets nor the app
        has a message waiting (at most ``QUIET_LIMIT`` seconds: an animation never stops
        sending messages)."""
        loop = asyncio.get_running_loop()
        end = None
        while True:
            try:
                screen = self.screen  # type: ignore[attr-defined]
                if not screen._is_mounted:  # a screen the key opened: it is being built
                    await asyncio.wait_for(screen._mounted_event.wait(), LIMIT)
                    end = None
                nodes = [self, *screen.walk_children(with_self=True)]
            except Exception:  # no screen (closing), or a screen that never mounted
                return
            waiting = [node for node in nodes if node.message_queue_size]
            if end is None:
                end = loop.time() + QUIET_LIMIT
            if not waiting or loop.time() >= end:
                return
            await asyncio.gather(*(self._drained(node) for node in waiting))

    @classmethod
    async def _drained(cls, node: MessagePump) -> None:
        """Wait until ``node`` has handled every message queued to it so far."""
        done = asyncio.get_running_loop().create_future()

        def mark() -> None:
            if not done.done():
                done.set_result(None)

        if node.call_later(mark):
            await cls._wait(done, node, LIMIT)

    @staticmethod
    async def _wait(future: asyncio.Future, node: MessagePump, limit: float | None) -> bool:
        """Wait for ``future``; False when ``node`` closes or ``limit`` seconds pass first."""
        waited = 0.0
        while not future.done():
            if node._closing or node._closed or (limit is not None and waited >= limit):
                return False
            try:
                await asyncio.wait_for(asyncio.shield(future), POLL)
            except asyncio.TimeoutError:
                waited += POLL
        return True

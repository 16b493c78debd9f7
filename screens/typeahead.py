"""Typed-ahead keys: each key reaches the app only once the previous one has had its effect.

Textual forwards a key to whatever has the focus at the moment the app takes the key from its
queue. What a key does happens later, in other message queues: Tab is resolved as a binding
only after the key bubbled back up to the app, Enter's `Input.Submitted` moves the focus when
the screen handles it, Ctrl+N's form mounts and focuses its first field in its own task, and
Enter on the login screen changes screens only once the password check (a worker) answers. In a
burst (a fast typist on a slow PC, an ID-card reader typing 18 digits in a few milliseconds) the
following keys are forwarded before any of that, so they land in the old field or on a screen
with nothing focused, where they vanish. The gate holds every key (and paste) until the app is
quiet again, then hands the next one in, in order: typing ahead behaves as typing slowly.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from textual import events
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.message_pump import MessagePump
    from textual.worker import Worker

# A key is let through anyway after this long, so that a handler that never finishes cannot
# swallow the keyboard (the app then behaves as Textual does on its own).
MAX_HOLD_SECONDS = 5.0
# Work a key started (a password check, a save) is waited for this long at most: a clerk who
# presses Esc during a save over a slow link gets an answer rather than a frozen keyboard.
MAX_WORK_WAIT_SECONDS = 1.0
# Quiet must be seen on this many consecutive turns of the event loop: a message being handled
# is out of its queue, and a handler that awaits shows nothing queued while it waits.
QUIET_TURNS = 3
BUSY_POLL_SECONDS = 0.002

HeldEvent = events.Key | events.Paste


class KeyGate:
    """Holds keys and pastes while the app is busy with the previous one; releases them in order."""

    def __init__(self, app: App[Any]):
        self.app = app
        self.waiting: deque[HeldEvent] = deque()
        self._released: HeldEvent | None = None
        self._settling: asyncio.Task[None] | None = None
        self._holds = 0

    @property
    def busy(self) -> bool:
        """True while keys wait, the last one's effects are being handled, or keys are held."""
        return bool(self.waiting) or self._settling is not None or self._holds > 0

    def admit(self, event: events.Event) -> events.Event | None:
        """The event the app should handle now, or None: it is held and will come back in turn."""
        if not isinstance(event, HeldEvent) or event.is_forwarded:
            return event
        if event is self._released:
            self._released = None
        elif self.busy:
            self.waiting.append(as_typed(event))
            if self._settling is None:  # held, not settling a key: release it when quiet
                self._settling = asyncio.create_task(self._release_when_quiet(None))
            return None
        else:
            event = as_typed(event)
        # What a key starts (a login check, a household being read) decides where the next keys
        # go, so they wait for it; a character typed into a field starts at most a search, whose
        # box waits for it on Enter (screens.widgets.search_box), and must not make a card reader's 18
        # digits run 18 searches one after the other.
        started_by_key = None if _typed_into_field(self.app, event) else set(self.app.workers)
        self._settling = asyncio.create_task(self._release_when_quiet(started_by_key))
        return event

    def expect(self) -> Callable[[], None]:
        """Hold keys back until the returned function is called (an answer a key asked for, e.g.
        Enter in a search box), or for MAX_HOLD_SECONDS at most (the answer may never come)."""
        self._holds += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self._holds -= 1

        asyncio.get_running_loop().call_later(MAX_HOLD_SECONDS, release)
        return release

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Keep keys back while the block runs (screens being replaced)."""
        release = self.expect()
        try:
            yield
        finally:
            release()

    async def _release_when_quiet(self, earlier_workers: set[Worker[Any]] | None) -> None:
        start = time.monotonic()
        quiet_turns = 0
        while quiet_turns < QUIET_TURNS and time.monotonic() < start + MAX_HOLD_SECONDS:
            # Busy: look again shortly rather than spin; quiet: confirm on the next turns.
            await asyncio.sleep(0 if quiet_turns else BUSY_POLL_SECONDS)
            if earlier_workers is not None and time.monotonic() > start + MAX_WORK_WAIT_SECONDS:
                earlier_workers = None
            quiet_turns = quiet_turns + 1 if self._quiet(earlier_workers) else 0
        self._settling = None
        if self.waiting:
            self._released = self.waiting.popleft()
            self.app.post_message(self._released)

    def _quiet(self, earlier_workers: set[Worker[Any]] | None) -> bool:
        app = self.app
        if self._holds:
            return False
        if earlier_workers is not None and any(
                not worker.is_finished for worker in app.workers if worker not in earlier_workers):
            return False
        screens = app.screen_stack
        # Callbacks after the next repaint (call_after_refresh) may move the focus.
        if screens and (not screens[-1].is_mounted or screens[-1]._callbacks):
            return False
        return not any(_handling(pump) for pump in (app, *app._registry))


def expect_answer(node: DOMNode) -> Callable[[], None]:
    """Hold typed-ahead keys until the returned function is called (see KeyGate.expect)."""
    gate = getattr(node.app, "key_gate", None)
    return gate.expect() if isinstance(gate, KeyGate) else _nothing


def _nothing() -> None:
    pass


def _typed_into_field(app: App[Any], event: HeldEvent) -> bool:
    text = isinstance(event, events.Paste) or event.is_printable
    return text and isinstance(app.focused, Input)


def _handling(pump: MessagePump) -> bool:
    """True while a node has messages or callbacks waiting (or is closing)."""
    if pump._closed or not pump._running:
        return False
    return (pump._closing or bool(pump._next_callbacks) or pump._pending_message is not None
            or not pump._message_queue.empty())


def as_typed(event: HeldEvent) -> HeldEvent:
    """Enter as Enter: typed before the app set up the terminal, it arrives as Ctrl+J (newline)."""
    if isinstance(event, events.Key) and event.key == "ctrl+j":
        return events.Key("enter", "\r")
    return event

"""Helpers for the TUI tests: accounts, running the app under Pilot, waiting for workers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import replace

from textual.pilot import Pilot
from textual.widgets import DataTable, Input
from textual.worker import WorkerCancelled, WorkerState

from screens.app import StationApp, create_app
from station.accounts.users import add_user
from station.actor import Actor
from station.db import Database
from station.places.directory import ensure_community
from station.uow import UnitOfWork

PASSWORD = "Counter-2026"
SIZE = (100, 32)


class FakeMonotonic:
    """The idle timer's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def with_settings(db: Database, **station_values) -> Database:
    """Change [station] settings (language, idle minutes) of a test database; returns it."""
    db.settings = replace(db.settings, station=replace(db.settings.station, **station_values))
    return db


def make_admin(db: Database, username: str = "admin", name: str = "王管理") -> int:
    """An administrator of the station's community (created from the settings if new)."""
    with UnitOfWork(db, _system()) as uow:
        community_id = ensure_community(uow, db.settings).id
        uow.commit()
    return make_user(db, username, "admin", community_id, name=name)


def make_user(db: Database, username: str, role: str, community_id: int, grid_ids=(),
              name: str = "李网格") -> int:
    with UnitOfWork(db, _system()) as uow:
        return add_user(uow, username, name, role, PASSWORD, community_id=community_id,
                        grid_ids=grid_ids).id


def _system() -> Actor:
    return Actor(user_id=None, username="tests", role="admin", community_id=None)


def drive(app: StationApp, scenario: Callable[[Pilot], Awaitable[None]], size=SIZE) -> None:
    """Run the app headless and play `scenario` once the first screen is up."""

    async def main() -> None:
        async with app.run_test(size=size, notifications=True) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(main())


async def settle(pilot: Pilot) -> None:
    """Wait until no worker runs and the screens stop changing (results reach the UI)."""
    app = pilot.app
    stable = 0
    last = None
    for _ in range(400):
        await pilot.pause()
        await _workers_done(app)
        await pilot.pause()
        busy = (any(worker.is_running for worker in app.workers) or _tables_measuring(app)
                or app.key_gate.busy)
        state = (tuple(id(screen) for screen in app.screen_stack), busy)
        stable = stable + 1 if state == last and not busy else 0
        if stable >= 2:
            return
        last = state
        await asyncio.sleep(0.01)
    raise AssertionError("the app did not settle")


async def _workers_done(app: StationApp) -> None:
    """Wait for every worker; one cancelled because its screen was left early is not a failure.

    A clerk who presses F2 while the dashboard still loads cancels the dashboard's worker; a
    worker that failed still fails the test."""
    for worker in list(app.workers):
        if worker.state == WorkerState.PENDING:
            continue
        with contextlib.suppress(WorkerCancelled):
            await worker.wait()


def _tables_measuring(app: StationApp) -> bool:
    """True while a table has rows whose column widths it has not measured yet.

    A DataTable sizes its columns on its next idle; a snapshot taken before then shows the rows
    cut at the header widths (a flaky picture on a busy machine)."""
    return any(table._require_update_dimensions for table in app.screen.query(DataTable))


async def still(pilot: Pilot) -> None:
    """Settle, and stop the cursors blinking, so a snapshot shows the same picture every run."""
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Focus an input and type into it key by key, as a clerk would."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    await pilot.pause()
    await pilot.press(*text)


async def log_in(pilot: Pilot, username: str = "admin", password: str = PASSWORD) -> None:
    screen = pilot.app.screen
    screen.query_one("#username", Input).value = username
    screen.query_one("#password", Input).value = password
    screen.query_one("#password", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


async def run_palette_command(pilot: Pilot, name: str) -> None:
    """Open Ctrl+P, type a command's name and run the first match."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*name)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)


async def wait_for_screen(pilot: Pilot, name: str, seconds: float = 5.0) -> None:
    """Wait until the screen on top is `name` (while a worker may still be running)."""
    for _ in range(int(seconds / 0.05)):
        if screen_name(pilot) == name:
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{name} did not show; the screen is {screen_name(pilot)}")


def screen_name(pilot: Pilot) -> str:
    return type(pilot.app.screen).__name__


def text_of(pilot: Pilot, selector: str = "") -> str:
    """What the terminal shows in a widget's region (the whole screen by default), line by line."""
    screen = pilot.app.screen
    region = screen.query_one(selector).region if selector else screen.region
    strips = screen._compositor.render_strips()
    return "\n".join(strip.crop(region.x, region.right).text for strip in strips[region.y:region.bottom])


def squeeze(text: str) -> str:
    """The text without spaces, box-drawing borders and empty lines (for checking figures)."""
    lines = ("".join(ch for ch in line if not ch.isspace() and not 0x2500 <= ord(ch) <= 0x257F)
             for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def app_for(db: Database, clock=None) -> StationApp:
    app = create_app(db, clock=clock) if clock is not None else create_app(db)
    _record_notices(app)
    return app


def _record_notices(app: StationApp) -> None:
    """Keep every toast's message: a toast leaves the screen after 5 s, which a loaded CI
    machine can spend between the toast and the test's look at it."""
    shown = app.notify
    app.notices = []  # type: ignore[attr-defined]

    def notify(message, *args, **kwargs):
        app.notices.append(str(message))  # type: ignore[attr-defined]
        return shown(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]


def notices(pilot: Pilot) -> str:
    """Every toast the app has shown so far, one per line (app_for's apps keep them all)."""
    kept = getattr(pilot.app, "notices", None)
    if kept is None:
        return "\n".join(str(notification.message) for notification in pilot.app._notifications)
    return "\n".join(kept)


async def burst(pilot: Pilot, *keys: str, then_settle: bool = True) -> None:
    """Send keys all at once, as a terminal delivers a paste or an ID-card reader's typing."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    app = pilot.app
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app.post_message(event)
    if then_settle:
        await settle(pilot)

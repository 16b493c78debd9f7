"""Run by bench/ledger_ui_bench.py in a fresh process: drive the real app (headless, Textual's pilot)
over the 200k-person database and print one JSON object of figures (`--prepare` first, in a
process of its own: the measured process starts as a clerk's does, not as the day's first or a
fresh copy's).

- keystroke: from pressing a key in the ledger's search box to the list showing that query's
  results, repainted (each key of several queries, one key at a time), with the ledger just
  opened and again after the whole ledger was scrolled (SQLite's page cache then holds ledger
  pages, not the search index);
- open household: from Enter on a resident to the household file filled and repainted;
- RSS: the process's resident set after opening the ledger and scrolling it whole, page by page
  (every page is read once), and its peak; then again after the keystroke and household runs;
- RSS growth per household opened and closed, over the last REOPENS opens of 2 × REOPENS (the
  first ones fill Textual's bounded caches): a counter opens hundreds a day, it must stay flat.
"""

from __future__ import annotations

import asyncio
import gc
import json
import resource
import sys
import time
from pathlib import Path

QUERIES = ("王秀", "zhang", "zxl", "1234", "138", "幸福", "李")
BENCH_USER, BENCH_PASSWORD = "benchui", "Bench-ui-2026"
REOPENS = 40


def main(config: str) -> None:
    from screens.app import create_app
    from station.bootstrap import open_database
    from station.config import load_settings

    db = open_database(load_settings(config))
    app = create_app(db)
    figures: dict[str, object] = {}

    async def pilot_main(pilot) -> None:
        try:
            await _log_in(pilot)
            figures.update(await _ledger(pilot))
        finally:
            app.exit()

    app.run(headless=True, auto_pilot=pilot_main, size=(120, 40))
    db.dispose()
    print(json.dumps(figures), flush=True)


def prepare(config: str) -> None:
    """Run first, in a process of its own: the copy's migrations, the day's backup and the bench
    user (an argon2 hash) happen here, so the measured process does what a clerk's start does."""
    from station.bootstrap import open_database
    from station.config import load_settings

    db = open_database(load_settings(config))
    _ensure_user(db)
    db.dispose()


def _ensure_user(db) -> None:
    from station.accounts.users import add_user, has_users, list_users
    from station.actor import Actor
    from station.places.directory import community_by_code
    from station.uow import UnitOfWork

    with UnitOfWork(db, Actor(None, "bench", "admin", None)) as uow:
        if has_users(uow) and any(user.username == BENCH_USER for user in list_users(uow)):
            return
        community_id = community_by_code(uow, db.settings.station.community_code).id
        add_user(uow, BENCH_USER, "测速", "staff", BENCH_PASSWORD, community_id=community_id)


def _send_key(app, key: str) -> None:
    """Post a key as the terminal driver does (Pilot.press would also wait for the app to idle,
    which adds its own ~100 ms to what is measured)."""
    from textual import events

    character = key if len(key) == 1 else None
    event = events.Key(key, character)
    event.set_sender(app)
    app._driver.send_message(event)


def _watch_paint(widget, state=lambda: None) -> list[tuple[float, object]]:
    """(time, state()) each time the widget draws a line (a wrapper around its render_line)."""
    painted: list[tuple[float, object]] = []
    draw = widget.render_line

    def render_line(y: int):
        painted.append((time.perf_counter(), state()))
        return draw(y)

    widget.render_line = render_line
    return painted


async def _until(condition, limit: float = 30.0) -> None:
    deadline = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not answer in time")
        await asyncio.sleep(0.0005)


async def _log_in(pilot) -> None:
    from textual.widgets import Input

    app = pilot.app
    await _until(lambda: type(app.screen).__name__ == "LoginScreen" and app.focused is not None)
    await app.workers.wait_for_complete()
    app.screen.query_one("#username", Input).value = BENCH_USER
    app.screen.query_one("#password", Input).value = BENCH_PASSWORD
    app.screen.query_one("#password", Input).focus()
    await pilot.press("enter")
    await _until(lambda: type(app.screen).__name__ == "DashboardScreen")


async def _ledger(pilot) -> dict[str, object]:
    app = pilot.app
    await pilot.press("f2")
    await _until(lambda: type(app.screen).__name__ == "LedgerScreen")
    screen = app.screen
    await _until(lambda: screen.table.size_rows > 0)
    rss_ledger = _rss_mb()
    keys = await _keystrokes(pilot, screen)
    rss, peak, pages, page_ms = await _scroll_all(pilot, screen)
    # Scrolling 200k rows pushes the search index out of SQLite's page cache: measured again.
    keys_after_scroll = await _keystrokes(pilot, screen)
    opened = await _open_households(pilot, screen)
    rss_at_end = _rss_mb()
    await _reopen(pilot, screen, REOPENS)
    before = _rss_mb()
    await _reopen(pilot, screen, REOPENS)
    return {"persons": screen.table.size_rows, "rss_ledger_open_mb": rss_ledger,
            "rss_after_scrolling_mb": rss, "peak_rss_after_scrolling_mb": peak, "pages_read": pages,
            "page_ms": page_ms, "keystroke_ms": keys, "keystroke_after_scroll_ms": keys_after_scroll,
            "open_household_ms": opened, "rss_at_end_mb": rss_at_end,
            "rss_growth_per_open_kb": (_rss_mb() - before) * 1024 / REOPENS}


async def _keystrokes(pilot, screen) -> list[float]:
    from textual.widgets import Input

    box = screen.query_one("#search", Input)
    table = screen.table
    painted = _watch_paint(table, lambda: table.generation)
    timings = []
    for query in QUERIES:
        box.focus()
        box.value = ""
        await _until(lambda: screen.shown_query == "" and screen.table.size_rows > 0)
        await pilot.pause()
        for end in range(1, len(query) + 1):
            typed = query[:end]
            started = time.perf_counter()
            _send_key(pilot.app, query[end - 1])
            await _until(lambda typed=typed: screen.shown_query == typed)
            shown = table.generation
            await _until(lambda shown=shown: any(state == shown for _when, state in painted))
            timings.append((next(when for when, state in painted if state == shown) - started) * 1000)
            await pilot.pause()
    return timings


async def _open_households(pilot, screen) -> list[float]:
    from textual.widgets import Input

    box = screen.query_one("#search", Input)
    box.value = ""
    await _until(lambda: screen.shown_query == "" and screen.table.size_rows > 0)
    table = screen.table
    table.focus()
    return [await _open_household(pilot, screen, index)
            for index in range(0, table.size_rows, max(1, table.size_rows // 9))[:9]]


async def _open_household(pilot, screen, index: int) -> float:
    """Enter on the ledger's row `index`: ms until the household file is painted; then Esc back."""
    table = screen.table
    table.move_to(index)
    await _until(lambda: table.row(index) is not None)
    await pilot.pause()
    started = time.perf_counter()
    _send_key(pilot.app, "enter")
    await _until(lambda: type(pilot.app.screen).__name__ == "HouseholdScreen"
                 and bool(pilot.app.screen.query("#household-head")))
    opened = pilot.app.screen
    painted = _watch_paint(opened.query_one("#household-head"), lambda: opened.file is not None)
    await _until(lambda: any(state for _when, state in painted))
    shown_ms = (next(when for when, state in painted if state) - started) * 1000
    await pilot.press("escape")
    await _until(lambda: pilot.app.screen is screen)
    return shown_ms


async def _reopen(pilot, screen, times: int) -> None:
    """Open the first rows' households and close them again, one after another."""
    for turn in range(times):
        await _open_household(pilot, screen, turn % 10)
    gc.collect()


async def _scroll_all(pilot, screen) -> tuple[float, float, int, list[float]]:
    from textual.widgets import Input

    from screens.widgets.virtual_table import PAGE_SIZE

    screen.query_one("#search", Input).value = ""  # back to the whole ledger
    await _until(lambda: screen.shown_query == "" and screen.table.size_rows > 100_000 / 100)
    table = screen.table
    table.focus()
    page_ms = []
    for index in range(0, table.size_rows, PAGE_SIZE):
        started = time.perf_counter()
        table.move_to(index)
        await _until(lambda index=index: table.row(index) is not None)
        page_ms.append((time.perf_counter() - started) * 1000)
    table.move_to(table.size_rows - 1)
    await _until(lambda: table.cursor_row is not None)
    await pilot.pause()
    return _rss_mb(), _peak_mb(), len(page_ms), page_ms


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return _peak_mb()


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


if __name__ == "__main__":
    if sys.argv[1] == "--prepare":
        prepare(sys.argv[2])
    else:
        main(sys.argv[1])

"""The database server stops and starts under a running counter (a private PostgreSQL server).

The shared test server cannot be stopped under the other tests, so each test here runs its own
with scripts/test-postgres.sh (STATION_TEST_PG_BASE, a free port) and stops and starts it while
the app runs: what was typed stays, no dialog takes a key, the work waits and completes once
the server is back, and a save whose commit was cut off is reported, never run twice.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from backends import PG_URL
from sqlalchemy import func, select, update
from textual.widgets import Input
from tui_support import drive, log_in, screen_name, settle, text_of
from visit_fixtures import visit_town

from models import Visit
from screens.app import create_app
from screens.visits.form import NewVisitScreen
from screens.widgets.dialogs import MessageDialog
from screens.widgets.labels import TopBar
from screens.widgets.virtual_table import VirtualTable
from station.db import Database, make_engine
from station.errors import StationError
from station.migrate import upgrade
from station.places.directory import ensure_community
from station.uow import UnitOfWork

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "test-postgres.sh"
NAME, CONTENT = "钱奶奶", "送药上门"


class OwnServer:
    """A PostgreSQL server of this test's own, stopped and started at will."""

    def __init__(self) -> None:
        # /var/tmp: the server's user (postgres, when the tests run as root) must reach it.
        self.base = Path(tempfile.mkdtemp(prefix="station-outage-", dir="/var/tmp"))
        self.env = {**os.environ, "STATION_TEST_PG_BASE": str(self.base), "STATION_TEST_PG_PORT": str(_free_port())}
        self.env.pop("STATION_TEST_PG_URL", None)  # else the script answers with the shared server

    def start(self) -> str:
        done = subprocess.run([str(SCRIPT), "start"], env=self.env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        done = subprocess.run([str(SCRIPT), "stop"], env=self.env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server():
    if not PG_URL:
        if os.environ.get("STATION_REQUIRE_PG"):
            pytest.fail("STATION_TEST_PG_URL is not set but PostgreSQL tests are required")
        pytest.skip("PostgreSQL not configured (STATION_TEST_PG_URL); `make test` starts one")
    own = OwnServer()
    try:
        yield own
    finally:
        own.stop()
        shutil.rmtree(own.base, ignore_errors=True)


@pytest.fixture
def db(server, settings, clock):
    engine = make_engine(server.start())
    upgrade(engine)
    database = Database(engine, settings, clock)
    yield database
    database.dispose()


@pytest.fixture
def town(db, clock):
    with UnitOfWork(db, _system()) as uow:
        community_id = ensure_community(uow, db.settings).id
        uow.commit()
    return visit_town(db, community_id, clock)


def _system():
    from station.actor import SYSTEM

    return SYSTEM


async def _until(pilot, condition, seconds: float = 20.0) -> None:
    """Wait for `condition()` without waiting for workers (they wait for the server)."""
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"not reached in {seconds} s; the screen shows:\n{text_of(pilot)}")


def _warned(pilot) -> bool:
    """The top bar says so (a form over a list shows the list's top bar above it)."""
    bars = [bar for screen in pilot.app.screen_stack for bar in screen.query(TopBar)]
    return bool(bars) and "数据库服务器无法连接" in str(bars[-1].render())


def _no_dialog(pilot) -> bool:
    return not any(isinstance(screen, MessageDialog) for screen in pilot.app.screen_stack)


def _saved_visits(db) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Visit).where(Visit.content == CONTENT)))


def test_a_search_typed_while_the_server_is_down_is_answered_once_it_is_back(db, town, server):
    async def scenario(pilot):
        await log_in(pilot, username="wang")
        await pilot.press("f2")
        await settle(pilot)
        whole = pilot.app.screen.query_one(VirtualTable).size_rows
        server.stop()
        await pilot.press(*NAME)
        await _until(pilot, lambda: _warned(pilot))
        assert pilot.app.screen.query_one("#search", Input).value == NAME  # nothing typed was lost
        assert screen_name(pilot) == "LedgerScreen" and _no_dialog(pilot)
        assert "下面仍是之前的列表" in text_of(pilot, "#result-note")  # the old list is not taken for hits
        await pilot.press("enter")  # into the list, once it shows the search's answer
        server.start()
        await _until(pilot, lambda: pilot.app.screen.query_one(VirtualTable).size_rows == 1)
        await settle(pilot)
        assert not _warned(pilot) and _no_dialog(pilot)
        assert whole > 1 and NAME in text_of(pilot, "#hits")
        assert "数据库服务器已恢复连接" in " ".join(str(n.message) for n in pilot.app._notifications)

    drive(create_app(db), scenario)


def test_a_visit_saved_while_the_server_is_down_is_saved_once_when_it_is_back(db, town, server):
    async def scenario(pilot):
        await log_in(pilot, username="wang")
        await pilot.press("f4")
        await settle(pilot)
        for keys in (("ctrl+n",), tuple(NAME), ("enter",), tuple(CONTENT)):
            await pilot.press(*keys)
            await settle(pilot)
        server.stop()
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: _warned(pilot))
        await pilot.press("ctrl+s")  # pressed again while it waits: still one visit
        await pilot.pause(0.3)
        assert isinstance(pilot.app.screen, NewVisitScreen) and _no_dialog(pilot)
        assert pilot.app.screen.query_one("#content", Input).value == CONTENT
        server.start()
        await _until(pilot, lambda: screen_name(pilot) == "VisitsScreen")
        await settle(pilot)
        assert CONTENT in text_of(pilot, "#log-table") and not _warned(pilot)

    drive(create_app(db), scenario)
    assert _saved_visits(db) == 1


def test_a_commit_cut_off_by_the_server_is_reported_and_not_run_again(db, town, server):
    runs, errors = [], []

    def save_then_lose_the_server(uow):
        runs.append(1)
        uow.session.execute(update(Visit).values(content=CONTENT))
        server.stop()  # the server goes between the last statement and the COMMIT
        uow.commit()

    async def scenario(pilot):
        await log_in(pilot, username="wang")
        app = pilot.app
        app.gateway.call(app.screen, app.actor, save_then_lose_the_server, on_done=lambda _: None,
                         on_error=errors.append)
        await _until(pilot, lambda: bool(errors))
        server.start()
        await pilot.pause(2.0)  # long enough for a wrongly retried job to have run again

    drive(create_app(db), scenario)
    [error] = errors
    assert isinstance(error, StationError) and error.code == "failures.server_lost_saving"
    assert runs == [1] and _saved_visits(db) == 0  # the server shut down before the COMMIT arrived

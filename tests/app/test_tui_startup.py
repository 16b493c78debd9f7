"""Start-up: the login screen shows while the database opens; an empty one means first run."""

from __future__ import annotations

import asyncio
import threading

from tui_support import drive, make_admin, screen_name, settle, text_of

from screens.app import create_app
from station.errors import DatabaseError


def _gated(db):
    """An opener that waits until the test lets it finish."""
    release = threading.Event()

    def open_db():
        assert release.wait(10)
        return db

    return open_db, release


def _run_gated(app, scenario, release):
    """Like drive(), without settling first (the opener is still waiting)."""
    async def main():
        async with app.run_test(size=(100, 32), notifications=True) as pilot:
            try:
                await scenario(pilot)
            finally:
                release.set()

    asyncio.run(main())


def test_the_login_screen_shows_before_the_database_is_open(db):
    make_admin(db)
    open_db, release = _gated(db)

    async def scenario(pilot):
        await pilot.pause(0.2)
        assert screen_name(pilot) == "LoginScreen" and pilot.app.focused.id == "username"
        release.set()
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen"

    _run_gated(create_app(settings=db.settings, open_db=open_db), scenario, release)


def test_an_empty_database_turns_the_login_into_the_first_run(db):
    open_db, release = _gated(db)

    async def scenario(pilot):
        await pilot.pause(0.2)
        assert screen_name(pilot) == "LoginScreen"
        release.set()
        await settle(pilot)
        assert screen_name(pilot) == "FirstRunScreen"
        assert len(pilot.app.screen_stack) == 2

    _run_gated(create_app(settings=db.settings, open_db=open_db), scenario, release)


def test_a_database_that_cannot_open_is_reported_in_chinese(db):
    attempts = []

    def open_db():
        attempts.append(1)
        raise DatabaseError("无法打开数据库:connection refused")

    async def scenario(pilot):
        assert screen_name(pilot) == "MessageDialog"
        assert "数据库错误" in text_of(pilot) and "无法打开数据库" in text_of(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen"
        pilot.app.screen.query_one("#username").value = "admin"
        pilot.app.screen.query_one("#password").value = "whatever-1"
        pilot.app.screen.query_one("#password").focus()
        await pilot.press("enter")  # a login tries to open the database again
        await settle(pilot)
        assert "无法打开数据库" in text_of(pilot, "#login-error")
        assert len(attempts) == 2

    drive(create_app(settings=db.settings, open_db=open_db), scenario)

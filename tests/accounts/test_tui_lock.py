"""The idle lock: after the configured minutes without a key, only the same password unlocks."""

from __future__ import annotations

from textual.widgets import Input
from tui_support import (
    PASSWORD,
    FakeMonotonic,
    app_for,
    drive,
    log_in,
    make_admin,
    screen_name,
    settle,
    text_of,
    with_settings,
)


def _locked_app(db):
    make_admin(db)
    clock = FakeMonotonic()
    return app_for(with_settings(db, idle_lock_minutes=2), clock), clock


async def _unlock_with(pilot, password):
    field = pilot.app.screen.query_one("#password", Input)
    field.value = password
    field.focus()
    await pilot.press("enter")
    await settle(pilot)


def test_the_screen_locks_after_the_idle_minutes(db):
    app, clock = _locked_app(db)

    async def scenario(pilot):
        await log_in(pilot)
        clock.advance(119)
        pilot.app.lock_if_idle()
        await settle(pilot)
        assert screen_name(pilot) == "DashboardScreen"
        clock.advance(1)
        await pilot.pause(1.2)  # the app's own once-a-second check
        await settle(pilot)
        assert screen_name(pilot) == "LockScreen"
        assert pilot.app.locked
        assert "王管理(admin)" in text_of(pilot, "#lock-box")

    drive(app, scenario)


def test_a_key_press_restarts_the_idle_time(db):
    app, clock = _locked_app(db)

    async def scenario(pilot):
        await log_in(pilot)
        clock.advance(100)
        await pilot.press("tab")
        clock.advance(100)
        pilot.app.lock_if_idle()
        await settle(pilot)
        assert screen_name(pilot) == "DashboardScreen"

    drive(app, scenario)


def test_only_the_same_users_password_unlocks(db):
    app, clock = _locked_app(db)

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert screen_name(pilot) == "LockScreen"
        await _unlock_with(pilot, "wrong-password")
        assert screen_name(pilot) == "LockScreen"
        assert "密码错误" in text_of(pilot, "#lock-error")
        await _unlock_with(pilot, PASSWORD)
        assert screen_name(pilot) == "DashboardScreen"
        assert not pilot.app.locked

    drive(app, scenario)


def test_nothing_works_behind_the_lock_but_the_password(db):
    app, clock = _locked_app(db)

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        for key in ("escape", "f12", "ctrl+p", "f1", "ctrl+r"):
            await pilot.press(key)
            await settle(pilot)
            assert screen_name(pilot) == "LockScreen", key
        assert len(pilot.app.screen_stack) == 3

    drive(app, scenario)


def test_switching_user_from_the_lock_goes_to_the_login(db):
    app, clock = _locked_app(db)

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("ctrl+l", "ctrl+o")
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen"
        assert pilot.app.login is None and not pilot.app.locked
        assert pilot.app.screen.query_one("#username", Input).value == "admin"

    drive(app, scenario)


def test_no_lock_before_login(db):
    app, clock = _locked_app(db)

    async def scenario(pilot):
        clock.advance(600)
        pilot.app.lock_if_idle()
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen"

    drive(app, scenario)

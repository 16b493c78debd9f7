"""First run on an empty database: create the administrator (and optionally the demo community)."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, ProgressBar
from tui_support import PASSWORD, app_for, drive, screen_name, settle, text_of, type_into

from screens.session.first_run import FirstRunScreen
from station.accounts.users import has_users, list_users
from station.actor import Actor
from station.stats.figures import overview
from station.uow import UnitOfWork


async def _fill(pilot, username="admin", name="王管理", password=PASSWORD, again=PASSWORD):
    await type_into(pilot, "#username", username)
    await pilot.press("enter")  # Enter moves on to the next field
    assert pilot.app.focused.id == "display_name"
    await pilot.press(*name)
    for field, value in (("#password", password), ("#password_again", again)):
        pilot.app.screen.query_one(field, Input).value = value


def test_an_empty_database_opens_the_first_run_screen(db):
    async def scenario(pilot):
        assert screen_name(pilot) == "FirstRunScreen"
        assert pilot.app.focused.id == "username"
        assert "幸福里社区" in text_of(pilot, "#first-run-intro")

    drive(app_for(db), scenario)


def test_passwords_that_differ_are_refused(db):
    async def scenario(pilot):
        await _fill(pilot, again=PASSWORD + "x")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "FirstRunScreen"
        assert "两次输入的密码不一致" in text_of(pilot, "#first-run-error")
        assert pilot.app.focused.id == "password_again"
        assert pilot.app.focused.value == ""  # cleared for another try

    drive(app_for(db), scenario)
    assert not has_users(db)


def test_a_weak_password_is_refused_with_the_services_message(db):
    async def scenario(pilot):
        await _fill(pilot, password="1234567", again="1234567")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "密码至少需要 8 个字符" in text_of(pilot, "#first-run-error")
        assert pilot.app.focused.id == "password"
        for weak, reason in (("abcdefgh12", "至少三类"), ("P@ssw0rd", "过于常见"), ("Admin-2026", "用户名")):
            pilot.app.screen.query_one("#password", Input).value = weak
            pilot.app.screen.query_one("#password_again", Input).value = weak
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert reason in text_of(pilot, "#first-run-error")

    drive(app_for(db), scenario)
    assert not has_users(db)


def test_a_bad_username_puts_the_cursor_back_in_it(db):
    async def scenario(pilot):
        await _fill(pilot, username="王")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "用户名须为" in text_of(pilot, "#first-run-error")
        assert pilot.app.focused.id == "username"

    drive(app_for(db), scenario)


def test_the_administrator_is_created_and_the_login_screen_follows(db, settings):
    async def scenario(pilot):
        await _fill(pilot, username="Admin")
        pilot.app.screen.query_one("#password_again", Input).focus()
        await pilot.press("enter")  # Enter in the last field creates the account
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen"
        assert pilot.app.screen.query_one("#username", Input).value == "admin"
        assert pilot.app.focused.id == "password"

    drive(app_for(db), scenario)
    with UnitOfWork(db, Actor(None, "t", "admin", None)) as uow:
        (admin,) = list_users(uow)
    assert (admin.username, admin.display_name, admin.role) == ("admin", "王管理", "admin")


def test_the_demo_community_loads_with_a_progress_bar(db, monkeypatch):
    bar_values: list[float | None] = []
    show_progress = FirstRunScreen.on_demo_progress

    def spy(screen, message):
        show_progress(screen, message)
        bar_values.append(screen.query_one(ProgressBar).progress)

    monkeypatch.setattr(FirstRunScreen, "on_demo_progress", spy)

    async def scenario(pilot):
        await _fill(pilot)
        pilot.app.screen.query_one("#demo", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen"

    drive(app_for(db), scenario)
    assert bar_values and bar_values[-1] == 500
    with UnitOfWork(db, Actor(None, "t", "admin", None)) as uow:
        assert overview(uow).households == 500


def test_the_demo_box_shows_whether_it_is_ticked_without_colour(db):
    async def scenario(pilot):
        assert "▐ ▌" in text_of(pilot, "#demo")
        pilot.app.screen.query_one("#demo", Checkbox).focus()
        await pilot.press("space")
        await settle(pilot)
        assert pilot.app.screen.query_one("#demo", Checkbox).value
        assert "▐X▌" in text_of(pilot, "#demo")

    drive(app_for(db), scenario)

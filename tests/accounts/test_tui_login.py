"""Login: refusals in Chinese, the lock-out after five failures, success opens the dashboard."""

from __future__ import annotations

from textual.widgets import Input
from tui_support import (
    PASSWORD,
    app_for,
    drive,
    log_in,
    make_admin,
    make_user,
    screen_name,
    settle,
    text_of,
)

from models import Community
from station.accounts.users import disable_user, get_user
from station.actor import SYSTEM
from station.uow import UnitOfWork


def test_the_login_screen_shows_when_accounts_exist(db):
    make_admin(db)

    async def scenario(pilot):
        assert screen_name(pilot) == "LoginScreen"
        assert pilot.app.focused.id == "username"
        assert "幸福里社区" in text_of(pilot, "#login-community")

    drive(app_for(db), scenario)


def test_a_wrong_password_is_refused_and_cleared(db):
    make_admin(db)

    async def scenario(pilot):
        await log_in(pilot, password="wrong-password")
        assert screen_name(pilot) == "LoginScreen"
        assert "用户名或密码错误" in text_of(pilot, "#login-error")
        assert pilot.app.screen.query_one("#password", Input).value == ""
        assert pilot.app.focused.id == "password"
        assert pilot.app.login is None

    drive(app_for(db), scenario)


def test_empty_fields_are_refused_without_asking_the_database(db):
    make_admin(db)

    async def scenario(pilot):
        await pilot.press("enter")  # from the username field: on to the password
        await pilot.press("enter")
        await settle(pilot)
        assert "请输入用户名和密码" in text_of(pilot, "#login-error")
        assert pilot.app.focused.id == "username"

    drive(app_for(db), scenario)


def test_five_failures_lock_the_account(db):
    make_admin(db)

    async def scenario(pilot):
        for _ in range(5):
            await log_in(pilot, password="wrong-password")
        assert "账户已锁定,请于 09:15 后再试" in text_of(pilot, "#login-error")
        await log_in(pilot)  # the right password does not help while locked
        assert screen_name(pilot) == "LoginScreen"
        assert "账户已锁定" in text_of(pilot, "#login-error")

    drive(app_for(db), scenario)


def test_typing_the_right_password_opens_the_dashboard(db):
    make_admin(db)

    async def scenario(pilot):
        await pilot.press(*"ADMIN", "enter", *PASSWORD, "enter")
        await settle(pilot)
        assert screen_name(pilot) == "DashboardScreen"
        assert pilot.app.user.username == "admin"
        assert "王管理(系统管理员)" in text_of(pilot, "TopBar")
        assert len(pilot.app.screen_stack) == 2  # the login screen is gone, not underneath

    drive(app_for(db), scenario)


def test_logging_out_returns_to_an_empty_login(db):
    make_admin(db)

    async def scenario(pilot):
        await log_in(pilot)
        pilot.app.action_logout()
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen"
        assert pilot.app.login is None
        assert pilot.app.screen.query_one("#password", Input).value == ""

    drive(app_for(db), scenario)


def test_a_user_disabled_while_logged_in_is_signed_out_at_the_next_action(db):
    make_admin(db)
    with UnitOfWork(db, SYSTEM) as uow:
        community_id = get_user(uow, "admin").community_id
    make_user(db, "zhao.clerk", "clerk", community_id, name="赵窗口")

    async def scenario(pilot):
        await log_in(pilot, "zhao.clerk")
        assert screen_name(pilot) == "DashboardScreen"
        with UnitOfWork(db, SYSTEM) as uow:
            disable_user(uow, "zhao.clerk")
        pilot.app.screen.action_refresh()  # the next thing the clerk does asks the database
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen"
        assert pilot.app.login is None
        assert len(pilot.app.screen_stack) == 2  # no error dialog left behind
        assert "账户已停用" in text_of(pilot, "#login-error")

    drive(app_for(db), scenario)


def test_only_the_stations_own_community_logs_in_and_the_street_sees_whose_data(db):
    make_admin(db)
    with db.session() as session:
        other = Community(code="HPL", name="和平里社区", street="", phone="")
        session.add(other)
        session.commit()
        other_id = other.id
    make_user(db, "hpl.clerk", "clerk", other_id)
    make_user(db, "street.wu", "street", None, name="吴街道")

    async def scenario(pilot):
        await log_in(pilot, "hpl.clerk")
        assert screen_name(pilot) == "LoginScreen"
        assert "和平里社区" in text_of(pilot, "#login-error")
        await log_in(pilot, "street.wu")
        assert screen_name(pilot) == "DashboardScreen"
        assert "吴街道(街道管理员)  ·  查看:本街道全部社区" in text_of(pilot)

    drive(app_for(db), scenario)

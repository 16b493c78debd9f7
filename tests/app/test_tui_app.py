"""App-wide behaviour: the palette's commands, no screenshots, remapped keys, help, languages."""

from __future__ import annotations

from textual.command import CommandPalette
from tui_support import (
    FakeMonotonic,
    app_for,
    drive,
    log_in,
    make_admin,
    make_user,
    run_palette_command,
    screen_name,
    settle,
    squeeze,
    text_of,
    with_settings,
)

STATION_COMMANDS = {"首页", "住户台账", "锁屏", "退出登录", "切换语言:English", "帮助", "退出程序",
                    "打开住户", "新建走访", "受理诉求", "重点人群", "走访记录", "居民诉求", "报表", "导入台账", "到期去标识",
                    "审计日志"}
# A clerk logs visits and receives requests but imports nothing, de-identifies no one and does not
# read the audit log.
NOT_FOR_CLERK = {"导入台账", "到期去标识", "审计日志"}


def _keymap(db, **keymap):
    db.settings = db.settings.__class__(**{**db.settings.__dict__, "keymap": keymap})
    return db


def test_the_palette_offers_the_station_commands_and_no_screenshot(db):
    make_admin(db)

    async def scenario(pilot):
        await log_in(pilot)
        names = {command.title for command in pilot.app.get_system_commands(pilot.app.screen)}
        assert names == STATION_COMMANDS
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert CommandPalette.is_open(pilot.app)
        await pilot.press(*"截图")
        await pilot.pause(0.3)
        assert "截图" not in text_of(pilot, "#--results") and "Screenshot" not in text_of(pilot)

    drive(app_for(db), scenario)


def test_the_palette_offers_only_what_the_role_may_do(db, community_id):
    make_user(db, "clerk1", "clerk", community_id)

    async def scenario(pilot):
        await log_in(pilot, username="clerk1")
        names = {command.title for command in pilot.app.get_system_commands(pilot.app.screen)}
        assert names == STATION_COMMANDS - NOT_FOR_CLERK

    drive(app_for(db), scenario)


def test_a_palette_command_runs(db):
    make_admin(db)

    async def scenario(pilot):
        await log_in(pilot)
        await run_palette_command(pilot, "锁屏")
        assert screen_name(pilot) == "LockScreen"

    drive(app_for(db), scenario)


def test_no_palette_before_login(db):
    make_admin(db)

    async def scenario(pilot):
        await pilot.press("ctrl+p", "f12", "ctrl+l")
        await settle(pilot)
        assert screen_name(pilot) == "LoginScreen" and not CommandPalette.is_open(pilot.app)

    drive(app_for(db), scenario)


def test_screenshots_write_nothing(db, tmp_path, monkeypatch):
    make_admin(db)
    monkeypatch.chdir(tmp_path)

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.app.run_action("screenshot")
        assert pilot.app.save_screenshot() == ""
        assert pilot.app.deliver_screenshot() is None
        await settle(pilot)

    drive(app_for(db), scenario)
    assert list(tmp_path.rglob("*.svg")) == []


def test_keys_are_remapped_from_the_keymap(db):
    make_admin(db)
    _keymap(db, **{"app.lock": "f11", "dashboard.refresh": "f8", "nav.ledger": "f10"})

    async def scenario(pilot):
        await log_in(pilot)
        footer = text_of(pilot, "Footer")
        assert "F11 锁屏" in footer and "F8 刷新" in footer and "Ctrl+L" not in footer
        # The section keys at the top follow the keymap too.
        assert "F10 台账" in text_of(pilot, "TopBar") and "F2 台账" not in text_of(pilot, "TopBar")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert screen_name(pilot) == "DashboardScreen"
        await pilot.press("f11")
        await settle(pilot)
        assert screen_name(pilot) == "LockScreen"

    drive(app_for(db), scenario)


def test_unknown_keymap_ids_are_reported(db):
    make_admin(db)
    _keymap(db, **{"app.lokc": "f9"})

    async def scenario(pilot):
        messages = [notification.message for notification in pilot.app._notifications]
        assert messages == ["station.toml 的 [keymap] 中有未知的按键编号:app.lokc"]

    drive(app_for(db), scenario)


def test_f1_explains_the_focused_place_and_its_keys(db):
    async def scenario(pilot):
        await pilot.press("f1")
        await settle(pilot)
        assert screen_name(pilot) == "HelpScreen"
        help_text = squeeze(text_of(pilot, "#help-box"))
        assert "在最后一栏按回车" in help_text.replace("\n", "")
        assert "用户名由3-32位小写字母" in help_text  # the focused field's own help
        assert "Ctrl+S创建创建管理员账户" in help_text
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(pilot) == "FirstRunScreen"

    drive(app_for(db), scenario)


def test_help_on_the_dashboard_lists_its_keys(db):
    make_admin(db)

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f1")
        await settle(pilot)
        keys = squeeze(text_of(pilot, "#help-box"))
        for line in ("Ctrl+R刷新", "F12首页", "Ctrl+L锁屏", "Ctrl+P命令", "F1帮助", "Ctrl+Q退出"):
            assert line in keys
        await pilot.press("f1")
        await settle(pilot)
        assert screen_name(pilot) == "DashboardScreen"

    drive(app_for(db), scenario)


def test_english_from_the_settings(db):
    make_admin(db)
    with_settings(db, language="en")

    async def scenario(pilot):
        assert "Log in" in text_of(pilot, "#login-box")
        assert "Mon 2026-11-23" in text_of(pilot, "TopBar")
        await log_in(pilot)
        assert "Households" in text_of(pilot, "#tile-households")
        assert "Refresh" in text_of(pilot, "Footer")

    drive(app_for(db), scenario)


def test_switching_language_from_the_palette(db):
    make_admin(db)

    async def scenario(pilot):
        await log_in(pilot)
        await run_palette_command(pilot, "English")
        assert screen_name(pilot) == "DashboardScreen"
        assert "Households" in text_of(pilot, "#tile-households")
        assert "Ctrl+L Lock" in text_of(pilot, "Footer")
        assert {c.title for c in pilot.app.get_system_commands(pilot.app.screen)} >= {"Home", "Log out"}

    drive(app_for(db, FakeMonotonic()), scenario)

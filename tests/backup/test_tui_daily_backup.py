"""The day's automatic backup runs behind the first screen after the login: the clerk works while
it runs, the screen says how it ended, a failure stops nothing; PostgreSQL takes none at login."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from dashboard_fixtures import build_town
from ledger_fixtures import neighbourhood
from sqlalchemy import select
from textual.widgets import Input
from tui_support import PASSWORD, drive, make_admin, notices, screen_name

from models import AuditEntry
from screens.app import create_app
from station.backup.files import LOCK_NAME, backup_folder, list_backups
from station.bootstrap import back_up_once_a_day, daily_backup_due
from station.db import Database
from station.disk import file_lock
from station.settings import BackupSettings


@pytest.fixture
def town(db, community_id, clock):
    build_town(db, community_id, neighbourhood(db, community_id), clock)
    make_admin(db)


async def until(pilot, condition, seconds: float = 20.0) -> None:
    """Let the app run until `condition()` holds (settle would wait for the backup itself)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app did not get there")


async def log_in_only(pilot) -> None:
    screen = pilot.app.screen
    screen.query_one("#username", Input).value = "admin"
    screen.query_one("#password", Input).value = PASSWORD
    screen.query_one("#password", Input).focus()
    await pilot.press("enter")


def backups(db) -> list:
    return list_backups(backup_folder(db.settings))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_login_does_not_wait_for_the_backup_and_the_clerk_works_meanwhile(db, town):
    folder = backup_folder(db.settings)
    folder.mkdir(parents=True, exist_ok=True)

    async def scenario(pilot):
        with file_lock(folder / LOCK_NAME):  # another backup into this folder holds it: ours waits
            await log_in_only(pilot)
            await until(pilot, lambda: screen_name(pilot) == "DashboardScreen"
                        and getattr(pilot.app.screen, "record", None) is not None)
            await until(pilot, lambda: "正在后台进行今天的自动备份" in notices(pilot))
            await pilot.press("f2")  # the ledger answers while the backup still waits
            await until(pilot, lambda: screen_name(pilot) == "LedgerScreen")
            assert backups(db) == []
        await until(pilot, lambda: "今天的自动备份已完成" in notices(pilot))

    drive(create_app(db, daily_backup=True), scenario)
    (made,) = backups(db)
    assert made.manifest.label == "daily"
    with db.session() as session:
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "backup")).all() == ["backup"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_failed_backup_is_said_and_work_goes_on(db, town, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the backups folder should be")
    broken = Database(db.engine, replace(db.settings, backup=BackupSettings(folder=str(blocked))), db.clock)

    async def scenario(pilot):
        await log_in_only(pilot)
        await until(pilot, lambda: "今天的自动备份没有完成" in notices(pilot))
        assert "请管理员检查备份文件夹和磁盘空间" in notices(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: screen_name(pilot) == "LedgerScreen")

    drive(create_app(broken, daily_backup=True), scenario)
    assert blocked.read_text() == "a file where the backups folder should be"


def test_the_second_login_of_the_day_takes_none(db, town):
    """Due once a day on SQLite; never on PostgreSQL, whose backups are the street's on its server."""
    assert daily_backup_due(db) is db.is_sqlite
    made = back_up_once_a_day(db)
    assert (made is not None) is db.is_sqlite
    assert daily_backup_due(db) is False and back_up_once_a_day(db) is None
    assert len(backups(db)) == (1 if db.is_sqlite else 0)


def test_a_login_on_postgresql_waits_for_no_dump(db, town):
    async def scenario(pilot):
        await log_in_only(pilot)
        await until(pilot, lambda: screen_name(pilot) == "DashboardScreen")
        if db.is_sqlite:
            await until(pilot, lambda: "今天的自动备份已完成" in notices(pilot))
        else:
            await asyncio.sleep(0.3)
            assert "自动备份" not in notices(pilot)

    drive(create_app(db, daily_backup=True), scenario)
    assert len(backups(db)) == (1 if db.is_sqlite else 0)

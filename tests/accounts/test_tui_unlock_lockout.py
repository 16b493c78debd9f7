"""The counter's login screen on an encrypted station: wrong passwords at the key slot lock the
name out as a login's do, the lock is shown in the login's own words, and once it ends the
login opens the database with the refused attempts in its audit log."""

from __future__ import annotations

from datetime import datetime

from cli_station import write_config
from conftest import FakeClock
from sqlalchemy import select
from tui_support import PASSWORD, drive, log_in, screen_name, settle, text_of

from models import AuditEntry
from screens.app import create_app
from station.bootstrap import create_encrypted_station, open_database, unlock_database
from station.config import load_settings


def test_the_counter_is_locked_out_at_the_key_slot_and_the_attempts_are_audited(tmp_path):
    settings = load_settings(write_config(tmp_path))
    create_encrypted_station(settings, "admin", "王管理", PASSWORD)[0].dispose()
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, 0))
    app = create_app(settings=settings, open_db=lambda: open_database(settings),
                     unlock_db=lambda username, password: unlock_database(settings, username, password,
                                                                          clock=clock, daily_backup=False))

    async def scenario(pilot):
        await settle(pilot)
        for _ in range(4):
            await log_in(pilot, password="Wr0ng-Pass-1")
            assert "用户名或密码错误" in text_of(pilot, "#login-error")
        await log_in(pilot, password="Wr0ng-Pass-1")
        assert "账户已锁定,请于 09:15 后再试" in text_of(pilot, "#login-error")
        await log_in(pilot)  # the right password, while locked
        assert "账户已锁定,请于 09:15 后再试" in text_of(pilot, "#login-error")
        assert pilot.app.login is None and screen_name(pilot) == "LoginScreen"
        clock.advance(minutes=15)
        await log_in(pilot)
        assert pilot.app.login is not None and pilot.app.login.user.username == "admin"
        with pilot.app.database.get().session() as session:
            rows = session.scalars(select(AuditEntry).where(AuditEntry.username == "admin")
                                   .order_by(AuditEntry.id)).all()
        assert [row.action for row in rows][-7:] == ["login_failed"] * 5 + ["login_locked", "login"]
        assert rows[-7].detail == "登录: 密码错误(解锁数据库时)"

    drive(app, scenario)

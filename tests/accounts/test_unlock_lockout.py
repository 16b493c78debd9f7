"""Wrong passwords at an encrypted station's key slot count toward the lock-out as a login's do:
a locked name is refused before argon2 runs, the attempts reach the audit log once a login opens
the database, and the ledger beside it names no one. Real files, a real encrypted database."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path

import pytest
from cli_station import write_config
from conftest import FakeClock
from sqlalchemy import select

from models import AuditEntry
from station import keyslots
from station.accounts import unlock_failures, users
from station.accounts.login import COMMAND_LINE, UNKNOWN_USERNAME, login, verify_same_user
from station.accounts.unlock_failures import ledger_path
from station.actor import SYSTEM
from station.bootstrap import create_encrypted_station, unlock_database
from station.config import load_settings
from station.disk import is_private
from station.errors import AuthError
from station.uow import UnitOfWork

PASSWORD, WRONG = "Counter-2026-Key", "Wr0ng-Pass-1"
LOCKED = "账户已锁定,请于 09:19 后再试"  # the fifth failure at 09:04, locked for fifteen minutes


@pytest.fixture
def station(tmp_path):
    """An encrypted station with its administrator `admin`; the database is closed again."""
    settings = load_settings(write_config(tmp_path))
    db, _admin, _recovery = create_encrypted_station(settings, "admin", "王管理", PASSWORD)
    db.dispose()
    return settings


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 9, 0, 0))


@pytest.fixture
def argon2_runs(monkeypatch) -> list[int]:
    """How many times a key slot's password was put through argon2."""
    runs: list[int] = []
    real = keyslots._password_key

    def counted(*args):
        runs.append(1)
        return real(*args)

    monkeypatch.setattr(keyslots, "_password_key", counted)
    return runs


def ledger(settings) -> Path:
    return ledger_path(settings.base_dir / "data" / "station.db")


def refused(settings, clock, username: str, password: str, **options) -> str:
    with pytest.raises(AuthError) as caught:
        unlock_database(settings, username, password, clock=clock, daily_backup=False, **options)
    return caught.value.render("zh")


def signed_in(settings, clock, username: str = "admin", password: str = PASSWORD):
    """Open the station and log in, as the counter does; the database is returned open."""
    db = unlock_database(settings, username, password, clock=clock, daily_backup=False)
    with UnitOfWork(db, SYSTEM) as uow:
        login(uow, username, password)
    return db


def five_failures(settings, clock, username: str) -> list[str]:
    said = []
    for _ in range(5):
        said.append(refused(settings, clock, username, WRONG))
        clock.advance(minutes=1)
    clock.advance(minutes=-1)
    return said


def audit_rows(db, *actions: str) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action.in_(actions))
                                    .order_by(AuditEntry.id)))


def test_five_wrong_passwords_lock_the_name_and_the_right_one_is_refused_unchecked(station, clock, argon2_runs):
    assert five_failures(station, clock, "admin") == ["用户名或密码错误"] * 4 + [LOCKED]
    assert len(argon2_runs) == 5
    clock.advance(minutes=5)
    assert refused(station, clock, "admin", PASSWORD) == LOCKED
    assert refused(station, clock, " Admin ", PASSWORD) == LOCKED  # the login's own name rules
    assert len(argon2_runs) == 5  # refused before the slot was tried


def test_an_unknown_name_locks_exactly_like_a_real_one(station, clock):
    start = clock()
    assert five_failures(station, clock, "nobody") == five_failures(station, FakeClock(start), "admin")


def test_the_lock_ends_after_its_duration(station, clock, argon2_runs):
    five_failures(station, clock, "admin")
    clock.advance(minutes=14, seconds=59)
    assert refused(station, clock, "admin", PASSWORD) == LOCKED
    clock.advance(seconds=1)
    signed_in(station, clock).dispose()
    assert refused(station, clock, "admin", WRONG) == "用户名或密码错误"  # counting starts afresh


def test_failures_spread_beyond_the_window_do_not_lock(station, clock):
    for _ in range(8):
        assert refused(station, clock, "admin", WRONG) == "用户名或密码错误"
        clock.advance(minutes=4)


def test_a_right_password_clears_the_names_count_but_not_others(station, clock):
    for name in ("admin", "admin", "admin", "admin", "nobody", "nobody"):
        refused(station, clock, name, WRONG)
    signed_in(station, clock).dispose()
    assert refused(station, clock, "admin", WRONG) == "用户名或密码错误"  # one, not five
    for _ in range(2):
        refused(station, clock, "nobody", WRONG)
    assert refused(station, clock, "nobody", WRONG) == "账户已锁定,请于 09:15 后再试"


def test_the_attempts_reach_the_audit_log_at_their_times_and_leave_the_ledger(station, clock):
    times = []
    for name, via in (("admin", None), ("admin", COMMAND_LINE), ("nobody", None)):
        times.append(clock())
        refused(station, clock, name, WRONG, **({"via": via} if via else {}))
        clock.advance(minutes=1)
    db = signed_in(station, clock)
    try:
        failed = audit_rows(db, "login_failed")
        assert [row.at for row in failed] == times
        assert [row.username for row in failed] == ["admin", "admin", UNKNOWN_USERNAME]
        assert [row.user_id is not None for row in failed] == [True, True, False]
        assert [row.detail for row in failed] == ["登录: 密码错误(解锁数据库时)", "命令行: 密码错误(解锁数据库时)",
                                                  "登录: 未知用户名(解锁数据库时)"]
        assert audit_rows(db, "login")[-1].id > failed[-1].id  # before the login that revealed them
    finally:
        db.dispose()
    assert json.loads(ledger(station).read_text())["unaudited"] == []
    db = signed_in(station, clock)  # moved once, not again
    try:
        assert len(audit_rows(db, "login_failed")) == 3
    finally:
        db.dispose()


def test_a_lock_and_the_attempts_refused_by_it_are_audited(station, clock):
    five_failures(station, clock, "admin")
    refused(station, clock, "admin", PASSWORD)
    clock.advance(minutes=15)
    db = signed_in(station, clock)
    try:
        assert [row.action for row in audit_rows(db, "login_failed", "login_locked")] == \
            ["login_failed"] * 5 + ["login_locked"]
        assert audit_rows(db, "login_failed")[-1].detail.endswith("连续 5 次失败,锁定至 09:19:00")
    finally:
        db.dispose()


def test_the_ledger_names_no_one_and_holds_no_password(station, clock):
    for name, password in (("admin", WRONG), ("zhang.secret", "Hidden-Pass-9"), ("Hidden-Pass-7", "x")):
        refused(station, clock, name, password)
    raw = ledger(station).read_bytes()
    for secret in ("admin", "zhang.secret", "zhang", "Hidden-Pass", "hidden-pass", WRONG):
        assert secret.encode() not in raw
    assert is_private(ledger(station))
    assert len(json.loads(raw)["names"]) == 3


def test_a_corrupt_ledger_counts_as_no_failures_and_opens_nothing(station, clock, caplog):
    for _ in range(4):
        refused(station, clock, "admin", WRONG)
    ledger(station).write_text('{"format": "station-logins", "names": [garbage')
    assert refused(station, clock, "admin", WRONG) == "用户名或密码错误"  # no crash, and still no
    assert "unreadable" not in caplog.text and "garbage" not in caplog.text
    assert "登录失败计数文件无法读取" in caplog.text
    said = [refused(station, clock, "admin", WRONG) for _ in range(4)]
    assert said[-1].startswith("账户已锁定")  # counting went on in a fresh ledger
    for garbage in (b"\xff\x00", b'{"format": "station-logins", "version": 1, "salt": "AAAA", "names": {},'
                    b' "unaudited": []}'):
        ledger(station).write_bytes(garbage)
        assert refused(station, clock, "admin", WRONG) == "用户名或密码错误"
    signed_in(station, clock).dispose()  # and the right password still opens it


def test_no_lock_outlasts_its_duration_whatever_the_file_says(station, clock):
    unlock_failures.lock(ledger(station), "admin", datetime(2099, 1, 1), clock())
    assert refused(station, clock, "admin", PASSWORD) == "账户已锁定,请于 09:15 后再试"


def test_two_windows_counting_at_once_lose_no_count(tmp_path, clock):
    path = tmp_path / "station.db.logins"
    barrier = threading.Barrier(8)

    def fail(name: str) -> None:
        barrier.wait()
        unlock_failures.count_failure(path, name, clock(), unlock_failures.COUNTER)

    threads = [threading.Thread(target=fail, args=(name,)) for name in ["zhang"] * 4 + ["li", "wang", "zhao", "qian"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    waiting = unlock_failures.pending(path, ["zhang", "li"])
    assert len(waiting) == 8
    assert sum(item.username == "zhang" for item in waiting) == 4
    assert unlock_failures.count_failure(path, "zhang", clock(), unlock_failures.COUNTER) is not None  # the fifth


def test_a_lock_set_inside_the_database_is_met_at_the_slot(station, clock, argon2_runs):
    """The idle lock screen counts in the database; the next unlock must not tell a right
    password (the slot opens, then the lock) from a wrong one (refused at the slot)."""
    db = signed_in(station, clock)
    try:
        admin_id = admin_actor(db).user_id
        for _ in range(5):
            with UnitOfWork(db, SYSTEM) as uow:
                assert not verify_same_user(uow, admin_id, WRONG)
    finally:
        db.dispose()
    runs = len(argon2_runs)
    assert refused(station, clock, "admin", PASSWORD) == refused(station, clock, "admin", WRONG) == \
        "账户已锁定,请于 09:15 后再试"
    assert len(argon2_runs) == runs


def test_a_new_password_lifts_a_lock_held_beside_the_database(station, clock):
    db = signed_in(station, clock)
    try:
        with UnitOfWork(db, admin_actor(db)) as uow:
            users.add_user(uow, "clerk", "李窗口", "clerk", "Window-Desk-7")
    finally:
        db.dispose()
    assert five_failures(station, clock, "clerk")[-1] == LOCKED
    db = signed_in(station, clock)
    try:
        with UnitOfWork(db, admin_actor(db)) as uow:
            users.set_password(uow, "clerk", "Window-Desk-8")
    finally:
        db.dispose()
    signed_in(station, clock, "clerk", "Window-Desk-8").dispose()


def admin_actor(db):
    with UnitOfWork(db, SYSTEM) as uow:
        return users.actor_for_user(uow, users.get_user(uow, "admin").id)

"""The command line on an encrypted station: wrong passwords at the key slot count toward the
lock-out, a locked name is refused with the login's own words (no traceback, nothing said of
whether the account exists), and the attempts reach the audit log at the next login. Real
processes on a real encrypted SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_station import ADMIN, ADMIN_PASSWORD, station, write_config

WRONG = "Wr0ng-Pass-1"


@pytest.fixture
def folder(tmp_path) -> Path:
    write_config(tmp_path)
    made = station(tmp_path, "init", "--admin", ADMIN, "--name", "管理员", "--encrypt", "--password-stdin",
                   stdin=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n", as_user=None, password=None)
    assert made.returncode == 0, made.stderr
    return tmp_path


def refused(folder: Path, user: str, password: str, *args: str) -> str:
    """What a refused command says on stderr (it must be refused, and without a traceback)."""
    result = station(folder, *(args or ("stats",)), as_user=user, password=password)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    return result.stderr.strip()


def ledger(folder: Path) -> dict:
    return json.loads((folder / "data" / "station.db.logins").read_text())


def test_five_wrong_passwords_lock_the_name_even_against_the_right_one(folder):
    said = [refused(folder, ADMIN, WRONG) for _ in range(5)]
    assert all("用户名或密码错误" in line for line in said[:4])
    assert "账户已锁定,请于" in said[4]
    assert "账户已锁定,请于" in refused(folder, ADMIN, ADMIN_PASSWORD)
    assert "账户已锁定,请于" in refused(folder, ADMIN, ADMIN_PASSWORD, "doctor")
    unknown = [refused(folder, "nobody", WRONG) for _ in range(5)]
    assert [line.split(",")[0] for line in unknown] == [line.split(",")[0] for line in said]


def test_the_attempts_reach_the_audit_log_at_the_next_login(folder):
    for user in (ADMIN, ADMIN, "nobody"):
        assert "用户名或密码错误" in refused(folder, user, WRONG)
    assert len(ledger(folder)["unaudited"]) == 3
    listed = station(folder, "audit", "list", "--action", "login_failed")
    assert listed.returncode == 0, listed.stderr
    lines = [line for line in listed.stdout.splitlines() if "登录失败" in line]
    # The unknown name's row is street-wide, as a login's is: not in a community admin's list.
    assert len(lines) == 2 and all("命令行: 密码错误(解锁数据库时)" in line for line in lines)
    after = ledger(folder)
    assert after["unaudited"] == [] and len(after["names"]) == 1  # admin's count went; nobody's stays
    raw = (folder / "data" / "station.db.logins").read_text()
    assert "nobody" not in raw and ADMIN not in raw and WRONG not in raw

"""The admin CLI as an admin runs it: real processes, a real SQLite file, exit codes and messages."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_station import ROOT, in_english, initialised, station, write_config


@pytest.fixture
def folder(tmp_path) -> Path:
    """A station with its database and first administrator (`station init --admin`)."""
    return initialised(tmp_path)


def test_init_creates_and_migrates_sqlite_with_pragmas(tmp_path):
    write_config(tmp_path)
    result = station(tmp_path, "init", as_user=None)
    assert result.returncode == 0, result.stderr
    assert "数据库已就绪" in result.stdout and "--admin" in result.stdout
    db = tmp_path / "data" / "station.db"
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
        assert conn.execute("select version_num from alembic_version").fetchone()[0]
        assert conn.execute("select code from communities").fetchall() == [("T01",)]
    again = station(tmp_path, "init", as_user=None)
    assert again.returncode == 0, again.stderr


def test_user_add_list_disable_passwd(folder):
    added = station(folder, "user", "add", "chief", "--name", "站长甲", "--role", "admin",
                    "--password-stdin", stdin="Str0ng-Pass\n")
    assert added.returncode == 0, added.stderr
    listing = station(folder, "user", "list")
    assert "chief" in listing.stdout and "系统管理员" in listing.stdout
    weak = station(folder, "user", "add", "clerk1", "--name", "窗口", "--role", "clerk",
                   "--password-stdin", stdin="123\n")
    assert weak.returncode != 0 and "密码" in weak.stderr
    common = station(folder, "user", "passwd", "chief", "--password-stdin", stdin="Admin@123\n")
    assert common.returncode == 1 and "过于常见" in common.stderr
    disabled = station(folder, "user", "disable", "chief")
    assert disabled.returncode == 0 and "停用" in station(folder, "user", "list").stdout
    passwd = station(folder, "user", "passwd", "chief", "--password-stdin", stdin="An0ther-Pass\n")
    assert passwd.returncode == 0, passwd.stderr
    with sqlite3.connect(folder / "data" / "station.db") as conn:
        actions = {row[0] for row in conn.execute("select action from audit_log")}
        hashed = conn.execute("select password_hash from users where username = 'chief'").fetchone()[0]
    assert {"create", "password"} <= actions
    assert hashed.startswith("$argon2id$") and "An0ther-Pass" not in hashed


def test_names_print_as_themselves_never_as_markup_or_terminal_codes(folder):
    escaped = station(folder, "user", "add", "clerk1", "--name", "\x1b[2J\x1b[31m红", "--role", "clerk",
                      "--password-stdin", stdin="Str0ng-Pass\n")
    assert escaped.returncode == 1 and "控制字符" in escaped.stderr and "\x1b" not in escaped.stderr
    # A name stored before these rules (or written by another tool) is listed as text.
    with sqlite3.connect(folder / "data" / "station.db") as conn:
        conn.execute("update users set display_name = ? where username = 'admin'", ("[red]王\x1b[2J丽",))
    listing = station(folder, "user", "list")
    assert listing.returncode == 0, listing.stderr
    assert "[red]王\\u001b[2J丽" in listing.stdout and "\x1b" not in listing.stdout
    grid = station(folder, "user", "add", "wg1", "--name", "网格员", "--role", "grid_worker",
                   "--grid", "[bold]G9", "--password-stdin", stdin="Str0ng-Pass\n")
    assert grid.returncode == 1 and "[bold]G9" in grid.stderr


def test_unknown_user_and_bad_role_fail_with_message(folder):
    missing = station(folder, "user", "disable", "nobody")
    assert missing.returncode == 1 and "未找到" in missing.stderr
    bad_role = station(folder, "user", "add", "x12", "--name", "某人", "--role", "king",
                       "--password-stdin", stdin="Str0ng-Pass\n")
    assert bad_role.returncode == 1 and "角色" in bad_role.stderr


def test_a_refusal_is_said_in_the_configured_language(tmp_path):
    initialised(tmp_path)
    in_english(tmp_path)
    missing = station(tmp_path, "user", "disable", "nobody")
    assert missing.returncode == 1
    assert "Not found:" in missing.stderr and "User not found" in missing.stderr and "未找到" not in missing.stderr


def test_a_broken_configuration_is_said_in_chinese(tmp_path):
    write_config(tmp_path, "[backup]\nkeep = -1\n")
    in_english(tmp_path)
    result = station(tmp_path, "init")
    assert result.returncode == 1 and "必须大于 0" in result.stderr  # no settings, no language: Chinese


def test_bad_config_names_file_and_key(tmp_path):
    write_config(tmp_path, "[backup]\nkeep = -1\n")
    result = station(tmp_path, "init")
    assert result.returncode == 1
    assert "backup.keep" in result.stderr and "station.toml" in result.stderr


def test_stats_json_counts(folder):
    assert station(folder, "demo", "--households", "40", "--seed", "3").returncode == 0
    result = station(folder, "stats", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    with sqlite3.connect(folder / "data" / "station.db") as conn:
        households = conn.execute("select count(*) from households where status = 'active'").fetchone()[0]
        grids = conn.execute("select count(*) from grids").fetchone()[0]
    assert figures["households"] == households == 40
    assert figures["grids"] == grids


def test_doctor_reports_each_check(folder):
    result = station(folder, "doctor", as_user=None)
    assert "配置" in result.stdout and "数据库" in result.stdout and "密钥环" in result.stdout
    assert "中文字体" in result.stdout
    assert "未加密" in result.stdout and "station encrypt" in result.stdout  # a plaintext station is told
    assert result.returncode == 0, result.stdout


def test_doctor_fails_on_unreachable_database(tmp_path):
    write_config(tmp_path).write_text(
        '[database]\nurl = "postgresql://nobody@127.0.0.1:1/none"\n', encoding="utf-8")
    result = station(tmp_path, "doctor")
    assert result.returncode == 1 and "FAIL" in result.stdout


def test_roles_by_chinese_name_and_grid_workers_listed_with_their_grids(folder):
    assert station(folder, "demo", "-n", "5").returncode == 0
    with sqlite3.connect(folder / "data" / "station.db") as conn:
        code, name = conn.execute("select code, name from grids order by id").fetchone()
    added = station(folder, "user", "add", "wg9", "--name", "赵网格", "--role", "网格员", "--grid", code,
                    "--password-stdin", stdin="Str0ng-Pass\n")
    assert added.returncode == 0, added.stderr
    row = next(line for line in station(folder, "user", "list").stdout.splitlines() if "wg9" in line)
    assert "网格员" in row and name in row
    typo = station(folder, "user", "add", "x1", "--name", "某", "--role", "网格长", "--password-stdin",
                   stdin="Str0ng-Pass\n")
    assert typo.returncode == 1 and "grid_worker(网格员)" in typo.stderr


def test_user_add_help_lists_every_role_at_80_columns(folder):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"}
    shown = subprocess.run([sys.executable, "-m", "cli", "user", "add", "--help"], cwd=folder, env=env,
                           capture_output=True, text=True, timeout=60).stdout
    assert all(code in shown for code in ("admin", "street", "director", "staff", "clerk", "grid_worker"))

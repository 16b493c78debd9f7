"""Failures of the machine get one clear line and lose nothing: locked, full, read-only, odd files."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from cli_station import CONFIG, ENTRY, cli_env, init_admin, new_station, station
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from station.disk import file_lock
from station.failures import explain, server_lost


@pytest.fixture
def folder(tmp_path) -> Path:
    return new_station(tmp_path, households=5)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_clear_line(result: subprocess.CompletedProcess, says: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "File \"" not in result.stderr


# --- the machine's failures, as SQLite and the OS really raise them ---------------------------

def test_a_read_only_database_is_named(tmp_path):
    sqlite3.connect(tmp_path / "x.db").execute("create table t (a)").connection.commit()
    engine = create_engine(f"sqlite:///file:{tmp_path / 'x.db'}?mode=ro&uri=true")
    with pytest.raises(OperationalError) as raised, engine.begin() as conn:
        conn.execute(text("insert into t values (1)"))
    assert "只读" in explain(raised.value).message


def test_a_full_database_and_a_full_disk_are_named(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as conn:
        conn.execute(text("create table t (a)"))
    with pytest.raises(OperationalError) as raised, engine.begin() as conn:
        conn.execute(text("pragma max_page_count = 2"))
        conn.execute(text("insert into t select randomblob(9000) from (select 1 union select 2)"))
    assert "磁盘已满" in explain(raised.value).message
    if Path("/dev/full").exists():
        with pytest.raises(OSError) as full, open("/dev/full", "wb") as device:
            device.write(b"x")
            device.flush()
        assert "磁盘已满" in explain(full.value).message


def test_something_unknown_is_not_dressed_up():
    assert explain(ValueError("boom")) is None


def test_an_unexpected_error_is_one_masked_line_with_exit_2(monkeypatch, capsys):
    import cli

    def broken() -> None:
        raise ValueError("bad row for 11010519491231002X")

    monkeypatch.setattr(cli, "app", broken)
    with pytest.raises(SystemExit) as leaving:
        cli.main()
    assert leaving.value.code == 2
    said = capsys.readouterr().err
    assert "系统错误" in said and "11010519491231002X" not in said and "Traceback" not in said


# --- as an admin meets them at the command line ------------------------------------------------

def test_a_database_locked_by_another_process_is_said_and_nothing_is_saved(folder):
    holder = sqlite3.connect(folder / "data" / "station.db", isolation_level=None)
    holder.execute("begin immediate")
    holder.execute("insert into audit_log (at, username, action, entity, detail) "
                   "values ('2026-01-01', 'x', 'x', '', '')")
    try:
        result = station(folder, "user", "add", "lin", "--name", "林", "--role", "clerk",
                         "--password-stdin", stdin="Lin#2026pass\n")
    finally:
        holder.execute("rollback")
        holder.close()
    one_clear_line(result, "正被其他程序占用")
    with sqlite3.connect(folder / "data" / "station.db") as conn:
        assert conn.execute("select count(*) from users where username = 'lin'").fetchone() == (0,)


def test_a_memory_database_is_refused(tmp_path):
    (tmp_path / "station.toml").write_text('[database]\nurl = "sqlite:///:memory:"\n', encoding="utf-8")
    one_clear_line(station(tmp_path, "stats"), "内存数据库")


def test_a_config_saved_by_notepad_with_a_bom_just_works(tmp_path):
    (tmp_path / "station.toml").write_bytes(b"\xef\xbb\xbf" + CONFIG.encode("utf-8"))
    result = init_admin(tmp_path)
    assert result.returncode == 0, result.stderr


def test_a_manifest_with_odd_types_is_refused_and_the_database_untouched(folder):
    assert station(folder, "backup").returncode == 0
    manifest = next((folder / "data" / "backups").glob("*.manifest.json"))
    raw = json.loads(manifest.read_text(encoding="utf-8"))
    live = folder / "data" / "station.db"
    for field, odd in (("counts", {"persons": "many"}), ("size", "big"), ("counts", [1, 2]),
                       ("sha256", 12)):
        manifest.write_text(json.dumps({**raw, field: odd}), encoding="utf-8")
        before = digest(live)
        one_clear_line(station(folder, "restore", str(manifest), "--yes"), "类型不对")
        assert digest(live) == before


def test_a_killed_restore_leaves_nothing_after_the_next_start(folder):
    staged = folder / "data" / "station.db.restore.partial"
    staged.write_bytes(b"half a copy" * 1000)
    with file_lock(folder / "data" / "station.db.restore.lock", wait=False) as held:
        assert held
        assert station(folder, "stats").returncode == 0
        assert staged.exists()  # a restore that is still running keeps its copy
    assert station(folder, "stats").returncode == 0
    assert not staged.exists()


def test_a_failed_backup_leaves_no_file_and_an_audit_entry(folder):
    blocker = folder / "not-a-folder"
    blocker.write_text("x")
    result = station(folder, "backup", "--out", str(blocker / "backups"))
    one_clear_line(result, "文件操作失败")
    assert not list(folder.rglob("station-*.db")) and not list(folder.rglob("*.partial"))
    with sqlite3.connect(folder / "data" / "station.db") as conn:
        detail = conn.execute("select detail from audit_log where action = 'backup_failed'").fetchone()
    assert detail and "备份失败" in detail[0]


def test_two_demos_on_an_empty_database_one_fills_it_the_other_says_why(tmp_path):
    (tmp_path / "station.toml").write_text(CONFIG, encoding="utf-8")
    assert init_admin(tmp_path).returncode == 0  # the database and its administrator; no households yet
    runs = [subprocess.Popen([sys.executable, "-c", ENTRY, "demo", "-n", "200"], cwd=tmp_path, env=cli_env(tmp_path),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = sorted((run.wait(timeout=120), run.stderr.read()) for run in runs)
    assert outcomes[0][0] == 0
    assert outcomes[1][0] == 1 and "Traceback" not in outcomes[1][1]
    assert any(reason in outcomes[1][1] for reason in ("已有住户数据", "正被其他程序占用", "同时写入"))
    with sqlite3.connect(tmp_path / "data" / "station.db") as conn:
        assert conn.execute("select count(*) from households where status = 'active'").fetchone()[0] >= 200


# --- a server that does not answer (the counter waits for it: tests/app/test_tui_outage.py) ----


@pytest.mark.parametrize(("error", "lost"), [
    (psycopg.OperationalError("connection failed: Connection refused"), True),  # libpq: no SQLSTATE
    (psycopg.errors.AdminShutdown("terminating connection due to administrator command"), True),
    (psycopg.errors.CannotConnectNow("the database system is starting up"), True),
    (psycopg.errors.ConnectionFailure("connection failure"), True),
    (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), False),
    (psycopg.errors.UniqueViolation("duplicate key"), False),
    (sqlite3.OperationalError("database is locked"), False),
])
def test_only_a_lost_server_is_worth_waiting_for(error, lost):
    wrapped = OperationalError("SELECT 1", {}, error)
    assert server_lost(error) is lost and server_lost(wrapped) is lost
    explained = explain(wrapped)
    assert (explained is not None and explained.code == "failures.server_unreachable") is lost

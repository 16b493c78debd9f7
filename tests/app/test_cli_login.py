"""The CLI acts as a logged-in user: no login, no command; the user's role and grids apply; the
audit names them. Real processes on a real SQLite file."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from cli_station import ADMIN, init_admin, new_station, station, write_config
from openpyxl import load_workbook

GRID_WORKER, CLERK, PASSWORD = "wg1", "clerk1", "Str0ng-Pass"

# Every command that opens the database, with arguments that would make it do its work.
COMMANDS = [
    ("stats",), ("user", "list"), ("user", "disable", "clerk1"), ("export", "persons", "out.xlsx"),
    ("backup",), ("backup-key",), ("report", "household", "H000001"), ("month", "list"),
    ("report", "monthly", "--month", "2026-10"), ("check",), ("audit", "verify"),
    ("retention", "--dry-run"), ("demo", "-n", "2"), ("month", "lock", "2026-10"),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = new_station(tmp_path_factory.mktemp("login"), households=60)
    grid = query(folder, "select code from grids order by id limit 1")[0][0]
    for args in (("user", "add", GRID_WORKER, "--name", "网格员甲", "--role", "grid_worker", "--grid", grid),
                 ("user", "add", CLERK, "--name", "窗口甲", "--role", "clerk")):
        added = station(folder, *args, "--password-stdin", stdin=f"{PASSWORD}\n")
        assert added.returncode == 0, added.stderr
    assert station(folder, "backup").returncode == 0
    return folder


def query(folder: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(folder / "data" / "station.db") as connection:
        return connection.execute(sql, params).fetchall()


def files_of(folder: Path) -> dict[str, str]:
    """Every file under the station folder with its digest; the database by its contents (a
    checkpoint of a WAL left by an earlier command rewrites its bytes, not its rows)."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.endswith(("-wal", "-shm")):
            continue
        if path.name == "station.db":
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
                content = "\n".join(connection.iterdump()).encode()
            connection.close()
        else:
            content = path.read_bytes()
        files[str(path.relative_to(folder))] = hashlib.sha256(content).hexdigest()
    return files


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: "-".join(args))
def test_without_a_login_every_command_fails_and_writes_nothing(folder, args):
    before = files_of(folder)
    result = station(folder, *args, as_user=None, password=None)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "请先登录" in result.stderr and "STATION_USER" in result.stderr
    assert "Traceback" not in result.stderr
    assert files_of(folder) == before


def test_a_restore_without_a_login_is_refused_and_changes_nothing(folder):
    backup = next((folder / "data" / "backups").glob("station-*.db"))
    before = files_of(folder)
    result = station(folder, "restore", str(backup), "--yes", as_user=None, password=None)
    assert result.returncode == 1 and "请先登录" in result.stderr
    assert files_of(folder) == before


def test_help_doctor_and_init_need_no_login(folder, tmp_path):
    assert station(folder, "--help", as_user=None).returncode == 0
    assert station(folder, "doctor", as_user=None).returncode == 0
    write_config(tmp_path)
    assert station(tmp_path, "init", as_user=None).returncode == 0


def test_an_unknown_user_and_a_wrong_password_get_one_message_and_both_count(folder):
    unknown = station(folder, "stats", as_user="nobody", password=PASSWORD)
    wrong = station(folder, "stats", as_user=CLERK, password="Wr0ng-Pass")
    assert unknown.returncode == wrong.returncode == 1
    assert unknown.stderr == wrong.stderr and "用户名或密码错误" in wrong.stderr
    assert query(folder, "select count(*) from login_failures where username = ?", CLERK) == [(1,)]
    assert query(folder, "select count(*) from login_failures where username like '?%'") == [(1,)]
    failed = query(folder, "select username, detail from audit_log where action = 'login_failed' "
                           "order by id desc limit 2")
    assert {name for name, _ in failed} == {CLERK, "(未知用户名)"}
    assert all("命令行" in detail for _, detail in failed)
    # The next right password clears the count, as the counter's login does.
    assert station(folder, "stats", as_user=CLERK, password=PASSWORD).returncode == 0
    assert query(folder, "select count(*) from login_failures where username = ?", CLERK) == [(0,)]


def test_five_wrong_passwords_lock_the_account_for_the_command_line_too(tmp_path):
    folder = new_station(tmp_path)
    assert station(folder, "user", "add", "lockme", "--name", "某人", "--role", "clerk",
                   "--password-stdin", stdin=f"{PASSWORD}\n").returncode == 0
    for _ in range(5):
        assert station(folder, "stats", as_user="lockme", password="Wr0ng-Pass").returncode == 1
    locked = station(folder, "stats", as_user="lockme", password=PASSWORD)
    assert locked.returncode == 1 and "锁定" in locked.stderr


def test_no_password_and_no_terminal_says_how_scripts_pass_one(folder):
    result = station(folder, "stats", as_user=ADMIN, password=None)
    assert result.returncode == 1 and "STATION_PASSWORD" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_grid_workers_export_holds_their_grids_only_and_the_audit_names_them(folder):
    result = station(folder, "export", "persons", "mine.xlsx", as_user=GRID_WORKER, password=PASSWORD)
    assert result.returncode == 0, result.stderr
    (grid,) = query(folder, "select g.code from grids g join user_grids ug on ug.grid_id = g.id "
                            "join users u on u.id = ug.user_id where u.username = ?", GRID_WORKER)[0]
    for name, args in (("grid.xlsx", ("--grid", grid)), ("all.xlsx", ())):
        assert station(folder, "export", "persons", name, *args).returncode == 0  # the administrator's
    rows = {name: sum(1 for _ in load_workbook(folder / name, read_only=True).active.iter_rows())
            for name in ("mine.xlsx", "grid.xlsx", "all.xlsx")}
    assert 1 < rows["mine.xlsx"] == rows["grid.xlsx"] < rows["all.xlsx"]
    (user, community) = query(folder, "select username, community_id from audit_log "
                                      "where action = 'export' and new_values like '%mine.xlsx%'")[0]
    assert user == GRID_WORKER and community is not None
    assert not query(folder, "select 1 from audit_log where username like 'cli:%'")


def test_a_clerk_may_not_export_unmasked_or_back_up(folder):
    before = files_of(folder)
    unmasked = station(folder, "export", "persons", "full.xlsx", "--unmasked", "--reason", "上报",
                       as_user=CLERK, password=PASSWORD)
    backup = station(folder, "backup", as_user=CLERK, password=PASSWORD)
    for result in (unmasked, backup):
        assert result.returncode == 1 and "无权" in result.stderr, result.stderr
    assert not (folder / "full.xlsx").exists()
    assert set(files_of(folder)) == set(before)


def test_init_makes_the_first_administrator_and_refuses_a_second_one(tmp_path):
    write_config(tmp_path)
    differ = station(tmp_path, "init", "--admin", "boss", "--name", "站长", "--password-stdin",
                     stdin=f"{PASSWORD}\nOther-Pass-1\n", as_user=None)
    assert differ.returncode == 1 and "不一致" in differ.stderr
    assert query(tmp_path, "select count(*) from users") == [(0,)]
    created = init_admin(tmp_path)
    assert created.returncode == 0 and "已创建管理员" in created.stdout
    again = station(tmp_path, "init", "--admin", "boss", "--name", "站长", "--password-stdin",
                    stdin=f"{PASSWORD}\n{PASSWORD}\n", as_user=None)
    assert again.returncode == 1 and "已有用户" in again.stderr
    assert query(tmp_path, "select username, role from users") == [(ADMIN, "admin")]
    upgrade_without_login = station(tmp_path, "init", as_user=None)
    assert upgrade_without_login.returncode == 1 and "请先登录" in upgrade_without_login.stderr
    assert station(tmp_path, "init").returncode == 0

"""`station audit verify`, as an admin runs it: 0 on an intact log; 1 naming the row after someone
edited or deleted rows with sqlite3 (guards dropped); English says it in English."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys

from cli_station import cli_env, in_english, initialised, station

CJK = re.compile(r"[\u3400-\u9fff]")


def with_users(folder):
    initialised(folder)
    for name in ("clerk1", "clerk2", "clerk3"):
        added = station(folder, "user", "add", name, "--name", "窗口", "--role", "clerk", stdin="Window-Desk-7\nWindow-Desk-7\n")
        assert added.returncode == 0, added.stderr
    return folder / "data" / "station.db"


def tamper(database, sql: str) -> None:
    with sqlite3.connect(database) as connection:
        for name in ("audit_log_no_update", "audit_log_no_delete"):
            connection.execute(f"DROP TRIGGER IF EXISTS {name}")
        connection.execute(sql)


def row_ids(database) -> list[int]:
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute("select id from audit_log order by id")]


def test_an_intact_log_verifies_and_an_edited_one_is_named(tmp_path):
    database = with_users(tmp_path)
    intact = station(tmp_path, "audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert "审计日志完好" in intact.stdout and f"{len(row_ids(database))} 条记录" in intact.stdout
    target = row_ids(database)[1]
    tamper(database, f"update audit_log set detail = '没发生过' where id = {target}")
    edited = station(tmp_path, "audit", "verify")
    assert edited.returncode == 1 and f"第 {target} 号记录" in edited.stdout and "内容" in edited.stdout


def test_a_deleted_row_is_named_in_english(tmp_path):
    database = with_users(tmp_path)
    in_english(tmp_path)
    target, after = row_ids(database)[1:3]
    tamper(database, f"delete from audit_log where id = {target}")
    result = station(tmp_path, "audit", "verify")
    assert result.returncode == 1 and f"before row {after} was removed" in result.stdout
    assert not CJK.search(result.stdout)  # the log (stderr) speaks Chinese, as documented
    assert not CJK.search(station(tmp_path, "audit", "--help").stdout)


def test_an_anchor_written_down_earlier_catches_a_rewritten_log(tmp_path):
    database = with_users(tmp_path)
    intact = station(tmp_path, "audit", "verify")
    head = " ".join(intact.stdout.split("链头")[1].split()[:16])  # as printed: 16 groups of 4
    (tmp_path / "anchor.txt").write_text(f"2026年11月月报 审计链头\n{head}\n", encoding="utf-8")
    station(tmp_path, "user", "add", "clerk4", "--name", "窗口", "--role", "clerk", stdin="Window-Desk-7\nWindow-Desk-7\n")
    assert station(tmp_path, "audit", "verify", "--anchor", head).returncode == 0
    assert station(tmp_path, "audit", "verify", "--anchor", str(tmp_path / "anchor.txt")).returncode == 0
    rewrite = (
        "import sys; from sqlalchemy import create_engine; from station.audit_chain import chain_all\n"
        "engine = create_engine('sqlite:///' + sys.argv[1])\n"
        "with engine.begin() as c:\n"
        "    c.exec_driver_sql('drop trigger if exists audit_log_no_update')\n"
        "    c.exec_driver_sql(\"update audit_log set detail = '改写'\")\n"
        "    chain_all(c)\n"
    )
    subprocess.run([sys.executable, "-c", rewrite, str(database)], check=True, env=cli_env(tmp_path))
    assert station(tmp_path, "audit", "verify").returncode == 0  # a rewritten chain holds on its own
    caught = station(tmp_path, "audit", "verify", "--anchor", head)
    assert caught.returncode == 1 and "链头不在了" in caught.stdout
    refused = station(tmp_path, "audit", "verify", "--anchor", "12345")
    assert refused.returncode != 0 and "64 位十六进制" in refused.stdout + refused.stderr


def test_doctor_says_whether_the_chain_holds(tmp_path):
    database = with_users(tmp_path)
    assert re.search(r"OK\s+审计日志哈希链: \d+ 条审计记录一环扣一环", station(tmp_path, "doctor").stdout)
    target = row_ids(database)[2]
    tamper(database, f"update audit_log set username = 'someone' where id = {target}")
    doctor = station(tmp_path, "doctor")
    assert doctor.returncode == 1 and f"FAIL 审计日志哈希链: 第 {target} 号审计记录的内容与它的哈希不符" in doctor.stdout

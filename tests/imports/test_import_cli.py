"""`station import` / `station template` as real processes, and an import killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_station import cli_env, initialised, station
from import_books import families, person, write_openpyxl, write_xlsxwriter
from openpyxl import load_workbook

# Until cli.py registers the commands itself, add them the way it will.
KILL_DRIVER = """
import sys, time
from pathlib import Path
from reports.excel_import.reader import read_ledger
from station.actor import SYSTEM
from station.bootstrap import open_database
from station.config import load_settings
from station.imports.ledger import run_import
from station.uow import UnitOfWork

stage_to_stop = sys.argv[3]

def progress(stage, done, total):
    if stage == stage_to_stop and done > 0:
        print("MARK", stage, done, file=sys.stderr, flush=True)
        time.sleep(120)

db = open_database(load_settings(sys.argv[1]), daily_backup=False)
with UnitOfWork(db, SYSTEM) as uow:
    run_import(uow, read_ledger(Path(sys.argv[2])), progress=progress)
print("COMMITTED", file=sys.stderr, flush=True)
"""


@pytest.fixture
def folder(tmp_path) -> Path:
    return initialised(tmp_path)


def persons(folder: Path) -> int:
    with sqlite3.connect(folder / "data" / "station.db") as conn:
        return conn.execute("select count(*) from persons").fetchone()[0]


def test_template_then_import_then_refusals_with_an_errors_workbook(folder):
    made = station(folder, "template", "模板.xlsx")
    assert made.returncode == 0, made.stderr
    assert station(folder, "template", "模板.xlsx").returncode == 1  # no silent overwrite
    ledger = write_openpyxl(folder / "ledger.xlsx", families(4))
    dry = station(folder, "import", "ledger.xlsx", "--dry-run")
    assert dry.returncode == 0 and "试运行" in dry.stdout and persons(folder) == 0
    with sqlite3.connect(folder / "data" / "station.db") as conn:
        checks = conn.execute("select detail from audit_log where action = 'import_check'").fetchall()
    assert len(checks) == 1 and checks[0][0].startswith("ledger.xlsx：试运行")
    done = station(folder, "import", str(ledger))
    assert done.returncode == 0, done.stderr
    assert "导入完成" in done.stdout and "新增 12 人" in done.stdout and persons(folder) == 12
    bad = families(2, start=10) + [person("X1", "错号", "110105194912310021", "户主")]
    write_openpyxl(folder / "bad.xlsx", bad)
    refused = station(folder, "import", "bad.xlsx", "--errors", "bad-errors.xlsx")
    assert refused.returncode == 1 and "未导入任何数据" in refused.stdout
    assert "第 10 行「公民身份号码」" in refused.stdout and persons(folder) == 12
    sheet = load_workbook(folder / "bad-errors.xlsx")["台账"]
    assert sheet.cell(3, 16).value == "错误原因" and "校验位" in sheet.cell(10, 16).value


def test_dry_run_names_row_column_and_limit_and_never_echoes_escapes(folder):
    rows = families(1)
    rows[0]["地址"] = "路" * 30_000
    rows[1]["与户主关系"] = "\x1b[2J[red]配偶"
    write_xlsxwriter(folder / "ledger.xlsx", rows)
    dry = station(folder, "import", "ledger.xlsx", "--dry-run")
    assert dry.returncode == 1 and persons(folder) == 0
    assert "第 4 行「地址」：地址过长（最多 200 个字，现有 30000 个字）" in dry.stdout
    assert "第 5 行「与户主关系」" in dry.stdout and "\\u001b[2J[red]配偶" in dry.stdout
    assert "\x1b" not in dry.stdout + dry.stderr


def test_upsert_mode_and_bad_files_from_the_cli(folder):
    write_xlsxwriter(folder / "ledger.xlsx", families(2))
    assert station(folder, "import", "ledger.xlsx").returncode == 0
    again = station(folder, "import", "ledger.xlsx", "--mode", "upsert")
    assert again.returncode == 0 and "6 人与库中一致" in again.stdout
    (folder / "macro.xlsm").write_bytes(b"PK")
    refused = station(folder, "import", "macro.xlsm")
    assert refused.returncode == 1 and "宏" in refused.stderr


@pytest.mark.parametrize("stage", ["write", "index"])
def test_an_import_killed_midway_leaves_nothing(folder, stage):
    ledger = write_xlsxwriter(folder / "big.xlsx", families(6000))  # 18,000 persons
    process = subprocess.Popen([sys.executable, "-c", KILL_DRIVER, str(folder / "station.toml"), str(ledger),
                                stage], cwd=folder, env=cli_env(folder), stderr=subprocess.PIPE, text=True)
    marker = _wait_for_mark(process)
    assert marker.startswith(f"MARK {stage}"), marker
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    with sqlite3.connect(folder / "data" / "station.db") as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        assert conn.execute("select count(*) from persons").fetchone() == (0,)
        assert conn.execute("select count(*) from households").fetchone() == (0,)
        assert conn.execute("select count(*) from audit_log where action = 'import'").fetchone() == (0,)
        indexes = {row[0] for row in conn.execute("select name from sqlite_master where tbl_name = 'search_keys'")}
    assert {"ix_search_keys_key_grid", "ix_search_keys_person_id"} <= indexes
    after = station(folder, "import", "big.xlsx")
    assert after.returncode == 0, after.stderr
    assert persons(folder) == 18_000


def _wait_for_mark(process: subprocess.Popen, timeout: float = 240) -> str:
    deadline = time.monotonic() + timeout
    assert process.stderr is not None
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if line.startswith(("MARK", "COMMITTED")) or not line:
            return line
    process.kill()
    raise AssertionError("the import never reached the marker")

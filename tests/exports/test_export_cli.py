"""`station export` as an admin runs it: masked by default, unmasked with a reason, audited."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cli_station import init_admin, station
from openpyxl import load_workbook


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    (folder / "station.toml").write_text(
        '[station]\ncommunity = "测试社区"\ncommunity_code = "T01"\n'
        '[database]\nurl = "sqlite:///data/station.db"\n', encoding="utf-8")
    assert init_admin(folder).returncode == 0
    created = station(folder, "demo", "-n", "20")
    assert created.returncode == 0, created.stderr
    return folder


def sheet(path: Path) -> list[tuple]:
    return list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))


def test_export_is_masked_by_default(folder):
    result = station(folder, "export", "persons", "persons.xlsx")
    assert result.returncode == 0, result.stderr
    assert "已脱敏" in result.stdout
    rows = sheet(folder / "persons.xlsx")
    assert all("*" in row[7] for row in rows[1:])


def test_unmasked_export_asks_for_a_reason_and_is_audited(folder):
    result = station(folder, "export", "persons", "full.xlsx", "--unmasked", stdin="上报街道\n")
    assert result.returncode == 0, result.stderr
    assert not any("*" in row[7] for row in sheet(folder / "full.xlsx")[1:])
    with sqlite3.connect(folder / "data" / "station.db") as connection:
        detail = connection.execute(
            "SELECT detail FROM audit_log WHERE action = 'export' ORDER BY id DESC").fetchone()[0]
    assert "未脱敏" in detail and "上报街道" in detail


def test_one_grid_and_bad_input(folder):
    grid = station(folder, "export", "households", "grid.xlsx", "--grid", "NOPE")
    assert grid.returncode == 1 and "未找到网格" in grid.stderr
    kind = station(folder, "export", "salaries", "x.xlsx")
    assert kind.returncode == 1 and "未知的导出内容" in kind.stderr
    assert not (folder / "x.xlsx").exists()

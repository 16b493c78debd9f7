"""`station check` and doctor's 台账规则 line as an admin runs them: real processes, a real SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cli_station import init_admin, station, write_config
from import_books import families, write_openpyxl
from reports_support import unmasked_numbers

from station.ledger.check import RULE_CODES


@pytest.fixture
def folder(tmp_path) -> Path:
    write_config(tmp_path)
    assert init_admin(tmp_path).returncode == 0
    return tmp_path


def sql(folder: Path, statement: str) -> list:
    with sqlite3.connect(folder / "data" / "station.db") as conn:
        return conn.execute(statement).fetchall()


def test_a_demo_checks_clean_and_doctor_agrees(folder):
    assert station(folder, "demo", "-n", "40", "--seed", "3").returncode == 0
    result = station(folder, "check")
    assert result.returncode == 0, result.stdout
    assert f"台账规则检查({len(RULE_CODES)} 条规则)" in result.stdout and "全部符合" in result.stdout
    doctor = station(folder, "doctor")
    assert "OK   台账规则" in doctor.stdout


def test_an_import_checks_clean(folder):
    write_openpyxl(folder / "ledger.xlsx", families(5))
    assert station(folder, "import", "ledger.xlsx").returncode == 0
    assert station(folder, "check").returncode == 0


def test_violations_are_listed_by_household_and_exit_1(folder):
    assert station(folder, "demo", "-n", "40", "--seed", "3").returncode == 0
    (number, household_id), = sql(folder, "select number, id from households where number = 'H000007'")
    sql(folder, f"update memberships set relation = '97' where household_id = {household_id} and relation = '02'")
    (name,), = sql(folder, "select p.name from persons p join memberships m on m.person_id = p.id"
                           " where m.household_id = 12 and m.left_on is null order by p.id limit 1")
    sql(folder, "delete from search_keys where person_id in (select person_id from memberships"
                " where household_id = 12 and left_on is null order by person_id limit 1)")
    (twelfth,), = sql(folder, "select number from households where id = 12")
    result = station(folder, "check", "--limit", "5")
    assert result.returncode == 1, result.stdout
    lines = result.stdout.splitlines()
    no_head = next(index for index, line in enumerate(lines) if "在住户没有户主" in line)
    assert "1 处,涉及 1 户" in lines[no_head] and lines[no_head + 1].split() == [number]
    keys = next(index for index, line in enumerate(lines) if "人员没有搜索索引" in line)
    assert lines[keys + 1].split() == [twelfth, name]
    assert "2 条规则未通过" in result.stdout and unmasked_numbers(result.stdout) == []
    doctor = station(folder, "doctor")
    assert "WARN 台账规则" in doctor.stdout and "在住户没有户主" in doctor.stdout

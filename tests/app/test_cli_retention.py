"""`station retention`, as an admin runs it on a demo station where two residents died long ago:
the dry run lists them and changes nothing, a declined run changes nothing, the real run
de-identifies exactly them and the audit log still verifies."""

from __future__ import annotations

import re
import sqlite3

import pytest
from cli_station import in_english, new_station, station

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def folder(tmp_path):
    new_station(tmp_path, households=20)
    with sqlite3.connect(tmp_path / "data" / "station.db") as connection:
        first, second = (row[0] for row in connection.execute(
            "select person_id from memberships where left_on is null order by person_id limit 2"))
        connection.execute(f"update persons set deceased_on = '2020-03-01' where id in ({first}, {second})")
        connection.execute(f"update memberships set left_on = '2020-03-01' where person_id in ({first}, {second})")
    return tmp_path


def persons(folder) -> list[tuple]:
    with sqlite3.connect(folder / "data" / "station.db") as connection:
        return connection.execute("select id, name, id_number, deidentified_on from persons order by id").fetchall()


def test_the_dry_run_lists_them_and_changes_nothing(folder):
    before = persons(folder)
    shown = station(folder, "retention", "--dry-run")
    assert shown.returncode == 0, shown.stderr
    assert "共 2 人" in shown.stdout and "去世" in shown.stdout and "2020-03-01" in shown.stdout
    assert not re.search(r"\d{17}[\dX]", shown.stdout)  # ID numbers shown masked
    assert persons(folder) == before


def test_a_declined_run_changes_nothing(folder):
    before = persons(folder)
    declined = station(folder, "retention", stdin="n\n")
    assert declined.returncode == 0 and "已取消" in declined.stdout
    assert persons(folder) == before


def test_the_run_de_identifies_exactly_them_and_the_log_verifies(folder):
    before = {row[0]: row for row in persons(folder)}
    done = station(folder, "retention", "--yes")
    assert done.returncode == 0, done.stderr
    assert "已去标识" in done.stdout and "2 人" in done.stdout
    changed = [row for row in persons(folder) if row != before[row[0]]]
    assert len(changed) == 2 and all(row[1] == "—" and row[3] for row in changed)
    assert station(folder, "audit", "verify").returncode == 0
    assert "共 0 人" in station(folder, "retention", "--dry-run").stdout


def test_it_speaks_english_when_configured(folder):
    in_english(folder)
    shown = station(folder, "retention", "--dry-run")
    assert shown.returncode == 0 and "2 people moved out or died before" in shown.stdout
    lines = [line for line in shown.stdout.splitlines() if "died" not in line]  # names are data
    assert not any(CJK.search(line) for line in lines if "│" not in line)

"""`station audit list`, as an admin runs it on a demo station: newest first, each filter narrows,
ID and phone numbers never print whole; bad input is one line and exit 1; English when configured."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime

import pytest
from cli_station import in_english, new_station, station

from station import audit
from station.actor import Actor
from station.db import Database, make_engine
from station.settings import Settings
from station.uow import UnitOfWork

CJK = re.compile(r"[\u3400-\u9fff]")
PHONE = "13912345678"
WHOLE_ID = re.compile(r"\d{17}[\dX]")


@pytest.fixture
def folder(tmp_path):
    """A demo station whose log holds a reveal of one resident (whole numbers in values and
    detail) by 站长 sun, and a print by clerk wu about another household."""
    new_station(tmp_path, households=8)
    database = tmp_path / "data" / "station.db"
    with sqlite3.connect(database) as connection:
        (person_id, id_number, household_id), (other_id, other_household) = (
            connection.execute("select p.id, p.id_number, m.household_id from persons p join memberships m"
                               " on m.person_id = p.id where m.left_on is null order by p.id limit 1").fetchone(),
            connection.execute("select m.person_id, m.household_id from memberships m where m.left_on is null"
                               " order by m.household_id desc limit 1").fetchone())
        community_id = connection.execute("select id from communities").fetchone()[0]
        number = connection.execute("select number from households where id = ?", (household_id,)).fetchone()[0]
    db = Database(make_engine(f"sqlite:///{database}"), Settings(), lambda: datetime(2026, 11, 23, 10, 0))
    with UnitOfWork(db, Actor(None, "sun", "director", community_id)) as uow:
        audit.record(uow, "reveal", "person", person_id, new={"id_number": id_number, "phone": PHONE},
                     detail=f"查看 {id_number} 电话 {PHONE};原因:核对")
        uow.commit()
    with UnitOfWork(db, Actor(None, "wu", "clerk", community_id)) as uow:
        audit.record(uow, "print", "household", other_household, detail="住户信息登记表")
        uow.commit()
    db.dispose()
    assert other_id != person_id
    return tmp_path, id_number, number


def body_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("│")]


def test_the_newest_rows_first_and_masked(folder):
    path, id_number, _number = folder
    shown = station(path, "audit", "list", "--limit", "2")
    assert shown.returncode == 0, shown.stderr
    assert "最新的 2 条" in shown.stdout
    rows = [line.split("│")[1].strip() for line in body_lines(shown.stdout) if line.split("│")[1].strip()]
    assert [int(row) for row in rows] == sorted((int(row) for row in rows), reverse=True)
    assert "打印" in body_lines(shown.stdout)[0] and "wu" in body_lines(shown.stdout)[0]
    assert id_number not in shown.stdout and PHONE not in shown.stdout and not WHOLE_ID.search(shown.stdout)
    assert f"{id_number[:6]}********{id_number[-4:]}" in shown.stdout and "139****5678" in shown.stdout


@pytest.mark.parametrize("option, value_of", [
    ("--person", lambda id_number, number: id_number),
    ("--household", lambda id_number, number: number),
    ("--user", lambda id_number, number: "SUN"),
    ("--action", lambda id_number, number: "reveal"),
])
def test_each_filter_finds_the_reveal_and_not_the_print(folder, option, value_of):
    path, id_number, number = folder
    shown = station(path, "audit", "list", option, value_of(id_number, number))
    assert shown.returncode == 0, shown.stderr
    assert "显示完整号码" in shown.stdout and "wu" not in shown.stdout and "住户信息登记表" not in shown.stdout
    assert id_number not in shown.stdout


def test_dates_narrow_to_the_day(folder):
    path, _id_number, _number = folder
    assert "显示完整号码" in station(path, "audit", "list", "--from", "2026-11-23", "--to", "2026-11-23").stdout
    assert "没有符合条件的审计记录" in station(path, "audit", "list", "--to", "2026-11-22").stdout


@pytest.mark.parametrize("args, said", [
    (("--from", "2026-13-01"), "没有这一天:2026-13-01"),
    (("--from", "2026-1l-01"), "日期格式应为 2026-11-01"),
    (("--from", "2026-11-30", "--to", "2026-11-01"), "开始日期晚于结束日期"),
    (("--household", "H999999"), "没有户号为“H999999”的住户"),
    (("--person", "110105194912310021"), "没有身份证号或姓名为“110105********0021”的居民"),
])
def test_bad_input_is_one_line_and_exit_1(folder, args, said):
    result = station(folder[0], "audit", "list", *args)
    assert result.returncode == 1 and said in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "110105194912310021" not in result.stderr


def test_it_speaks_english_when_configured(folder):
    path, _id_number, _number = folder
    in_english(path)
    shown = station(path, "audit", "list", "--action", "reveal")
    assert shown.returncode == 0 and "Audit log: matching rows 1" in shown.stdout
    assert "Full number shown" in shown.stdout  # the action's name, not its code
    header = [line for line in shown.stdout.splitlines() if not line.startswith("│")]
    assert not any(CJK.search(line) for line in header)
    assert not CJK.search(station(path, "audit", "list", "--help").stdout)


def test_actions_are_named_and_found_by_their_chinese_name(folder):
    path = folder[0]
    by_name = station(path, "audit", "list", "--action", "显示完整号码")
    by_code = station(path, "audit", "list", "--action", "reveal")
    assert by_name.returncode == 0 and by_name.stdout == by_code.stdout
    assert "显示完整号码" in by_code.stdout and "│ reveal" not in by_code.stdout


def test_a_clerk_is_refused(folder):
    path = folder[0]
    added = station(path, "user", "add", "desk1", "--name", "窗口", "--role", "clerk", "--password-stdin",
                    stdin="Window-Desk-7\nWindow-Desk-7\n")
    assert added.returncode == 0, added.stderr
    refused = station(path, "audit", "list", as_user="desk1", password="Window-Desk-7")
    assert refused.returncode == 1 and "查看审计日志" in refused.stderr and "Traceback" not in refused.stderr

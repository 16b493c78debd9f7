"""`station report resident-data NAME-OR-ID --pdf OUT.pdf` on a demo station, as a real process:
the report lists the accesses made before it (and the next lists its own print); a bad output
path or an ambiguous or unknown name is refused with a message, before anything is audited."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from cli_station import ADMIN, init_admin, station
from factories import make_id
from reports_support import pdf_text, require_tools, squeeze

from station.actor import SYSTEM
from station.bootstrap import open_database
from station.config import load_settings
from station.idcard import mask_id
from station.ledger.households import register_household
from station.ledger.records import HouseholdDraft
from station.residents.records import PersonDraft
from station.uow import UnitOfWork

TWIN_ID = make_id(date(1990, 1, 1), seq=618)


def ok(folder: Path, *args: str) -> str:
    result = station(folder, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def query(folder: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(folder / "data" / "station.db") as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    require_tools()
    path = tmp_path_factory.mktemp("station")
    (path / "station.toml").write_text(
        '[station]\nname = "测试站"\ncommunity = "测试社区"\ncommunity_code = "T01"\n'
        '[database]\nurl = "sqlite:///data/station.db"\n', encoding="utf-8")
    assert init_admin(path).returncode == 0
    ok(path, "demo", "--households", "30", "--seed", "5")
    return path


@pytest.fixture(scope="module")
def resident(folder) -> tuple[str, str, str]:
    """(name, ID number, household number) of the first household's head."""
    return query(folder, "select p.name, p.id_number, h.number from persons p join memberships m "
                         "on m.person_id = p.id join households h on h.id = m.household_id "
                         "where m.left_on is null and m.relation = '02' order by h.id limit 1")[0]


def _search_rows(folder: Path) -> int:
    return len(query(folder, "select id from audit_log where action = 'search'"))


def _a_line_with(text: str, *parts: str) -> bool:
    return any(all(part in line for part in parts) for line in text.splitlines())


def test_the_report_lists_the_accesses_made_before_it(folder, resident, tmp_path):
    name, id_number, number = resident
    ok(folder, "report", "household", number, "--pdf", str(tmp_path / "h.pdf"))
    written = ok(folder, "report", "resident-data", id_number, "--pdf", str(tmp_path / "first.pdf"))
    assert str(tmp_path / "first.pdf") in written.replace("\n", "")
    first = pdf_text(tmp_path / "first.pdf")
    assert id_number in first and name in squeeze(first)
    assert _a_line_with(first, "打印", f"住户 {number}", "住户信息登记表")
    assert _a_line_with(first, ADMIN, "搜索")  # the lookup by the whole ID number, audited
    ok(folder, "report", "resident-data", id_number, "--pdf", str(tmp_path / "second.pdf"))
    assert _a_line_with(pdf_text(tmp_path / "second.pdf"), "打印", "本人信息", "个人信息查阅单")
    (person_id,) = query(folder, f"select id from persons where id_number = '{id_number}'")[0]
    printed = query(folder, "select detail from audit_log where action = 'print' and entity = 'person' "
                            f"and entity_id = {person_id} order by id")
    assert [detail.split(":")[0] for (detail,) in printed] == ["个人信息查阅单", "个人信息查阅单"]


def test_by_name_into_the_reports_folder(folder, resident):
    name, id_number, _number = resident
    if len(query(folder, f"select id from persons where name = '{name}'")) > 1:
        pytest.skip("the demo gave this name to two people")
    written = ok(folder, "report", "resident-data", name)
    (person_id,) = query(folder, f"select id from persons where id_number = '{id_number}'")[0]
    report = folder / "data" / "reports" / f"resident-{person_id}.pdf"
    assert report.is_file() and "resident-" in written and name not in report.name


def test_a_bad_output_path_is_refused_before_anything_is_audited(folder, resident, tmp_path):
    _name, id_number, _number = resident
    (tmp_path / "taken.pdf").write_bytes(b"keep")
    searches = _search_rows(folder)
    for target, said in ((folder / "data" / "station.db", "数据库"), (tmp_path / "taken.pdf", "已存在"),
                         (tmp_path / "no" / "such" / "r.pdf", "")):
        result = station(folder, "report", "resident-data", id_number, "--pdf", str(target))
        assert result.returncode == 1 and said in result.stderr, result.stderr
    result = station(folder, "report", "resident-data", id_number, "--pdf", str(folder / "data" / "station.db"),
                     "--force")
    assert result.returncode == 1
    assert (tmp_path / "taken.pdf").read_bytes() == b"keep" and _search_rows(folder) == searches
    ok(folder, "report", "resident-data", id_number, "--pdf", str(tmp_path / "taken.pdf"), "--force")
    assert (tmp_path / "taken.pdf").read_bytes().startswith(b"%PDF")


def test_an_ambiguous_name_asks_for_the_id_number_and_an_unknown_one_is_said(folder, resident):
    name, id_number, _number = resident
    settings = load_settings(folder / "station.toml")
    db = open_database(settings, daily_backup=False)
    try:
        with UnitOfWork(db, SYSTEM) as uow:
            grid_id = query(folder, "select id from grids order by id limit 1")[0][0]
            register_household(uow, HouseholdDraft(grid_id=grid_id, address="同名路1号", members=(
                PersonDraft(name=name, id_number=TWIN_ID, relation="02"),)))
    finally:
        db.dispose()
    result = station(folder, "report", "resident-data", name)
    assert result.returncode == 1 and "请输入本人的身份证号" in result.stderr
    assert mask_id(id_number) in result.stderr and mask_id(TWIN_ID) in result.stderr
    assert id_number not in result.stderr and TWIN_ID not in result.stderr
    result = station(folder, "report", "resident-data", "查无此人")
    assert result.returncode == 1 and "未找到" in result.stderr and "查无此人" in result.stderr

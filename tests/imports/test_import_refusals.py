"""Each refusal the import makes, with its row, column and Chinese reason (tests/data/import_refusals.xlsx)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from data.make_import_fixtures import IN_DATABASE_ID, IN_DATABASE_NUMBER
from factories import make_id
from import_books import families, person, read, write_openpyxl, write_xlsxwriter
from openpyxl import load_workbook
from sqlalchemy import func, select

from models import Household, Person
from station.imports.ledger import plan_import, run_import
from station.ledger.households import register_household
from station.ledger.records import HouseholdDraft
from station.places.directory import add_grid
from station.residents.records import PersonDraft
from station.uow import UnitOfWork

DATA = Path(__file__).parents[1] / "data"
CJK = re.compile(r"[\u4e00-\u9fff]")
REFUSALS = DATA / "import_refusals.xlsx"
CASES = ["bad_checksum", "impossible_birth_date", "future_birth_date", "id_stored_as_number",
         "sex_contradicts_id", "birth_date_contradicts_id", "relation_missing", "relation_unknown",
         "ethnicity_unknown", "ethnicity_missing", "household_without_head", "household_with_two_heads",
         "id_twice_in_file", "id_in_database", "household_number_in_database"]


def expectations() -> dict[str, list[tuple[int, str, str]]]:
    """Case → [(row, column, part of the reason)], from the fixture's 用例 and 预期 columns."""
    sheet = load_workbook(REFUSALS, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[2])
    case_column, expected_column = header.index("用例"), header.index("预期")
    found: dict[str, list[tuple[int, str, str]]] = {}
    for number, row in enumerate(rows[3:], 4):
        found.setdefault(row[case_column], [])
        if row[expected_column]:
            column, reason = row[expected_column].split("|")
            found[row[case_column]].append((number, column, reason))
    return found


@pytest.fixture
def refusal_plan(db, admin, community_id):
    """The fixture's plan, after registering the person and 户号 it expects in the database."""
    with UnitOfWork(db, admin) as uow:
        grid = add_grid(uow, community_id, "G1", "第一网格")
    with UnitOfWork(db, admin) as uow:
        register_household(uow, HouseholdDraft(grid_id=grid.id, number=IN_DATABASE_NUMBER, address="幸福路1号",
                                               members=(PersonDraft("杨已", IN_DATABASE_ID, "户主"),)))
    with UnitOfWork(db, admin) as uow:
        return plan_import(uow, read(REFUSALS))


def test_the_fixture_has_every_case():
    assert set(CASES) <= set(expectations())


@pytest.mark.parametrize("case", CASES)
def test_refusal(refusal_plan, case):
    errors = {(error.row, error.column): error.reason_text() for error in refusal_plan.errors}
    for row, column, reason in expectations()[case]:
        assert (row, column) in errors, f"row {row} {column} not refused: {refusal_plan.errors}"
        assert reason in errors[(row, column)]


def test_every_refusal_reads_in_english_but_for_what_the_file_holds(refusal_plan):
    """In English the row, the reason and the words around it are English; Chinese is left only in
    what comes from the file (its headers, names, relations and ethnic groups as typed)."""
    assert len(refusal_plan.errors) >= len(CASES)
    for error in refusal_plan.errors:
        line = error.describe("en")
        assert line.startswith(f"Row {error.row}, “{error.column}”: ") or line.startswith(f"Row {error.row}: ")
        words = line.replace(error.column, "")
        for quoted in re.findall(r"“[^”]*”", words):  # a name or a cell as the file wrote it
            words = words.replace(quoted, "")
        assert not CJK.search(words), line
    assert refusal_plan.errors[0].describe().startswith(f"第 {refusal_plan.errors[0].row} 行")


def test_good_rows_are_not_refused(refusal_plan):
    refused = {error.row for error in refusal_plan.errors}
    expected = {row for rows in expectations().values() for row, _column, _reason in rows}
    assert refused == expected
    assert not refusal_plan.ok


def test_refused_import_writes_nothing(db, admin, refusal_plan):
    with UnitOfWork(db, admin) as uow:
        report = run_import(uow, read(REFUSALS))
    assert not report.written and report.counts.rows_refused == len(
        {row for rows in expectations().values() for row, _c, _r in rows})
    with db.session() as session:
        assert session.scalar(select(func.count(Person.id))) == 1  # only the one registered above


def test_rows_before_the_first_head_without_a_household_column(db, admin, community_id, tmp_path):
    header = ["姓名", "身份证号", "关系", "网格", "地址"]
    rows = [
        {"姓名": "孤儿", "身份证号": make_id(date(2001, 1, 1)), "关系": "子",
         "网格": "一网格", "地址": "一号院"},
        {"姓名": "户主甲", "身份证号": make_id(date(1971, 1, 1)), "关系": "户主",
         "网格": "一网格", "地址": "一号院"},
    ]
    with UnitOfWork(db, admin) as uow:
        plan = plan_import(uow, read(write_openpyxl(tmp_path / "l.xlsx", rows, header=header)))
    assert [(e.row, e.column) for e in plan.errors] == [(4, "关系")]
    assert "没有户主行" in plan.errors[0].reason_text()


def test_all_or_nothing_999_good_rows_and_one_bad(db, admin, tmp_path):
    rows = families(333)  # 999 persons
    rows.append(person("H999999", "错号码", "110105194912310021", "户主"))
    path = write_openpyxl(tmp_path / "ledger.xlsx", rows)
    with UnitOfWork(db, admin) as uow:
        report = run_import(uow, read(path))
    assert not report.written
    assert report.counts.rows_read == 1000 and report.counts.rows_refused == 1
    assert [(e.row, e.column) for e in report.errors] == [(1003, "公民身份号码")]
    with db.session() as session:
        assert session.scalar(select(func.count(Person.id))) == 0
        assert session.scalar(select(func.count(Household.id))) == 0


def test_grid_worker_and_clerk_may_not_import(db, community_id, tmp_path):
    from actors import actor_for

    from station.errors import PermissionDenied

    source = read(write_openpyxl(tmp_path / "l.xlsx", families(1)))
    for role in ("grid_worker", "clerk", "staff"):
        with UnitOfWork(db, actor_for(role, community_id)) as uow, pytest.raises(PermissionDenied):
            plan_import(uow, source)
    with UnitOfWork(db, actor_for("director", community_id)) as uow:
        assert run_import(uow, source).written


def test_a_refused_head_does_not_make_its_household_look_headless(db, admin, tmp_path):
    rows = families(1)
    rows[0]["公民身份号码"] = "110105194912310021"
    with UnitOfWork(db, admin) as uow:
        plan = plan_import(uow, read(write_openpyxl(tmp_path / "l.xlsx", rows)))
    assert [(e.row, e.column) for e in plan.errors] == [(4, "公民身份号码")]


def test_cells_longer_than_their_column_are_refused_with_row_column_and_limit(db, admin, tmp_path):
    """A dry run (a plan) refuses them; PostgreSQL would otherwise fail the real import."""
    rows = families(2)
    rows[0]["地址"] = "路" * 30_000
    rows[1]["姓名"] = "王" * 65
    rows[2]["单元"] = "单" * 33
    rows[3]["户号"] = "H" * 33
    rows[4]["楼栋"] = "楼" * 65
    rows[5]["网格"] = "网" * 33  # a new grid's name is its code too: String(32)
    with UnitOfWork(db, admin) as uow:
        plan = plan_import(uow, read(write_openpyxl(tmp_path / "l.xlsx", rows)))
    refused = {(error.row, error.column): error.reason_text() for error in plan.errors}
    expected = {(4, "地址"): 200, (5, "姓名"): 64, (6, "单元"): 32, (7, "户号"): 32, (8, "楼栋"): 64,
                (9, "网格"): 32}
    for (row, column), limit in expected.items():
        assert f"最多 {limit} 个字" in refused[(row, column)], plan.errors
    assert refused[(4, "地址")] == "地址过长（最多 200 个字，现有 30000 个字）"
    with UnitOfWork(db, admin) as uow:
        assert not run_import(uow, read(tmp_path / "l.xlsx")).written


def test_a_place_refused_once_is_refused_on_every_row_that_repeats_it(db, admin, tmp_path):
    """Place cells are checked once per value (a building repeats on every row): only values that
    passed are remembered, so a bad one is named on each of its rows."""
    rows = families(2)
    for row in rows:
        row["楼栋"] = "楼" * 65
    with UnitOfWork(db, admin) as uow:
        plan = plan_import(uow, read(write_openpyxl(tmp_path / "l.xlsx", rows)))
    assert [(e.row, e.column) for e in plan.errors] == [(n, "楼栋") for n in range(4, 4 + len(rows))]


def test_names_with_terminal_escapes_are_refused_and_never_echoed_raw(db, admin, tmp_path):
    rows = families(1)
    rows[0]["姓名"] = "\x1b[2J\x1b[31m红"
    rows[1]["与户主关系"] = "\x1b[2J配偶"
    rows[2]["地址"] = "幸福路\u202e1号"
    with UnitOfWork(db, admin) as uow:
        plan = plan_import(uow, read(write_xlsxwriter(tmp_path / "l.xlsx", rows)))
    refused = {(error.row, error.column): error.reason_text() for error in plan.errors}
    assert "控制字符" in refused[(4, "姓名")] and "控制字符" in refused[(6, "地址")]
    assert (5, "与户主关系") in refused
    assert not any("\x1b" in reason or "\u202e" in reason for reason in refused.values())

"""A workbook is read whole: every sheet with a ledger header, and each field from one column only."""

from __future__ import annotations

import pytest
from import_books import HEADER, families, person, write_openpyxl, write_sheets
from openpyxl import load_workbook
from sqlalchemy import func, select

from models import Person
from reports.excel_import.reader import read_ledger
from reports.excel_import.session import import_file, write_errors
from station.errors import ValidationError
from station.uow import UnitOfWork

BAD_ID = "110105194912310021"  # the check digit is wrong


def persons(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Person))


def test_every_sheet_with_a_ledger_header_is_read(tmp_path):
    path = write_sheets(tmp_path / "grids.xlsx", {
        "说明": [["本台账按网格分表"], ["填表人：小刘"]],
        "一网格": families(2),
        "二网格": families(3, start=10),
    })
    source = read_ledger(path)
    assert [(row.sheet, row.number) for row in source.rows][:1] == [("一网格", 2)]
    assert len(source.rows) == 15 and {row.sheet for row in source.rows} == {"一网格", "二网格"}
    assert source.headers == {"一网格": 1, "二网格": 1}


def test_a_named_sheet_is_read_alone(tmp_path):
    path = write_sheets(tmp_path / "grids.xlsx", {"一网格": families(2), "二网格": families(3, start=10)})
    source = read_ledger(path, "二网格")
    assert len(source.rows) == 9 and source.headers == {"二网格": 1} and source.rows[0].sheet == ""


def test_all_sheets_are_imported_and_a_refusal_names_its_sheet(db, admin, tmp_path):
    bad = families(1, start=20)
    bad[1]["公民身份号码"] = BAD_ID
    path = write_sheets(tmp_path / "grids.xlsx", {"一网格": families(2), "二网格": bad})
    with UnitOfWork(db, admin) as uow:
        outcome = import_file(uow, path)
    [error] = outcome.report.errors
    assert (error.sheet, error.row) == ("二网格", 3) and error.describe().startswith("工作表“二网格”第 3 行")
    target, marked = write_errors(outcome, db.settings, tmp_path / "marked.xlsx")
    book = load_workbook(target)
    assert marked == 1 and book["二网格"].cell(3, len(HEADER) + 1).value.startswith("公民身份号码：")
    assert book["一网格"].cell(1, len(HEADER) + 1).value is None
    bad[1]["公民身份号码"] = families(1, start=21)[0]["公民身份号码"]
    write_sheets(path, {"一网格": families(2), "二网格": bad})
    with UnitOfWork(db, admin) as uow:
        assert import_file(uow, path).report.counts.persons_created == 9
    assert persons(db) == 9


def test_the_same_person_on_two_sheets_is_refused_naming_both(db, admin, tmp_path):
    second = families(1, start=20)
    second[2]["公民身份号码"] = families(1)[0]["公民身份号码"]
    path = write_sheets(tmp_path / "grids.xlsx", {"一网格": families(1), "二网格": second})
    with UnitOfWork(db, admin) as uow:
        errors = import_file(uow, path, dry_run=True).report.errors
    repeated = [error for error in errors if "重复出现" in error.reason_text()]
    assert {(error.sheet, error.row) for error in repeated} == {("一网格", 2), ("二网格", 4)}
    assert "“一网格”第 2 行、“二网格”第 4 行" in repeated[0].reason_text()


def test_a_household_does_not_run_on_into_the_next_sheet(db, admin, tmp_path):
    second = families(1, start=20)
    second[0]["户号"] = ""  # a member row at the top of a sheet belongs to no household above it
    second[0]["与户主关系"] = "子"
    path = write_sheets(tmp_path / "grids.xlsx", {"一网格": families(1), "二网格": second})
    with UnitOfWork(db, admin) as uow:
        errors = import_file(uow, path, dry_run=True).report.errors
    assert ("二网格", 2, "请填写户号") in {(error.sheet, error.row, error.reason_text()) for error in errors}


def test_a_hidden_sheet_with_a_ledger_header_is_refused_by_name(tmp_path):
    path = write_sheets(tmp_path / "grids.xlsx", {"一网格": families(1), "旧台账": families(1, start=5)},
                        hidden=("旧台账",))
    with pytest.raises(ValidationError, match="工作表“旧台账”已隐藏"):
        read_ledger(path)


def test_sheets_with_different_columns_are_refused(tmp_path):
    header = [column for column in HEADER if column != "户号"]
    second = [header] + [[row.get(column, "") for column in header] for row in families(1, start=5)]
    path = write_sheets(tmp_path / "grids.xlsx", {"一网格": families(1), "二网格": second})
    with pytest.raises(ValidationError, match="工作表“二网格”.*缺少“户号”"):
        read_ledger(path)


@pytest.mark.parametrize("header, named", [
    (["户号", "姓名", "公民身份号码", "与户主关系", "姓名"], "“姓名”（B 列）和“姓名”（E 列）"),
    (["户号", "姓名", "公民身份号码", "与户主关系", "身份证号"], "“公民身份号码”（C 列）和“身份证号”（E 列）"),
    (["联系电话", "户号", "姓名", "公民身份号码", "与户主关系", "手机号码"], "“联系电话”（A 列）和“手机号码”（F 列）"),
])
def test_a_field_named_by_two_columns_is_refused_naming_both(tmp_path, header, named):
    rows = [person("H1", "张三", "11010519491231002X", "户主")]
    with pytest.raises(ValidationError, match=named):
        read_ledger(write_openpyxl(tmp_path / "twice.xlsx", rows, header=header, title=None))

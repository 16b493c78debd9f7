"""Ledger workbooks for the import tests: rows built here, written by openpyxl or xlsxwriter."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from factories import make_id

from reports.excel_import.reader import read_ledger
from station.imports.ledger import run_import
from station.imports.records import LedgerSource
from station.uow import UnitOfWork

HEADER = ["户号", "网格", "楼栋", "单元", "房号", "地址", "姓名", "公民身份号码", "与户主关系", "性别",
          "出生日期", "民族", "联系电话", "人口类型", "备注"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def person(number: str, name: str, id_number: Any, relation: str, *, grid: str = "第一网格",
           building: str = "1号楼", unit: str = "1单元", room: str = "101", **cells: Any) -> dict[str, Any]:
    """One ledger row as header → value (defaults for the place; extra cells by header name)."""
    row = {"户号": number, "网格": grid, "楼栋": building, "单元": unit, "房号": room, "姓名": name,
           "公民身份号码": id_number, "与户主关系": relation, "民族": "汉族"}
    row.update(cells)
    return row


def families(count: int, *, start: int = 0, size: int = 3, prefix: str = "H") -> list[dict[str, Any]]:
    """`count` households of `size` valid members each (head, spouse, then children)."""
    rows = []
    for index in range(start, start + count):
        number = f"{prefix}{index:06d}"
        room = f"{index % 30 + 1:02d}01"
        building = f"{index % 7 + 1}号楼"
        for member in range(size):
            serial = index * size + member
            birth = date(1940, 1, 1) + timedelta(days=serial * 7 % 25_000)
            male = member != 1
            relation = ("户主", "配偶", "子", "女", "孙子")[member % 5]
            rows.append(person(number, _name(serial), make_id(birth, male=male, seq=serial % 499 + 1),
                               relation, building=building, room=room, unit="2单元"))
    return rows


def write_openpyxl(path: Path, rows: list[dict[str, Any]], *, header: list[str] | None = None,
                   title: str | None = "幸福里社区人口台账") -> Path:
    """A ledger as clerks make them: an optional merged title row, a blank row, header, rows."""
    from openpyxl import Workbook

    header = header or HEADER
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column, "") for column in header])
    book.save(path)
    return path


def write_sheets(path: Path, sheets: dict[str, list[dict[str, Any]] | list[list[Any]]], *,
                 header: list[str] | None = None, hidden: tuple[str, ...] = ()) -> Path:
    """A workbook of several sheets: ledger rows (dicts, under `header`) or plain rows (lists)."""
    from openpyxl import Workbook

    header = header or HEADER
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        if rows and isinstance(rows[0], dict):
            sheet.append(header)
            rows = [[row.get(column, "") for column in header] for row in rows]  # type: ignore[union-attr]
        for values in rows:
            sheet.append(values)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def write_xlsxwriter(path: Path, rows: list[dict[str, Any]], *, header: list[str] | None = None,
                     numbers: tuple[str, ...] = ()) -> Path:
    """The same with xlsxwriter (a second writer): text cells as text, `numbers` columns as numbers."""
    import xlsxwriter

    header = header or HEADER
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("台账")
    sheet.merge_range(0, 0, 0, len(header) - 1, "人口台账（第二种写法）")
    sheet.write_row(2, 0, header)
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for index, row in enumerate(rows, 3):
        for column, name in enumerate(header):
            _write_cell(sheet, index, column, row.get(name, ""), name in numbers, dates)
    book.close()
    return path


def read(path: Path) -> LedgerSource:
    return read_ledger(path)


def _write_cell(sheet: Any, row: int, column: int, value: Any, as_number: bool, dates: Any) -> None:
    if isinstance(value, date):
        sheet.write_datetime(row, column, value, dates)
    elif as_number or isinstance(value, int | float):
        sheet.write_number(row, column, float(value))
    else:
        sheet.write_string(row, column, str(value))


def _name(serial: int) -> str:
    surnames = "王李张刘陈杨赵黄周吴"
    return surnames[serial % 10] + GIVEN[serial // 10 % len(GIVEN)] + GIVEN[serial // 230 % len(GIVEN)]


# A ledger with 状态/迁出日期/死亡日期 columns, as the persons export writes it.
STATUS_HEADER = [*HEADER, "状态", "迁出日期", "死亡日期"]
HEAD_ID, SPOUSE_ID, CHILD_ID = (make_id(date(1950, 1, 1), seq=1), make_id(date(1952, 2, 2), male=False, seq=2),
                                make_id(date(1980, 3, 3), seq=3))


def import_rows(db, actor, tmp_path, rows, mode="insert", name="ledger.xlsx"):
    path = write_openpyxl(tmp_path / name, rows, header=STATUS_HEADER)
    with UnitOfWork(db, actor) as uow:
        return run_import(uow, read(path), mode=mode, source_name=path.name)


def late_head_family(number="H1", **changes):
    """The head died, his widow heads the household now, their son moved away."""
    rows = [person(number, "老王", HEAD_ID, "户主", 状态="死亡", 死亡日期=date(2025, 5, 1)),
            person(number, "王妻", SPOUSE_ID, "户主"),
            person(number, "王子", CHILD_ID, "子", 状态="迁出", 迁出日期="2024/6/1")]
    for index, cells in changes.items():
        rows[int(index[1:])].update(cells)
    return rows

"""Read a ledger workbook (python-calamine) into plain rows for station.importing.

The header row need not be the first: titles and merged cells above it are common. It is the
first row, among the first HEADER_SEARCH_ROWS, that names both 姓名 and an ID number column;
columns are found by header text with aliases, in any order, and other columns are ignored.
Cells merged down the data rows (a 户号 or 地址 spanning a household's rows) are filled in for
every row they cover. Values keep the type the workbook stored.

Before calamine loads a sheet, sheet_reach checks from its XML that the cells stay within a
ledger's bounds (one stray cell at XFD1048576 would otherwise make calamine's grid 512 GB); the
rows are then taken one at a time, and only the ledger's columns are kept.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any

from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from station.errors import ValidationError
from station.records.imports import IMPORT_COLUMNS, LedgerSource, SourceRow

from .sheet_reach import check_sheet_reach

HEADER_SEARCH_ROWS = 30
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "household_no": ("户号", "户编号"),
    "grid": ("网格", "所属网格", "网格名称"),
    "building": ("楼栋", "楼号", "栋号", "楼栋号"),
    "unit": ("单元", "单元号"),
    "room": ("房号", "门牌号", "室号", "房间号"),
    "address": ("地址", "现住址", "居住地址"),
    "name": ("姓名",),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "证件号码", "身份证"),
    "relation": ("与户主关系", "关系", "与户主的关系", "户主关系"),
    "sex": ("性别",),
    "birth_date": ("出生日期",),
    "ethnicity": ("民族",),
    "phone": ("联系电话", "手机号码", "电话", "手机号"),
    "population_type": ("人口类型", "居住类型"),
    "notes": ("备注",),
}
# The template's example row says this in its 备注 cell; such a row is never imported.
EXAMPLE_MARK = "示例行，导入时自动跳过"
_HEADER_WORDS = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
_DECORATION = re.compile(r"[（(【\[].*?[)）】\]]|[*＊:：\s]")


def read_ledger(path: Path, sheet: str | None = None) -> LedgerSource:
    """The data rows of the named sheet, or of the first worksheet with a recognisable header."""
    try:
        with zipfile.ZipFile(path) as archive, CalamineWorkbook.from_path(str(path)) as workbook:
            candidates = [sheet] if sheet else _worksheet_names(workbook)
            for name in candidates:
                check_sheet_reach(archive, name)
                found = _read_sheet(_sheet(workbook, name))
                if found is not None:
                    return found
    except (CalamineError, zipfile.BadZipFile) as error:
        raise ValidationError(f"无法读取该 Excel 文件：{error}", field="file") from error
    raise ValidationError(
        f"未找到表头：前 {HEADER_SEARCH_ROWS} 行中没有同时含“姓名”和“公民身份号码（身份证号）”的行",
        field="file")


def sheet_rows(sheet: CalamineSheet) -> Iterator[list[Any]]:
    """Every row from the sheet's first, one at a time, each from column A."""
    start = sheet.start
    if start is None:
        return
    padding = [""] * start[1]  # calamine's rows begin at the first column holding a value
    for values in sheet.iter_rows():
        yield padding + values if padding else values


def header_field(text: Any) -> str | None:
    """The field a header cell names ("身份证号*" and "联系电话（手机）" count), else None."""
    if not isinstance(text, str):
        return None
    return _HEADER_WORDS.get(_DECORATION.sub("", unicodedata.normalize("NFKC", text)))


def _worksheet_names(workbook: CalamineWorkbook) -> list[str]:
    return [meta.name for meta in workbook.sheets_metadata
            if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible]


def _sheet(workbook: CalamineWorkbook, name: str) -> CalamineSheet:
    try:
        return workbook.get_sheet_by_name(name)
    except Exception as error:  # noqa: BLE001 - calamine raises several types for a missing sheet
        raise ValidationError(f"工作簿中没有名为“{name}”的工作表", field="sheet") from error


def _read_sheet(sheet: CalamineSheet) -> LedgerSource | None:
    rows = sheet_rows(sheet)
    top = list(islice(rows, HEADER_SEARCH_ROWS))
    header_index = _header_index(top)
    if header_index is None:
        return None
    positions, labels = _columns(top[header_index])
    below = enumerate(chain(top[header_index + 1:], rows), header_index + 1)
    filled = _fill_merged(below, sheet.merged_cell_ranges or [], header_index)
    return LedgerSource(rows=tuple(_data_rows(filled, positions)), columns=labels, sheet=sheet.name,
                        header_row=header_index + 1)


def _header_index(top: list[list[Any]]) -> int | None:
    for index, row in enumerate(top):
        fields = {header_field(cell) for cell in row}
        if {"name", "id_number"} <= fields:
            return index
    return None


def _columns(header: list[Any]) -> tuple[dict[str, int], dict[str, str]]:
    """Field → column index and field → header text; the first column naming a field wins."""
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, cell in enumerate(header):
        name = header_field(cell)
        if name is not None and name not in positions:
            positions[name] = index
            labels[name] = str(cell).strip() or IMPORT_COLUMNS[name]
    return positions, labels


def _fill_merged(rows: Iterable[tuple[int, list[Any]]], ranges: list,
                 header_index: int) -> Iterator[tuple[int, list[Any]]]:
    """Copy each merged block's value (kept in its top-left cell) into the rest of the block."""
    blocks = sorted((top, left, bottom, right) for (top, left), (bottom, right) in ranges if top > header_index)
    upcoming = 0
    active: list[tuple[int, int, int, Any]] = []  # bottom, left, right, value
    for index, values in rows:
        while upcoming < len(blocks) and blocks[upcoming][0] <= index:
            top, left, bottom, right = blocks[upcoming]
            upcoming += 1
            if top == index:
                active.append((bottom, left, right, values[left] if left < len(values) else ""))
        active = [block for block in active if block[0] >= index]
        for _bottom, left, right, value in active:
            for column in range(left, min(right + 1, len(values))):
                values[column] = value
        yield index, values


def _data_rows(rows: Iterable[tuple[int, list[Any]]], positions: dict[str, int]) -> Iterator[SourceRow]:
    """SourceRows, skipping blank rows and the template's example row."""
    items = list(positions.items())
    for index, row in rows:
        width = len(row)
        cells = {name: (row[column] if column < width else "") for name, column in items}
        if all(value == "" or value is None or (isinstance(value, str) and not value.strip())
               for value in cells.values()):
            continue
        if cells.get("notes") == EXAMPLE_MARK:
            continue
        yield SourceRow(index + 1, cells)

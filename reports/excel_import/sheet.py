"""One ledger sheet (python-calamine): its header row, its columns, and its data rows one at a time.

The header row need not be the first: titles and merged cells above it are common. It is the
first row, among the first HEADER_SEARCH_ROWS, that names both 姓名 and an ID number column;
columns are found by header text with aliases, in any order, and other columns are ignored. A
field named by two columns (姓名 twice, or 身份证号 beside 公民身份号码) is refused: which one
holds the truth is for the clerk to say. Cells merged down the data rows (a 户号 or 地址
spanning a household's rows) are filled in for every row they cover. Values keep the type the
workbook stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

from python_calamine import CalamineSheet

from reports.excel_import.headers import (
    EXAMPLE_MARK,
    HEADER_SEARCH_ROWS,
    header_field,
    is_ledger_header,
)
from reports.excel_import.reach import column_letters
from station.errors import ValidationError
from station.imports.records import SourceRow
from station.ledger.columns import LEDGER_COLUMNS


@dataclass(frozen=True)
class SheetLedger:
    """The data rows of one sheet, its header row (1-based) and the header text of each field."""

    name: str
    header_row: int
    labels: dict[str, str]
    rows: tuple[SourceRow, ...]


def read_sheet(sheet: CalamineSheet) -> SheetLedger | None:
    """The sheet's ledger rows, or None when no header is found in its first rows."""
    rows = sheet_rows(sheet)
    top = list(islice(rows, HEADER_SEARCH_ROWS))
    header_index = next((index for index, row in enumerate(top) if is_ledger_header(row)), None)
    if header_index is None:
        return None
    positions, labels = _columns(sheet.name, top[header_index])
    below = enumerate(chain(top[header_index + 1:], rows), header_index + 1)
    filled = _fill_merged(below, sheet.merged_cell_ranges or [], header_index)
    return SheetLedger(sheet.name, header_index + 1, labels, tuple(_data_rows(filled, positions)))


def sheet_rows(sheet: CalamineSheet) -> Iterator[list[Any]]:
    """Every row from the sheet's first, one at a time, each from column A."""
    start = sheet.start
    if start is None:
        return
    padding = [""] * start[1]  # calamine's rows begin at the first column holding a value
    for values in sheet.iter_rows():
        yield padding + values if padding else values


def _columns(sheet: str, header: list[Any]) -> tuple[dict[str, int], dict[str, str]]:
    """Field → column index and field → header text."""
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, cell in enumerate(header):
        name = header_field(cell)
        if name is None:
            continue
        label = str(cell).strip() or LEDGER_COLUMNS[name]
        if name in positions:
            first = positions[name]
            raise ValidationError(
                "imports.column_twice", sheet=sheet, label=label, first_label=labels[name],
                first_column=column_letters(first + 1), column=column_letters(index + 1), meaning=LEDGER_COLUMNS[name],
                field="columns")
        positions[name], labels[name] = index, label
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

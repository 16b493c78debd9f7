"""Read a ledger workbook (python-calamine) into plain rows for station.imports.ledger.

The whole workbook is read: every worksheet whose first rows hold a ledger header (ledger_sheet
says how one sheet is read), in the order of the file; sheets without one (说明, code lists) are
left alone. A hidden sheet with a ledger header is refused by name rather than read or skipped
unseen, and so are sheets whose columns differ (a 户号 column on one sheet only would change how
the other's rows form households). With several ledger sheets each row carries its sheet's name.

Before calamine loads a sheet, sheet_reach checks from its XML that the cells stay within a
ledger's bounds (one stray cell at XFD1048576 would otherwise make calamine's grid 512 GB); the
rows are then taken one at a time, and only the ledger's columns are kept.
"""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from reports.excel_import.headers import (
    EXAMPLE_MARK,
    HEADER_ALIASES,
    HEADER_SEARCH_ROWS,
    header_field,
)
from reports.excel_import.reach import check_sheet_reach
from reports.excel_import.sheet import SheetLedger, read_sheet, sheet_rows
from station.errors import ValidationError
from station.imports.records import LedgerSource
from station.ledger.columns import LEDGER_COLUMNS

__all__ = ["EXAMPLE_MARK", "HEADER_ALIASES", "HEADER_SEARCH_ROWS", "header_field", "read_ledger", "sheet_rows"]


def read_ledger(path: Path, sheet: str | None = None) -> LedgerSource:
    """The data rows of the named sheet, or of every worksheet with a recognisable header."""
    try:
        with zipfile.ZipFile(path) as archive, CalamineWorkbook.from_path(str(path)) as workbook:
            ledgers = _read_named(archive, workbook, sheet) if sheet else _read_all(archive, workbook)
    except (CalamineError, zipfile.BadZipFile) as error:
        raise ValidationError("imports.unreadable_workbook", error=error, field="file") from error
    if not ledgers:
        raise ValidationError(
            "imports.header_not_found", rows=HEADER_SEARCH_ROWS,
            field="file")
    return _combined(ledgers)


def _read_named(archive: zipfile.ZipFile, workbook: CalamineWorkbook, name: str) -> list[SheetLedger]:
    check_sheet_reach(archive, name)
    found = read_sheet(_sheet(workbook, name))
    return [found] if found is not None else []


def _read_all(archive: zipfile.ZipFile, workbook: CalamineWorkbook) -> list[SheetLedger]:
    """Every worksheet's ledger, refusing hidden ones (one sheet in memory at a time)."""
    found: list[SheetLedger] = []
    hidden: list[str] = []
    for meta in workbook.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        check_sheet_reach(archive, meta.name)
        ledger = read_sheet(_sheet(workbook, meta.name))
        if ledger is not None and meta.visible != SheetVisibleEnum.Visible:
            hidden.append(meta.name)
        elif ledger is not None:
            found.append(ledger)
    if hidden:
        names = "、".join(f"“{name}”" for name in hidden)
        raise ValidationError("imports.hidden_ledger_sheet", names=names, field="sheet")
    return found


def _combined(ledgers: list[SheetLedger]) -> LedgerSource:
    """One source of all the sheets' rows; rows carry their sheet when there are several."""
    first = ledgers[0]
    for other in ledgers[1:]:
        _check_same_columns(first, other)
    several = len(ledgers) > 1
    rows = tuple(replace(row, sheet=ledger.name) if several else row
                 for ledger in ledgers for row in ledger.rows)
    return LedgerSource(rows=rows, columns=first.labels, sheet=first.name, header_row=first.header_row,
                        headers={ledger.name: ledger.header_row for ledger in ledgers})


def _check_same_columns(first: SheetLedger, other: SheetLedger) -> None:
    missing = [LEDGER_COLUMNS[name] for name in first.labels if name not in other.labels]
    extra = [LEDGER_COLUMNS[name] for name in other.labels if name not in first.labels]
    if missing or extra:
        parts = ([f"缺少{'、'.join(f'“{c}”' for c in missing)}"] if missing else []) + (
            [f"多出{'、'.join(f'“{c}”' for c in extra)}"] if extra else [])
        raise ValidationError("imports.sheets_differ", sheet=other.name, first=first.name,
                              differences="；".join(parts), field="columns")


def _sheet(workbook: CalamineWorkbook, name: str) -> CalamineSheet:
    try:
        return workbook.get_sheet_by_name(name)
    except Exception as error:  # noqa: BLE001 - calamine raises several types for a missing sheet
        raise ValidationError("imports.no_such_sheet", sheet=name, field="sheet") from error

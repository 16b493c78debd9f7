"""Write an imported workbook back with an 错误原因 column, so the clerk can fix it and re-import.

The original file is loaded as is (openpyxl, through defusedxml) so titles, formats and the text
format of the ID column survive; refused rows get their reasons in a new last column, in red.

openpyxl makes an object for every row and cell the XML lists, empty or not: a sheet of a million
formatted empty rows took 1.3 GB. When the sheets list far more than they hold, only the ledger
sheet's values are written back, as far as they reach (memory bounded by what the sheet holds).
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from python_calamine import CalamineWorkbook

from reports.excel_import.reach import check_sheet_reach, workbook_weight
from reports.excel_import.safety import ensure_defused_xml
from reports.excel_import.sheet import sheet_rows
from station.errors import ValidationError
from station.imports.records import RowError
from station.messages import DEFAULT_LANGUAGE, LANGUAGES, message

# The column the reasons go to, in each language: a marked file marked again reuses its column.
ERROR_HEADERS = frozenset(message("imports.errors_column", language) for language in LANGUAGES)
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006")
HEADER_FONT = Font(bold=True, color="9C0006")
# Rows and cells listed beyond twice those holding a value, before a sheet counts as bloated.
BLOAT_SLACK = 100_000
_FORMULA_TRIGGERS = tuple("=+-@")


Reasons = dict[str, dict[int, list[str]]]  # sheet → row → reason lines


def write_errors_workbook(source: Path, out: Path, headers: dict[str, int], errors: Iterable[RowError],
                          language: str = DEFAULT_LANGUAGE) -> int:
    """Copy `source` to `out` with each refused row's reasons in `language`; returns the number of
    rows marked.

    `headers` gives each ledger sheet read and its header row (a refusal without a sheet is on
    the first).
    """
    if Path(out).resolve() == Path(source).resolve():
        raise ValidationError("imports.errors_book_over_source", field="errors")
    ensure_defused_xml()
    reasons = _reasons_by_row(errors, next(iter(headers), ""), language)
    header = message("imports.errors_column", language)
    if _bloated(source):
        book = _values_book(source, headers, reasons, header)
    else:
        book = _marked_book(source, headers, reasons, header)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return sum(len(rows) for rows in reasons.values())


def _marked_book(source: Path, headers: dict[str, int], reasons: Reasons, header_text: str) -> Workbook:
    """The file as it is, with the reasons in each ledger sheet's 错误原因 column."""
    book = load_workbook(source)
    for sheet, header_row in headers.items():
        worksheet = book[sheet] if sheet else book.worksheets[0]
        column = _error_column(worksheet, header_row)
        if not reasons.get(sheet):
            continue
        header = worksheet.cell(header_row, column, header_text)
        header.font = HEADER_FONT
        for row, lines in reasons[sheet].items():
            cell = worksheet.cell(row, column, "\n".join(lines))
            cell.fill, cell.font = ERROR_FILL, ERROR_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        worksheet.column_dimensions[header.column_letter].width = 60
    return book


def _bloated(source: Path) -> bool:
    with zipfile.ZipFile(source) as archive:
        weight = workbook_weight(archive)
    return weight.elements > 2 * weight.values + BLOAT_SLACK


def _values_book(source: Path, headers: dict[str, int], reasons: Reasons, header_text: str) -> Workbook:
    """Only the ledger sheets' values, row for row as far as their cells reach, with the reasons."""
    book = Workbook(write_only=True)
    with zipfile.ZipFile(source) as archive:
        for sheet in headers:
            check_sheet_reach(archive, sheet)
    with CalamineWorkbook.from_path(str(source)) as workbook:
        for sheet, header_row in headers.items():
            target = book.create_sheet(sheet or "台账")
            rows = sheet_rows(workbook.get_sheet_by_name(sheet))
            _copy_values(target, rows, header_row, reasons.get(sheet, {}), header_text)
    return book


def _copy_values(target: Any, rows: Iterable[list[Any]], header_row: int,
                 reasons: dict[int, list[str]], header_text: str) -> None:
    column = -1
    for number, values in enumerate(rows, 1):
        if number == header_row:
            column = next((index for index, value in enumerate(values) if value in ERROR_HEADERS), len(values))
        cells = [_text_cell(target, value) for value in values]
        if number == header_row:
            _put(cells, column, _styled(target, header_text, HEADER_FONT))
        elif number > header_row and column >= 0:
            lines = reasons.get(number)
            _put(cells, column, _styled(target, "\n".join(lines), ERROR_FONT, ERROR_FILL) if lines else None)
        target.append(cells)


def _text_cell(sheet: Any, value: Any) -> Any:
    """A value as it was; text stays text even when it looks like a formula."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_TRIGGERS):
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _styled(sheet: Any, value: str, font: Font, fill: PatternFill | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell.font = font
    if fill is not None:
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _put(cells: list[Any], column: int, value: Any) -> None:
    cells.extend([None] * (column + 1 - len(cells)))
    cells[column] = value


def _error_column(worksheet, header_row: int) -> int:
    """The existing 错误原因 column (a workbook fixed once and re-imported), else a new last one."""
    for cell in worksheet[header_row]:
        if cell.value in ERROR_HEADERS:
            for (old,) in worksheet.iter_rows(min_row=header_row + 1, min_col=cell.column, max_col=cell.column):
                old.value = None
                old.fill, old.font = PatternFill(), Font()
            return cell.column
    return worksheet.max_column + 1


def _reasons_by_row(errors: Iterable[RowError], first_sheet: str, language: str) -> Reasons:
    reasons: Reasons = defaultdict(lambda: defaultdict(list))
    for error in errors:
        reason = error.reason_text(language)
        line = message("imports.column_reason", language, column=error.column, reason=reason) if error.column \
            else reason
        lines = reasons[error.sheet or first_sheet][error.row]
        if line not in lines:
            lines.append(line)
    return {sheet: dict(rows) for sheet, rows in reasons.items()}

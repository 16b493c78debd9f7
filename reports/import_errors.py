"""Write an imported workbook back with an 错误原因 column, so the clerk can fix it and re-import.

The original file is loaded as is (openpyxl, through defusedxml) so titles, formats and the text
format of the ID column survive; refused rows get their reasons in a new last column, in red.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from reports.workbook_safety import ensure_defused_xml
from station.errors import ValidationError
from station.records.imports import RowError

ERROR_HEADER = "错误原因"
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006")


def write_errors_workbook(source: Path, out: Path, sheet: str, header_row: int,
                          errors: Iterable[RowError]) -> int:
    """Copy `source` to `out` with each refused row's reasons; returns the number of rows marked."""
    if Path(out).resolve() == Path(source).resolve():
        raise ValidationError("错误工作簿不能覆盖原文件，请另选文件名", field="errors")
    ensure_defused_xml()
    book = load_workbook(source)
    worksheet = book[sheet] if sheet else book.worksheets[0]
    column = _error_column(worksheet, header_row)
    header = worksheet.cell(header_row, column, ERROR_HEADER)
    header.font = Font(bold=True, color="9C0006")
    reasons = _reasons_by_row(errors)
    for row, lines in reasons.items():
        cell = worksheet.cell(row, column, "\n".join(lines))
        cell.fill, cell.font = ERROR_FILL, ERROR_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    worksheet.column_dimensions[header.column_letter].width = 60
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return len(reasons)


def _error_column(worksheet, header_row: int) -> int:
    """The existing 错误原因 column (a workbook fixed once and re-imported), else a new last one."""
    for cell in worksheet[header_row]:
        if cell.value == ERROR_HEADER:
            for (old,) in worksheet.iter_rows(min_row=header_row + 1, min_col=cell.column, max_col=cell.column):
                old.value = None
                old.fill, old.font = PatternFill(), Font()
            return cell.column
    return worksheet.max_column + 1


def _reasons_by_row(errors: Iterable[RowError]) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        line = f"{error.column}：{error.reason}" if error.column else error.reason
        if line not in reasons[error.row]:
            reasons[error.row].append(line)
    return dict(reasons)

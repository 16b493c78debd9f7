"""Write an export table to .xlsx: one sheet, bold frozen header, text that never becomes a formula.

Callers hand it the temporary file of station.output_files.output_file, which checks the
target and renames the finished workbook into place. See reports.workbooks.stream for the cell rules.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reports.workbooks.stream import write_xlsx
from station.exports.records import ExportTable

Progress = Callable[[int, int], None]
_WIDE = {"公民身份号码": 21, "地址": 32, "诉求内容": 40, "内容": 40, "办理结果": 30, "回访意见": 24,
         "备注": 24, "受理时间": 17, "办理期限": 17, "办结时间": 17, "出生日期": 12}


def write_table(path: Path, table: ExportTable, progress: Progress | None = None) -> int:
    """Write the table's header and rows to `path`; returns the number of data rows written."""
    written = 0
    for written in write_xlsx(Path(path), table.title, table.headers, _widths(table.headers), table.rows):
        if progress is not None:
            progress(written, max(table.count, written))
    return written


def _widths(headers: tuple[str, ...]) -> tuple[float, ...]:
    return tuple(_WIDE.get(text, max(8, 2 * len(text) + 2)) for text in headers)

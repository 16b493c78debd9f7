"""Write an export table to .xlsx: one sheet, bold frozen header, text that never becomes a formula.

The file is written under a temporary name, fsynced and renamed, so a half-written workbook
never carries the name the user asked for. See reports.xlsx_stream for the cell rules.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from station.records.exports import ExportTable

from .xlsx_stream import write_xlsx

Progress = Callable[[int, int], None]
_WIDE = {"公民身份号码": 21, "地址": 32, "诉求内容": 40, "内容": 40, "办理结果": 30, "回访意见": 24,
         "备注": 24, "受理时间": 17, "办理期限": 17, "办结时间": 17, "出生日期": 12}


def write_table(path: Path, table: ExportTable, progress: Progress | None = None) -> int:
    """Write the table's header and rows to `path`; returns the number of data rows written."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    written = 0
    try:
        for written in write_xlsx(partial, table.title, table.headers, _widths(table.headers), table.rows):
            if progress is not None:
                progress(written, max(table.count, written))
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return written


def _widths(headers: tuple[str, ...]) -> tuple[float, ...]:
    return tuple(_WIDE.get(text, max(8, 2 * len(text) + 2)) for text in headers)

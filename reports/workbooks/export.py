"""Write an export table to .xlsx: one sheet, bold frozen header, text that never becomes a formula.

Callers hand it the temporary file of station.output_files.output_file, which checks the
target and renames the finished workbook into place. See reports.workbooks.stream for the cell rules.

An unmasked export is written password-protected (`password`): Excel's own encryption (ECMA-376
agile encryption, AES-256, via msoffcrypto-tool), which Excel, WPS and LibreOffice open after
asking for the password. The plain workbook exists only in memory: nothing unprotected touches
the disk, not even as a temporary file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from reports.workbooks.stream import write_xlsx
from station.exports.records import ExportTable

Progress = Callable[[int, int], None]
# msoffcrypto-tool 6.1 writes a package under 4 KiB into the file's mini stream, which neither it
# nor (untested) Excel reads back: a one-row export is padded past that.
_SMALLEST_PACKAGE = 4608
# Columns are sized before the first row is streamed, so by what they hold, not by what is in them:
# the numbers whole (an 11-digit phone, a request number S20261123-0001), the texts a readable width.
_WIDE = {"公民身份号码": 21, "联系电话": 13, "编号": 16, "地址": 32, "诉求内容": 40, "内容": 40, "办理结果": 30,
         "回访意见": 24, "备注": 24}
_DAY_WIDTH, _MINUTE_WIDTH = 12, 18  # yyyy-mm-dd; yyyy-mm-dd hh:mm


def write_table(path: Path, table: ExportTable, progress: Progress | None = None, *,
                password: str | None = None) -> int:
    """Write the table's header and rows to `path` (encrypted under `password` if given);
    returns the number of data rows written."""
    if password is None:
        return _write(Path(path), table, progress)
    plain = io.BytesIO()
    written = _write(plain, table, progress)
    _encrypt(plain, password, Path(path))
    return written


def _write(target: Path | io.BytesIO, table: ExportTable, progress: Progress | None) -> int:
    written = 0
    for written in write_xlsx(target, table.title, table.headers, _widths(table.headers), table.rows):
        if progress is not None:
            progress(written, max(table.count, written))
    return written


def _encrypt(plain: io.BytesIO, password: str, path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile  # noqa: PLC0415 - only unmasked exports need it

    _at_least(plain, _SMALLEST_PACKAGE)
    plain.seek(0)
    with open(path, "wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    plain.seek(0)
    plain.truncate()  # let the plain copy go at once, not when the caller's frame ends


def _at_least(plain: io.BytesIO, size: int) -> None:
    """Pad a small workbook with a zip comment (which every reader ignores) to `size` bytes."""
    short = size - len(plain.getbuffer())
    if short > 0:
        with zipfile.ZipFile(plain, "a") as archive:
            archive.comment = b" " * short


def _widths(headers: tuple[str, ...]) -> tuple[float, ...]:
    return tuple(_width(text) for text in headers)


def _width(header: str) -> float:
    if header in _WIDE:
        return _WIDE[header]
    if header.endswith("日期"):
        return _DAY_WIDTH
    if header.endswith(("时间", "期限")):
        return _MINUTE_WIDTH
    return max(8, 2 * len(header) + 2)

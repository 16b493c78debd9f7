"""Plain records for exporting data to a workbook: a titled table whose rows stream from the database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

EXPORT_KINDS: dict[str, str] = {
    "households": "住户",
    "persons": "人员台账",
    "registers": "重点人群",
    "visits": "走访记录",
    "requests": "居民诉求",
}

# A cell: text, a whole number, a date/datetime, or None for an empty cell.
Cell = Any


@dataclass(frozen=True)
class ExportTable:
    """What to write: sheet title, headers, row count and the rows (read them inside the unit of work).

    Values are str (ID numbers, phones and 户号 stay text), int, date, datetime or None (empty).
    """

    kind: str
    title: str
    headers: tuple[str, ...]
    count: int
    masked: bool
    rows: Iterable[tuple[Cell, ...]]

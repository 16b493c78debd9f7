"""The one DataTable the screens use: columns sized to their rows, never a stale picture."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

CellType = TypeVar("CellType")


class FittedTable(DataTable[CellType]):
    """A DataTable that repaints its rows once it has measured them.

    Textual (8.2) measures new rows on its next idle, but keys its cell pictures without the
    column width: a row painted in between (a busy PC, rows arriving from a worker) stays cut at
    the header widths until something else changes. Forget those pictures when the widths move.
    """

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        before = [column.get_render_width(self) for column in self.ordered_columns]
        super()._update_dimensions(new_rows)
        if before != [column.get_render_width(self) for column in self.ordered_columns]:
            self._clear_caches()
            self.refresh()

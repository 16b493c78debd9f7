"""The one DataTable the screens use: columns sized to their rows, never a stale picture."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from station.text_rules import visible

CellType = TypeVar("CellType")


def plain(value: str, *, no_wrap: bool = False) -> Text:
    """Text shown as itself: rich would read "[/b]" in a name as markup (and refuse to draw it),
    and a control character is written out rather than sent to the terminal."""
    return Text(visible(value), end="", no_wrap=no_wrap)


class FittedTable(DataTable[CellType]):
    """A DataTable that repaints its rows once it has measured them.

    Textual (8.2) measures new rows on its next idle, but keys its cell pictures without the
    column width: a row painted in between (a busy PC, rows arriving from a worker) stays cut at
    the header widths until something else changes. Forget those pictures when the widths move.
    """

    def add_row(self, *cells: CellType, **options: Any) -> RowKey:
        """Add a row; text cells (names, addresses, reasons) are never read as markup."""
        # As DataTable formats a text cell itself: one-line rows do not wrap.
        one_line = options.get("height", 1) == 1
        shown = (plain(cell, no_wrap=one_line) if isinstance(cell, str) else cell for cell in cells)
        return super().add_row(*cast(tuple[CellType, ...], tuple(shown)), **options)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        before = [column.get_render_width(self) for column in self.ordered_columns]
        super()._update_dimensions(new_rows)
        if before != [column.get_render_width(self) for column in self.ordered_columns]:
            self._clear_caches()
            self.refresh()

"""The one DataTable the screens use: columns sized to their rows, never a stale picture."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, TypeVar, cast

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from station.text_rules import visible

CellType = TypeVar("CellType")
K = TypeVar("K")


def plain(value: str, *, no_wrap: bool = False) -> Text:
    """Text shown as itself: rich would read "[/b]" in a name as markup (and refuse to draw it),
    and a control character is written out rather than sent to the terminal."""
    return Text(visible(value), end="", no_wrap=no_wrap)


class FittedTable(DataTable[CellType]):
    """A DataTable that repaints its rows once it has measured them.

    Textual (8.2) measures new rows on its next idle, but keys its cell pictures without the
    column width: a row painted in between (a busy PC, rows arriving from a worker) stays cut at
    the header widths until something else changes. Forget those pictures when the widths move.

    On a narrow terminal (80 columns) `show_rows` leaves out the columns of DROP_ORDER, least useful
    first, until the rest fit: a clerk keeps the columns to decide by rather than scrolling sideways.
    """

    # Column keys, least useful first; the others always show.
    DROP_ORDER: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shown_rows: tuple[Sequence[tuple[str, str]], Sequence[tuple[str, Sequence[CellType]]]] = ((), ())
        self.kept_keys: list[str] = []

    def show_rows(self, columns: Sequence[tuple[str, str]], rows: Sequence[tuple[str, Sequence[CellType]]]) -> None:
        """Replace columns ((key, title)) and rows ((key, cells)), each column as wide as its widest
        text; the columns that do not fit the table's width are left out (DROP_ORDER)."""
        self.shown_rows = (columns, rows)
        keys = [key for key, _title in columns]
        widths = column_widths(columns, rows)
        self.kept_keys = fitting(keys, widths, self.DROP_ORDER, self._room())
        kept = [keys.index(key) for key in self.kept_keys]
        # Widths are set here rather than measured by the table: it measures when idle and may keep
        # showing what it drew before, columns as narrow as their titles.
        self.clear(columns=True)
        for index in kept:
            self.add_column(columns[index][1], key=keys[index], width=widths[index])
        for row_key, cells in rows:
            self.add_row(*(cells[index] for index in kept), key=row_key)

    def _room(self) -> int:
        """The cells a row may take: the table's width less a scrollbar it shows (0 before the first layout)."""
        return self.scrollable_content_region.width

    def on_resize(self) -> None:
        columns, rows = self.shown_rows
        keys = [key for key, _title in columns]
        if keys and self.kept_keys != fitting(keys, column_widths(columns, rows), self.DROP_ORDER, self._room()):
            row = self.cursor_row
            self.show_rows(columns, rows)
            self.move_cursor(row=row)

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


def column_widths(columns: Sequence[tuple[str, str]], rows: Sequence[tuple[str, Sequence[object]]]) -> list[int]:
    """Each column as wide as its title or its widest cell (Chinese characters count two)."""
    widths = [cell_len(title) for _key, title in columns]
    for _row_key, cells in rows:
        widths = [max(width, cell_len(str(cell))) for width, cell in zip(widths, cells, strict=True)]
    return widths


def fitting(keys: Sequence[K], widths: Sequence[int], drop_order: Sequence[K], room: int, gap: int = 2) -> list[K]:
    """The column keys to show in `room` cells (each column takes its width plus `gap`, a DataTable's
    padding): all of them, or fewer, leaving out `drop_order` from the first on. Nothing is left
    out before the first layout (no room known yet)."""
    kept = list(keys)
    width_of = dict(zip(keys, widths, strict=True))
    for key in drop_order:
        if room <= 0 or sum(width_of[kept_key] + gap for kept_key in kept) <= room:
            break
        if key in kept:
            kept.remove(key)
    return kept

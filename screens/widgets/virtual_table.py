"""A table that holds only the rows in view: it knows how many rows there are and asks its owner
for pages (of PAGE_SIZE rows) as they scroll into view, keeping at most KEPT_PAGES of them.

Drawn with Textual's line API (one strip per visible line), so 200k rows cost no widgets and no
memory; rows not yet read show as "…" until their page arrives from the worker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, Generic, TypeVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from screens.keys import bindings
from screens.widgets.tables import fitting

T = TypeVar("T")
PAGE_SIZE = 100
KEPT_PAGES = 30
PENDING = "…"


class VirtualTable(ScrollView, Generic[T], can_focus=True):
    """Rows 0..size-1; `fetch(page)` is called for a missing page, `fill(generation, page, rows)`
    delivers it. `reset(size)` starts over (a new query): pages of the old one are then ignored."""

    # The cursor row as Textual's DataTable draws it (the theme's block cursor; dimmer without
    # the focus), so that every list of the station shows its cursor the same way.
    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        background: $surface;
        & > .virtual-table--header {
            text-style: bold;
            background: $panel;
        }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """
    BINDINGS = bindings("list.up", "list.down", "list.page_up", "list.page_down", "list.first",
                        "list.last", "ledger.open")
    COMPONENT_CLASSES: ClassVar[set[str]] = {"virtual-table--header", "virtual-table--cursor"}

    class Selected(Message):
        """Enter (or a double click) on a row that has arrived."""

        def __init__(self, table: VirtualTable[object], index: int, row: object):
            super().__init__()
            self.table, self.index, self.row = table, index, row

    def __init__(self, columns: Sequence[tuple[str, int]], cells: Callable[[T], Sequence[str]],
                 fetch: Callable[[int], None], *, id: str | None = None,  # noqa: A002 - Textual's name
                 drop_order: Sequence[int] = ()):
        super().__init__(id=id)
        # drop_order: column indexes, least useful first, left out while the columns are wider than
        # the table (an 80-column terminal); what still does not fit scrolls sideways.
        self.all_columns = list(columns)
        self.drop_order = list(drop_order)
        self.kept = list(range(len(columns)))
        self.columns = list(columns)
        self.all_cells = cells
        self.fetch = fetch
        self.size_rows = 0
        self.cursor = 0
        self.generation = 0
        self.pages: dict[int, list[T]] = {}
        self.asked: set[int] = set()

    # --- the owner's side --------------------------------------------------------------------

    def reset(self, size: int) -> int:
        """Show `size` rows from now on (all unread); returns the generation pages must carry."""
        self.generation += 1
        self.size_rows, self.cursor = size, 0
        self.pages.clear()
        self.asked.clear()
        self._size_virtually()
        self.scroll_to(0, 0, animate=False)
        self.refresh()
        return self.generation

    def fill(self, generation: int, page: int, rows: list[T]) -> None:
        if generation != self.generation:
            return
        self.pages[page] = rows
        while len(self.pages) > KEPT_PAGES:
            oldest = next(iter(self.pages))
            del self.pages[oldest]
            self.asked.discard(oldest)
        self.refresh()

    def row(self, index: int) -> T | None:
        page = self.pages.get(index // PAGE_SIZE)
        offset = index % PAGE_SIZE
        return page[offset] if page is not None and offset < len(page) else None

    @property
    def cursor_row(self) -> T | None:
        return self.row(self.cursor) if self.size_rows else None

    def cells(self, row: T) -> list[str]:
        """The texts of the columns shown."""
        texts = self.all_cells(row)
        return [texts[index] for index in self.kept]

    def _size_virtually(self) -> None:
        width = sum(width for _title, width in self.columns) + len(self.columns)
        self.virtual_size = Size(width, self.size_rows + 1)

    def on_resize(self) -> None:
        widths = [width for _title, width in self.all_columns]
        # Each column takes a separating space; the row begins with one too.
        kept = fitting(list(range(len(widths))), widths, self.drop_order, self.size.width - 1, gap=1)
        if kept != self.kept:
            self.kept = kept
            self.columns = [self.all_columns[index] for index in kept]
            self._size_virtually()
            self.refresh()

    # --- drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        # Sideways the view starts at a column: a cut through a Chinese character shows half of it
        # as a space (" 主" for 户主).
        scroll_x = self.view_start()
        width = self.size.width
        if y == 0:
            titles = [title for title, _width in self.columns]
            strip = self._strip(titles, self.get_component_rich_style("virtual-table--header"))
        else:
            strip = self._row_strip(scroll_y + y - 1)
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def _row_strip(self, index: int) -> Strip:
        if index >= self.size_rows:
            return Strip.blank(self.virtual_size.width, self.rich_style)
        row = self.row(index)
        if row is None:
            self._ask(index // PAGE_SIZE)
            texts: Sequence[str] = [PENDING]
        else:
            texts = self.cells(row)
        style = self.rich_style
        if index == self.cursor:
            style += self.get_component_rich_style("virtual-table--cursor")
        return self._strip(texts, style)

    def _strip(self, texts: Sequence[str], style: Style) -> Strip:
        # A row still being read has one text ("…"): the other columns stay empty.
        widths = [width for _title, width in self.columns]
        cells = [set_cell_size(text, width) for text, width in zip(texts, widths, strict=False)]
        line = " ".join(cells).ljust(self.virtual_size.width)
        return Strip([Segment(" " + line, style)])

    def column_starts(self) -> list[int]:
        """Where each column begins in a drawn line (after the leading space)."""
        starts, position = [0], 1
        for _title, width in self.columns:
            starts.append(position)
            position += width + 1
        return starts

    def view_start(self) -> int:
        """The first column start at or after the scroll position: the last columns stay whole too."""
        starts = self.column_starts()
        return next((start for start in starts if start >= round(self.scroll_x)), starts[-1])

    def action_scroll_right(self) -> None:
        """→ moves the view a column at a time."""
        later = [start for start in self.column_starts() if start > self.view_start()]
        if later and self.scroll_x < self.max_scroll_x:
            self.scroll_to(x=min(later[0], self.max_scroll_x), animate=False)

    def action_scroll_left(self) -> None:
        earlier = [start for start in self.column_starts() if start < self.view_start()]
        self.scroll_to(x=earlier[-1] if earlier else 0, animate=False)

    def _ask(self, page: int) -> None:
        if page not in self.asked:
            self.asked.add(page)
            self.call_later(self.fetch, page)

    # --- moving the cursor -------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        if not self.size_rows:
            return
        self.cursor = max(0, min(index, self.size_rows - 1))
        visible = max(1, self.size.height - 1)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)
        self.refresh()

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_page_up(self) -> None:
        self.move_to(self.cursor - max(1, self.size.height - 2))

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(1, self.size.height - 2))

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self.size_rows - 1)

    def action_open_selected(self) -> None:
        row = self.cursor_row
        if row is not None:
            self.post_message(self.Selected(self, self.cursor, row))  # type: ignore[arg-type]

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.move_to(round(self.scroll_y) + event.y - 1)
            if event.chain >= 2:
                self.action_open_selected()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

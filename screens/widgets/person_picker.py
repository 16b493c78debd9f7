"""Find a resident for a form (a visit, a request, a register entry): type, pick, Enter."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from screens.base import StationModal
from screens.keys import bindings
from screens.widgets.search_box import DebouncedSearch
from screens.widgets.tables import FittedTable
from station.idcard import mask_id
from station.search.lookup import search
from station.search.records import SearchHit

PICK_LIMIT = 30
DEBOUNCE_SECONDS = 0.03


class PickPersonDialog(StationModal[SearchHit | None]):
    """Search as in the ledger; Enter on a row answers that person, Esc answers None.

    `active_only` hides people who moved out or died (one does not visit them).
    """

    CSS_PATH = "person_picker.tcss"
    BINDINGS = bindings("dialog.close", "picker.to_list")
    HELP_TOPIC: ClassVar[str] = "picker"

    def __init__(self, title: str = "", *, query: str = "", active_only: bool = True):
        super().__init__()
        self.title_text = title
        self.initial = query
        self.active_only = active_only
        self.hits: list[SearchHit] = []
        self.generation = 0
        self.searches = DebouncedSearch(self, DEBOUNCE_SECONDS, self._search)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box", classes="picker") as box:
            box.border_title = self.title_text or self.t("picker.title")
            yield Input(self.initial, placeholder=self.t("picker.placeholder"), id="pick-search")
            yield Static(self.t("picker.hint"), id="pick-note", markup=False)
            yield FittedTable(id="pick-hits", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in ("name", "id_number", "household", "address", "grid"):
            table.add_column(self.t(f"picker.col_{column}"), key=column)
        self.query_one(Input).focus()
        if self.initial:
            self._search(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.searches.typed(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.searches.then(self._submit)

    def _submit(self) -> None:
        """Enter after typing: the one resident meant is picked at once (the only one found, or
        the only one named exactly as typed: 孙丽 beside 孙丽婷); otherwise into the list, and
        the note says to choose there (keys typed ahead are not for the list)."""
        meant = unambiguous(self.hits, self.query_one(Input).value)
        if meant is not None:
            self.dismiss(meant)
        elif self.hits:
            self.query_one("#pick-note", Static).update(self.t("picker.choose", count=len(self.hits)))
            self._focus_list()

    def action_to_list(self) -> None:
        """↓ in the search box: into the list, once it shows what was typed."""
        self.searches.then(self._focus_list)

    def _focus_list(self) -> None:
        if self.hits:
            self.query_one(DataTable).focus()

    def _search(self, query: str) -> None:
        self.generation += 1
        self.call(search, query, limit=PICK_LIMIT, include_inactive=not self.active_only,
                  on_done=partial(self._show, self.generation))

    def _show(self, generation: int, hits: list[SearchHit]) -> None:
        if generation != self.generation:
            return
        self.hits = hits
        table = self.query_one(DataTable)
        table.clear()
        for hit in hits:
            table.add_row(hit.name, mask_id(hit.id_number), hit.household_number or "—", hit.address,
                          hit.grid_name, key=str(hit.person_id))
        note = self.t("picker.found", count=len(hits)) if hits else self.t("picker.none")
        self.query_one("#pick-note", Static).update(note)
        self.searches.answered()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.dismiss(self.hits[event.cursor_row])

    def action_close(self) -> None:
        self.dismiss(None)


def unambiguous(hits: list[SearchHit], typed: str) -> SearchHit | None:
    """The hit Enter picks without a look at the list: the only one, or the only one named
    exactly as typed; None when the clerk has to choose."""
    if len(hits) == 1:
        return hits[0]
    named = [hit for hit in hits if hit.name == typed.strip()]
    return named[0] if len(named) == 1 else None

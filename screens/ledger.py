"""Household ledger (住户台账), search first: results follow each keystroke; Enter opens the household.

With an empty search box the list is the whole ledger (every resident in household-number order),
read a page at a time as it scrolls (screens.virtual_table); a search shows its best SEARCH_LIMIT
hits, best first.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Static

from station.codes import sexes
from station.idcard import age_on, mask_id
from station.kinship import relation_name
from station.ledger_pages import ledger_page, ledger_size
from station.phone import mask_phone
from station.records.search import SearchHit
from station.search import search

from .base import StationScreen
from .keys import bindings
from .open_home import open_person_home
from .virtual_table import PAGE_SIZE, VirtualTable
from .widgets import TopBar, station_footer

SEARCH_LIMIT = 200
# Long enough to fold a burst of keys into one query, short enough to feel immediate.
DEBOUNCE_SECONDS = 0.01
# Column: width in terminal cells (a CJK character takes two).
COLUMNS = (("name", 8), ("sex", 4), ("age", 4), ("id_number", 18), ("phone", 11), ("household", 10),
           ("relation", 10), ("address", 18), ("grid", 10), ("status", 4))


class LedgerScreen(StationScreen):
    CSS_PATH = "ledger.tcss"
    HELP_TOPIC: ClassVar[str] = "ledger"
    BINDINGS = bindings("ledger.search", "ledger.new")

    def __init__(self) -> None:
        super().__init__()
        self.generation = 0
        self.shown_query = ""
        self.pending: Timer | None = None
        self.today = date.today()

    def compose(self) -> ComposeResult:
        yield TopBar("nav.ledger")
        with Vertical(id="ledger"):
            yield Input(placeholder=self.t("ledger.search_placeholder"), id="search")
            yield Static(self.t("ledger.hint"), id="result-note", markup=False)
            columns = [(self.t(f"ledger.col_{name}"), width) for name, width in COLUMNS]
            yield VirtualTable(columns, self._cells, self._fetch_page, id="hits")
        yield station_footer()

    def on_mount(self) -> None:
        self.today = self.station.database.now().date()
        self.query_one("#search", Input).focus()
        self.show_whole_ledger()

    @property
    def table(self) -> VirtualTable[SearchHit]:
        return self.query_one("#hits", VirtualTable)

    # --- the whole ledger, paged -------------------------------------------------------------

    def show_whole_ledger(self) -> None:
        self.generation += 1
        self.call(ledger_size, on_done=partial(self._ledger_sized, self.generation))

    def _ledger_sized(self, generation: int, size: int) -> None:
        if generation != self.generation:
            return
        self.shown_query = ""
        self.table.reset(size)
        self._note(self.t("ledger.whole", count=size) if size else self.t("ledger.empty"))

    def _fetch_page(self, page: int) -> None:
        if self.shown_query:
            return  # search hits arrive whole
        table = self.table
        self.call(ledger_page, page * PAGE_SIZE, PAGE_SIZE,
                  on_done=partial(table.fill, table.generation, page))

    # --- searching ---------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.pending is not None:
            self.pending.stop()
        self.pending = self.set_timer(DEBOUNCE_SECONDS, partial(self.run_search, event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.table.size_rows:
            self.table.focus()

    def run_search(self, query: str) -> None:
        """Ask for this query's hits; answers to older queries are dropped when they arrive."""
        if not query.strip():
            self.show_whole_ledger()
            return
        self.generation += 1
        self.call(search, query, limit=SEARCH_LIMIT,
                  on_done=partial(self.show_hits, self.generation, query))

    def show_hits(self, generation: int, query: str, hits: list[SearchHit]) -> None:
        if generation != self.generation:
            return
        self.shown_query = query
        table = self.table
        table_generation = table.reset(len(hits))
        for page, start in enumerate(range(0, len(hits), PAGE_SIZE)):
            table.fill(table_generation, page, hits[start:start + PAGE_SIZE])
        self._note(self._found(len(hits)))

    def _found(self, count: int) -> str:
        if count >= SEARCH_LIMIT:
            return self.t("ledger.too_many", count=count)
        return self.t("ledger.found", count=count) if count else self.t("ledger.none")

    def _note(self, text: str) -> None:
        self.query_one("#result-note", Static).update(text)

    def _cells(self, hit: SearchHit) -> tuple[str, ...]:
        return (hit.name, sexes().get(hit.sex, ""), str(age_on(hit.birth_date, self.today)),
                mask_id(hit.id_number), mask_phone(hit.phone) or "—",
                hit.household_number or hit.last_household_number or "—",
                relation_name(hit.relation) if hit.relation else "", hit.address, hit.grid_name,
                self.t(f"ledger.status_{hit.status}"))

    # --- opening -----------------------------------------------------------------------------

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        hit = event.row
        assert isinstance(hit, SearchHit)
        open_person_home(self.station, hit.person_id, hit.name, hit.household_id)

    def open_household(self, household_id: int) -> None:
        from .household_view import HouseholdScreen

        self.app.push_screen(HouseholdScreen(household_id))

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_new_household(self) -> None:
        from .household_form import RegisterHouseholdScreen

        self.app.push_screen(RegisterHouseholdScreen())

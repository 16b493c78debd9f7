"""Household ledger (住户台账), search first: results follow each keystroke; Enter opens the household.

With an empty search box the list is the whole ledger (every resident in household-number order),
read a page at a time as it scrolls (screens.widgets.virtual_table); a search shows its best SEARCH_LIMIT
hits, best first.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from screens.base import StationScreen
from screens.keys import bindings
from screens.ledger.open_home import open_person_home
from screens.widgets.labels import TopBar, station_footer
from screens.widgets.search_box import DebouncedSearch
from screens.widgets.virtual_table import PAGE_SIZE, VirtualTable
from station.codes import sexes
from station.idcard import age_on, mask_id
from station.ledger.pages import (
    LedgerKey,
    ledger_page,
    ledger_page_after,
    ledger_page_before,
    ledger_page_from_end,
    ledger_totals,
)
from station.ledger.records import LedgerTotals
from station.phone import mask_phone
from station.residents.kinship import relation_name
from station.search.lookup import search
from station.search.records import SearchHit

SEARCH_LIMIT = 200
# Long enough to fold a burst of keys into one query, short enough to feel immediate.
DEBOUNCE_SECONDS = 0.01
# Column: width in terminal cells (a CJK character takes two).
COLUMNS = (("name", 8), ("sex", 4), ("age", 4), ("id_number", 18), ("phone", 11), ("household", 10),
           ("relation", 10), ("address", 18), ("grid", 10), ("status", 4))
COLUMN_NAMES = [name for name, _width in COLUMNS]
# Left out first on a narrow terminal: name, household, relation and status stay in view at 80 columns.
DROP_ORDER = ("sex", "age", "phone", "grid", "address", "id_number")
STATUSES = ("active", "moved_out", "deceased")


class LedgerScreen(StationScreen):
    CSS_PATH = "screen.tcss"
    HELP_TOPIC: ClassVar[str] = "ledger"
    BINDINGS = bindings("ledger.search", "ledger.new", "ledger.to_list")

    def __init__(self) -> None:
        super().__init__()
        self.generation = 0
        self.shown_query = ""
        self.searches = DebouncedSearch(self, DEBOUNCE_SECONDS, self.run_search)
        self.today = date.today()

    def compose(self) -> ComposeResult:
        yield TopBar("nav.ledger")
        with Vertical(id="ledger"):
            yield Input(placeholder=self.t("ledger.search_placeholder"), id="search")
            yield Static(self.t("ledger.hint"), id="result-note", markup=False)
            yield VirtualTable(self._columns(), self._cells, self._fetch_page, id="hits",
                               drop_order=[COLUMN_NAMES.index(name) for name in DROP_ORDER])
        yield station_footer()

    def _columns(self) -> list[tuple[str, int]]:
        """(title, width): at least as wide as the title, the status as wide as its longest name."""
        status = max(cell_len(self.t(f"ledger.status_{code}")) for code in STATUSES)
        widths = {**dict(COLUMNS), "status": max(dict(COLUMNS)["status"], status)}
        titles = {name: self.t(f"ledger.col_{name}") for name in COLUMN_NAMES}
        return [(titles[name], max(widths[name], cell_len(titles[name]))) for name in COLUMN_NAMES]

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
        self.call(ledger_totals, on_done=partial(self._ledger_sized, self.generation))

    def _ledger_sized(self, generation: int, totals: LedgerTotals) -> None:
        if generation != self.generation:
            return
        self.shown_query = ""
        size = totals.residents
        self.table.reset(size)
        self._note(self.t("ledger.whole", households=totals.households, count=size) if size
                   else self.t("ledger.empty"))
        self.searches.answered()

    def _fetch_page(self, page: int) -> None:
        """Read a page by key next to one the list holds, or counted from the nearer end: scrolling
        costs the same at any depth of a district's ledger (station/ledger/pages.py)."""
        if self.shown_query:
            return  # search hits arrive whole
        table = self.table
        done = partial(table.fill, table.generation, page)
        previous, following = table.pages.get(page - 1), table.pages.get(page + 1)
        start = page * PAGE_SIZE
        end = min(start + PAGE_SIZE, table.size_rows)
        if previous:
            self.call(ledger_page_after, LedgerKey.of(previous[-1]), PAGE_SIZE, on_done=done)
        elif following:
            self.call(ledger_page_before, LedgerKey.of(following[0]), PAGE_SIZE, on_done=done)
        elif start > table.size_rows - end:
            self.call(ledger_page_from_end, table.size_rows - end, end - start, on_done=done)
        else:
            self.call(ledger_page, start, PAGE_SIZE, on_done=done)

    # --- searching ---------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self.searches.typed(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_to_list()

    def action_to_list(self) -> None:
        """Into the list (↓ or Enter in the search box), once it shows what was typed."""
        self.searches.then(self._focus_list)

    def _focus_list(self) -> None:
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
        self.searches.answered()

    def _found(self, count: int) -> str:
        if count >= SEARCH_LIMIT:
            return self.t("ledger.too_many", count=count)
        return self.t("ledger.found", count=count) if count else self.t("ledger.none")

    def _note(self, text: str) -> None:
        self.query_one("#result-note", Static).update(text)

    def _cells(self, hit: SearchHit) -> tuple[str, ...]:
        return (hit.name, self.named("sex_short", hit.sex, sexes().get(hit.sex, "")), str(age_on(hit.birth_date, self.today)),
                mask_id(hit.id_number), mask_phone(hit.phone) or "—",
                hit.household_number or hit.last_household_number or "—",
                relation_name(hit.relation) if hit.relation else "", hit.address, hit.grid_name,
                self.t(f"ledger.status_{hit.status}"))

    def server_changed(self, down: bool) -> None:
        """The database server went away (the list is what it was) or came back (read it again)."""
        if down:
            self._note(self.t("ledger.waiting_server"))
        else:
            self.run_search(self.query_one("#search", Input).value)

    # --- opening -----------------------------------------------------------------------------

    def on_virtual_table_selected(self, event: VirtualTable.Selected) -> None:
        event.stop()
        hit = event.row
        assert isinstance(hit, SearchHit)
        open_person_home(self.station, hit.person_id, hit.name, hit.household_id)

    def open_household(self, household_id: int) -> None:
        from screens.ledger.household import HouseholdScreen

        self.app.push_screen(HouseholdScreen(household_id))

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_new_household(self) -> None:
        from screens.ledger.new_household import RegisterHouseholdScreen

        self.app.push_screen(RegisterHouseholdScreen())

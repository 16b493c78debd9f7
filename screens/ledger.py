"""Household ledger (住户台账), search first: results follow each keystroke; Enter opens the household.

The list holds at most SEARCH_LIMIT best hits (station.search stops there); paging through every
resident as one scrolls is not built yet.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from station.codes import relations, sexes
from station.idcard import age_on, mask_id
from station.phone import mask_phone
from station.records.search import SearchHit
from station.search import search

from .base import StationScreen
from .keys import bindings
from .widgets import TopBar, station_footer

SEARCH_LIMIT = 200
# Long enough to fold a burst of keys into one query, short enough to feel immediate.
DEBOUNCE_SECONDS = 0.03
COLUMNS = ("name", "sex", "age", "id_number", "phone", "household", "relation", "address",
           "grid", "status")


class LedgerScreen(StationScreen):
    CSS_PATH = "ledger.tcss"
    HELP_TOPIC: ClassVar[str] = "ledger"
    BINDINGS = bindings("ledger.search", "ledger.new")

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[SearchHit] = []
        self.generation = 0
        self.shown_query = ""
        self.pending: Timer | None = None

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Vertical(id="ledger"):
            yield Input(placeholder=self.t("ledger.search_placeholder"), id="search")
            yield Static(self.t("ledger.hint"), id="result-note", markup=False)
            yield HitTable(id="hits", cursor_type="row", zebra_stripes=True)
        yield station_footer()

    def on_mount(self) -> None:
        table = self.query_one(HitTable)
        for column in COLUMNS:
            table.add_column(self.t(f"ledger.col_{column}"), key=column)
        self.query_one("#search", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.pending is not None:
            self.pending.stop()
        self.pending = self.set_timer(DEBOUNCE_SECONDS, partial(self.run_search, event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.hits:
            self.query_one(HitTable).focus()

    def run_search(self, query: str) -> None:
        """Ask for this query's hits; answers to older queries are dropped when they arrive."""
        self.generation += 1
        self.call(search, query, limit=SEARCH_LIMIT,
                  on_done=partial(self.show_hits, self.generation, query))

    def show_hits(self, generation: int, query: str, hits: list[SearchHit]) -> None:
        if generation != self.generation:
            return
        self.hits, self.shown_query = hits, query
        table = self.query_one(HitTable)
        table.clear()
        today = self.station.database.now().date()
        for hit in hits:
            table.add_row(*self._cells(hit, today), key=str(hit.person_id))
        self.query_one("#result-note", Static).update(self._note(query, len(hits)))

    def _note(self, query: str, count: int) -> str:
        if not query.strip():
            return self.t("ledger.hint")
        if count >= SEARCH_LIMIT:
            return self.t("ledger.too_many", count=count)
        return self.t("ledger.found", count=count) if count else self.t("ledger.none")

    def _cells(self, hit: SearchHit, today) -> tuple[str, ...]:
        return (hit.name, sexes().get(hit.sex, ""), str(age_on(hit.birth_date, today)),
                mask_id(hit.id_number), mask_phone(hit.phone) or "—", hit.household_number or "—",
                relations().get(hit.relation, ""), hit.address, hit.grid_name,
                self.t(f"ledger.status_{hit.status}"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        hit = self.hits[event.cursor_row]
        if hit.household_id is None:
            self.notify(self.t("ledger.no_household", name=hit.name), severity="warning")
            return
        self.open_household(hit.household_id)

    def open_household(self, household_id: int) -> None:
        from .household_view import HouseholdScreen

        self.app.push_screen(HouseholdScreen(household_id))

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_new_household(self) -> None:
        from .household_form import RegisterHouseholdScreen

        self.app.push_screen(RegisterHouseholdScreen())


class HitTable(DataTable[str]):
    """The results; Enter opens the highlighted person's household."""

    BINDINGS = bindings("ledger.open")

    def action_open_selected(self) -> None:
        self.action_select_cursor()

"""Residents' requests (居民诉求): open ones first, urgent first, then by deadline; at-risk rows
yellow, overdue red. Filters: open/all, one state, assigned to me. Enter opens a request.

The list holds at most LIST_LIMIT requests (station.requests.views caps the query) and says so.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Select, Static

from reports.print_jobs import print_receipt
from screens.base import Localized, StationScreen
from screens.keys import bindings
from screens.requests.text import LIST_COLUMNS, code_name, list_cells
from screens.widgets.labels import TopBar, station_footer
from screens.widgets.list_search import ListSearch
from screens.widgets.printing import start_print
from screens.widgets.tables import FittedTable
from station.permissions import allowed
from station.requests.records import RequestRecord
from station.requests.rules import STATES
from station.requests.view_records import RequestPage
from station.requests.views import LIST_LIMIT, request_page

ANY = "any"


class RequestsScreen(StationScreen):
    CSS_PATH = "screen.tcss"
    HELP_TOPIC: ClassVar[str] = "requests"
    BINDINGS = bindings("requests.new", "requests.filter", "requests.refresh", "screen.print")

    def __init__(self) -> None:
        super().__init__()
        self.page: RequestPage | None = None
        self.generation = 0
        self.search_text = ""

    def compose(self) -> ComposeResult:
        yield TopBar("nav.requests")
        with Vertical(id="requests"):
            with Horizontal(id="filters"):
                yield ListSearch(self.t("requests.search_placeholder"), "#request-list", id="request-search")
                yield Select([(self.t("requests.show_open"), "open"), (self.t("requests.show_all"), "all")],
                             value="open", allow_blank=False, id="show")
                states = [(code_name(self.t, "state", state), state) for state in STATES]
                yield Select([(self.t("requests.any_state"), ANY), *states], value=ANY,
                             allow_blank=False, id="state")
                yield Select([(self.t("requests.everyone"), "everyone"), (self.t("requests.mine"), "mine")],
                             value="everyone", allow_blank=False, id="whose")
            yield Static(self.t("requests.loading"), id="list-note", markup=False)
            yield RequestTable(id="request-list", cursor_type="row", zebra_stripes=True)
        yield station_footer()

    def on_mount(self) -> None:
        self.query_one(RequestTable).focus()

    def server_changed(self, down: bool) -> None:
        """Read again once the database server is back: what was shown may be stale."""
        if not down:
            self.load()

    def on_screen_resume(self) -> None:
        # Also on coming back from a request or the receive form: what changed there shows here.
        self.load()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.load()

    # --- the list ----------------------------------------------------------------------------

    def filters(self) -> tuple[bool, str | None, bool]:
        """(open only, state, mine) as the filter bar says."""
        show, state, whose = (self.query_one(f"#{name}", Select).value for name in ("show", "state", "whose"))
        # A chosen state says it all: 'open only' would hide the closed and rated states.
        chosen = state if isinstance(state, str) and state != ANY else None
        return show == "open" and chosen is None, chosen, whose == "mine"

    def load(self) -> None:
        """Ask for the list; answers to older filters are dropped when they arrive."""
        self.generation += 1
        open_only, state, mine = self.filters()
        self.call(request_page, open_only=open_only, state=state, mine=mine, limit=LIST_LIMIT,
                  query=self.search_text, on_done=partial(self.show_page, self.generation))

    def on_list_search_search(self, event: ListSearch.Search) -> None:
        self.search_text = event.query
        self.load()

    def show_page(self, generation: int, page: RequestPage) -> None:
        if generation != self.generation:
            return
        table = self.query_one(RequestTable)
        selected = self.selected()
        self.page = page
        now = self.station.database.now()
        table.show_rows([(column, self.t(f"requests.col_{column}")) for column in LIST_COLUMNS],
                        [(str(request.id), list_cells(self.t, self.named, request, now))
                         for request in page.requests])
        if selected is not None and selected.id in self._ids():
            table.move_cursor(row=self._ids().index(selected.id))
        self.query_one("#list-note", Static).update(self._note(page))
        self.refresh_bindings()

    def _ids(self) -> list[int]:
        return [request.id for request in self.page.requests] if self.page else []

    def _note(self, page: RequestPage) -> str:
        if page.capped:
            return self.t("requests.capped", count=LIST_LIMIT)
        if not page.requests:
            return self.t("requests.none")
        timings = [request.timing for request in page.requests]
        overdue, at_risk = timings.count("overdue"), timings.count("at_risk")
        if overdue or at_risk:
            return self.t("requests.count_marks", count=len(timings), overdue=overdue, at_risk=at_risk)
        return self.t("requests.count", count=len(timings))

    def selected(self) -> RequestRecord | None:
        if self.page is None or not self.page.requests:
            return None
        cursor = self.query_one(RequestTable).cursor_row
        return self.page.requests[min(max(cursor, 0), len(self.page.requests) - 1)]

    # --- actions -----------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        request = self.selected()
        if request is not None:
            from screens.requests.detail import RequestDetailScreen

            self.app.push_screen(RequestDetailScreen(request.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "receive":
            return allowed(self.station.actor, "requests.receive")  # False hides the key
        if action == "print":
            if not allowed(self.station.actor, "reports.print"):
                return False
            return True if self.selected() is not None else None  # dimmed while nothing is selected
        return True

    def action_receive(self) -> None:
        from screens.requests.form import ReceiveRequestScreen

        self.app.push_screen(ReceiveRequestScreen())

    def action_focus_filters(self) -> None:
        self.query_one(ListSearch).focus()

    def action_refresh(self) -> None:
        self.load()

    def action_print(self) -> None:
        request = self.selected()
        if request is None:
            self.notify(self.t("requests.no_selection"), severity="warning")
            return
        start_print(self, print_receipt, request.number)


class RequestTable(Localized, FittedTable[Text]):
    """The requests; Enter opens the highlighted one."""

    BINDINGS = bindings("requests.open")
    # On a narrow terminal the time left (and who has it) stay; the day received and the grid go first.
    DROP_ORDER = ("received", "grid", "deadline", "assignee", "category")

    def action_open_selected(self) -> None:
        self.action_select_cursor()

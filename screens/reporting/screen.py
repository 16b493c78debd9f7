"""Reports (报表): the monthly statistics report, the blank forms, and month locks.

The month and scope chosen at the top serve every key: F9 writes the month's report (PDF and
.xlsx) under [reports] folder, the lock keys lock or unlock that month. Below, a few of the
month's figures and the months already locked.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from reports.print_jobs import print_household, print_monthly, print_street_monthly, print_visits
from screens.base import StationScreen
from screens.keys import bindings
from screens.reporting.locks import MonthLocks
from screens.reporting.month import figures_table, last_month, month_text, typed_month
from screens.widgets.dialog_box import Dialog
from screens.widgets.labels import FormError, TopBar, station_footer
from screens.widgets.printing import start_print
from station.errors import StationError
from station.permissions import allowed
from station.places.directory import list_communities, list_grids
from station.places.records import CommunityRecord, GridRecord
from station.stats.figures import month_figures
from station.stats.records import MonthFigures

WHOLE_COMMUNITY = ""
# A street account's scopes: the roll-up of every community, or one community's own report.
STREET_ROLL_UP = "@street"
COMMUNITY = "@community:"
# Folds the keys of one typed month into one query.
SUMMARY_DELAY = 0.25
PERMISSIONS = {"print": "reports.print", "blank_forms": "reports.print", "lock_month": "month.lock",
               "unlock_month": "month.unlock"}


class ReportsScreen(StationScreen):
    CSS_PATH = "screen.tcss"
    HELP_TOPIC: ClassVar[str] = "reports"
    BINDINGS = bindings("screen.print", "reports.blank", "reports.lock", "reports.unlock")

    def __init__(self) -> None:
        super().__init__()
        self.grids: dict[str, GridRecord] = {}
        self.communities: dict[str, CommunityRecord] = {}
        self.figures: MonthFigures | None = None
        self.generation = 0
        self.pending: Timer | None = None

    def compose(self) -> ComposeResult:
        yield TopBar("nav.reports")
        with Vertical(id="reports"):
            with Vertical(id="monthly-box", classes="section") as monthly:
                monthly.border_title = self.t("reports.monthly_title")
                with Horizontal(id="month-row"):
                    yield Label(self.t("reports.month"), classes="field-label")
                    yield Input(month_text(*last_month(self.station.database.now().date())), id="month",
                                max_length=10)
                    yield Label(self.t("reports.scope"), classes="field-label")
                    yield Select([(self.t("reports.whole_community"), WHOLE_COMMUNITY)], id="scope",
                                 allow_blank=False)
                yield FormError(id="month-error")
                yield Static("…", id="month-summary")
            with Vertical(id="blank-box", classes="section") as blank:
                blank.border_title = self.t("reports.blank_title")
                yield Static(self.t("reports.blank_hint"), id="blank-hint", markup=False)
            yield MonthLocks(id="locks-box")
        yield station_footer()

    def on_mount(self) -> None:
        if self.station.actor.sees_all_communities:
            self.call(list_communities, on_done=self.show_communities)
        else:
            self.call(list_grids, on_done=self.show_grids)
        self.query_one("#month", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Keys the role may not use are hidden (False; None would only grey them out).
        permission = PERMISSIONS.get(action)
        return permission is None or allowed(self.station.actor, permission)

    # --- month and scope ------------------------------------------------------------------------

    def show_grids(self, grids: list[GridRecord]) -> None:
        self.grids = {grid.code: grid for grid in grids}
        options = [(f"{grid.code} {grid.name}", grid.code) for grid in grids]
        if self.station.actor.grid_ids is None or not options:  # a grid worker reports on own grids
            options.insert(0, (self.t("reports.whole_community"), WHOLE_COMMUNITY))
        self.query_one("#scope", Select).set_options(options)
        self.refresh_summary()

    def show_communities(self, communities: list[CommunityRecord]) -> None:
        """A street account chooses the street's roll-up or one community's report."""
        self.communities = {f"{COMMUNITY}{c.code}": c for c in communities}
        options = [(self.t("reports.street_roll_up"), STREET_ROLL_UP)]
        options += [(f"{c.code} {c.name}", value) for value, c in self.communities.items()]
        self.query_one("#scope", Select).set_options(options)
        self.refresh_summary()

    def scope_value(self) -> str:
        value = self.query_one("#scope", Select).value
        return value if isinstance(value, str) else WHOLE_COMMUNITY

    def scope_code(self) -> str | None:
        """The grid chosen, None for a whole community or a street account's scopes."""
        value = self.scope_value()
        return value if value in self.grids else None

    def scope_community(self) -> int | None:
        """The community a street account chose, None otherwise."""
        community = self.communities.get(self.scope_value())
        return community.id if community is not None else None

    def chosen_month(self) -> tuple[int, int] | None:
        """The month typed, or None after saying what is wrong."""
        chosen = typed_month(self.query_one("#month", Input).value)
        if chosen is None:
            self.query_one("#month-error", FormError).show(self.t("reports.bad_month"))
            self.query_one("#month", Input).focus()
        return chosen

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#month-error", FormError).clear()
        self._summary_soon()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.chosen_month() is not None:
            self.refresh_summary()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._summary_soon()

    def _summary_soon(self) -> None:
        if self.pending is not None:
            self.pending.stop()
        self.pending = self.set_timer(SUMMARY_DELAY, self.refresh_summary)

    def refresh_summary(self) -> None:
        """Ask for the chosen month's figures; answers to an earlier choice are dropped."""
        self.generation += 1
        chosen = typed_month(self.query_one("#month", Input).value)
        if chosen is None:
            self.query_one("#month-summary", Static).update("—")
            return
        code = self.scope_code()
        grid_id = self.grids[code].id if code is not None else None
        self.call(month_figures, *chosen, grid_id, self.scope_community(), on_done=partial(self.show_figures, self.generation),
                  on_error=partial(self.show_figures_error, self.generation))

    def show_figures(self, generation: int, figures: MonthFigures) -> None:
        if generation == self.generation:
            self.figures = figures
            self._show_summary()

    def show_figures_error(self, generation: int, error: StationError) -> None:
        if generation == self.generation:
            self.figures = None
            self.query_one("#month-summary", Static).update(Text(self.error_text(error), style="red"))

    def _show_summary(self) -> None:
        figures = self.figures
        if figures is None:
            return
        lock = self.query_one(MonthLocks).lock_of(figures.year, figures.month)
        month = self.t("reports.month_name", year=figures.year, month=figures.month)
        state = (self.t("reports.locked_by", month=month, user=lock.locked_by, at=f"{lock.locked_at:%Y-%m-%d %H:%M}")
                 if lock else self.t("reports.not_locked", month=month))
        if figures.as_of is not None:
            state += " · " + self.t("reports.as_of", at=f"{figures.as_of:%Y-%m-%d %H:%M}")
        self.query_one("#month-summary", Static).update(Group(figures_table(self.t, figures),
                                                              Text(state, style="dim")))

    # --- printing -------------------------------------------------------------------------------

    def action_print(self) -> None:
        chosen = self.chosen_month()
        if chosen is None:
            return
        if self.scope_value() == STREET_ROLL_UP:
            start_print(self, print_street_monthly, *chosen)
        else:
            start_print(self, print_monthly, *chosen, grid_code=self.scope_code(),
                        community_id=self.scope_community())

    def action_blank_forms(self) -> None:
        self.app.push_screen(BlankFormsDialog(self.t("reports.blank_title"), self.t("reports.blank_question")),
                             callback=self._print_blank)

    def _print_blank(self, form: str | None) -> None:
        if form == "household":
            start_print(self, print_household, None)
        elif form == "visits":
            start_print(self, print_visits, None)

    # --- month locks (the box does the work; the month comes from the field above) --------------

    def action_lock_month(self) -> None:
        chosen = self.chosen_month()
        if chosen is not None:
            self.query_one(MonthLocks).ask_lock(chosen)

    def action_unlock_month(self) -> None:
        chosen = self.chosen_month()
        if chosen is not None:
            self.query_one(MonthLocks).ask_unlock(chosen)

    def on_month_locks_changed(self, event: MonthLocks.Changed) -> None:
        self._show_summary()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.query_one("#month", Input).value = str(event.row_key.value)
        self.query_one("#month", Input).focus()


class BlankFormsDialog(Dialog[str]):
    """Which blank form to write: the household registration form or the visit sheet."""

    def compose_buttons(self) -> ComposeResult:
        yield Button(self.t("reports.blank_household"), id="household", variant="primary")
        yield Button(self.t("reports.blank_visits"), id="visits", variant="primary")
        yield Button(self.t("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#household", Button).focus()

    def result_for(self, button_id: str) -> str | None:
        return button_id if button_id in ("household", "visits") else None

"""Service log (走访记录, F4): visits filtered by worker, grid, type and dates; what is due this week.

Ctrl+W switches between the two lists. Ctrl+N logs a visit, Enter on a due row visits that
resident (or completes the plan), Ctrl+D completes a planned visit, F9 prints the week's 走访记录表
and Ctrl+B a blank one. Each list holds at most visit_log.LIST_CAP rows and says so when cut.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import DataTable, TabbedContent, TabPane

from reports.print_jobs import print_visits
from screens.base import StationScreen
from screens.keys import bindings
from screens.visits.complete import CompleteVisitDialog
from screens.visits.due import DueView
from screens.visits.form import NewVisitScreen, VisitTarget, visits_saved
from screens.visits.log import LogView
from screens.visits.tables import DueTable, VisitTable, planned_visit
from screens.visits.weeks import week_of
from screens.widgets.dialogs import MessageDialog
from screens.widgets.labels import TopBar, station_footer
from screens.widgets.printing import start_print
from station.errors import PermissionDenied
from station.masking import mask_text
from station.permissions import allowed, require
from station.visits.records import DueVisitRecord, VisitRecord
from station.visits.view_records import WorkerOption
from station.visits.views import list_workers

WRITE_ACTIONS = frozenset({"new_visit", "complete_visit"})
PRINT_ACTIONS = frozenset({"print", "print_blank"})


class VisitsScreen(StationScreen):
    CSS_PATH = "screen.tcss"
    HELP_TOPIC: ClassVar[str] = "visits"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = bindings("visits.new", "visits.complete", "visits.switch", "visits.filter", "screen.print",
                        "visits.print_blank")

    def __init__(self) -> None:
        super().__init__()
        self.today = self.station.database.now().date()
        self.worker_options: list[WorkerOption] = []
        self.saves_seen = visits_saved(self.app)

    def compose(self) -> ComposeResult:
        yield TopBar("nav.visits")
        with TabbedContent(id="views"):
            with TabPane(self.t("visits.log_tab"), id="log-view"):
                yield LogView(self.today, id="log")
            with TabPane(self.t("visits.due_tab"), id="due-view"):
                yield DueView(self.today, id="due")
        yield station_footer()

    def on_mount(self) -> None:
        self.call(list_workers, include_disabled=True, on_done=self.show_workers)
        self.query_one(VisitTable).focus()

    def server_changed(self, down: bool) -> None:
        """Read again once the database server is back: what was shown may be stale."""
        if not down:
            self.reload(True)

    def show_workers(self, workers: list[WorkerOption]) -> None:
        self.worker_options = workers
        self.query_one(LogView).set_workers(workers)
        self.query_one(DueView).set_workers(workers)

    def reload(self, changed: Any = None) -> None:
        """After a save, both lists again (a dialog closed without saving changes nothing)."""
        if changed is not None:
            self.query_one(LogView).load()
            self.query_one(DueView).load()

    def on_screen_resume(self) -> None:
        # A visit form (opened here or from the palette) saved something while it was on top.
        if visits_saved(self.app) != self.saves_seen:
            self.saves_seen = visits_saved(self.app)
            self.reload(True)

    # --- views -----------------------------------------------------------------------------------

    def _due_view(self) -> bool:
        return self.query_one(TabbedContent).active == "due-view"

    def _table(self) -> VisitTable | DueTable:
        return self.query_one(DueTable) if self._due_view() else self.query_one(VisitTable)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self._table().focus()

    def action_switch_view(self) -> None:
        self.query_one(TabbedContent).active = "log-view" if self._due_view() else "due-view"

    def action_focus_filters(self) -> None:
        if self._due_view():
            self.action_switch_view()
        self.query_one(LogView).focus_filters()

    # --- rows: details, visits, plans ------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if isinstance(event.data_table, DueTable):
            self._visit_due(event.data_table.selected())
        elif isinstance(event.data_table, VisitTable):
            self._show_detail(event.data_table.selected())

    def _visit_due(self, item: DueVisitRecord | None) -> None:
        if item is None or not self._may_write():
            return
        if item.source == "plan":
            self.action_complete_visit()
            return
        target = VisitTarget(item.person_id, item.household_id, item.person_name, item.household_number,
                             item.grid_name)
        self.app.push_screen(NewVisitScreen(target))

    def _show_detail(self, visit: VisitRecord | None) -> None:
        if visit is None:
            return
        lines = [self.t("visits.detail_head", day=str(visit.done_on or visit.planned_on), kind=visit.kind_name,
                        worker=visit.worker_name),
                 self.t("visits.detail_who", person=visit.person_name or "—",
                        number=visit.household_number or "—", grid=visit.grid_name),
                 "", mask_text(visit.content) or "—"]
        if visit.follow_up_on:
            lines.append(self.t("visits.detail_follow_up", day=str(visit.follow_up_on)))
        if not visit.is_done:
            lines.append(self.t("visits.detail_planned"))
        self.app.push_screen(MessageDialog(self.t("visits.detail_title"), "\n".join(lines)))

    def action_new_visit(self) -> None:
        self.app.push_screen(NewVisitScreen())

    def action_complete_visit(self) -> None:
        if not self._may_write():
            return
        plan = planned_visit(self._table().selected())
        if plan is None:
            self.notify(self.t("visits.not_planned"), severity="warning")
            return
        self.app.push_screen(CompleteVisitDialog(plan, self.today), callback=self.reload)

    # --- printing and permissions ----------------------------------------------------------------

    def action_print(self) -> None:
        worker = self._print_worker()
        if worker is None:
            self.notify(self.t("visits.print_who"), severity="warning")
            return
        monday, sunday = week_of(self.today)
        start_print(self, print_visits, (worker.username, monday, sunday))

    def _print_worker(self) -> WorkerOption | None:
        """The due list's worker on that view, else the filter's; else the user themself."""
        if self._due_view():
            wanted = self.query_one(DueView).worker_id()
        else:
            wanted = self.query_one(LogView).criteria.worker_id
        wanted = wanted if wanted is not None else self.station.actor.user_id
        return next((worker for worker in self.worker_options if worker.id == wanted), None)

    def action_print_blank(self) -> None:
        start_print(self, print_visits, None)

    def _may_write(self) -> bool:
        """True when the user may log visits; else the service's refusal is shown."""
        try:
            require(self.station.actor, "visits.write")
        except PermissionDenied as refused:
            self.station.show_error(refused)
            return False
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides the key (Textual shows a None key dimmed): a role without the permission
        # does not get it at all.
        actor = self.station.actor
        if action in WRITE_ACTIONS:
            return allowed(actor, "visits.write")
        if action in PRINT_ACTIONS:
            return allowed(actor, "reports.print")
        return True

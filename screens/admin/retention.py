"""到期去标识 for administrators: who is past the retention limit, and de-identifying them.

The list is the dry run; Ctrl+D asks once (it cannot be undone) and runs it in a worker, then
shows what was blanked. The same service as `station retention`.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from screens.base import StationScreen
from screens.keys import bindings
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.labels import TopBar, station_footer
from screens.widgets.tables import FittedTable
from station.retention.deidentify import run_retention
from station.retention.departed import plan_retention
from station.retention.records import RetentionPlan, RetentionResult

COLUMNS = ("name", "id_number", "reason", "since")


class RetentionScreen(StationScreen):
    """The people past the limit; the run after one confirmation."""

    CSS_PATH = "retention.tcss"
    BINDINGS = bindings("retention.run", "retention.back")
    HELP_TOPIC = "retention"

    def __init__(self) -> None:
        super().__init__()
        self.plan: RetentionPlan | None = None

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(self.t("retention.title"), id="retention-title")
        yield Static(self.t("retention.loading"), id="retention-note", markup=False)
        yield FittedTable(id="retention-people", cursor_type="row", zebra_stripes=True)
        yield station_footer()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        self.call(plan_retention, on_done=self.show)

    def show(self, plan: RetentionPlan) -> None:
        self.plan = plan
        self.query_one("#retention-note", Static).update(self.t(
            "retention.limit", years=plan.years, cutoff=plan.cutoff.isoformat(), count=len(plan.people)))
        rows = [(str(person.person_id), (person.name, person.id_number, self.t(f"retention.{person.reason}"),
                                         person.since.isoformat())) for person in plan.people]
        table = self.query_one(FittedTable)
        table.show_rows([(column, self.t(f"retention.col_{column}")) for column in COLUMNS], rows)
        table.focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run_retention":
            return bool(self.plan and self.plan.people)
        return True

    def action_run_retention(self) -> None:
        if not (self.plan and self.plan.people):
            return
        question = ConfirmDialog(self.t("retention.confirm_title"),
                                 self.t("retention.confirm", count=len(self.plan.people)))
        self.app.push_screen(question, callback=self._run_if_confirmed)

    def _run_if_confirmed(self, confirmed: bool | None) -> None:
        if confirmed and self.plan is not None:
            self.query_one("#retention-note", Static).update(self.t("retention.running"))
            self.call(run_retention, self.plan, on_done=self._done)

    def _done(self, result: RetentionResult) -> None:
        self.notify(self.t("retention.done", **result.as_dict()), timeout=20)
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

"""The service log's due view: whose week (a grid worker's own), a count, and what is due."""

from __future__ import annotations

from datetime import date
from functools import partial

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Select, Static

from screens.base import Localized
from screens.visits.log import LIST_CAP
from screens.visits.tables import DueTable
from station.visits.log import due_this_week
from station.visits.records import DueVisitRecord
from station.visits.view_records import WorkerOption


class DueView(Localized, Vertical):
    """Visits due by Sunday for the chosen worker (everyone's when none is chosen)."""

    def __init__(self, today: date, *, id: str | None = None):  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.today = today
        self.generation = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="due-head"):
            yield Select[int]([], prompt=self.t("visits.all_workers"), id="due-worker", compact=True)
            yield Static("", id="due-note", markup=False)
        yield DueTable(id="due-table")

    @property
    def own_only(self) -> bool:
        """A grid worker's list is their own: no choice of worker."""
        return self.station.actor.grid_ids is not None

    def set_workers(self, workers: list[WorkerOption]) -> None:
        select = self.query_one("#due-worker", Select)
        select.set_options([(worker.display_name, worker.id) for worker in workers if not worker.disabled])
        select.display = not self.own_only
        self.load()

    def worker_id(self) -> int | None:
        if self.own_only:
            return self.station.actor.user_id
        select = self.query_one("#due-worker", Select)
        return select.value if isinstance(select.value, int) else None

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.load()

    def load(self) -> None:
        self.generation += 1
        self.call(due_this_week, self.worker_id(), on_done=partial(self.show, self.generation))

    def show(self, generation: int, items: list[DueVisitRecord]) -> None:
        if generation != self.generation:
            return
        self.query_one(DueTable).show(items[:LIST_CAP], self.today)
        overdue = sum(1 for item in items if item.overdue)
        note = self.t("visits.due_count", count=len(items), overdue=overdue) if items else self.t("visits.due_none")
        if len(items) > LIST_CAP:
            note = f"{note}  {self.t('visits.capped', count=LIST_CAP)}"
        self.query_one("#due-note", Static).update(note)

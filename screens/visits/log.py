"""The service log's list view: the filter row, a note (count, cap or a bad date) and the visits."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from screens.base import Localized
from screens.visits.filters import VisitCriteria, VisitFilters
from screens.visits.tables import VisitTable
from station.places.directory import list_grids
from station.visits.log import list_visits
from station.visits.records import VisitRecord
from station.visits.view_records import WorkerOption

# Rows a list holds at most (newest first); the note says when more matched.
LIST_CAP = 500


class LogView(Localized, Vertical):
    """Visits matching the filters; reloads when they change and answers only the latest query."""

    def __init__(self, today: date, *, id: str | None = None):  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.today = today
        self.criteria = VisitCriteria()
        self.generation = 0

    def compose(self) -> ComposeResult:
        yield VisitFilters(self.today, id="filters")
        yield Static("", id="log-note", markup=False)
        yield VisitTable(id="log-table")

    def on_mount(self) -> None:
        self.call(list_grids, on_done=self.query_one(VisitFilters).set_grids)
        self.load()

    def set_workers(self, workers: list[WorkerOption]) -> None:
        self.query_one(VisitFilters).set_workers(workers)

    def load(self) -> None:
        self.generation += 1
        self.call(list_visits, limit=LIST_CAP + 1, **asdict(self.criteria),
                  on_done=partial(self.show, self.generation))

    def show(self, generation: int, visits: list[VisitRecord]) -> None:
        if generation != self.generation:
            return  # an answer to filters changed meanwhile
        self.query_one(VisitTable).show(visits[:LIST_CAP], self.today)
        if len(visits) > LIST_CAP:
            note = self.t("visits.capped", count=LIST_CAP)
        else:
            note = self.t("visits.count", count=len(visits)) if visits else self.t("visits.none")
        self._note(note)

    def _note(self, text: str, *, problem: bool = False) -> None:
        note = self.query_one("#log-note", Static)
        note.update(text)
        note.set_class(problem, "-problem")

    def on_visit_filters_changed(self, event: VisitFilters.Changed) -> None:
        self.criteria = event.criteria
        self.load()

    def on_visit_filters_invalid(self, event: VisitFilters.Invalid) -> None:
        self._note(event.message, problem=True)

    def focus_filters(self) -> None:
        self.query_one(VisitFilters).focus_first()

"""The service log's filter row: worker, grid, type and a date range; tells the screen what changed.

Selects apply at once; a date applies on Enter or when the field is left, so half-typed dates
never reach the database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select

from screens.base import Localized
from screens.widgets.filter_row import FilterRow
from screens.widgets.list_search import ListSearch
from station.dates import NoSuchDay, parse_day
from station.places.records import GridRecord
from station.visits.log import VISIT_KINDS
from station.visits.view_records import WorkerOption

DATE_FIELDS = ("filter-from", "filter-to")


@dataclass(frozen=True)
class VisitCriteria:
    """What the list shows; None means any."""

    worker_id: int | None = None
    grid_id: int | None = None
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    query: str = ""  # as the ledger's search box: name, pinyin initials, ID tail, 户号


class VisitFilters(FilterRow):
    """Selects and date fields; posts Changed with new criteria, or Invalid with a message."""

    class Changed(FilterRow.Changed):
        """The criteria changed (`criteria`: VisitCriteria)."""

    class Invalid(FilterRow.Invalid):
        """A date field holds what cannot be read (`message` says which)."""

    def __init__(self, today: date, *, id: str | None = None):  # noqa: A002 - Textual's name
        super().__init__(today, VisitCriteria(), id=id)

    def compose(self) -> ComposeResult:
        yield ListSearch(self.t("visits.search_placeholder"), "#log-table", id="filter-query")
        yield Select[int]([], prompt=self.t("visits.all_workers"), id="filter-worker", compact=True)
        yield Select[int]([], prompt=self.t("visits.all_grids"), id="filter-grid", compact=True)
        yield Select[str]([(name, kind) for kind, name in VISIT_KINDS.items()],
                          prompt=self.t("visits.all_kinds"), id="filter-kind", compact=True)
        yield Input(placeholder=self.t("visits.date_from"), id="filter-from", max_length=10, compact=True)
        yield Input(placeholder=self.t("visits.date_to"), id="filter-to", max_length=10, compact=True)

    def set_workers(self, workers: list[WorkerOption]) -> None:
        options = [(_worker_label(self, worker), worker.id) for worker in workers]
        self.query_one("#filter-worker", Select).set_options(options)

    def set_grids(self, grids: list[GridRecord]) -> None:
        self.query_one("#filter-grid", Select).set_options([(grid.name, grid.id) for grid in grids])

    def focus_first(self) -> None:
        self.query_one(ListSearch).focus()

    def on_list_search_search(self, event: ListSearch.Search) -> None:
        event.stop()
        self.criteria = replace(self.criteria, query=event.query)
        self.post_message(self.Changed(self.criteria))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.apply()

    def read(self) -> VisitCriteria:
        date_from, date_to = (self._day(field) for field in DATE_FIELDS)
        if date_from and date_to and date_from > date_to:
            raise ValueError(self.t("visits.from_after_to"))
        kind = _chosen(self.query_one("#filter-kind", Select))
        return VisitCriteria(worker_id=_chosen_id(self.query_one("#filter-worker", Select)),
                             grid_id=_chosen_id(self.query_one("#filter-grid", Select)),
                             kind=str(kind) if kind is not None else None,
                             date_from=date_from, date_to=date_to, query=self.criteria.query)

    def _day(self, field: str) -> date | None:
        typed = self.query_one(f"#{field}", Input).value
        label = self.t("visits.date_from") if field == "filter-from" else self.t("visits.date_to")
        try:
            return parse_day(typed, self.today)
        except NoSuchDay:
            raise ValueError(self.t("visits.no_such_day", field=label, value=typed.strip())) from None
        except ValueError:
            raise ValueError(self.t("visits.bad_date", field=label, today=self.today.isoformat())) from None


def _chosen(select: Select[Any]) -> object | None:
    return None if select.is_blank() else select.value


def _chosen_id(select: Select[Any]) -> int | None:
    value = _chosen(select)
    return value if isinstance(value, int) else None


def _worker_label(owner: Localized, worker: WorkerOption) -> str:
    return owner.t("visits.disabled_worker", name=worker.display_name) if worker.disabled \
        else worker.display_name

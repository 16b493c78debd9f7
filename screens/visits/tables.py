"""The service log's two lists: visits (done and planned) and what is due this week."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from screens.base import Localized
from screens.keys import bindings
from screens.visits.complete import PlannedVisit
from screens.widgets.tables import FittedTable
from station.masking import mask_text
from station.visits.records import DueVisitRecord, VisitRecord

VISIT_COLUMNS = ("date", "state", "kind", "worker", "household", "person", "grid", "content", "follow_up")
DUE_COLUMNS = ("due_on", "state", "worker", "person", "household", "grid", "what", "source")
CONTENT_CHARS = 10
PLANNED_STYLE, OVERDUE_STYLE = "bold dark_orange", "bold red"


class VisitTable(Localized, FittedTable[str | Text]):
    """Visits newest first; planned ones are marked (overdue plans in red). Enter shows one in full."""

    BINDINGS = bindings("visits.detail")

    def __init__(self, *, id: str | None = None):  # noqa: A002 - Textual's name
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.visits: list[VisitRecord] = []

    # On a narrow terminal the date, state, who and whom stay; the grid and the follow-up go first.
    DROP_ORDER = ("grid", "follow_up", "kind")

    def on_mount(self) -> None:
        self.show([], date.min)

    def show(self, visits: list[VisitRecord], today: date) -> None:
        self.visits = visits
        self.show_rows([(column, self.t(f"visits.col_{column}")) for column in VISIT_COLUMNS],
                       [(str(visit.id), self._cells(visit, today)) for visit in visits])

    def _cells(self, visit: VisitRecord, today: date) -> tuple[str | Text, ...]:
        day = visit.done_on or visit.planned_on
        return (str(day), self._state(visit, today), visit.kind_name, visit.worker_name,
                visit.household_number or "—", visit.person_name or "—", visit.grid_name,
                _short(mask_text(visit.content)), str(visit.follow_up_on or ""))

    def _state(self, visit: VisitRecord, today: date) -> str | Text:
        if visit.is_done:
            return ""
        if visit.planned_on is not None and visit.planned_on < today:
            return Text(self.t("visits.state_late"), style=OVERDUE_STYLE)
        return Text(self.t("visits.state_planned"), style=PLANNED_STYLE)

    def selected(self) -> VisitRecord | None:
        if not self.visits or self.cursor_row < 0:
            return None
        return self.visits[min(self.cursor_row, len(self.visits) - 1)]

    def action_open_row(self) -> None:
        self.action_select_cursor()


class DueTable(Localized, FittedTable[str | Text]):
    """Visits to make by Sunday, overdue first for each worker. Enter visits (or completes a plan)."""

    BINDINGS = bindings("visits.start")

    def __init__(self, *, id: str | None = None):  # noqa: A002 - Textual's name
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.items: list[DueVisitRecord] = []

    DROP_ORDER = ("grid", "source", "household")

    def on_mount(self) -> None:
        self.show([], date.min)

    def show(self, items: list[DueVisitRecord], today: date) -> None:
        self.items = items
        self.show_rows([(column, self.t(f"visits.col_{column}")) for column in DUE_COLUMNS],
                       [(str(index), self._cells(item, today)) for index, item in enumerate(items)])

    def _cells(self, item: DueVisitRecord, today: date) -> tuple[str | Text, ...]:
        source = self.t("visits.source_plan") if item.source == "plan" else self.t("visits.source_register")
        return (str(item.due_on), self._state(item, today), item.worker_name or self.t("visits.no_worker"),
                item.person_name or "—", item.household_number or "—", item.grid_name, item.what, source)

    def _state(self, item: DueVisitRecord, today: date) -> str | Text:
        if item.overdue:
            return Text(self.t("visits.overdue_days", days=(today - item.due_on).days), style=OVERDUE_STYLE)
        if item.due_on == today:
            return Text(self.t("visits.due_today"), style=PLANNED_STYLE)
        return self.t("weekdays").split(",")[item.due_on.weekday()]

    def selected(self) -> DueVisitRecord | None:
        if not self.items or self.cursor_row < 0:
            return None
        return self.items[min(self.cursor_row, len(self.items) - 1)]

    def action_open_row(self) -> None:
        self.action_select_cursor()


def planned_visit(item: VisitRecord | DueVisitRecord | None) -> PlannedVisit | None:
    """The planned visit a row stands for (None for done visits and register entries)."""
    if isinstance(item, VisitRecord) and not item.is_done and item.planned_on is not None:
        return PlannedVisit(item.id, item.version, item.person_name or item.household_number,
                            item.kind_name, item.planned_on)
    if isinstance(item, DueVisitRecord) and item.source == "plan" and item.visit_id is not None:
        return PlannedVisit(item.visit_id, item.visit_version or 0, item.person_name or item.household_number,
                            item.what, item.due_on)
    return None


def _short(content: str) -> str:
    first_line = content.strip().splitlines()[0] if content.strip() else ""
    return first_line if len(first_line) <= CONTENT_CHARS else first_line[:CONTENT_CHARS - 1] + "…"

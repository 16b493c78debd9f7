"""Plain records for the service log (走访/服务记录)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class VisitRecord:
    id: int
    community_id: int
    grid_id: int
    grid_name: str
    household_id: int | None
    household_number: str
    person_id: int | None
    person_name: str
    worker_id: int
    worker_name: str
    kind: str
    kind_name: str
    planned_on: date | None
    done_on: date | None
    content: str
    follow_up_on: date | None
    version: int

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


@dataclass(frozen=True)
class DueVisitRecord:
    """A visit to make by the end of the week: a register entry due for a visit, or a planned visit."""

    source: str  # register | plan
    worker_id: int | None
    worker_name: str
    due_on: date
    overdue: bool
    person_id: int | None
    person_name: str
    household_id: int | None
    household_number: str
    grid_id: int | None
    grid_name: str
    what: str  # register category name, or visit kind name
    entry_id: int | None = None
    visit_id: int | None = None
    # The planned visit's version, for complete_visit.
    visit_version: int | None = None

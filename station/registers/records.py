"""Plain records for the special-needs registers (重点人群台账)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class RegisterEntryRecord:
    """One person in one register, with where they live and how their visits stand.

    Values are raw (full ID number and phone): masking is the UI's job.
    """

    id: int
    community_id: int
    person_id: int
    person_name: str
    id_number: str
    sex: str
    birth_date: date
    age: int
    phone: str
    household_id: int | None
    household_number: str
    address: str
    grid_id: int | None
    grid_name: str
    category: str
    category_name: str
    start_on: date
    end_on: date | None
    end_reason: str
    worker_id: int | None
    worker_name: str
    visit_every_days: int
    notes: str
    version: int
    last_visit_on: date | None
    # None and "" once the entry has ended: an ended entry needs no visits.
    next_visit_due: date | None
    visit_state: str  # ok | due_soon | overdue | ""
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.end_on is None


@dataclass(frozen=True)
class CandidateRecord:
    """A person who *may* qualify for 特困 support: a flag for a worker to check, never a decision."""

    person_id: int
    name: str
    id_number: str
    sex: str
    birth_date: date
    age: int
    household_id: int | None
    household_number: str
    grid_id: int | None
    grid_name: str
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)

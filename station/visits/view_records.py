"""Plain records for the service-log screens: the workers a visit can be given to, a logged visit."""

from __future__ import annotations

from dataclasses import dataclass

from station.visits.records import VisitRecord


@dataclass(frozen=True)
class WorkerOption:
    """An account that may make visits, as a choice in a list."""

    id: int
    username: str
    display_name: str
    role: str
    disabled: bool


@dataclass(frozen=True)
class VisitLogged:
    """A visit just logged, and the follow-up visit planned with it (if a day was given)."""

    visit: VisitRecord
    plan: VisitRecord | None = None

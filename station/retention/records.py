"""What a retention run would remove, and what it removed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Departed:
    """A person past the limit: who (ID masked), why and since when."""

    person_id: int
    name: str
    id_number: str  # masked
    reason: str  # "moved_out" | "died"
    since: date


@dataclass(frozen=True)
class RetentionPlan:
    """Everyone whose data is past the limit on `cutoff` (left or died before it)."""

    years: int
    cutoff: date
    people: tuple[Departed, ...]


@dataclass(frozen=True)
class RetentionResult:
    """How many rows a run blanked or dropped (the counts its audit row keeps)."""

    persons: int
    search_keys: int
    register_entries: int
    visits: int
    requests: int
    households: int
    audit_rows: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

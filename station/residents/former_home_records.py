"""Plain record for a person's last household, opened as history (deceased or moved away)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class FormerHome:
    """Where a person without a current household last lived, and how they left it."""

    person_id: int
    person_name: str
    household_id: int
    household_number: str
    relation: str  # GB/T 4761 code in that household
    joined_on: date
    left_on: date | None
    left_reason: str
    status: str  # deceased | moved_out | active (left with no later household: e.g. a split gone wrong)
    deceased_on: date | None = None

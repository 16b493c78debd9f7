"""Plain records for the resident search box."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SearchHit:
    """One resident found by the search box; id_number and phone are raw (the UI masks them)."""

    person_id: int
    name: str
    sex: str
    birth_date: date
    id_number: str
    phone: str
    household_id: int | None
    household_number: str
    address: str  # building/unit/room as one text, else the household's address
    grid_id: int | None
    grid_name: str
    relation: str  # GB/T 4761 code; "" without a current household
    status: str  # active | moved_out | deceased
    # Without a current household: the one the person last lived in (opened as history).
    last_household_id: int | None = None
    last_household_number: str = ""

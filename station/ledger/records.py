"""Plain records and drafts for the household ledger (住户台账)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from station.places.records import BuildingRecord, GridRecord
from station.residents.records import PersonDraft, PersonRecord, Warning


@dataclass(frozen=True)
class HouseholdDraft:
    """A household to register: where it is, and its members (exactly one head)."""

    grid_id: int
    members: tuple[PersonDraft, ...]
    number: str = ""  # 户号; generated when empty
    building_id: int | None = None
    unit: str = ""
    room: str = ""
    address: str = ""
    kind: str = "registered"  # registered (户籍户) | dwelling (居住户)
    phone: str = ""
    notes: str = ""
    registered_on: date | None = None


@dataclass(frozen=True)
class HouseholdRecord:
    id: int
    community_id: int
    grid_id: int
    grid_name: str
    number: str
    building_id: int | None
    building_name: str
    unit: str
    room: str
    address: str
    kind: str
    phone: str
    status: str
    notes: str
    moved_out_on: date | None
    version: int
    members: tuple[PersonRecord, ...] = field(default_factory=tuple)

    @property
    def head(self) -> PersonRecord | None:
        return next((m for m in self.members if m.relation == "02"), None)


@dataclass(frozen=True)
class SaveResult:
    """A saved household with any warnings the clerk should see."""

    household: HouseholdRecord
    warnings: tuple[Warning, ...] = ()


@dataclass(frozen=True)
class LedgerTotals:
    """Living households and residents (living.py's definition) in the actor's scope now."""

    households: int
    residents: int


@dataclass(frozen=True)
class RegisterStart:
    """What the new-household form opens with: the grids the user may choose, and the place chosen
    (the one this user registered in last, else the first grid) with its buildings and units."""

    grids: tuple[GridRecord, ...]
    grid_id: int | None
    buildings: tuple[BuildingRecord, ...]
    building_id: int | None
    units: tuple[str, ...]
    unit: str

"""Plain records and drafts for the household ledger (住户台账)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class PersonDraft:
    """What a clerk types for one person; sex and birth date may be left empty (taken from the ID)."""

    name: str
    id_number: str
    relation: str = ""  # relation to head (code, name or synonym); "" where not in a household
    ethnicity: str = "01"
    phone: str = ""
    sex: str = ""
    birth_date: date | None = None
    id_type: str = "resident"  # resident | passport | other (境外人员)
    population_type: str = "registered"
    residence_state: str = "both"
    registered_address: str = ""
    political_status: str = ""
    marital_status: str = ""
    education: str = ""
    employment: str = ""
    moved_in_on: date | None = None
    notes: str = ""


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
class PersonRecord:
    id: int
    community_id: int
    name: str
    id_type: str
    id_number: str
    sex: str
    birth_date: date
    age: int
    ethnicity: str
    phone: str
    population_type: str
    residence_state: str
    registered_address: str
    political_status: str
    marital_status: str
    education: str
    employment: str
    moved_in_on: date | None
    moved_out_on: date | None
    deceased_on: date | None
    notes: str
    version: int
    household_id: int | None = None
    relation: str = ""
    registered_household_id: int | None = None


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
class Warning:
    """Something worth a second look that does not stop the save (e.g. same name + birth date)."""

    field: str
    message: str
    person_id: int | None = None


@dataclass(frozen=True)
class SaveResult:
    """A saved household with any warnings the clerk should see."""

    household: HouseholdRecord
    warnings: tuple[Warning, ...] = ()

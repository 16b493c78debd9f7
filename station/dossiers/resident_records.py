"""Plain records of a resident's own file (个人信息查阅单): what is held about them and who touched it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from station.registers.records import RegisterEntryRecord
from station.requests.records import RequestDetail
from station.residents.records import PersonRecord
from station.visits.records import VisitRecord


@dataclass(frozen=True)
class Housemate:
    """Someone who lived in a household while the resident did; numbers masked (not their copy)."""

    name: str
    relation: str  # GB/T 4761 code
    sex: str  # code
    birth_date: date | None
    id_number: str  # masked
    phone: str  # masked
    joined_on: date
    left_on: date | None


@dataclass(frozen=True)
class Stay:
    """A household the resident lived in, from joined_on to left_on (None: lives there now).

    visible=False: the household is outside the actor's scope; only the dates are given.
    """

    household_id: int
    visible: bool
    number: str
    address: str
    grid_name: str
    relation: str  # the resident's relation to the head, GB/T 4761 code
    joined_on: date
    left_on: date | None
    left_reason: str
    housemates: tuple[Housemate, ...] = ()


@dataclass(frozen=True)
class AccessEvent:
    """One audit row that touched the resident, told without the values it stored.

    entity is the audit row's: person (themselves), household, register_entry, visit, request,
    persons (a search by a whole number that found them) or an export's kind (a list that held them).
    """

    row_id: int
    at: datetime
    username: str
    action: str  # the audit action code: view, reveal, print, export, update, search, ...
    entity: str
    subject: str  # which of theirs: a household or request number, a register category; "" for themselves
    changed: tuple[str, ...]  # "table.column" of the values an update changed (never the values)
    note: str  # the row's own words, numbers masked and file paths left out ("" once retention blanked it)


@dataclass(frozen=True)
class ResidentDossier:
    """Everything held about one person, for their own copy: their numbers in full, others' masked.

    Register entries, visits and requests are given only when the actor may read them (the
    *_shown flags say which); the accesses always, as the resident's right to know.
    """

    person: PersonRecord
    registered_household_number: str  # 户籍 household when they live elsewhere (人户分离)
    stays: tuple[Stay, ...]
    registers: tuple[RegisterEntryRecord, ...]
    visits: tuple[VisitRecord, ...]
    requests: tuple[RequestDetail, ...]
    accesses: tuple[AccessEvent, ...]
    registers_shown: bool = True
    visits_shown: bool = True
    requests_shown: bool = True

    @property
    def withheld(self) -> bool:
        """True when a household of theirs lies outside the actor's scope (its details left out)."""
        return any(not stay.visible for stay in self.stays)

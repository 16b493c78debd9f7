"""One household's file (一户一档) read in one unit of work: the household, its members' register
entries, its visits and its requests, each part only when the actor may read it."""

from __future__ import annotations

from dataclasses import dataclass

from station import audit
from station.ledger.queries import get_household
from station.ledger.records import HouseholdRecord
from station.permissions import allowed
from station.registers.entries import entries_for_person
from station.registers.records import RegisterEntryRecord
from station.requests.queries import list_requests
from station.requests.records import RequestRecord
from station.residents.former_home import closing_reason
from station.uow import UnitOfWork
from station.visits.log import visits_for_household
from station.visits.records import VisitRecord


@dataclass(frozen=True)
class HouseholdFile:
    household: HouseholdRecord
    registers: tuple[RegisterEntryRecord, ...] = ()
    visits: tuple[VisitRecord, ...] = ()
    requests: tuple[RequestRecord, ...] = ()
    closed_reason: str = ""  # why no one lives here any more (moved out, merged, died)


def open_household_file(uow: UnitOfWork, household_id: int) -> HouseholdFile:
    """The household's file, opened by a person: who looked at whom is audited (one row per
    opening; a refresh after an edit is `household_file`, not another look)."""
    file = household_file(uow, household_id)
    household = file.household
    audit.record(uow, "view", "household", household_id, detail=f"查看住户档案 {household.number}",
                 community_id=household.community_id)
    uow.commit()
    return file


def household_file(uow: UnitOfWork, household_id: int) -> HouseholdFile:
    """Everything the household view shows, as plain records."""
    household = get_household(uow, household_id)
    actor = uow.actor
    registers: list[RegisterEntryRecord] = []
    if allowed(actor, "registers.read"):
        for member in household.members:
            registers.extend(entries_for_person(uow, member.id))
    visits = visits_for_household(uow, household_id) if allowed(actor, "visits.read") else []
    requests = (list_requests(uow, household_id=household_id)
                if allowed(actor, "requests.read") else [])
    closed = closing_reason(uow, household_id) if household.status != "active" else ""
    return HouseholdFile(household, tuple(registers), tuple(visits), tuple(requests), closed)

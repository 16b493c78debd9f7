"""A resident's own file (个人信息查阅单), for a person who asks at the counter what is held about them.

Gathered in one unit of work: the person (their ID and phone in full: it is their copy), every
household they lived in with whoever lived there at the same time (numbers masked), their register
entries, visits and requests, and the audit rows that touched them (station.dossiers.resident_access).
A clerk at the counter may run it (ledger.read); the person must be in the actor's scope. Nothing
is audited here: the printout is (station.printing.forms.record_print).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import Building, Grid, Household, Membership, Person, Unit
from station.dossiers.resident_access import access_events
from station.dossiers.resident_records import Housemate, ResidentDossier, Stay
from station.errors import NotFound, ValidationError
from station.idcard import mask_id
from station.ledger.queries import get_person
from station.permissions import allowed, require
from station.phone import mask_phone
from station.registers.entries import entries_for_person
from station.requests.queries import get_request, list_requests
from station.requests.records import RequestDetail, RequestRecord
from station.search.lookup import search
from station.uow import UnitOfWork
from station.visits.log import visits_for_person
from station.visits.records import VisitRecord

# Same-name residents listed when a name is not enough to tell who is meant.
LISTED = 10


def resident_dossier(uow: UnitOfWork, person_id: int) -> ResidentDossier:
    """Everything held about the person, and every recorded access to it (see the module)."""
    person = get_person(uow, person_id)  # ledger.read, and the person in scope
    stays = _stays(uow, person_id)
    actor = uow.actor
    registers = entries_for_person(uow, person_id) if allowed(actor, "registers.read") else []
    visits = _visits(uow, person_id, stays) if allowed(actor, "visits.read") else []
    requests = _requests(uow, person_id, stays) if allowed(actor, "requests.read") else []
    return ResidentDossier(
        person=person, registered_household_number=_number_of(uow, person.registered_household_id),
        stays=tuple(stays), registers=tuple(registers), visits=tuple(visits), requests=tuple(requests),
        accesses=tuple(access_events(uow, person_id, stays)),
        registers_shown=allowed(actor, "registers.read"), visits_shown=allowed(actor, "visits.read"),
        requests_shown=allowed(actor, "requests.read"),
    )


def find_resident(uow: UnitOfWork, text: str) -> int:
    """The one person meant by a full ID number or a full name; several of one name are listed
    (numbers masked) and the clerk is asked for the ID number."""
    require(uow.actor, "ledger.read")
    needle = (text or "").strip()
    if not needle:
        raise ValidationError("dossiers.resident_missing", field="person")
    hits = [hit for hit in search(uow, needle, limit=50)
            if hit.id_number.upper() == needle.upper() or hit.name == needle]
    if len(hits) == 1:
        return hits[0].person_id
    if not hits:
        raise NotFound("dossiers.resident_not_found", needle=needle, field="person")
    listing = ";".join(f"{hit.name} {mask_id(hit.id_number)} {hit.household_number or '—'}"
                       for hit in hits[:LISTED])
    raise ValidationError("dossiers.several_residents", needle=needle, count=len(hits), listing=listing,
                          field="person")


def during(stay: Stay, day: date) -> bool:
    """Whether the resident lived in the stay's household on that day."""
    return stay.joined_on <= day and (stay.left_on is None or day <= stay.left_on)


# --- households -------------------------------------------------------------------------------


def _stays(uow: UnitOfWork, person_id: int) -> list[Stay]:
    rows = uow.session.execute(
        select(Membership, Household).join(Household, Household.id == Membership.household_id)
        .where(Membership.person_id == person_id).order_by(Membership.joined_on, Membership.id))
    return [_stay(uow, membership, household) for membership, household in rows]


def _stay(uow: UnitOfWork, membership: Membership, household: Household) -> Stay:
    actor = uow.actor
    visible = (actor.community_id in (None, household.community_id)) and actor.sees_grid(household.grid_id)
    if not visible:
        return Stay(household.id, False, "", "", "", membership.relation, membership.joined_on,
                    membership.left_on, membership.left_reason)
    grid = uow.session.get(Grid, household.grid_id)
    return Stay(household.id, True, household.number, _address(uow, household), grid.name if grid else "",
                membership.relation, membership.joined_on, membership.left_on, membership.left_reason,
                tuple(_housemates(uow, membership)))


def _housemates(uow: UnitOfWork, stay: Membership) -> list[Housemate]:
    """The others whose time in the household overlapped the resident's, in joining order."""
    overlapping = [Membership.household_id == stay.household_id, Membership.person_id != stay.person_id,
                   (Membership.left_on.is_(None)) | (Membership.left_on >= stay.joined_on)]
    if stay.left_on is not None:
        overlapping.append(Membership.joined_on <= stay.left_on)
    rows = uow.session.execute(select(Membership, Person).join(Person, Person.id == Membership.person_id)
                               .where(*overlapping).order_by(Membership.joined_on, Membership.id))
    return [Housemate(person.name, membership.relation, person.sex, person.birth_date, mask_id(person.id_number),
                      mask_phone(person.phone), membership.joined_on, membership.left_on)
            for membership, person in rows]


def _address(uow: UnitOfWork, household: Household) -> str:
    building = uow.session.get(Building, household.building_id) if household.building_id else None
    unit = uow.session.get(Unit, household.unit_id) if household.unit_id else None
    room = household.room and f"{household.room}室"
    place = "".join(part for part in (building.name if building else "", unit.name if unit else "", room) if part)
    return " ".join(part for part in (household.address, place) if part)


def _number_of(uow: UnitOfWork, household_id: int | None) -> str:
    if household_id is None:
        return ""
    household = uow.session.get(Household, household_id)
    visible = household is not None and uow.actor.sees_grid(household.grid_id)
    return household.number if household is not None and visible else ""


# --- visits and requests ----------------------------------------------------------------------


def _visits(uow: UnitOfWork, person_id: int, stays: list[Stay]) -> list[VisitRecord]:
    """Their own visits, and household-wide ones made while they lived in that household."""
    found = visits_for_person(uow, person_id, [stay.household_id for stay in stays if stay.visible])
    return [visit for visit in found if visit.person_id == person_id or _while_there(visit, stays)]


def _while_there(visit: VisitRecord, stays: list[Stay]) -> bool:
    day = visit.done_on or visit.planned_on
    return day is not None and any(stay.household_id == visit.household_id and during(stay, day) for stay in stays)


def _requests(uow: UnitOfWork, person_id: int, stays: list[Stay]) -> list[RequestDetail]:
    """Their own requests, and household ones naming no person received while they lived there."""
    found: dict[int, RequestRecord] = {request.id: request for request in list_requests(uow, person_id=person_id)}
    for stay in stays:
        if stay.visible:
            found.update((request.id, request) for request in list_requests(uow, household_id=stay.household_id)
                         if request.person_id is None and during(stay, request.received_at.date()))
    ordered = sorted(found.values(), key=lambda request: (request.received_at, request.id))
    return [get_request(uow, request.id) for request in ordered]

"""Read the ledger: a household with its members (一户一档 core) and single persons."""

from __future__ import annotations

from sqlalchemy import select

from models import Building, Grid, Household, Membership, Person, Unit
from station.errors import NotFound
from station.idcard import age_on
from station.ledger.records import HouseholdRecord
from station.permissions import require
from station.residents.loading import current_membership, load_household, load_person
from station.residents.records import PersonRecord
from station.uow import UnitOfWork


def get_household(uow: UnitOfWork, household_id: int) -> HouseholdRecord:
    """A household the actor may see, with its current members (head first)."""
    require(uow.actor, "ledger.read")
    return household_record(uow, load_household(uow, household_id))


def find_household(uow: UnitOfWork, number: str) -> HouseholdRecord:
    """A household by its number (户号) within the actor's community."""
    require(uow.actor, "ledger.read")
    query = select(Household.id).where(Household.number == number.strip())
    if uow.actor.community_id is not None:
        query = query.where(Household.community_id == uow.actor.community_id)
    household_id = uow.session.scalar(query)
    if household_id is None:
        raise NotFound("ledger.number_not_found", number=number, field="number")
    return get_household(uow, household_id)


def get_person(uow: UnitOfWork, person_id: int) -> PersonRecord:
    """A person the actor may see, with their current household and relation."""
    require(uow.actor, "ledger.read")
    person = load_person(uow, person_id)
    membership = current_membership(uow, person_id)
    return person_record(uow, person, membership)


def household_record(uow: UnitOfWork, household: Household) -> HouseholdRecord:
    rows = uow.session.execute(
        select(Person, Membership)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.household_id == household.id, Membership.left_on.is_(None))
        .order_by(Membership.relation != "02", Membership.relation, Person.birth_date)
    ).all()
    members = tuple(person_record(uow, person, membership) for person, membership in rows)
    grid = uow.session.get(Grid, household.grid_id)
    building = uow.session.get(Building, household.building_id) if household.building_id else None
    unit = uow.session.get(Unit, household.unit_id) if household.unit_id else None
    return HouseholdRecord(
        id=household.id, community_id=household.community_id, grid_id=household.grid_id,
        grid_name=grid.name if grid else "", number=household.number,
        building_id=household.building_id, building_name=building.name if building else "",
        unit=unit.name if unit else "", room=household.room, address=household.address,
        kind=household.kind, phone=household.phone, status=household.status, notes=household.notes,
        moved_out_on=household.moved_out_on, version=household.version, members=members,
    )


def person_record(uow: UnitOfWork, person: Person, membership: Membership | None) -> PersonRecord:
    end = person.deceased_on or uow.today()
    return PersonRecord(
        id=person.id, community_id=person.community_id, name=person.name, id_type=person.id_type,
        id_number=person.id_number, sex=person.sex, birth_date=person.birth_date,
        age=age_on(person.birth_date, end), ethnicity=person.ethnicity, phone=person.phone,
        population_type=person.population_type, residence_state=person.residence_state,
        registered_address=person.registered_address, political_status=person.political_status,
        marital_status=person.marital_status, education=person.education,
        employment=person.employment, moved_in_on=person.moved_in_on,
        moved_out_on=person.moved_out_on, deceased_on=person.deceased_on, notes=person.notes,
        version=person.version,
        household_id=membership.household_id if membership else None,
        relation=membership.relation if membership else "",
        registered_household_id=person.registered_household_id,
    )

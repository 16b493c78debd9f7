"""What the database already holds for an import: persons by ID number, households by 户号."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from models import Building, Household, Membership, Person, Unit

# Values per IN (...) list: well under SQLite's and PostgreSQL's parameter limits.
CHUNK = 900


@dataclass(frozen=True, slots=True)
class ExistingPerson:
    id: int
    community_id: int
    name: str
    version: int
    values: dict[str, object]  # the columns an import may overwrite, as stored
    deceased: bool
    household_id: int | None  # current household (None: moved out, or never placed)
    membership_id: int | None
    relation: str


@dataclass(frozen=True, slots=True)
class ExistingHousehold:
    id: int
    number: str
    grid_id: int
    building_name: str
    unit_name: str
    room: str
    address: str
    status: str
    members: tuple[tuple[int, str], ...]  # current (person id, relation)


def existing_persons(session: Session, id_numbers: Iterable[str]) -> dict[str, ExistingPerson]:
    """Persons with these ID numbers (any community), with their current membership."""
    found: dict[str, ExistingPerson] = {}
    columns = (Person.name, Person.ethnicity, Person.phone, Person.population_type, Person.notes)
    for chunk in _chunks(sorted(set(id_numbers))):
        statement = (
            select(Person.id_number, Person.id, Person.community_id, Person.version,
                   Person.deceased_on, Membership.id, Membership.household_id, Membership.relation,
                   *columns)
            .outerjoin(Membership, and_(Membership.person_id == Person.id, Membership.left_on.is_(None)))
            .where(Person.id_number.in_(chunk))
        )
        for row in session.execute(statement):
            values = dict(zip(("name", "ethnicity", "phone", "population_type", "notes"), row[8:], strict=True))
            found[row[0]] = ExistingPerson(row[1], row[2], values["name"], row[3], values,
                                           row[4] is not None, row[6], row[5], row[7] or "")
    return found


def existing_numbers(session: Session, community_id: int, numbers: Iterable[str]) -> dict[str, int]:
    """户号 already used in the community → household id."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(numbers))):
        statement = select(Household.number, Household.id).where(
            Household.community_id == community_id, Household.number.in_(chunk))
        found.update({number: household_id for number, household_id in session.execute(statement)})
    return found


def existing_households(session: Session, ids: Iterable[int]) -> dict[int, ExistingHousehold]:
    """Households by id, with their place names and current members."""
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    households: dict[int, ExistingHousehold] = {}
    for chunk in _chunks(sorted(set(ids))):
        for household_id, person_id, relation in session.execute(
                select(Membership.household_id, Membership.person_id, Membership.relation)
                .where(Membership.household_id.in_(chunk), Membership.left_on.is_(None))):
            members[household_id].append((person_id, relation))
        statement = (
            select(Household.id, Household.number, Household.grid_id, Building.name, Unit.name,
                   Household.room, Household.address, Household.status)
            .outerjoin(Building, Building.id == Household.building_id)
            .outerjoin(Unit, Unit.id == Household.unit_id)
            .where(Household.id.in_(chunk))
        )
        for row in session.execute(statement):
            households[row[0]] = ExistingHousehold(row[0], row[1], row[2], row[3] or "", row[4] or "",
                                                   row[5], row[6], row[7], tuple(members[row[0]]))
    return households


def _chunks(values: list) -> Iterator[list]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]

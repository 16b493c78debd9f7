"""What the database already holds for an import: persons by ID number, households by 户号."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

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
    moved_out_on: date | None = None
    deceased_on: date | None = None
    last_household_id: int | None = None  # the latest household, current or left
    last_relation: str = ""

    @property
    def status(self) -> str:
        """active / moved_out / deceased, as the ledger's 状态 column says it."""
        if self.deceased_on is not None:
            return "deceased"
        return "active" if self.household_id is not None else "moved_out"


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
    """Persons with these ID numbers (any community), with their latest membership."""
    found: dict[str, ExistingPerson] = {}
    columns = (Person.name, Person.ethnicity, Person.phone, Person.population_type, Person.notes)
    # The latest membership is the current one when there is one: joining means leaving first.
    other = aliased(Membership)
    latest = select(func.max(other.id)).where(other.person_id == Person.id).correlate(Person).scalar_subquery()
    for chunk in _chunks(sorted(set(id_numbers))):
        statement = (
            select(Person.id_number, Person.id, Person.community_id, Person.version, Person.deceased_on,
                   Person.moved_out_on, Membership.id, Membership.household_id, Membership.relation,
                   Membership.left_on, *columns)
            .outerjoin(Membership, Membership.id == latest)
            .where(Person.id_number.in_(chunk))
        )
        for row in session.execute(statement):
            found[row[0]] = _existing(row)
    return found


def _existing(row: Any) -> ExistingPerson:
    (_number, person_id, community_id, version, deceased_on, moved_out_on, membership_id, household_id,
     relation, left_on) = row[:10]
    values = dict(zip(("name", "ethnicity", "phone", "population_type", "notes"), row[10:], strict=True))
    current = membership_id is not None and left_on is None
    return ExistingPerson(
        person_id, community_id, values["name"], version, values, deceased_on is not None,
        household_id if current else None, membership_id if current else None,
        (relation or "") if current else "", moved_out_on, deceased_on, household_id, relation or "")


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

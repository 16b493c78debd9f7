"""A demo community with one resident to report on, another to leave alone, and the accesses a
working day makes to a resident (open the household file, search by ID, reveal, print the form)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from models import Household, Membership, Person, RegisterEntry, User
from reports.print_jobs import print_household
from station.actor import Actor
from station.db import Database
from station.demo import community as demo
from station.dossiers.household import open_household_file
from station.residents.privacy import reveal_person
from station.search.lookup import search
from station.uow import UnitOfWork


@dataclass(frozen=True)
class DemoPeople:
    clerk: Actor
    staff: Actor
    person_id: int  # lives with others and is in a register
    household_id: int
    number: str
    id_number: str
    other_id: int  # someone in another household
    other_household_id: int
    other_number: str


def demo_people(db: Database, households: int = 20, seed: int = 11) -> DemoPeople:
    """A demo community, and the two residents the tests look at."""
    demo.generate(db, households=households, seed=seed)
    person_id, household_id = _resident_in_a_register(db)
    with db.session() as session:
        other_id, other_household = session.execute(
            select(Membership.person_id, Membership.household_id)
            .where(Membership.left_on.is_(None), Membership.household_id != household_id)
            .order_by(Membership.id).limit(1)).one()
        return DemoPeople(
            demo_actor(db, "clerk"), demo_actor(db, "staff"), person_id, household_id,
            session.get_one(Household, household_id).number, session.get_one(Person, person_id).id_number,
            other_id, other_household, session.get_one(Household, other_household).number)


def demo_actor(db: Database, role: str) -> Actor:
    """The demo's one account of a role, as it acts."""
    with db.session() as session:
        user = session.scalars(select(User).where(User.role == role)).one()
        return Actor(user.id, user.username, user.role, user.community_id)


def id_of(db: Database, person_id: int) -> str:
    with db.session() as session:
        return session.get_one(Person, person_id).id_number


def touch(db: Database, people: DemoPeople, folder: Path, person_id: int, household_id: int, number: str) -> None:
    """What a working day does to one resident: the clerk opens their household file, staff find
    them by their whole ID number and reveal it, the clerk prints the household's form."""
    with UnitOfWork(db, people.clerk) as uow:
        open_household_file(uow, household_id)
    with UnitOfWork(db, people.staff) as uow:
        assert [hit.person_id for hit in search(uow, id_of(db, person_id))] == [person_id]
        reveal_person(uow, person_id, "核实身份")
    with UnitOfWork(db, people.clerk) as uow:
        print_household(uow, number, out=folder / f"household-{household_id}.pdf")


def touch_both(db: Database, people: DemoPeople, folder: Path) -> None:
    """The working day, to the resident and then to the other one."""
    touch(db, people, folder, people.person_id, people.household_id, people.number)
    touch(db, people, folder, people.other_id, people.other_household_id, people.other_number)


def _resident_in_a_register(db: Database) -> tuple[int, int]:
    """(person, household) of someone in an open register entry living with at least one other."""
    with db.session() as session:
        sizes = (select(Membership.household_id, func.count().label("size"))
                 .where(Membership.left_on.is_(None)).group_by(Membership.household_id).subquery())
        person_id, household_id = session.execute(
            select(Membership.person_id, Membership.household_id)
            .join(sizes, sizes.c.household_id == Membership.household_id)
            .join(RegisterEntry, RegisterEntry.person_id == Membership.person_id)
            .where(Membership.left_on.is_(None), sizes.c.size >= 2, RegisterEntry.end_on.is_(None))
            .order_by(Membership.person_id).limit(1)).one()
        return person_id, household_id

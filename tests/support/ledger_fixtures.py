"""Grids, workers and households for the register, service-log and request tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from factories import make_id

from models import Person, User, UserGrid
from station.actor import Actor
from station.db import Database
from station.ledger.households import register_household
from station.ledger.records import HouseholdDraft
from station.places.directory import add_grid
from station.residents.records import PersonDraft
from station.uow import UnitOfWork

_sequence = itertools.count(1)


@dataclass(frozen=True)
class Resident:
    name: str
    birth: date
    male: bool = True
    relation: str = "02"


@dataclass(frozen=True)
class Home:
    household_id: int
    grid_id: int
    person_ids: tuple[int, ...]

    @property
    def head_id(self) -> int:
        return self.person_ids[0]


@dataclass(frozen=True)
class Worker:
    id: int
    username: str
    role: str
    community_id: int
    grid_ids: tuple[int, ...]

    @property
    def actor(self) -> Actor:
        grids = frozenset(self.grid_ids) if self.role == "grid_worker" else None
        return Actor(self.id, self.username, self.role, self.community_id, grids)


@dataclass(frozen=True)
class Neighbourhood:
    """Two grids, a grid worker for each, a staff member and a director."""

    community_id: int
    grid1: int
    grid2: int
    worker1: Worker
    worker2: Worker
    staff: Worker
    director: Worker


def neighbourhood(db: Database, community_id: int) -> Neighbourhood:
    grid1 = make_grid(db, community_id, "G01", "一网格")
    grid2 = make_grid(db, community_id, "G02", "二网格")
    return Neighbourhood(
        community_id, grid1, grid2,
        worker1=make_worker(db, community_id, "wang", "王网格", grid_ids=(grid1,)),
        worker2=make_worker(db, community_id, "li", "李网格", grid_ids=(grid2,)),
        staff=make_worker(db, community_id, "zhao", "赵干事", role="staff"),
        director=make_worker(db, community_id, "sun", "孙站长", role="director"),
    )


def make_grid(db: Database, community_id: int, code: str, name: str) -> int:
    admin = Actor(None, "admin", "admin", community_id)
    with UnitOfWork(db, admin) as uow:
        return add_grid(uow, community_id, code, name).id


def make_worker(db: Database, community_id: int, username: str, display_name: str, *,
                role: str = "grid_worker", grid_ids: tuple[int, ...] = ()) -> Worker:
    """A user row inserted directly (the password is irrelevant here)."""
    with db.session() as session:
        user = User(username=username, display_name=display_name, role=role,
                    community_id=community_id, password_hash="x")
        session.add(user)
        session.flush()
        session.add_all(UserGrid(user_id=user.id, grid_id=grid_id) for grid_id in grid_ids)
        session.commit()
        return Worker(user.id, username, role, community_id, grid_ids)


def make_home(db: Database, community_id: int, grid_id: int, *residents: Resident,
              registered_on: date | None = None) -> Home:
    """A household registered through the ledger service (today unless `registered_on` says when,
    which is when its members joined it); person ids in the order given."""
    residents = residents or (Resident("张三", date(1980, 5, 1)),)
    drafts = tuple(
        PersonDraft(name=r.name, relation=r.relation,
                    id_number=make_id(r.birth, male=r.male, seq=next(_sequence) % 450 + 1))
        for r in residents
    )
    admin = Actor(None, "admin", "admin", community_id)
    with UnitOfWork(db, admin) as uow:
        saved = register_household(uow, HouseholdDraft(grid_id=grid_id, members=drafts, address="幸福路1号",
                                                        registered_on=registered_on))
    by_id_number = {member.id_number: member.id for member in saved.household.members}
    return Home(saved.household.id, grid_id, tuple(by_id_number[d.id_number] for d in drafts))


def set_person(db: Database, person_id: int, **values) -> None:
    """Change a person's columns directly (a death or a move out the ledger would record)."""
    with db.session() as session:
        person = session.get_one(Person, person_id)
        for key, value in values.items():
            setattr(person, key, value)
        session.commit()


def id_number_of(db: Database, person_id: int) -> str:
    with db.session() as session:
        return session.get_one(Person, person_id).id_number

"""A small ledger built through the services: living, moved-out and cancelled households, a
death and a member who moved away (the clock says 2026-11-23; everyone registered 2026-01-05).

    H1 张三 (head), 李四 (spouse), 张小明 (child)         living
    H2 王五 (head), 王六                                 moved out 2026-11-10
    H3 赵老 (alone)                                      died 2026-11-01: household cancelled
    H4 陈一 (head), 陈父 (father), 陈二 (son)            father died 2026-11-05, son left 2026-11-06
    H5 刘甲 (head)                                       merged into H1 on 2026-11-12: cancelled
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from factories import person
from sqlalchemy import text

from models import Household, Person
from station.actor import Actor
from station.db import Database
from station.ledger import households, members
from station.ledger.records import HouseholdDraft
from station.places import directory as places
from station.uow import UnitOfWork

REGISTERED = date(2026, 1, 5)


@dataclass(frozen=True)
class SmallLedger:
    grid_id: int
    households: dict[str, int]  # H1.. → household id
    persons: dict[str, int]  # name → person id
    numbers: dict[str, str]  # H1.. → 户号

    def living(self) -> set[int]:
        """Who lives in the community on 2026-11-23."""
        return {self.persons[name] for name in ("张三", "李四", "张小明", "刘甲", "陈一")}


HOMES = {
    "H1": (("张三", "02", date(1980, 5, 1)), ("李四", "10", date(1982, 7, 9)), ("张小明", "20", date(2010, 3, 15))),
    "H2": (("王五", "02", date(1970, 1, 2)), ("王六", "20", date(1999, 4, 4))),
    "H3": (("赵老", "02", date(1936, 6, 6)),),
    "H4": (("陈一", "02", date(1975, 8, 8)), ("陈父", "51", date(1945, 2, 2)), ("陈二", "20", date(2001, 9, 9))),
    "H5": (("刘甲", "02", date(1990, 10, 10)),),
}


def build_small_ledger(db: Database, actor: Actor, community_id: int) -> SmallLedger:
    with UnitOfWork(db, actor) as uow:
        grid_id = places.add_grid(uow, community_id, "G01", "一网格").id
    ids: dict[str, int] = {}
    persons: dict[str, int] = {}
    numbers: dict[str, str] = {}
    seq = 1
    for key, people in HOMES.items():
        drafts = []
        for name, relation, birth in people:
            drafts.append(person(name, relation, birth, seq=seq))
            seq += 1
        with UnitOfWork(db, actor) as uow:
            saved = households.register_household(uow, HouseholdDraft(
                grid_id=grid_id, members=tuple(drafts), address=f"幸福路{seq}号", registered_on=REGISTERED))
        ids[key], numbers[key] = saved.household.id, saved.household.number
        persons |= {member.name: member.id for member in saved.household.members}
    _departures(db, actor, ids, persons)
    return SmallLedger(grid_id, ids, persons, numbers)


def _departures(db: Database, actor: Actor, ids: dict[str, int], persons: dict[str, int]) -> None:
    with UnitOfWork(db, actor) as uow:
        households.move_out(uow, ids["H2"], _version(uow, ids["H2"]), on=date(2026, 11, 10))
    with UnitOfWork(db, actor) as uow:
        members.record_death(uow, persons["赵老"], _person_version(uow, persons["赵老"]), date(2026, 11, 1))
    with UnitOfWork(db, actor) as uow:
        members.record_death(uow, persons["陈父"], _person_version(uow, persons["陈父"]), date(2026, 11, 5))
    with UnitOfWork(db, actor) as uow:
        members.remove_member(uow, ids["H4"], _version(uow, ids["H4"]), persons["陈二"], on=date(2026, 11, 6))
    with UnitOfWork(db, actor) as uow:
        households.merge_households(uow, ids["H5"], _version(uow, ids["H5"]), ids["H1"], _version(uow, ids["H1"]),
                                    relations={persons["刘甲"]: "97"}, on=date(2026, 11, 12))


def reopen_membership(db: Database, person_id: int) -> None:
    """Undo a departure the way the old demo generator wrote it: the membership stays open."""
    with db.engine.begin() as connection:
        last = connection.scalar(text("select max(id) from memberships where person_id = :p"), {"p": person_id})
        connection.execute(text("update memberships set left_on = null, left_reason = '' where id = :m"),
                           {"m": last})


def _version(uow: UnitOfWork, household_id: int) -> int:
    return uow.session.get_one(Household, household_id).version


def _person_version(uow: UnitOfWork, person_id: int) -> int:
    return uow.session.get_one(Person, person_id).version

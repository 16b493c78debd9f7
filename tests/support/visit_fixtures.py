"""A community for the service-log screen tests: register visits due, plans, done visits, accounts.

On Monday 2026-11-23 (the week ends Sunday 11-29):
- wang (grid worker, 一网格) is due to visit 王大爷 (register, due 10-31: overdue), 王大妈 (a phone
  visit planned for 11-20: overdue), 钱奶奶 (register, due Thursday 11-26) and the 钱 household
  (a home visit planned for Friday 11-27);
- li (grid worker, 二网格) is due to visit 赵奶奶 today (register);
- visits done: the 王 household 11-16 (wang, policy), the 赵 household 11-02 (li, phone) and the
  钱 household 10-15 (zhao, staff, assistance).
Accounts with the tests' password: admin, wang, li, zhao, and jiedao (street, every community).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ledger_fixtures import Home, Neighbourhood, Resident, make_home, neighbourhood
from tui_support import PASSWORD, make_admin, make_user

from station.accounts.users import set_password
from station.actor import Actor
from station.db import Database
from station.registers import entries as register_entries
from station.uow import UnitOfWork
from station.visits import log as visit_log

TODAY = date(2026, 11, 23)
SYSTEM = Actor(None, "tests", "admin", None)


@dataclass(frozen=True)
class VisitTown:
    place: Neighbourhood
    wang_home: Home  # 一网格: 王大爷, 王大妈
    zhao_home: Home  # 二网格: 赵奶奶
    qian_home: Home  # 一网格: 钱奶奶
    late_plan_id: int  # 王大妈, planned 11-20


def visit_town(db: Database, community_id: int, clock) -> VisitTown:
    place = neighbourhood(db, community_id)
    wang_home = make_home(db, community_id, place.grid1, Resident("王大爷", date(1946, 3, 1)),
                          Resident("王大妈", date(1948, 5, 2), male=False, relation="10"))
    zhao_home = make_home(db, community_id, place.grid2, Resident("赵奶奶", date(1940, 1, 1), male=False))
    qian_home = make_home(db, community_id, place.grid1, Resident("钱奶奶", date(1942, 2, 2), male=False))
    _registers(db, place, wang_home, zhao_home, qian_home)
    _done_visits(db, place, wang_home, zhao_home, qian_home)
    late_plan_id = _plans(db, place, clock, wang_home, qian_home)
    _accounts(db, place, community_id)
    return VisitTown(place, wang_home, zhao_home, qian_home, late_plan_id)


def _registers(db, place, wang_home, zhao_home, qian_home) -> None:
    with UnitOfWork(db, place.director.actor) as uow:
        for home, category, start, worker in (
            (wang_home, "elderly_alone", date(2026, 10, 1), place.worker1),
            (qian_home, "empty_nest", date(2026, 10, 27), place.worker1),
            (zhao_home, "empty_nest", date(2026, 10, 24), place.worker2),
        ):
            register_entries.add_entry(uow, home.head_id, category, start, worker_id=worker.id, visit_every_days=30)


def _done_visits(db, place, wang_home, zhao_home, qian_home) -> None:
    # Household visits: they do not move the register's next visit (that counts the person's).
    with UnitOfWork(db, place.director.actor) as uow:
        for home, kind, worker, day, content in (
            (wang_home, "policy", place.worker1, date(2026, 11, 16), "宣传医保缴费政策"),
            (zhao_home, "phone_visit", place.worker2, date(2026, 11, 2), "电话问候,身体尚好"),
            (qian_home, "assistance", place.staff, date(2026, 10, 15), "代领重阳节慰问品"),
        ):
            visit_log.log_visit(uow, kind=kind, worker_id=worker.id, household_id=home.household_id,
                                 done_on=day, content=content)


def _plans(db, place, clock, wang_home, qian_home) -> int:
    """A plan made last week for 11-20 (now overdue), and one for this Friday."""
    now = clock.current
    clock.current = datetime(2026, 11, 18, 9, 0)
    with UnitOfWork(db, place.director.actor) as uow:
        late = visit_log.plan_visit(uow, kind="phone_visit", worker_id=place.worker1.id,
                                     planned_on=date(2026, 11, 20), person_id=wang_home.person_ids[1],
                                     content="询问降压药")
    clock.current = now
    with UnitOfWork(db, place.director.actor) as uow:
        visit_log.plan_visit(uow, kind="home_visit", worker_id=place.worker1.id,
                              planned_on=date(2026, 11, 27), household_id=qian_home.household_id)
    return late.id


def _accounts(db, place, community_id) -> None:
    make_admin(db)
    make_user(db, "jiedao", "street", None, name="街道甲")  # type: ignore[arg-type]
    with UnitOfWork(db, SYSTEM) as uow:
        for worker in (place.worker1, place.worker2, place.staff):
            set_password(uow, worker.username, PASSWORD)


def visits_as(db: Database, actor: Actor, **filters):
    """What visit_log.list_visits gives this actor (the database's answer to compare with)."""
    with UnitOfWork(db, actor) as uow:
        return visit_log.list_visits(uow, **filters)


def due_for(db: Database, actor: Actor, worker_id: int | None):
    with UnitOfWork(db, actor) as uow:
        return visit_log.due_this_week(uow, worker_id)

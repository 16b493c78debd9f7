"""A small community for the registers screen: elders due at different dates in two grids, a
resident to register as disabled, and accounts for an admin, a grid worker and a clerk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ledger_fixtures import Home, Neighbourhood, Resident, make_home, neighbourhood
from tui_support import PASSWORD, make_admin, make_user

from station.accounts.users import set_password
from station.actor import Actor
from station.db import Database
from station.registers import entries as register_entries
from station.uow import UnitOfWork
from station.visits import log as visit_log

CLERK = "clerk1"


@dataclass(frozen=True)
class RegisterTown:
    place: Neighbourhood
    wang: Home  # grid 1, 独居老人 due 11-28 (due soon), visited 11-21
    li: Home  # grid 1, 独居老人 due 10-08 (most overdue)
    zhao: Home  # grid 2, 独居老人 due 11-08 (overdue)
    chen: Home  # grid 1, 独居老人 every 30 days, due 12-20 (ok)
    liu: Home  # grid 1, not registered yet: the disabled resident the form registers


def register_town(db: Database, community_id: int) -> RegisterTown:
    """On 2026-11-23: four open 独居老人 entries, one in grid 2; logins admin, wang (grid 1), clerk1."""
    place = neighbourhood(db, community_id)
    wang = make_home(db, community_id, place.grid1, Resident("王大爷", date(1946, 3, 1)))
    li = make_home(db, community_id, place.grid1, Resident("李奶奶", date(1940, 6, 2), male=False))
    zhao = make_home(db, community_id, place.grid2, Resident("赵爷爷", date(1938, 1, 9)))
    chen = make_home(db, community_id, place.grid1, Resident("陈阿婆", date(1944, 8, 8), male=False))
    liu = make_home(db, community_id, place.grid1, Resident("刘建国", date(1975, 4, 12)))
    with UnitOfWork(db, place.director.actor) as uow:
        register_entries.add_entry(uow, wang.head_id, "elderly_alone", date(2026, 11, 14), worker_id=place.worker1.id)
        visit_log.log_visit(uow, kind="home_visit", worker_id=place.worker1.id, person_id=wang.head_id,
                             household_id=wang.household_id, done_on=date(2026, 11, 21), content="入户")
        register_entries.add_entry(uow, li.head_id, "elderly_alone", date(2026, 10, 1), worker_id=place.worker1.id)
        register_entries.add_entry(uow, zhao.head_id, "elderly_alone", date(2026, 11, 1), worker_id=place.worker2.id)
        register_entries.add_entry(uow, chen.head_id, "elderly_alone", date(2026, 11, 20), visit_every_days=30)
    make_admin(db)
    make_user(db, CLERK, "clerk", community_id, name="周窗口")
    with UnitOfWork(db, Actor(None, "tests", "admin", None)) as uow:
        set_password(uow, place.worker1.username, PASSWORD)
    return RegisterTown(place, wang, li, zhao, chen, liu)

"""A small community for the dashboard tests: two grids, homes, registers, visits, requests."""

from __future__ import annotations

from datetime import date, datetime

from ledger_fixtures import Home, Neighbourhood, Resident, make_home

from station.db import Database
from station.registers import entries as register_entries
from station.requests import workflow as requests
from station.uow import UnitOfWork
from station.visits import log as visit_log


def build_town(db: Database, community_id: int, place: Neighbourhood, clock) -> tuple[Home, Home]:
    """Two homes (one per grid) with register entries, visits and requests in two months.

    On 2026-11-23 (a Monday) 12:00: one entry overdue, one due today, a plan for Wednesday;
    visits on 10-05, 11-02, 11-20 and today; a request closed late in October, and two received
    today of which the urgent one is overdue.
    """
    home1 = make_home(db, community_id, place.grid1, Resident("王大爷", date(1946, 3, 1)),
                      Resident("王大妈", date(1948, 5, 2), male=False, relation="10"))
    home2 = make_home(db, community_id, place.grid2, Resident("赵奶奶", date(1940, 1, 1), male=False))
    with UnitOfWork(db, place.director.actor) as uow:
        # Overdue (due 11-08), due today (11-23), and not this week (12-20).
        register_entries.add_entry(uow, home1.head_id, "elderly_alone", date(2026, 11, 1))
        register_entries.add_entry(uow, home2.head_id, "empty_nest", date(2026, 10, 24))
        register_entries.add_entry(uow, home1.person_ids[1], "empty_nest", date(2026, 11, 20))
        # A plan for Wednesday: due later this week.
        visit_log.plan_visit(uow, kind="home_visit", worker_id=place.worker1.id,
                              planned_on=date(2026, 11, 25), household_id=home1.household_id)
        for day in (date(2026, 10, 5), date(2026, 11, 2), date(2026, 11, 23)):
            visit_log.log_visit(uow, kind="phone_visit", worker_id=place.worker2.id,
                                 household_id=home2.household_id, done_on=day, content="电话问候")
        visit_log.log_visit(uow, kind="home_visit", worker_id=place.worker1.id,
                             household_id=home1.household_id, done_on=date(2026, 11, 20), content="入户")
    _requests_in_two_months(db, place, clock)
    return home1, home2


def _requests_in_two_months(db, place, clock) -> None:
    """October: one received and closed late; today: an urgent one overdue by noon, one normal."""
    now = clock.current
    clock.current = datetime(2026, 10, 5, 10, 0)
    with UnitOfWork(db, place.director.actor) as uow:
        late = _receive(uow, place.grid1, "urgent")
        late = requests.assign(uow, late.id, place.worker1.id, late.version)
        late = requests.start(uow, late.id, late.version)
        clock.advance(hours=5)
        requests.close(uow, late.id, "已修复", late.version)
    clock.current = now
    with UnitOfWork(db, place.director.actor) as uow:
        _receive(uow, place.grid1, "urgent")
        _receive(uow, place.grid2, "normal")
    clock.advance(hours=3)


def _receive(uow, grid_id, urgency):
    return requests.receive(uow, channel="window", category="property", urgency=urgency,
                            description="楼道灯坏了", grid_id=grid_id)



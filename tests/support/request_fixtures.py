"""A request desk for the request screen and view tests: five requests in every time-limit state.

At the fixture clock (Monday 2026-11-23 09:00) the open ones sort as urgent (due 10:30, on time),
at_risk (grid 2, due tomorrow 09:00), fresh (due in a week, linked to a household), overdue
(an enquiry due yesterday); the rated one comes after them. An hour later the urgent one is at
risk, two hours later overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ledger_fixtures import Home, Neighbourhood, Resident, make_home, neighbourhood
from tui_support import PASSWORD, make_admin, make_user

from station.accounts.users import set_password
from station.actor import Actor
from station.db import Database
from station.requests import workflow as requests
from station.requests.records import RequestRecord
from station.uow import UnitOfWork

CONTACT_PHONE = "13800138000"


@dataclass(frozen=True)
class Desk:
    place: Neighbourhood
    home: Home
    urgent: RequestRecord
    at_risk: RequestRecord
    fresh: RequestRecord
    overdue: RequestRecord
    rated: RequestRecord

    @property
    def open_order(self) -> list[str]:
        return [r.number for r in (self.urgent, self.at_risk, self.fresh, self.overdue)]


def build_desk(db: Database, community_id: int, clock) -> Desk:
    place = neighbourhood(db, community_id)
    home = make_home(db, community_id, place.grid1, Resident("王大爷", date(1946, 3, 1)))
    now = clock.current
    director = place.director.actor
    overdue = _received_at(db, clock, datetime(2026, 11, 21, 9, 0), director, grid_id=place.grid1,
                           urgency="enquiry", category="policy", description="咨询养老补贴怎么申请")
    at_risk = _received_at(db, clock, datetime(2026, 11, 17, 9, 0), director, grid_id=place.grid2,
                           category="environment", description="垃圾桶满了没人清")
    rated = _rated(db, clock, place, director)
    urgent = _received_at(db, clock, datetime(2026, 11, 23, 8, 30), director, grid_id=place.grid1,
                          urgency="urgent", category="safety", description="楼道有人堆放杂物堵住消防通道")
    clock.current = now
    with UnitOfWork(db, director) as uow:
        fresh = requests.receive(uow, channel="phone", category="property", urgency="normal",
                                 description="厨房水管漏水", household_id=home.household_id,
                                 person_id=home.head_id, contact_name="王大爷", contact_phone=CONTACT_PHONE)
    return Desk(place, home, urgent, at_risk, fresh, overdue, rated)


def _received_at(db, clock, when: datetime, actor: Actor, **values) -> RequestRecord:
    clock.current = when
    values = {"channel": "window", "category": "property", "urgency": "normal", **values}
    with UnitOfWork(db, actor) as uow:
        return requests.receive(uow, **values)


def _rated(db, clock, place: Neighbourhood, actor: Actor) -> RequestRecord:
    request = _received_at(db, clock, datetime(2026, 11, 20, 10, 0), actor, grid_id=place.grid1,
                           description="路灯不亮")
    with UnitOfWork(db, actor) as uow:
        request = requests.assign(uow, request.id, place.worker1.id, request.version)
        request = requests.start(uow, request.id, request.version)
        clock.current = datetime(2026, 11, 21, 15, 0)
        request = requests.close(uow, request.id, "已更换灯泡", request.version)
        return requests.rate(uow, request.id, "satisfied", "很快", request.version)


def with_logins(db: Database, desk: Desk) -> dict[str, str]:
    """Accounts to log in with: admin, a clerk, the two grid workers and the staff member."""
    make_admin(db)
    make_user(db, "clerk", "clerk", desk.place.community_id, name="周窗口")
    with UnitOfWork(db, Actor(None, "tests", "admin", None)) as uow:
        for worker in (desk.place.worker1, desk.place.worker2, desk.place.staff):
            set_password(uow, worker.username, PASSWORD)
    return {"admin": "admin", "clerk": "clerk", "worker1": desk.place.worker1.username,
            "worker2": desk.place.worker2.username, "staff": desk.place.staff.username}

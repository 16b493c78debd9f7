"""Demo community generator: a realistic, deterministic community for trying out and benchmarking.

`generate(db, households=..., seed=...)` fills this station's (empty) community with grids,
buildings, households and residents, accounts, registers, a year of visits and requests, and
the search keys, in one transaction. Rows are built in Python and written with executemany in
chunks (no ORM objects), so 50,000 households take well under a minute on SQLite.
"""

from __future__ import annotations

import random
import time as clock
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Connection, select, update

from models import (
    Building,
    Community,
    Counter,
    Grid,
    Household,
    Membership,
    Person,
    RegisterEntry,
    RequestEvent,
    ResidentRequest,
    SearchEntry,
    Unit,
    User,
    UserGrid,
    Visit,
)
from station import audit
from station.actor import SYSTEM, Actor
from station.bulk.ids import id_sources
from station.bulk.indexes import bulk_pragmas
from station.bulk.inserts import insert_rows
from station.db import Database, refresh_statistics
from station.demo.ledger import LedgerMaker
from station.demo.names import NamePicker
from station.demo.people import UniqueNumbers
from station.demo.places import Home, PlacePlan, PlacePlanner
from station.demo.registers import RegisterMaker
from station.demo.requests import RequestMaker
from station.demo.users import DemoAccounts, make_accounts
from station.demo.visits import VisitMaker
from station.errors import ValidationError
from station.messages import DEFAULT_LANGUAGE, Term, message
from station.permissions import require
from station.places.directory import ensure_community
from station.uow import UnitOfWork

HOUSEHOLDS_PER_CHUNK = 2000
MAX_HOUSEHOLDS = 500_000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoSummary:
    """What the generator wrote (counts of rows) and how long it took."""

    community_id: int
    seed: int
    grids: int
    buildings: int
    households: int  # rows written: the living ones and those that left this year
    active_households: int
    persons: int
    residents: int  # persons currently living in the community
    users: int
    register_entries: int
    visits: int
    requests: int
    request_events: int
    search_keys: int
    seconds: float

    def as_dict(self) -> dict[str, int | float]:
        return asdict(self)

    def describe(self, language: str = DEFAULT_LANGUAGE) -> str:
        """One line, as the CLI shows it and (in Chinese) the audit log keeps it."""
        return message("demo.summary", language, **self.as_dict(), left=self.households - self.active_households)


def generate(db: Database, *, households: int, seed: int, progress: Progress | None = None,
             today: date | None = None, actor: Actor = SYSTEM) -> DemoSummary:
    """Fill the station's community with `households` living households (plus a few that left
    this year, whose homes were taken over); refused unless the community is still empty.

    A whole community written at once is an import's work: `actor` needs data.import."""
    require(actor, "data.import")
    if not 1 <= households <= MAX_HOUSEHOLDS:
        raise ValidationError("demo.bad_household_count", most=MAX_HOUSEHOLDS, field="households")
    started = clock.perf_counter()
    with UnitOfWork(db, actor) as uow:
        community = ensure_community(uow, db.settings)
        connection = uow.session.connection()
        _claim(connection, community.id)
        _refuse_non_empty(connection, community.id)
        now = _now(db, today)
        with bulk_pragmas(connection):
            counts = _Run(uow, connection, community, seed, now, progress or _silent).write(households)
        summary = DemoSummary(community_id=community.id, seed=seed,
                              seconds=round(clock.perf_counter() - started, 2), **counts)
        audit.record(uow, "demo", "community", community.id, new=summary.as_dict(),
                     detail=summary.describe(), community_id=community.id)
        uow.commit()
    refresh_statistics(db.engine)
    return replace(summary, seconds=round(clock.perf_counter() - started, 2))


def _claim(connection: Connection, community_id: int) -> None:
    """Take the community's write lock before looking: of two demos started at once, the second
    waits and then finds the community filled (PostgreSQL) or is told the database is busy (SQLite)."""
    connection.execute(update(Community).where(Community.id == community_id).values(id=Community.id))


def _refuse_non_empty(connection: Connection, community_id: int) -> None:
    for model, what in ((Household, Term("demo.data.households")), (ResidentRequest, Term("demo.data.requests"))):
        if connection.scalar(select(model.id).where(model.community_id == community_id).limit(1)):
            raise ValidationError(
                "demo.community_not_empty", what=what,
                field="households",
            )


def _now(db: Database, today: date | None) -> datetime:
    """The generator's clock: the database clock, or late afternoon of an injected day."""
    current = db.clock()
    if today is None or today == current.date():
        return current
    return datetime.combine(today, time(17, 0))


def _silent(_done: int, _total: int) -> None:
    return None


@dataclass(frozen=True)
class _Makers:
    ledger: LedgerMaker
    registers: RegisterMaker
    visits: VisitMaker
    requests: RequestMaker
    workers: dict[int, int]  # grid id → its grid worker's user id


class _Run:
    """One generation: the places, accounts, then households in chunks, then requests."""

    def __init__(self, uow: UnitOfWork, connection: Connection, community: Community, seed: int,
                 now: datetime, progress: Progress):
        self.uow, self.connection, self.community = uow, connection, community
        self.rng = random.Random(seed)
        self.now, self.today, self.progress = now, now.date(), progress
        self.ids = id_sources(connection)  # after _claim took the write lock
        self.names = NamePicker(self.rng)
        self.numbers = UniqueNumbers(self.rng, set(connection.scalars(select(Person.id_number))))
        self.counts: dict[str, int] = dict.fromkeys(
            ("grids", "buildings", "households", "active_households", "persons", "residents", "users",
             "register_entries", "visits", "requests", "request_events", "search_keys"), 0)

    def write(self, households: int) -> dict[str, int]:
        plan = PlacePlanner(self.rng, self.community.id, self.ids,
                            self._taken_grid_codes()).lay_out(households)
        self._add("grids", Grid, plan.grid_rows)
        self._add("buildings", Building, plan.building_rows)
        insert_rows(self.connection, Unit, plan.unit_rows)
        accounts = make_accounts(self.connection, self.names, self.numbers, self.community,
                                 plan.grid_rows, self.ids["users"], self.now)
        self._add("users", User, accounts.user_rows)
        insert_rows(self.connection, UserGrid, accounts.user_grid_rows)
        makers = self._makers(plan, accounts)
        for start in range(0, households, HOUSEHOLDS_PER_CHUNK):
            homes = plan.homes[start : start + HOUSEHOLDS_PER_CHUNK]
            self._chunk(makers, homes)
            self.progress(start + len(homes), households)
        self._requests(makers.requests)
        self._counters()
        return self.counts

    def _makers(self, plan: PlacePlan, accounts: DemoAccounts) -> _Makers:
        settings, community_id = self.uow.settings, self.community.id
        staff = accounts.staff
        return _Makers(
            ledger=LedgerMaker(self.rng, self.names, self.numbers, settings, self.community, self.now,
                               [row["id"] for row in plan.grid_rows], self.ids["households"],
                               self.ids["persons"]),
            registers=RegisterMaker(self.rng, self.today, settings, community_id, self.now),
            visits=VisitMaker(self.rng, self.today, community_id, [staff.director_id, staff.staff_id]),
            requests=RequestMaker(self.rng, self.now, settings, community_id, staff),
            workers=staff.grid_workers,
        )

    def _chunk(self, makers: _Makers, homes: list[Home]) -> None:
        """Build a chunk of households with everything that hangs off them, then write it."""
        batch = makers.ledger.households(homes)
        entry_rows: list[dict[str, Any]] = []
        visit_rows: list[dict[str, Any]] = []
        for household in batch.households:
            grid_id = household.row["grid_id"]
            entries = makers.registers.entries(household, makers.workers[grid_id])
            entry_rows += entries
            visit_rows += makers.visits.visits(household, grid_id, makers.workers[grid_id], entries)
            makers.requests.consider(household, grid_id)
        self._add("households", Household, batch.household_rows)
        self.counts["active_households"] += sum(row["status"] == "active" for row in batch.household_rows)
        self._add("persons", Person, batch.person_rows)
        self.counts["residents"] += batch.residents
        insert_rows(self.connection, Membership, batch.membership_rows)
        self._add("search_keys", SearchEntry, batch.search_key_rows)
        self._add("register_entries", RegisterEntry, entry_rows)
        self._add("visits", Visit, visit_rows)

    def _requests(self, requests: RequestMaker) -> None:
        request_rows, event_rows, self.request_counters = requests.rows(self.ids["requests"])
        self._add("requests", ResidentRequest, request_rows)
        self._add("request_events", RequestEvent, event_rows)

    def _counters(self) -> None:
        """Continue numbering after the demo: next household H<n+1>, next request of a day."""
        values = {"household": self.counts["households"], **self.request_counters}
        rows = [{"community_id": self.community.id, "name": name, "value": value}
                for name, value in values.items()]
        insert_rows(self.connection, Counter, rows)

    def _add(self, what: str, model: Any, rows: list[dict[str, Any]]) -> None:
        self.counts[what] += insert_rows(self.connection, model, rows)

    def _taken_grid_codes(self) -> set[str]:
        return set(self.connection.scalars(select(Grid.code).where(Grid.community_id == self.community.id)))


"""The search benchmark: a fixed, varied query set drawn from the data, timed per actor.

Each query is run REPEATS times in its own unit of work (as the search box does); a query's
time is the median of its runs, and the figures are percentiles and the maximum over queries.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from models import Building, Household, Membership, Person, Unit
from station.actor import Actor
from station.db import Database
from station.search.lookup import search
from station.search.pinyin import name_spellings
from station.uow import UnitOfWork, is_reading

PER_KIND = 16
REPEATS = 5


@dataclass(frozen=True)
class Query:
    kind: str
    text: str


def query_set(db: Database, seed: int) -> list[Query]:
    """PER_KIND queries of each kind, from persons sampled with a fixed seed (same data, same set)."""
    rng = random.Random(seed)
    rows = _sample(db, rng)
    makers: dict[str, Callable[[dict], str]] = {
        "full_name": lambda p: p["name"],
        "name_prefix": lambda p: p["name"][:2],
        "surname": lambda p: p["name"][:1],
        "given_1char": lambda p: p["name"][-1],
        "given_2char": lambda p: p["name"][-2:],
        "pinyin_initials": lambda p: min(name_spellings(p["name"])[1]),
        "pinyin_full": lambda p: min(name_spellings(p["name"])[0]),
        "pinyin_prefix": lambda p: min(name_spellings(p["name"])[0])[:4],
        "id_last4": lambda p: p["id_number"][-4:],
        "id_full": lambda p: p["id_number"],
        "phone_full": lambda p: p["phone"],
        "phone_last4": lambda p: p["phone"][-4:],
        "address_text": _address_text,
        "address_dashes": _address_dashes,
    }
    queries = []
    for kind, make in makers.items():
        usable = [row for row in rows if _usable(kind, row)]
        queries += [Query(kind, make(row)) for row in rng.sample(usable, min(PER_KIND, len(usable)))]
    return queries


def time_queries(db: Database, actor: Actor, queries: list[Query], repeats: int = REPEATS) -> list[float]:
    """Median milliseconds per query over `repeats` runs."""
    medians = []
    for query in queries:
        runs = []
        for _ in range(repeats):
            started = time.perf_counter()
            with UnitOfWork(db, actor, reading=is_reading(search, query.text)) as uow:
                search(uow, query.text)
            runs.append((time.perf_counter() - started) * 1000)
        medians.append(statistics.median(runs))
    return medians


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0.95 = p95)."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def _sample(db: Database, rng: random.Random) -> list[dict]:
    with db.session() as session:
        ids = list(session.scalars(select(Person.id).order_by(Person.id)))
        chosen = rng.sample(ids, min(len(ids), PER_KIND * 40))
        statement = (
            select(Person.id, Person.name, Person.id_type, Person.id_number, Person.phone,
                   Building.name.label("building"), Unit.name.label("unit"), Household.room,
                   Household.address)
            .join(Membership, Membership.person_id == Person.id)
            .join(Household, Household.id == Membership.household_id)
            .outerjoin(Building, Building.id == Household.building_id)
            .outerjoin(Unit, Unit.id == Household.unit_id)
            .where(Person.id.in_(chosen), Membership.left_on.is_(None))
            .order_by(Person.id)
        )
        return [dict(row._mapping) for row in session.execute(statement)]


def _usable(kind: str, row: dict) -> bool:
    if kind.startswith("phone"):
        return bool(row["phone"])
    if kind.startswith("id"):
        return row["id_type"] == "resident"
    if kind == "address_dashes":
        return bool(row["unit"])
    if kind == "given_2char":
        return len(row["name"]) >= 3
    return True


def _address_text(row: dict) -> str:
    return row["address"] or f"{row['building']}{row['unit']}{row['room']}"


def _address_dashes(row: dict) -> str:
    return f"{row['building'].removesuffix('号楼')}-{row['unit'].removesuffix('单元')}-{row['room']}"

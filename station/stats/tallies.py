"""Residents at a month's end, counted once per community, grid, population type and age band.

The monthly report needs the same residents four ways: by type and age, households, per grid,
and households without a head. Each way used to be its own join of memberships, households and
persons; on a street's PostgreSQL each such join cost 0.4 s at 1M persons. There one statement
now counts them all (window functions mark each household's first resident row and count its
heads); SQLite counts residents and households in two.

`shared_tallies` keeps the counts for one job (a report, the street's month on SQLite): the
first request counts the whole scope of the job's actor, and each community or grid the job then
asks for within that scope is picked out of it, never counted again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import case, func, literal, select

from models import Household, Membership, Person
from station.actor import Actor
from station.codes import HEAD
from station.dates import years_before
from station.db import index_plans
from station.residents.living import read_from_indexes, residents
from station.scope import scope_conditions
from station.uow import UnitOfWork

_MEMO = "station.stats.tallies"


@dataclass(frozen=True)
class ResidentTally:
    """Residents living at the month's end in one (community, grid, population type, age band)."""

    community_id: int
    grid_id: int
    population_type: str
    age_band: str
    persons: int
    heads: int  # residents who are their household's head (户主)


@dataclass(frozen=True)
class HouseholdTally:
    """Households with residents at the month's end in one grid, and those without a head."""

    community_id: int
    grid_id: int
    households: int
    headless: int  # households none of whose residents is the head


@dataclass(frozen=True)
class Tallies:
    residents: tuple[ResidentTally, ...]
    households: tuple[HouseholdTally, ...]


@dataclass
class _Memo:
    actor: Actor  # whose scope was counted
    counted: dict[date, Tallies] = field(default_factory=dict)


@contextmanager
def shared_tallies(uow: UnitOfWork) -> Iterator[None]:
    """Count residents once for the block, in the actor's scope as it is now (no-op if open)."""
    info = uow.session.info
    if _MEMO in info:
        yield
        return
    info[_MEMO] = _Memo(uow.actor)
    try:
        yield
    finally:
        info.pop(_MEMO, None)


def resident_tallies(uow: UnitOfWork, on: date, grid_id: int | None = None) -> Tallies:
    """The tallies of residents living on `on` in the actor's scope (narrowed to one grid)."""
    memo = uow.session.info.get(_MEMO)
    if memo is None or not _covers(memo.actor, uow.actor):
        return _count(uow, on, grid_id)
    if on not in memo.counted:
        memo.counted[on] = _count_as(uow, memo.actor, on)
    counted = memo.counted[on]
    return Tallies(tuple(_within(counted.residents, uow.actor, grid_id)),
                   tuple(_within(counted.households, uow.actor, grid_id)))


def _covers(wide: Actor, actor: Actor) -> bool:
    """True when everything `actor` sees, `wide` sees too (the memo holds no more than that)."""
    return (wide.community_id in (None, actor.community_id)
            and (wide.grid_ids is None or (actor.grid_ids is not None and actor.grid_ids <= wide.grid_ids)))


_Tally = TypeVar("_Tally", ResidentTally, HouseholdTally)


def _within(tallies: Iterable[_Tally], actor: Actor, grid_id: int | None) -> Iterator[_Tally]:
    """What scope_conditions would have kept: the actor's community and grids, one grid if asked."""
    for tally in tallies:
        if actor.community_id is not None and tally.community_id != actor.community_id:
            continue
        if not actor.sees_grid(tally.grid_id) or (grid_id is not None and tally.grid_id != grid_id):
            continue
        yield tally


def _count_as(uow: UnitOfWork, actor: Actor, on: date) -> Tallies:
    acting, uow.actor = uow.actor, actor
    try:
        return _count(uow, on, None)
    finally:
        uow.actor = acting


def _count(uow: UnitOfWork, on: date, grid_id: int | None) -> Tallies:
    scope = scope_conditions(uow, Household.community_id, Household.grid_id, grid_id)
    if uow.session.get_bind().dialect.name == "postgresql":
        return _count_in_one_pass(uow, on, scope)
    # SQLite walks one community's indexes for each join; sorting the rows for a window
    # costs more than a second walk (month figures at 200k persons: 0.79 s vs 0.52 s).
    return Tallies(_residents(uow, on, scope), _households(uow, on, scope))


def is_head() -> Any:
    """SQL: 1 for a membership as the household's head (户主), else 0; every count of heads and of
    households without one uses this (the report's headless check relies on them agreeing)."""
    return case((Membership.relation == HEAD, 1), else_=0)


def _residents(uow: UnitOfWork, on: date, scope: list[Any]) -> tuple[ResidentTally, ...]:
    head = is_head()
    keys = (Household.community_id, Household.grid_id, Person.population_type, age_band(Person.birth_date, on))
    statement = read_from_indexes(residents(*keys, func.count(), func.sum(head), on=on).where(*scope).group_by(*keys))
    return tuple(ResidentTally(community, grid, kind, band, int(persons), int(heads or 0))
                 for community, grid, kind, band, persons, heads in uow.session.execute(statement))


def _households(uow: UnitOfWork, on: date, scope: list[Any]) -> tuple[HouseholdTally, ...]:
    heads = func.sum(is_head())
    per_household = read_from_indexes(
        residents(Household.community_id.label("community_id"), Household.grid_id.label("grid_id"),
                  heads.label("heads"), on=on)
        .where(*scope)
        .group_by(Membership.household_id, Household.community_id, Household.grid_id)
    ).subquery()
    keys = (per_household.c.community_id, per_household.c.grid_id)
    statement = select(*keys, func.count(), func.sum(case((per_household.c.heads == 0, 1), else_=0))).group_by(*keys)
    return tuple(HouseholdTally(community, grid, int(households), int(headless or 0))
                 for community, grid, households, headless in uow.session.execute(statement))


def _count_in_one_pass(uow: UnitOfWork, on: date, scope: list[Any]) -> Tallies:
    """PostgreSQL: one join for everything. Over each household's rows a window numbers them and
    sums their heads; the row numbered 1 stands for the household (a household's rows share its
    community and grid, so per grid these add up to its households, and to its headless ones
    where the sum is 0)."""
    head = is_head()
    rows = (
        residents(
            Household.community_id.label("community_id"), Household.grid_id.label("grid_id"),
            Person.population_type.label("population_type"), age_band(Person.birth_date, on).label("age_band"),
            head.label("head"),
            case((func.row_number().over(partition_by=Membership.household_id) == 1, 1), else_=0).label("first"),
            func.sum(head).over(partition_by=Membership.household_id).label("household_heads"),
            on=on,
        )
        .where(*scope)
        .subquery()
    )
    keys = (rows.c.community_id, rows.c.grid_id, rows.c.population_type, rows.c.age_band)
    statement = select(
        *keys, func.count(), func.sum(rows.c.head), func.sum(rows.c.first),
        func.sum(case(((rows.c.first == 1) & (rows.c.household_heads == 0), 1), else_=0)),
    ).group_by(*keys)
    with index_plans(uow.session):
        return _folded(uow.session.execute(statement).all())


def _folded(found: Sequence[Any]) -> Tallies:
    """The one-pass rows as tallies: persons per group, households added up per grid."""
    households: Counter[tuple[int, int]] = Counter()
    headless: Counter[tuple[int, int]] = Counter()
    residents_found = []
    for community, grid, kind, band, persons, heads, first, without_head in found:
        residents_found.append(ResidentTally(community, grid, kind, band, int(persons), int(heads or 0)))
        households[community, grid] += int(first or 0)
        headless[community, grid] += int(without_head or 0)
    return Tallies(tuple(residents_found), tuple(
        HouseholdTally(community, grid, households[community, grid], headless[community, grid])
        for community, grid in sorted(households)))


def age_band(birth_date: Any, on: date) -> Any:
    """The age band of a birth date on a day, as SQL: born after the cut-off means younger."""
    return case(
        (birth_date > years_before(on, 18), literal("0-17")),
        (birth_date > years_before(on, 60), literal("18-59")),
        (birth_date > years_before(on, 80), literal("60-79")),
        else_=literal("80+"),
    )

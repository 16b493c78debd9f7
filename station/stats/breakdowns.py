"""The month's figures broken down per grid and per day, with month_figures' definitions.

Each breakdown is a handful of grouped queries (not month_figures once per grid: a community
has a hundred grids and more), built from the same SQL pieces as statistics.py.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from models import Grid, RegisterEntry, ResidentRequest, Visit
from station.permissions import require
from station.scope import community_clause, grid_clause, scope_conditions
from station.stats.figures import Period, covered, home_grid, month_period
from station.stats.month_records import DailyCounts, GridMonthRow
from station.stats.tallies import resident_tallies
from station.uow import UnitOfWork


def grid_rows(uow: UnitOfWork, year: int, month: int) -> tuple[GridMonthRow, ...]:
    """Key figures of every grid in the actor's scope, by grid code."""
    require(uow.actor, "stats.read")
    period = month_period(uow, year, month)
    grids = uow.session.execute(
        select(Grid.id, Grid.code, Grid.name)
        .where(*scope_conditions(uow, Grid.community_id, Grid.id)).order_by(Grid.code, Grid.id)
    ).all()
    people = _people_per_grid(uow, period)
    registers = _registers_per_grid(uow, period)
    visits = _visits_per_grid(uow, period)
    requests = _requests_per_grid(uow, period)
    return tuple(
        GridMonthRow(grid_id, code, name, *people.get(grid_id, (0, 0)), *registers.get(grid_id, (0, 0)),
                     visits.get(grid_id, 0), *requests.get(grid_id, (0, 0, 0)))
        for grid_id, code, name in grids
    )


def daily_counts(uow: UnitOfWork, year: int, month: int, grid_id: int | None = None) -> DailyCounts:
    """Visits done and requests received per day of the month (so far, while it runs)."""
    require(uow.actor, "stats.read")
    period = month_period(uow, year, month)
    visits = uow.session.execute(
        select(Visit.done_on, func.count())
        .where(Visit.done_on.between(period.first, period.end),
               *scope_conditions(uow, Visit.community_id, Visit.grid_id, grid_id))
        .group_by(Visit.done_on)
    )
    per_day_visits = {day.day: int(count) for day, count in visits if day is not None}
    # A month holds a few thousand requests at most: bucketing them here avoids per-dialect
    # date functions.
    received = Counter(at.day for at in uow.session.scalars(
        select(ResidentRequest.received_at)
        .where(ResidentRequest.received_at >= period.start, ResidentRequest.received_at < period.stop,
               *scope_conditions(uow, ResidentRequest.community_id, ResidentRequest.grid_id, grid_id))
    ))
    days = range(1, period.elapsed + 1)
    return DailyCounts(tuple(per_day_visits.get(d, 0) for d in days), tuple(received.get(d, 0) for d in days))


def _people_per_grid(uow: UnitOfWork, period: Period) -> dict[int, tuple[int, int]]:
    """(households, residents) at the month's end per grid."""
    tallies = resident_tallies(uow, period.end)
    persons: Counter[int] = Counter()
    for tally in tallies.residents:
        persons[tally.grid_id] += tally.persons
    return {tally.grid_id: (tally.households, persons[tally.grid_id]) for tally in tallies.households}


def _registers_per_grid(uow: UnitOfWork, period: Period) -> dict[int, tuple[int, int]]:
    """Entries open at the month's end and those covered, by the grid of the person's home."""
    entries = (
        select(home_grid(period).label("grid_id"),
               case((covered(uow, period), 1), else_=0).label("covered"))
        .where(community_clause(uow.actor, RegisterEntry.community_id),
               RegisterEntry.start_on <= period.end,
               or_(RegisterEntry.end_on.is_(None), RegisterEntry.end_on > period.end))
        .subquery()
    )
    statement = (
        select(entries.c.grid_id, func.count(), func.sum(entries.c.covered))
        .where(entries.c.grid_id.is_not(None), grid_clause(uow.actor, entries.c.grid_id))
        .group_by(entries.c.grid_id)
    )
    return {grid_id: (int(total), int(done or 0)) for grid_id, total, done in uow.session.execute(statement)}


def _visits_per_grid(uow: UnitOfWork, period: Period) -> dict[int, int]:
    statement = (
        select(Visit.grid_id, func.count())
        .where(Visit.done_on.between(period.first, period.end),
               *scope_conditions(uow, Visit.community_id, Visit.grid_id))
        .group_by(Visit.grid_id)
    )
    return {grid_id: int(count) for grid_id, count in uow.session.execute(statement)}


def _requests_per_grid(uow: UnitOfWork, period: Period) -> dict[int, tuple[int, int, int]]:
    """(received, closed, closed on time) in the month per grid."""
    request = ResidentRequest
    received = _in_month(request.received_at, period)
    closed = _in_month(request.closed_at, period)
    statement = (
        select(request.grid_id, func.sum(case((received, 1), else_=0)),
               func.sum(case((closed, 1), else_=0)),
               func.sum(case((and_(closed, request.closed_at <= request.deadline_at), 1), else_=0)))
        .where(or_(received, closed), request.grid_id.is_not(None),
               *scope_conditions(uow, request.community_id, request.grid_id))
        .group_by(request.grid_id)
    )
    return {grid_id: (int(r or 0), int(c or 0), int(t or 0))
            for grid_id, r, c, t in uow.session.execute(statement)}


def _in_month(column: Any, period: Period) -> Any:
    return and_(column >= period.start, column < period.stop)

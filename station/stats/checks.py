"""The monthly report's validation page: what looks wrong at the end of the month (or now,
while the month runs: "the last day" below is then today, and lateness is measured to now).

- Unvisited: people in a weekly register (visits every 7 days or more often), open at the
  month's end and registered for at least three months, with no visit done in the three
  months up to the month's last day (after `since`, the same day three months earlier).
- Headless: households with residents at the month's end (month_figures' definition) of whom
  none is the head (与户主关系 02).
- Overdue: requests received by the month's end, not closed by then, whose deadline had passed.
Grids are those of month_figures: the person's home for the month, the household's, the request's.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from models import (
    Building,
    Grid,
    Household,
    Membership,
    Person,
    RegisterEntry,
    ResidentRequest,
    Unit,
    Visit,
)
from station.permissions import require
from station.scope import community_clause, scope_conditions
from station.stats.figures import Period, month_period, residents_at_end
from station.stats.month_records import HeadlessLine, MonthChecks, OverdueLine, UnvisitedLine
from station.stats.tallies import is_head, resident_tallies
from station.uow import UnitOfWork

WEEKLY_DAYS = 7
LIMIT = 200


def month_checks(uow: UnitOfWork, year: int, month: int, grid_id: int | None = None,
                 limit: int = LIMIT) -> MonthChecks:
    """The three checks for the actor's scope (or one grid); each list holds at most `limit` lines."""
    require(uow.actor, "stats.read")
    period = month_period(uow, year, month)
    since = months_before(period.end, 3)
    unvisited = _unvisited(uow, period, since, grid_id)
    headless = _headless(uow, period, grid_id)
    overdue = _overdue(uow, period, grid_id)
    return MonthChecks(since, tuple(unvisited[:limit]), len(unvisited), tuple(headless[:limit]),
                       len(headless), tuple(overdue[:limit]), len(overdue))


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, or that month's last day if it is shorter."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month_index + 1, min(day.day, calendar.monthrange(year, month_index + 1)[1]))


def _unvisited(uow: UnitOfWork, period: Period, since: date, grid_id: int | None) -> list[UnvisitedLine]:
    home = _home_household(period)
    last_visit = (select(func.max(Visit.done_on))
                  .where(Visit.person_id == RegisterEntry.person_id, Visit.done_on <= period.end)
                  .scalar_subquery())
    entries = (
        select(Person.name.label("person_name"), home.label("household_id"), RegisterEntry.category,
               RegisterEntry.start_on, last_visit.label("last_visit_on"))
        .join(Person, Person.id == RegisterEntry.person_id)
        .where(RegisterEntry.visit_every_days <= WEEKLY_DAYS, RegisterEntry.start_on <= since,
               or_(RegisterEntry.end_on.is_(None), RegisterEntry.end_on > period.end),
               community_clause(uow.actor, RegisterEntry.community_id))
        .subquery()
    )
    statement = (
        select(entries, Household.number, Grid.name.label("grid_name"))
        .join(Household, Household.id == entries.c.household_id)
        .join(Grid, Grid.id == Household.grid_id)
        .where(or_(entries.c.last_visit_on.is_(None), entries.c.last_visit_on <= since),
               *scope_conditions(uow, Household.community_id, Household.grid_id, grid_id))
        .order_by(Grid.code, Household.number, entries.c.person_name)
    )
    names = uow.settings.registers.categories
    return [UnvisitedLine(row.person_name, row.number, row.grid_name, names.get(row.category, row.category),
                          row.start_on, row.last_visit_on)
            for row in uow.session.execute(statement)]


def _home_household(period: Period) -> Any:
    """SQL, per entry: the household of the person's latest membership begun by the last day."""
    return (
        select(Membership.household_id)
        .where(Membership.person_id == RegisterEntry.person_id, Membership.joined_on <= period.end)
        .order_by(Membership.joined_on.desc(), Membership.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _headless(uow: UnitOfWork, period: Period, grid_id: int | None) -> list[HeadlessLine]:
    # The tallies the report's figures were counted from know whether there is any such
    # household; only then are they looked for.
    if not any(tally.headless for tally in resident_tallies(uow, period.end, grid_id).households):
        return []
    # The households are found from the indexes alone (ids and counts); only those few are
    # then read for their number and address.
    heads = func.sum(is_head())
    headless = (
        residents_at_end(uow, period, grid_id, Membership.household_id, func.count(Membership.id).label("residents"))
        .group_by(Membership.household_id)
        .having(heads == 0)
        .subquery()
    )
    statement = (
        select(Household.number, Grid.name, Household.address, Building.name, Unit.name, Household.room,
               headless.c.residents)
        .join_from(headless, Household, Household.id == headless.c.household_id)
        .join(Grid, Grid.id == Household.grid_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(Unit, Unit.id == Household.unit_id)
        .order_by(Grid.code, Household.number)
    )
    return [HeadlessLine(number, grid_name, address or f"{building or ''}{unit or ''}{room or ''}",
                         int(residents))
            for number, grid_name, address, building, unit, room, residents in uow.session.execute(statement)]


def _overdue(uow: UnitOfWork, period: Period, grid_id: int | None) -> list[OverdueLine]:
    request = ResidentRequest
    statement = (
        select(request.number, Grid.name, request.category, request.received_at, request.deadline_at)
        .outerjoin(Grid, Grid.id == request.grid_id)
        .where(request.received_at < period.stop, request.deadline_at < period.stop,
               or_(request.closed_at.is_(None), request.closed_at >= period.stop),
               *scope_conditions(uow, request.community_id, request.grid_id, grid_id))
        .order_by(request.deadline_at, request.number)
    )
    names = uow.settings.requests.categories
    return [OverdueLine(number, grid_name or "", names.get(category, category), received, deadline,
                        (period.stop - deadline).days)
            for number, grid_name, category, received, deadline in uow.session.execute(statement)]


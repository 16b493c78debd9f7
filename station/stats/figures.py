"""Statistics: the overview of the actor's scope and the monthly figures, all SQL aggregates.

Definitions used by `month_figures` (M is the month, from its first to its last day; a month
not yet over is taken "as of" now: its last day below is today, its timestamps end now, and the
report says so):

- Resident at the end of M: someone living in a household on the last day, as living.py defines
  it (membership begun and not ended, household not closed, person neither dead nor moved out
  by then). A household is counted when it has such a resident; its population type is its
  head's. Ages are full years on the last day. The overview (and the dashboard) count the same
  way today.
- A person's grid for the register figures is the grid of their home for M: the household of
  their latest membership begun on or before the last day (so people who moved out or died in
  M still count where they lived).
- Register entries: open at the end of M (start_on ≤ last day, end_on empty or after it), new in
  M (start_on in M), ended in M (end_on in M).
- Coverage: an entry open at the end of M is covered when the person got the visits its
  frequency (every N = visit_every_days days) asks for: at least floor(days in M / N) done
  visits in M when N ≤ days in M, else at least one done visit in the N days ending on the last
  day (not overdue at month end). For a month not yet over, "days in M" are the days so far. Visits of any kind by anyone count. So a 30-day register needs
  one visit in any month, a 7-day one four, a 90-day one a visit within the last 90 days.
  (ceil(days / N) would ask two visits a month of a 30-day register in 31-day months.)
- Requests: received in M (received_at in M); closed in M (closed_at in M: closed or rated now,
  a reopened request counts when it is closed again); on time when closed_at ≤ deadline_at;
  average hours from received_at to closed_at over those closed in M; satisfaction counts the
  ratings of the requests closed in M.
- Visits in M: done_on in M, by the visit's own grid. Work per worker: visits done in M, and
  requests closed in M by their assignee; every grid worker of the grids in scope is listed.

Visits are counted as rows (count(*), never count(visits.id): the same number, id is never
NULL): PostgreSQL then answers from an index alone (ix_visits_month, ix_visits_person_done)
without reading each visit's row; at 1M persons a community's month of visits took 61 ms read
row by row, 27 ms from the index, and the street's month 2.2 s, 1.7 s (make bench-pg).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, String, and_, case, cast, distinct, func, literal, or_, select

from models import (
    Building,
    Grid,
    Household,
    Membership,
    RegisterEntry,
    ResidentRequest,
    User,
    UserGrid,
    Visit,
)
from station.codes import POPULATION_TYPES
from station.db import index_plans
from station.errors import NotFound, ValidationError
from station.messages import Term
from station.permissions import require
from station.requests.workflow import SATISFACTIONS, STATES
from station.residents.living import residents
from station.scope import community_clause, community_view, grid_clause, scope_conditions
from station.stats.records import (
    AGE_BANDS,
    MonthFigures,
    Overview,
    PopulationFigures,
    RegisterFigures,
    RequestFigures,
    WorkerFigures,
)
from station.stats.tallies import resident_tallies
from station.uow import UnitOfWork


def overview(uow: UnitOfWork) -> Overview:
    """Counts within the actor's scope as they stand now."""
    require(uow.actor, "stats.read")
    with index_plans(uow.session):
        households, persons = uow.session.execute(
            residents(func.count(distinct(Membership.household_id)), func.count())
            .where(*scope_conditions(uow, Household.community_id, Household.grid_id))
        ).one()
    return Overview(
        grids=_count(uow, select(func.count(Grid.id)).where(*scope_conditions(uow, Grid.community_id, Grid.id))),
        buildings=_count(uow, select(func.count(Building.id)).join(Grid, Grid.id == Building.grid_id)
                         .where(*scope_conditions(uow, Grid.community_id, Grid.id))),
        households=households, persons=persons,
        registers=_open_registers(uow),
        visits_done=_count(uow, select(func.count()).select_from(Visit).where(
            Visit.done_on.is_not(None), *scope_conditions(uow, Visit.community_id, Visit.grid_id))),
        requests=_requests_by_state(uow),
    )


def month_figures(uow: UnitOfWork, year: int, month: int, grid_id: int | None = None,
                  community_id: int | None = None) -> MonthFigures:
    """The month's statistics for the actor's scope, or for one grid of it (see the module doc);
    a street account may name one community and gets what that community's accounts see."""
    require(uow.actor, "stats.read")
    with community_view(uow, community_id):
        return _month_figures(uow, year, month, grid_id)


def _month_figures(uow: UnitOfWork, year: int, month: int, grid_id: int | None) -> MonthFigures:
    period = month_period(uow, year, month)
    if grid_id is not None:
        _check_grid(uow, grid_id)
    visits = _visits_by_kind_and_worker(uow, period, grid_id)
    visits_by_kind: dict[str, int] = {}
    for (kind, _worker), done in visits.items():
        visits_by_kind[kind] = visits_by_kind.get(kind, 0) + done
    return MonthFigures(
        year=year, month=month, first_day=period.first, last_day=period.last, grid_id=grid_id,
        as_of=period.as_of,
        population=_population(uow, period, grid_id),
        registers=_registers(uow, period, grid_id),
        visits_done=sum(visits_by_kind.values()), visits_by_kind=visits_by_kind,
        requests=_request_figures(uow, period, grid_id),
        workers=_workers(uow, period, grid_id, visits),
    )


class Period:
    """A calendar month as dates (inclusive) and datetimes (half-open), as of `now` if not over.

    `end` is the day the month's figures are taken on: its last day, or today while it runs;
    `elapsed` counts the days from the first to `end`; `stop` ends its timestamps (midnight
    after the last day, or now); `as_of` is now while the month runs, else None.
    """

    def __init__(self, year: int, month: int, now: datetime | None = None):
        self.first = date(year, month, 1)
        self.days = calendar.monthrange(year, month)[1]
        self.last = date(year, month, self.days)
        self.start = datetime(year, month, 1)
        month_stop = datetime.combine(self.last + timedelta(days=1), time.min)
        self.as_of = now if now is not None and now < month_stop else None
        self.end = self.as_of.date() if self.as_of is not None else self.last
        self.elapsed = (self.end - self.first).days + 1
        self.stop = self.as_of if self.as_of is not None else month_stop


def month_period(uow: UnitOfWork, year: int, month: int) -> Period:
    """The month to report on, as of the unit of work's clock; a month not yet begun is refused."""
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationError("month_locks.bad_month", field="month")
    now = uow.now()
    if datetime(year, month, 1) > now:
        raise ValidationError("month_locks.not_begun", field="month", year=year, month=month)
    return Period(year, month, now)


# --- scope ----------------------------------------------------------------------------------


def _grid_scoped(uow: UnitOfWork, grid_id: int | None) -> bool:
    return grid_id is not None or uow.actor.grid_ids is not None


def _check_grid(uow: UnitOfWork, grid_id: int) -> None:
    grid = uow.session.get(Grid, grid_id)
    actor = uow.actor
    if grid is None or not actor.sees_grid(grid_id) or (
        actor.community_id is not None and grid.community_id != actor.community_id
    ):
        raise NotFound("common.not_found", what=Term("things.grid"), field="grid_id")


def _count(uow: UnitOfWork, statement: Any) -> int:
    return int(uow.session.scalar(statement) or 0)


def _pairs(uow: UnitOfWork, statement: Any) -> dict[str, int]:
    """A (key, count) query as a dict."""
    return {key: int(value) for key, value in uow.session.execute(statement)}


# --- overview -------------------------------------------------------------------------------


def _open_registers(uow: UnitOfWork) -> dict[str, int]:
    """Open entries per category; for a grid worker, of people now living in their grids."""
    statement = select(RegisterEntry.category, func.count(RegisterEntry.id)).where(
        RegisterEntry.end_on.is_(None), community_clause(uow.actor, RegisterEntry.community_id)
    )
    if uow.actor.grid_ids is not None:
        statement = (
            statement.join(Membership, and_(Membership.person_id == RegisterEntry.person_id,
                                            Membership.left_on.is_(None)))
            .join(Household, Household.id == Membership.household_id)
            .where(grid_clause(uow.actor, Household.grid_id))
        )
    counts = dict.fromkeys(uow.settings.registers.categories, 0)
    counts.update(_pairs(uow, statement.group_by(RegisterEntry.category)))
    return counts


def _requests_by_state(uow: UnitOfWork) -> dict[str, int]:
    statement = (
        select(ResidentRequest.state, func.count(ResidentRequest.id))
        .where(*scope_conditions(uow, ResidentRequest.community_id, ResidentRequest.grid_id))
        .group_by(ResidentRequest.state)
    )
    counts = dict.fromkeys(STATES, 0)
    counts.update(_pairs(uow, statement))
    return counts


# --- population -----------------------------------------------------------------------------


def _population(uow: UnitOfWork, period: Period, grid_id: int | None) -> PopulationFigures:
    """Residents at the end of the month by population type and age band, and their households."""
    by_type_age = {kind: dict.fromkeys(AGE_BANDS, 0) for kind in POPULATION_TYPES}
    heads = dict.fromkeys(POPULATION_TYPES, 0)
    tallies = resident_tallies(uow, period.end, grid_id)
    for tally in tallies.residents:
        ages = by_type_age.setdefault(tally.population_type, dict.fromkeys(AGE_BANDS, 0))
        ages[tally.age_band] += tally.persons
        heads[tally.population_type] = heads.get(tally.population_type, 0) + tally.heads
    households = sum(tally.households for tally in tallies.households)
    by_type = {kind: sum(ages.values()) for kind, ages in by_type_age.items()}
    by_age = {age: sum(ages[age] for ages in by_type_age.values()) for age in AGE_BANDS}
    return PopulationFigures(households, heads, sum(by_type.values()), by_type, by_age, by_type_age)


def residents_at_end(uow: UnitOfWork, period: Period, grid_id: int | None, *columns: Any) -> Any:
    """SELECT columns over the memberships of residents living there at the month's end, in scope."""
    return residents(*columns, on=period.end).where(
        *scope_conditions(uow, Household.community_id, Household.grid_id, grid_id))


# --- registers ------------------------------------------------------------------------------


def _registers(uow: UnitOfWork, period: Period, grid_id: int | None) -> tuple[RegisterFigures, ...]:
    first, last = period.first, period.end
    open_at_end = and_(RegisterEntry.start_on <= last,
                       or_(RegisterEntry.end_on.is_(None), RegisterEntry.end_on > last))
    statement = (
        select(
            RegisterEntry.category,
            func.sum(case((open_at_end, 1), else_=0)),
            func.sum(case((RegisterEntry.start_on.between(first, last), 1), else_=0)),
            func.sum(case((RegisterEntry.end_on.between(first, last), 1), else_=0)),
            func.sum(case((and_(open_at_end, covered(uow, period)), 1), else_=0)),
        )
        .where(community_clause(uow.actor, RegisterEntry.community_id),
               RegisterEntry.start_on <= last,
               or_(RegisterEntry.end_on.is_(None), RegisterEntry.end_on >= first))
        .group_by(RegisterEntry.category)
    )
    if _grid_scoped(uow, grid_id):
        statement = statement.where(*scope_conditions(uow, RegisterEntry.community_id, home_grid(period), grid_id))
    found: dict[str, list[int]] = {
        row[0]: [int(value or 0) for value in row[1:]] for row in uow.session.execute(statement)
    }
    names = uow.settings.registers.categories
    categories = list(names) + sorted(set(found) - set(names))
    return tuple(RegisterFigures(category, names.get(category) or category, *found.get(category, [0] * 4))
                 for category in categories)


def covered(uow: UnitOfWork, period: Period) -> Any:
    """SQL: the entry's person got the visits its frequency asks for (see the module doc)."""
    every, days = RegisterEntry.visit_every_days, period.elapsed
    monthly_or_more = every <= days
    since = case((monthly_or_more, literal(period.first, Date)), else_=_days_before(uow, period.end, every - 1))
    required = case((monthly_or_more, days // every), else_=1)
    # Correlated per entry, answered from the index on (person_id, done_on) alone.
    done = (
        select(func.count())
        .select_from(Visit)
        .where(Visit.person_id == RegisterEntry.person_id, Visit.done_on >= since,
               Visit.done_on <= period.end)
        .scalar_subquery()
    )
    return done >= required


def _days_before(uow: UnitOfWork, day: date, days: Any) -> Any:
    """SQL: the date `days` (an integer expression) before `day`."""
    if uow.session.get_bind().dialect.name == "sqlite":
        return func.date(literal(day.isoformat()), literal("-") + cast(days, String) + literal(" days"))
    return literal(day, Date) - days


def home_grid(period: Period) -> Any:
    """SQL, per entry: the grid of the person's home for the month (their latest membership
    begun by its last day), looked up through the index on memberships.person_id."""
    return (
        select(Household.grid_id)
        .select_from(Membership)
        .join(Household, Household.id == Membership.household_id)
        .where(Membership.person_id == RegisterEntry.person_id, Membership.joined_on <= period.end)
        .order_by(Membership.joined_on.desc(), Membership.id.desc())
        .limit(1)
        .scalar_subquery()
    )


# --- visits and requests --------------------------------------------------------------------


def _visits_by_kind_and_worker(uow: UnitOfWork, period: Period, grid_id: int | None) -> dict[tuple[str, int], int]:
    """Visits done in the month per (kind, worker): one reading of them for both figures."""
    statement = (
        select(Visit.kind, Visit.worker_id, func.count())
        .where(Visit.done_on.between(period.first, period.end),
               *scope_conditions(uow, Visit.community_id, Visit.grid_id, grid_id))
        .group_by(Visit.kind, Visit.worker_id)
        .order_by(Visit.kind)
    )
    return {(kind, worker_id): int(done) for kind, worker_id, done in uow.session.execute(statement)}


def _request_figures(uow: UnitOfWork, period: Period, grid_id: int | None) -> RequestFigures:
    scope = scope_conditions(uow, ResidentRequest.community_id, ResidentRequest.grid_id, grid_id)
    received = _count(uow, select(func.count(ResidentRequest.id)).where(
        ResidentRequest.received_at >= period.start, ResidentRequest.received_at < period.stop, *scope))
    closed_in_month = [ResidentRequest.closed_at >= period.start, ResidentRequest.closed_at < period.stop,
                       *scope]
    on_time = case((ResidentRequest.closed_at <= ResidentRequest.deadline_at, 1), else_=0)
    closed, closed_on_time, hours = uow.session.execute(
        select(func.count(ResidentRequest.id), func.sum(on_time),
               func.sum(_hours_between(uow, ResidentRequest.received_at, ResidentRequest.closed_at)))
        .where(*closed_in_month)
    ).one()
    ratings = dict.fromkeys(SATISFACTIONS, 0)
    ratings.update(_pairs(uow, select(ResidentRequest.satisfaction, func.count(ResidentRequest.id))
                          .where(*closed_in_month, ResidentRequest.satisfaction != "")
                          .group_by(ResidentRequest.satisfaction)))
    return request_figures(received, int(closed or 0), int(closed_on_time or 0), float(hours or 0.0), ratings)


def request_figures(received: int, closed: int, on_time: int, hours: float, ratings: dict[str, int]) -> RequestFigures:
    """The figures with their average: hours summed over the requests closed, divided by them."""
    average = round(hours / closed, 2) if closed else None
    return RequestFigures(received, closed, on_time, average, ratings, hours)


def _hours_between(uow: UnitOfWork, earlier: Any, later: Any) -> Any:
    """Hours between two timestamps, in the dialect's own date arithmetic."""
    if uow.session.get_bind().dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 24.0
    return func.extract("epoch", later - earlier) / 3600.0


# --- workers --------------------------------------------------------------------------------


def _workers(uow: UnitOfWork, period: Period, grid_id: int | None,
             visits: dict[tuple[str, int], int]) -> tuple[WorkerFigures, ...]:
    """Visits done (`visits`, per kind and worker) and requests closed in the month per person
    who did them."""
    # Every grid worker in scope is listed, with zeros if they did nothing this month.
    work: dict[int, list[int]] = {user_id: [0, 0] for user_id in _grid_workers(uow, grid_id)}
    for (_kind, user_id), done in visits.items():
        work.setdefault(user_id, [0, 0])[0] += done
    closed = (
        select(ResidentRequest.assignee_id, func.count(ResidentRequest.id))
        .where(ResidentRequest.closed_at >= period.start, ResidentRequest.closed_at < period.stop,
               ResidentRequest.assignee_id.is_not(None),
               *scope_conditions(uow, ResidentRequest.community_id, ResidentRequest.grid_id, grid_id))
        .group_by(ResidentRequest.assignee_id)
    )
    for assignee_id, done in uow.session.execute(closed):
        if assignee_id is not None:
            work.setdefault(assignee_id, [0, 0])[1] = int(done)
    users = uow.session.execute(select(User).where(User.id.in_(list(work)))).scalars()
    rows = [WorkerFigures(u.id, u.username, u.display_name, u.role, *work[u.id]) for u in users]
    return tuple(sorted(rows, key=lambda row: (row.role != "grid_worker", row.username)))


def _grid_workers(uow: UnitOfWork, grid_id: int | None) -> list[int]:
    statement = (
        select(UserGrid.user_id).distinct()
        .join(Grid, Grid.id == UserGrid.grid_id)
        .join(User, User.id == UserGrid.user_id)
        .where(User.disabled.is_(False), *scope_conditions(uow, Grid.community_id, Grid.id, grid_id))
    )
    return list(uow.session.scalars(statement))

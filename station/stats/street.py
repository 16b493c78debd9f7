"""The street's month: every community's figures side by side, and the street's totals.

Each community is counted by month_figures exactly as its own monthly report counts it (the
street account acting for that community), so a row always equals the community's report;
the totals are those rows added up (rates from the summed counts, the average from the summed
hours), never a second definition.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

from station.errors import ValidationError
from station.permissions import require
from station.places.directory import list_communities
from station.stats.figures import Period, month_figures, month_period, request_figures
from station.stats.month_records import CommunityMonthRow, StreetMonth, WorkSummary
from station.stats.records import (
    AGE_BANDS,
    MonthFigures,
    PopulationFigures,
    RegisterFigures,
    RequestFigures,
    WorkerFigures,
)
from station.stats.tallies import shared_tallies
from station.uow import UnitOfWork

STREET_CONNECTIONS = 3  # the app's pool holds 4 (+4 overflow); the caller keeps one


def street_month(uow: UnitOfWork, year: int, month: int) -> StreetMonth:
    """The month of every community a street account sees, by community code, with totals."""
    require(uow.actor, "stats.read")
    if not uow.actor.sees_all_communities:
        raise ValidationError("printing.street_needs_street", field="community")
    period = month_period(uow, year, month)
    communities = list_communities(uow)
    counted = _each_community(uow, year, month, [community.id for community in communities])
    rows = [CommunityMonthRow(community.id, community.code, community.name, figures, work_summary(figures.workers))
            for community, figures in zip(communities, counted, strict=True)]
    total = added_up([row.figures for row in rows], period)
    return StreetMonth(tuple(rows), total, _work_total([row.work for row in rows]))


def _each_community(uow: UnitOfWork, year: int, month: int, community_ids: list[int]) -> list[MonthFigures]:
    """Every community's month_figures, in the order given.

    On PostgreSQL each community is counted in a unit of work of its own, STREET_CONNECTIONS at a
    time: its counts walk that community's indexes, and while one waits for the server another
    runs (1M persons: 2.3 s against 3.3 s one after another, make bench-pg). SQLite reads one
    file in one process: there the street's residents are counted once for all (shared_tallies)."""
    def counted_alone(community_id: int) -> MonthFigures:
        with UnitOfWork(uow.database, uow.actor) as own:
            return month_figures(own, year, month, community_id=community_id)

    if uow.database.engine.dialect.name == "postgresql" and len(community_ids) > 1:
        pool = ThreadPoolExecutor(STREET_CONNECTIONS, thread_name_prefix="street-month")
        try:
            return [future.result() for future in [pool.submit(counted_alone, id_) for id_ in community_ids]]
        finally:
            # A failure (the server gone) is reported at once: the communities not begun are not run.
            pool.shutdown(cancel_futures=True)
    with shared_tallies(uow):
        return [month_figures(uow, year, month, community_id=community_id) for community_id in community_ids]


def work_summary(workers: Iterable[WorkerFigures]) -> WorkSummary:
    """Grid workers, their visits and the fewest any of them made; requests closed by anyone."""
    workers = list(workers)
    visits = [worker.visits_done for worker in workers if worker.role == "grid_worker"]
    return WorkSummary(len(visits), sum(visits), min(visits, default=None),
                       sum(worker.requests_closed for worker in workers))


def _work_total(rows: Sequence[WorkSummary]) -> WorkSummary:
    fewest = [row.fewest_visits for row in rows if row.fewest_visits is not None]
    return WorkSummary(sum(row.grid_workers for row in rows), sum(row.grid_worker_visits for row in rows),
                       min(fewest, default=None), sum(row.requests_closed for row in rows))


def added_up(parts: Sequence[MonthFigures], period: Period) -> MonthFigures:
    """Several scopes' figures of one month as one: counts summed, rates and averages recomputed."""
    visits_by_kind: Counter[str] = Counter()
    for figures in parts:
        visits_by_kind.update(figures.visits_by_kind)
    return MonthFigures(
        year=period.first.year, month=period.first.month, first_day=period.first, last_day=period.last,
        grid_id=None, as_of=period.as_of,
        population=_population([figures.population for figures in parts]),
        registers=_registers([figures.registers for figures in parts]),
        visits_done=sum(figures.visits_done for figures in parts), visits_by_kind=dict(visits_by_kind),
        requests=_requests([figures.requests for figures in parts]),
        workers=tuple(worker for figures in parts for worker in figures.workers),
    )


def _summed(dicts: Iterable[dict[str, int]]) -> dict[str, int]:
    """Key-wise sums, keys in the order they first appear (the community reports' order)."""
    total: dict[str, int] = {}
    for counts in dicts:
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
    return total


def _population(parts: Sequence[PopulationFigures]) -> PopulationFigures:
    kinds = _summed(part.persons_by_type for part in parts)
    by_type_and_age = {kind: _summed(part.persons_by_type_and_age.get(kind, {}) for part in parts)
                       for kind in kinds}
    return PopulationFigures(
        households=sum(part.households for part in parts),
        households_by_type=_summed(part.households_by_type for part in parts),
        persons=sum(part.persons for part in parts), persons_by_type=kinds,
        persons_by_age={band: sum(part.persons_by_age.get(band, 0) for part in parts) for band in AGE_BANDS},
        persons_by_type_and_age=by_type_and_age,
    )


def _registers(parts: Sequence[Sequence[RegisterFigures]]) -> tuple[RegisterFigures, ...]:
    totals: dict[str, RegisterFigures] = {}
    for registers in parts:
        for r in registers:
            seen = totals.get(r.category)
            totals[r.category] = r if seen is None else RegisterFigures(
                r.category, seen.name, seen.open_at_end + r.open_at_end, seen.new_in_month + r.new_in_month,
                seen.ended_in_month + r.ended_in_month, seen.covered + r.covered)
    return tuple(totals.values())


def _requests(parts: Sequence[RequestFigures]) -> RequestFigures:
    return request_figures(
        sum(part.received for part in parts), sum(part.closed for part in parts),
        sum(part.closed_on_time for part in parts), sum(part.hours_total for part in parts),
        _summed(part.satisfaction for part in parts))

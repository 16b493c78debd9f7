"""The monthly report's records: month_figures plus per-grid rows, daily counts, checks, lock."""

from __future__ import annotations

from station import codes
from station.audit_chain import chain_anchor
from station.db import job_page_cache
from station.errors import ValidationError
from station.month_locks import month_lock
from station.permissions import ROLES, require
from station.places.directory import find_grid
from station.printing.common import letterhead
from station.printing.records import MonthReport
from station.requests.rules import SATISFACTIONS
from station.scope import community_view
from station.stats.breakdowns import daily_counts, grid_rows
from station.stats.checks import month_checks
from station.stats.figures import month_figures
from station.stats.tallies import shared_tallies
from station.uow import UnitOfWork
from station.visits.log import VISIT_KINDS


def month_report(uow: UnitOfWork, year: int, month: int, grid_code: str | None = None,
                 community_id: int | None = None) -> MonthReport:
    """月度统计报表 of the actor's community, or of one of its grids; a street account names the
    community (its report is then exactly what that community's own accounts print)."""
    require(uow.actor, "reports.print")
    with community_view(uow, community_id):
        return _month_report(uow, year, month, grid_code)


def _month_report(uow: UnitOfWork, year: int, month: int, grid_code: str | None) -> MonthReport:
    community_id = uow.actor.community_id
    if community_id is None:
        raise ValidationError("printing.month_needs_community", field="community")
    head = letterhead(uow, community_id)
    grid = find_grid(uow, grid_code, community_id) if grid_code else None
    grid_id = grid.id if grid is not None else None
    # Its queries read the same memberships and persons again; the residents are counted once.
    with job_page_cache(uow.session), shared_tallies(uow):
        figures = month_figures(uow, year, month, grid_id)
        return MonthReport(
            letterhead=head, scope_name=grid.name if grid is not None else head.community_name,
            grid_code=grid.code if grid is not None else "", figures=figures,
            grids=grid_rows(uow, year, month) if grid_id is None else (),
            daily=daily_counts(uow, year, month, grid_id),
            checks=month_checks(uow, year, month, grid_id),
            lock=month_lock(uow, community_id, year, month),
            population_names=dict(codes.POPULATION_TYPES), visit_kind_names=dict(VISIT_KINDS),
            satisfaction_names=dict(SATISFACTIONS), role_names=dict(ROLES),
            audit=chain_anchor(uow.session.connection()),
        )

"""The whole ledger a page at a time: current residents in household-number order, head first.

The counter's result list is virtual: it asks for the size once and then only for the pages that
scroll into view, so 200k residents never sit in memory. Pages come from an index walk
(households by community and number, then their current memberships): no sort of the whole
ledger, and a page near the end costs tens of milliseconds on SQLite.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from models import Household, Membership
from station.permissions import require
from station.scope import community_clause, grid_clause
from station.search.lookup import hits_for
from station.search.records import SearchHit
from station.uow import UnitOfWork

MAX_PAGE = 500


def ledger_size(uow: UnitOfWork) -> int:
    """How many residents (current household members) the actor sees."""
    require(uow.actor, "ledger.read")
    statement = _residents(uow, select(func.count()))
    return int(uow.session.execute(statement).scalar_one())


def ledger_page(uow: UnitOfWork, offset: int, limit: int) -> list[SearchHit]:
    """Residents `offset` .. `offset + limit - 1` of the ledger order (fewer at the end)."""
    require(uow.actor, "ledger.read")
    limit = max(0, min(limit, MAX_PAGE))
    statement = (
        _residents(uow, select(Membership.person_id))
        .order_by(Household.community_id, Household.number, Membership.relation, Membership.person_id)
        .offset(max(0, offset)).limit(limit)
    )
    person_ids = list(uow.session.execute(statement).scalars())
    hits = {hit.person_id: hit for hit in hits_for(uow, person_ids)}
    return [hits[person_id] for person_id in person_ids if person_id in hits]


def _residents(uow: UnitOfWork, statement: Select[Any]) -> Select[Any]:
    """Current memberships of households in the actor's community and grids."""
    actor = uow.actor
    return (
        statement.select_from(Household)
        .join(Membership, (Membership.household_id == Household.id) & Membership.left_on.is_(None))
        .where(community_clause(actor, Household.community_id), grid_clause(actor, Household.grid_id))
    )

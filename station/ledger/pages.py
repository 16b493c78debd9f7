"""The whole ledger a page at a time: living residents in household-number order, head first.

The counter's result list is virtual: it asks for the size once and then only for the pages that
scroll into view, so 200k residents never sit in memory. Pages come from an index walk
(households by community and number, then their current memberships): no sort of the whole
ledger, and a page near the end costs tens of milliseconds on SQLite.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, distinct, func

from models import Household, Membership
from station.ledger.records import LedgerTotals
from station.permissions import require
from station.residents.living import residents
from station.scope import community_clause, grid_clause
from station.search.lookup import hits_for
from station.search.records import SearchHit
from station.uow import UnitOfWork

MAX_PAGE = 500


def ledger_size(uow: UnitOfWork) -> int:
    """How many living residents the actor sees (the rows of the ledger's list)."""
    require(uow.actor, "ledger.read")
    return int(uow.session.execute(_in_scope(uow, residents(func.count()))).scalar_one())


def ledger_totals(uow: UnitOfWork) -> LedgerTotals:
    """Living households and residents the actor sees, as the ledger's header states them."""
    require(uow.actor, "ledger.read")
    statement = _in_scope(uow, residents(func.count(distinct(Membership.household_id)), func.count()))
    households, persons = uow.session.execute(statement).one()
    return LedgerTotals(households=int(households), residents=int(persons))


def ledger_page(uow: UnitOfWork, offset: int, limit: int) -> list[SearchHit]:
    """Residents `offset` .. `offset + limit - 1` of the ledger order (fewer at the end)."""
    require(uow.actor, "ledger.read")
    limit = max(0, min(limit, MAX_PAGE))
    statement = (
        _in_scope(uow, residents(Membership.person_id))
        .order_by(Household.community_id, Household.number, Membership.relation, Membership.person_id)
        .offset(max(0, offset)).limit(limit)
    )
    person_ids = list(uow.session.execute(statement).scalars())
    hits = {hit.person_id: hit for hit in hits_for(uow, person_ids)}
    return [hits[person_id] for person_id in person_ids if person_id in hits]


def _in_scope(uow: UnitOfWork, statement: Select[Any]) -> Select[Any]:
    """Living residents of households in the actor's community and grids."""
    actor = uow.actor
    return statement.where(community_clause(actor, Household.community_id), grid_clause(actor, Household.grid_id))

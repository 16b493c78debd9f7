"""The whole ledger a page at a time: living residents in household-number order, head first.

The counter's result list is virtual: it asks for the size once and then only for the pages that
scroll into view, so 200k residents never sit in memory. Pages come from an index walk
(households by community and number, then their current memberships): no sort of the whole
ledger. A page next to one already shown is read by key (the row after its last, or before its
first), and a page nearer the end than the start is counted from the end, so scrolling through
a district of 1M costs the same at any depth; only a jump into the middle counts rows (OFFSET).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, distinct, func, select, tuple_

from models import Household, Membership
from station.db import index_plans
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
    with index_plans(uow.session):
        households, persons = uow.session.execute(statement).one()
    return LedgerTotals(households=int(households), residents=int(persons))


@dataclass(frozen=True)
class LedgerKey:
    """Where a row stands in the ledger order: its household, relation and person."""

    household_id: int
    relation: str
    person_id: int

    @classmethod
    def of(cls, hit: SearchHit) -> LedgerKey:
        return cls(hit.household_id or 0, hit.relation, hit.person_id)


# The ledger order: community, household number, relation (户主 "02" first among members), person.
ORDER = (Household.community_id, Household.number, Membership.relation, Membership.person_id)


def ledger_page(uow: UnitOfWork, offset: int, limit: int) -> list[SearchHit]:
    """Residents `offset` .. `offset + limit - 1` of the ledger order (fewer at the end)."""
    require(uow.actor, "ledger.read")
    return _hits(uow, _ordered(uow).offset(max(0, offset)).limit(_capped(limit)))


def ledger_page_after(uow: UnitOfWork, key: LedgerKey, limit: int) -> list[SearchHit]:
    """The `limit` residents that follow the row at `key`, read by key at any depth."""
    require(uow.actor, "ledger.read")
    return _hits(uow, _from_key(uow, key, forward=True).limit(_capped(limit)))


def ledger_page_before(uow: UnitOfWork, key: LedgerKey, limit: int) -> list[SearchHit]:
    """The `limit` residents that precede the row at `key`, in ledger order."""
    require(uow.actor, "ledger.read")
    return _hits(uow, _from_key(uow, key, forward=False).limit(_capped(limit)))[::-1]


def ledger_page_from_end(uow: UnitOfWork, after_it: int, limit: int) -> list[SearchHit]:
    """The `limit` residents that end `after_it` rows before the ledger's last, in ledger order."""
    require(uow.actor, "ledger.read")
    statement = _in_scope(uow, residents(Membership.person_id)).order_by(*(column.desc() for column in ORDER))
    return _hits(uow, statement.offset(max(0, after_it)).limit(_capped(limit)))[::-1]


def _capped(limit: int) -> int:
    return max(0, min(limit, MAX_PAGE))


def _ordered(uow: UnitOfWork) -> Select[Any]:
    return _in_scope(uow, residents(Membership.person_id)).order_by(*ORDER)


def _from_key(uow: UnitOfWork, key: LedgerKey, *, forward: bool) -> Select[Any]:
    """Living residents after (or before) the key's row, nearest first. The (community, number)
    bound lets the database start its walk of the households' unique index at the key."""
    community_id, number = uow.session.execute(
        select(Household.community_id, Household.number).where(Household.id == key.household_id)).one()
    here = tuple_(community_id, number, key.relation, key.person_id)
    household = tuple_(Household.community_id, Household.number)
    row = tuple_(*ORDER)
    order: tuple[Any, ...]
    if forward:
        bounds = [household >= tuple_(community_id, number), row > here]
        order = ORDER
    else:
        bounds = [household <= tuple_(community_id, number), row < here]
        order = tuple(column.desc() for column in ORDER)
    return _in_scope(uow, residents(Membership.person_id)).where(*bounds).order_by(*order)


def _hits(uow: UnitOfWork, statement: Select[Any]) -> list[SearchHit]:
    person_ids = list(uow.session.execute(statement).scalars())
    hits = {hit.person_id: hit for hit in hits_for(uow, person_ids)}
    return [hits[person_id] for person_id in person_ids if person_id in hits]


def _in_scope(uow: UnitOfWork, statement: Select[Any]) -> Select[Any]:
    """Living residents of households in the actor's community and grids."""
    actor = uow.actor
    return statement.where(community_clause(actor, Household.community_id), grid_clause(actor, Household.grid_id))

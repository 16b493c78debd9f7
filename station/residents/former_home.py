"""A person's last household, for people who no longer live in one (deceased, moved away).

The ledger keeps memberships as history; a clerk who finds a deceased resident opens the household
they last lived in, read-only, rather than being told they belong nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from models import Household, Membership, Person
from station.errors import NotFound
from station.messages import Term
from station.permissions import require
from station.residents.former_home_records import FormerHome
from station.residents.loading import load_household
from station.statements import one_of_ids
from station.uow import UnitOfWork

CHUNK = 500


def former_home(uow: UnitOfWork, person_id: int) -> FormerHome:
    """The household a person without a current one last lived in (NotFound: none, or not visible)."""
    require(uow.actor, "ledger.read")
    person = uow.session.get(Person, person_id)
    if person is None or not _in_community(uow, person):
        raise NotFound("common.not_found", what=Term("things.person"), field="person")
    membership = _latest_membership(uow, person_id)
    if membership is None:
        raise NotFound("residents.no_household_record", name=person.name, field="person")
    household = load_household(uow, membership.household_id)  # the household's grid decides visibility
    status = "deceased" if person.deceased_on else "moved_out" if person.moved_out_on else "active"
    return FormerHome(
        person_id=person.id, person_name=person.name, household_id=household.id,
        household_number=household.number, relation=membership.relation, joined_on=membership.joined_on,
        left_on=membership.left_on, left_reason=membership.left_reason, status=status,
        deceased_on=person.deceased_on,
    )


def last_households(uow: UnitOfWork, person_ids: Iterable[int]) -> dict[int, tuple[int, str, int]]:
    """Person id → (household id, number, grid id) of the latest household of each given person."""
    ids = sorted(set(person_ids))
    connection = uow.session.connection()
    statement = _last_households_statement(connection.dialect.name)
    found: dict[int, tuple[int, str, int]] = {}
    for start in range(0, len(ids), CHUNK):
        rows = connection.execute(statement, {"ids": ids[start:start + CHUNK]})
        found.update((person_id, (household_id, number, grid_id)) for person_id, household_id, number, grid_id in rows)
    return found


@cache
def _last_households_statement(dialect: str) -> Select[int, int, str, int]:
    """Built once: the search box asks it for every hit without a current home."""
    later = aliased(Membership)
    latest = select(func.max(later.id)).where(later.person_id == Membership.person_id).scalar_subquery()
    return (
        select(Membership.person_id, Household.id, Household.number, Household.grid_id)
        .join(Household, Household.id == Membership.household_id)
        .where(one_of_ids(Membership.person_id, "ids", dialect), Membership.id == latest)
    )


def closing_reason(uow: UnitOfWork, household_id: int) -> str:
    """Why a household no longer lives here: the reason its last members left with ("" if none)."""
    return uow.session.scalar(
        select(Membership.left_reason).where(Membership.household_id == household_id,
                                             Membership.left_on.is_not(None))
        .order_by(Membership.left_on.desc(), Membership.id.desc()).limit(1)
    ) or ""


def _latest_membership(uow: UnitOfWork, person_id: int) -> Membership | None:
    return uow.session.scalar(
        select(Membership).where(Membership.person_id == person_id).order_by(Membership.id.desc()).limit(1)
    )


def _in_community(uow: UnitOfWork, person: Person) -> bool:
    return uow.actor.community_id is None or person.community_id == uow.actor.community_id

"""The search box's 户号 lookup: H000001 as printed on every form, h000001, or the bare 000001.

A direct lookup on households.number (unique per community, indexed) rather than search keys per
person: a number names a household, so its members are the answer, head first, ahead of any person
whose keys merely start with the same characters.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from models import Household, Membership, Person
from station.codes import HEAD
from station.scope import community_clause, grid_clause
from station.uow import UnitOfWork

NUMBER_LENGTH = 32  # households.number
GENERATED_PREFIX = "H"  # households.register_household numbers new households H000001, H000002...


def number_variants(query: str) -> tuple[str, ...]:
    """What the stored number may look like: as typed, in either case, and H + a bare number."""
    text = "".join(unicodedata.normalize("NFKC", query or "").split())
    # Every number has a digit; a name never does, so typing a name costs no lookup.
    if not any(ch.isdigit() for ch in text) or len(text) > NUMBER_LENGTH:
        return ()
    variants = {text, text.upper(), text.lower()}
    if text.isascii() and text.isdigit():
        variants.add(GENERATED_PREFIX + text)
    return tuple(sorted(variants))


def members_by_number(uow: UnitOfWork, query: str) -> list[int]:
    """Person ids of the household numbered `query` in the actor's scope, head first.

    A household still lived in answers its current members; one that moved out or was cancelled
    answers the people for whom it was the last household (so its history can be opened).
    """
    variants = number_variants(query)
    if not variants:
        return []
    actor = uow.actor
    households = uow.session.execute(
        select(Household.id, Household.status).where(
            Household.number.in_(variants), community_clause(actor, Household.community_id),
            grid_clause(actor, Household.grid_id))
        .order_by(Household.community_id, Household.id)
    ).all()
    found: list[int] = []
    for household_id, status in households:
        members = _current_members(uow, household_id)
        if not members and status != "active":
            members = _last_members(uow, household_id)
        found.extend(person_id for person_id in members if person_id not in found)
    return found


def _current_members(uow: UnitOfWork, household_id: int) -> list[int]:
    return list(uow.session.scalars(
        select(Membership.person_id).join(Person, Person.id == Membership.person_id)
        .where(Membership.household_id == household_id, Membership.left_on.is_(None))
        .order_by(Membership.relation != HEAD, Membership.relation, Person.birth_date, Person.id)
    ))


def _last_members(uow: UnitOfWork, household_id: int) -> list[int]:
    """Former members whose latest membership is this household's."""
    later = aliased(Membership)
    latest = select(func.max(later.id)).where(later.person_id == Membership.person_id).scalar_subquery()
    return list(uow.session.scalars(
        select(Membership.person_id).join(Person, Person.id == Membership.person_id)
        .where(Membership.household_id == household_id, Membership.id == latest)
        .order_by(Membership.relation != HEAD, Membership.relation, Person.birth_date, Person.id)
    ))

"""The search box's 户号 lookup: H000001 as printed on every form, h000001, or the bare 000001.

A direct lookup on households.number (unique per community, indexed) rather than search keys per
person: a number names a household, so its members are the answer, head first, ahead of any person
whose keys merely start with the same characters.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import aliased

from models import Household, Membership, Person
from station.codes import HEAD
from station.scope import bound_scope, scope_shape, scope_values
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
    connection = uow.session.connection()
    households = connection.execute(_numbered(scope_shape(actor)), {**scope_values(actor), "numbers": list(variants)})
    found: list[int] = []
    for household_id, status in households.all():
        members = connection.scalars(_CURRENT_MEMBERS, {"household": household_id}).all()
        if not members and status != "active":
            members = connection.scalars(_LAST_MEMBERS, {"household": household_id}).all()
        found.extend(person_id for person_id in members if person_id not in found)
    return found


# The search box runs these on every number typed: built once, bound on each call.
@cache
def _numbered(shape: tuple[bool, bool]) -> Select[int, str]:
    return (
        select(Household.id, Household.status)
        .where(Household.number.in_(bindparam("numbers", expanding=True)),
               *bound_scope(shape, Household.community_id, Household.grid_id))
        .order_by(Household.community_id, Household.id)
    )


_MEMBERS_ORDER = (Membership.relation != HEAD, Membership.relation, Person.birth_date, Person.id)
_CURRENT_MEMBERS = (
    select(Membership.person_id).join(Person, Person.id == Membership.person_id)
    .where(Membership.household_id == bindparam("household"), Membership.left_on.is_(None))
    .order_by(*_MEMBERS_ORDER)
)
_later = aliased(Membership)
# Former members whose latest membership is this household's.
_LAST_MEMBERS = (
    select(Membership.person_id).join(Person, Person.id == Membership.person_id)
    .where(Membership.household_id == bindparam("household"),
           Membership.id == select(func.max(_later.id)).where(_later.person_id == Membership.person_id).scalar_subquery())
    .order_by(*_MEMBERS_ORDER)
)

"""Load a household or person within the actor's scope, and who currently lives where."""

from __future__ import annotations

from sqlalchemy import select

from models import Household, Membership, Person
from station.messages import Term
from station.scope import load_visible
from station.uow import UnitOfWork


def load_household(uow: UnitOfWork, household_id: int, expected_version: int | None = None) -> Household:
    """The household if the actor may see it, refusing a stale version."""
    return load_visible(uow, Household, household_id, Term("things.household"), field="household",
                        expected_version=expected_version)


def load_person(uow: UnitOfWork, person_id: int, expected_version: int | None = None) -> Person:
    """The person if the actor may see them (through their current household's grid)."""
    return load_visible(uow, Person, person_id, Term("things.person"), field="person", expected_version=expected_version,
                        grid_of=lambda person: home_grid(uow, person.id))


def home_grid(uow: UnitOfWork, person_id: int) -> int | None:
    """The grid of the person's current household (None: not living in one)."""
    membership = current_membership(uow, person_id)
    household = uow.session.get(Household, membership.household_id) if membership else None
    return household.grid_id if household else None


def current_membership(uow: UnitOfWork, person_id: int) -> Membership | None:
    return uow.session.scalar(
        select(Membership).where(Membership.person_id == person_id, Membership.left_on.is_(None))
    )


def current_members(uow: UnitOfWork, household_id: int) -> list[Membership]:
    return list(
        uow.session.scalars(
            select(Membership)
            .where(Membership.household_id == household_id, Membership.left_on.is_(None))
            .order_by(Membership.id)
        )
    )

"""Plausibility notes on a register entry before it is saved (never a refusal): a 独居老人 (lives
alone) who shares a household with others is worth a second look."""

from __future__ import annotations

from sqlalchemy import func, select

from models import Household, Membership
from station.messages import Term
from station.permissions import require
from station.registers.rules import valid_category
from station.residents.loading import current_membership, load_person
from station.residents.records import Warning
from station.uow import UnitOfWork

LIVES_ALONE = "elderly_alone"


def register_warnings(uow: UnitOfWork, person_id: int, category: str) -> tuple[Warning, ...]:
    """What the register form shows under its fields for this person and category."""
    require(uow.actor, "registers.read")
    category = valid_category(uow, category)
    person = load_person(uow, person_id)
    if category != LIVES_ALONE:
        return ()
    membership = current_membership(uow, person.id)
    if membership is None:
        return ()
    members = uow.session.scalar(
        select(func.count()).select_from(Membership)
        .where(Membership.household_id == membership.household_id, Membership.left_on.is_(None)))
    if not members or members <= 1:
        return ()
    number = uow.session.get_one(Household, membership.household_id).number
    name = uow.settings.registers.categories[category]
    said = Term("registers.lives_alone_with_others", name=person.name, number=number, members=members,
                category=name)
    return (Warning("category", said, person.id),)

"""Joining and leaving a household, and the rules every household's membership obeys."""

from __future__ import annotations

from datetime import date

from models import Household, Membership, Person
from station.codes import HEAD
from station.errors import ValidationError
from station.messages import Term
from station.uow import UnitOfWork


def join(uow: UnitOfWork, household: Household, person: Person, relation: str, on: date) -> Membership:
    membership = Membership(household_id=household.id, person_id=person.id, relation=relation, joined_on=on)
    uow.session.add(membership)
    return membership


def leave(membership: Membership, on: date, reason: str) -> None:
    membership.left_on = on
    membership.left_reason = reason


def touch(uow: UnitOfWork, household: Household) -> None:
    """Bump the household's version so a concurrent edit of its members is refused."""
    household.updated_at = uow.now()


def check_one_head(relations: list[str]) -> None:
    """Exactly one 户主 per household, at all times."""
    heads = relations.count(HEAD)
    if heads == 0:
        raise ValidationError("ledger.no_head", field="relation")
    if heads > 1:
        raise ValidationError("ledger.one_head", field="relation")


def check_on_date(on: date | None, uow: UnitOfWork, label: Term) -> date:
    on = on or uow.today()
    if on > uow.today():
        raise ValidationError("residents.date_in_future", label=label, field="on")
    return on

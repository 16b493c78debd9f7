"""Whom a listing is about: a resident by ID number or full name, or a household by its number,
looked up in the actor's community (as the log itself is scoped)."""

from __future__ import annotations

from sqlalchemy import select

from models import Community, Household, Person
from station.audit_log.records import AuditSubject
from station.errors import NotFound, ValidationError
from station.idcard import mask_id, normalize_id
from station.masking import mask_text
from station.permissions import require
from station.scope import community_clause
from station.search.household_number import number_variants
from station.uow import UnitOfWork

LISTED = 10


def find_subject(uow: UnitOfWork, text: str) -> AuditSubject:
    """One field for both: an ID number, else a household number, else a resident's full name."""
    require(uow.actor, "audit.read")
    needle = (text or "").strip()
    if any(ch.isdigit() for ch in needle):
        person = _persons_by_id_number(uow, needle)
        if person:
            return _person_subject(person[0])
        return find_household(uow, needle)
    return find_person(uow, needle)


def find_person(uow: UnitOfWork, text: str) -> AuditSubject:
    """The one resident with this ID number or full name; refused when none or several."""
    require(uow.actor, "audit.read")
    needle = (text or "").strip()
    found = _persons_by_id_number(uow, needle) or _persons_by_name(uow, needle)
    if not found:
        raise NotFound("audit_log.person_not_found", needle=mask_text(needle), field="person")
    if len(found) > 1:
        listing = "; ".join(f"{name} {mask_id(number)}" for _id, name, number in found[:LISTED])
        raise ValidationError("audit_log.several_people", needle=mask_text(needle), count=len(found),
                              listing=listing, field="person")
    return _person_subject(found[0])


def find_household(uow: UnitOfWork, text: str) -> AuditSubject:
    """The one household numbered so (H000001, h000001 or 000001); refused when none or several."""
    require(uow.actor, "audit.read")
    needle = (text or "").strip()
    variants = number_variants(needle)
    found = uow.session.execute(
        select(Household.id, Household.number, Community.name)
        .join(Community, Community.id == Household.community_id)
        .where(Household.number.in_(variants), community_clause(uow.actor, Household.community_id))
        .order_by(Household.id)).all() if variants else []
    if not found:
        raise NotFound("audit_log.household_not_found", number=mask_text(needle), field="household")
    if len(found) > 1:
        listing = "; ".join(f"{community} {number}" for _id, number, community in found[:LISTED])
        raise ValidationError("audit_log.several_households", number=mask_text(needle), count=len(found),
                              listing=listing, field="household")
    household_id, number, _community = found[0]
    return AuditSubject("household", household_id, number)


def _persons_by_id_number(uow: UnitOfWork, needle: str) -> list[tuple[int, str, str]]:
    number = normalize_id(needle)
    if len(number) < 8:  # passports are the shortest numbers kept; a fragment names no one
        return []
    return _persons(uow, Person.id_number.in_({number, number.lower()}))


def _persons_by_name(uow: UnitOfWork, needle: str) -> list[tuple[int, str, str]]:
    return _persons(uow, Person.name == needle) if needle else []


def _persons(uow: UnitOfWork, condition) -> list[tuple[int, str, str]]:
    statement = (select(Person.id, Person.name, Person.id_number)
                 .where(condition, community_clause(uow.actor, Person.community_id))
                 .order_by(Person.id))
    return [(row.id, row.name, row.id_number) for row in uow.session.execute(statement)]


def _person_subject(found: tuple[int, str, str]) -> AuditSubject:
    person_id, name, number = found
    return AuditSubject("person", person_id, f"{name} {mask_id(number)}")

"""Writing a new person: one ID number per person, and a warning for a likely double registration."""

from __future__ import annotations

from sqlalchemy import select

from models import Person
from station.errors import DuplicateError
from station.idcard import mask_id
from station.messages import Term
from station.residents.records import Warning
from station.residents.rules import CleanPerson
from station.uow import UnitOfWork


def refuse_duplicate_id(uow: UnitOfWork, id_number: str, *, except_person: int | None = None) -> None:
    """An ID number already in the database stops the save, pointing at the existing person."""
    existing = uow.session.scalar(select(Person).where(Person.id_number == id_number))
    if existing is not None and existing.id != except_person:
        raise DuplicateError(
            "residents.duplicate_id", id_number=mask_id(id_number), name=existing.name,
            field="id_number",
            existing_id=existing.id,
        )


def same_name_warning(uow: UnitOfWork, clean: CleanPerson, except_person: int | None = None) -> Warning | None:
    """Same name and birth date as someone else: worth a look, not a refusal (namesakes exist)."""
    values = clean.values
    twin = uow.session.scalar(
        select(Person.id).where(
            Person.name == values["name"],
            Person.birth_date == values["birth_date"],
            Person.id != (except_person or -1),
        )
    )
    if twin is None:
        return None
    return Warning("name", Term("residents.same_name_and_birth", name=values["name"]), twin)


def insert_person(uow: UnitOfWork, clean: CleanPerson, community_id: int) -> Person:
    refuse_duplicate_id(uow, clean.values["id_number"])
    person = Person(community_id=community_id, **clean.values)
    uow.session.add(person)
    uow.flush()
    return person

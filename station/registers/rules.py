"""What a register entry must satisfy before it is written: category, visit cycle, notes, person."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from models import Person, RegisterEntry
from station.errors import DuplicateError, ValidationError
from station.uow import UnitOfWork

MAX_VISIT_EVERY_DAYS = 366


def valid_category(uow: UnitOfWork, category: str) -> str:
    """A register category configured in station.toml."""
    category = (category or "").strip()
    if not category:
        raise ValidationError("registers.category_missing", field="category")
    if category not in uow.settings.registers.categories:
        raise ValidationError("registers.unknown_category", category=category, field="category")
    return category


def valid_visit_every(days: int) -> int:
    """A visit cycle of 1 to 366 days."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_VISIT_EVERY_DAYS:
        raise ValidationError("registers.bad_visit_cycle", most=MAX_VISIT_EVERY_DAYS, field="visit_every_days")
    return days


def check_can_register(uow: UnitOfWork, person: Person, start_on: date) -> None:
    """Only living residents who have not moved out, from a start date between birth and today."""
    if person.deceased_on is not None:
        raise ValidationError("registers.person_deceased", name=person.name, field="person_id")
    if person.moved_out_on is not None:
        raise ValidationError("registers.person_moved_out", name=person.name, field="person_id")
    if start_on > uow.today():
        raise ValidationError("registers.start_in_future", field="start_on")
    if start_on < person.birth_date:
        raise ValidationError("registers.start_before_birth", field="start_on")


def lock_person(uow: UnitOfWork, person_id: int) -> None:
    """Serialise registrations of one person so two clerks cannot both pass the duplicate check.

    A no-op UPDATE takes the row lock on PostgreSQL and the write lock on SQLite.
    """
    uow.session.execute(
        update(Person).where(Person.id == person_id).values(updated_at=Person.updated_at)
        .execution_options(synchronize_session=False)
    )


def refuse_open_duplicate(uow: UnitOfWork, person_id: int, category: str) -> None:
    """One open entry per person and category."""
    existing = uow.session.scalar(
        select(RegisterEntry.id).where(
            RegisterEntry.person_id == person_id, RegisterEntry.category == category,
            RegisterEntry.end_on.is_(None),
        )
    )
    if existing is not None:
        name = uow.settings.registers.categories[category]
        raise DuplicateError("registers.already_registered", name=name, field="category",
                             existing_id=existing)

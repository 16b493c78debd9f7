"""Read register entries: load one within scope, and build records with their visit due dates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, select

from models import Grid, Household, Membership, Person, RegisterEntry, User, Visit
from station.errors import NotFound
from station.idcard import age_on
from station.messages import Term
from station.registers.records import RegisterEntryRecord
from station.registers.schedule import visit_schedule
from station.residents.loading import home_grid
from station.scope import community_clause, grid_clause, load_visible
from station.uow import UnitOfWork


def load_entry(uow: UnitOfWork, entry_id: int, expected_version: int | None = None) -> RegisterEntry:
    """An entry whose person the actor may see, at the version the caller expects."""
    return load_visible(uow, RegisterEntry, entry_id, Term("things.register_entry"), field="entry_id",
                        expected_version=expected_version,
                        grid_of=lambda entry: home_grid(uow, entry.person_id))


def current_membership_of(person_id_column):
    """Join condition: the household a person lives in now."""
    return and_(Membership.person_id == person_id_column, Membership.left_on.is_(None))


def entry_records(uow: UnitOfWork, *conditions) -> list[RegisterEntryRecord]:
    """Entries in the actor's scope matching `conditions`, by category, grid and household."""
    actor = uow.actor
    last_visit = (
        select(func.max(Visit.done_on))
        .where(Visit.person_id == RegisterEntry.person_id, Visit.done_on.is_not(None))
        .scalar_subquery()
    )
    query = (
        select(RegisterEntry, Person, Household, Grid.name, User.display_name, last_visit)
        .join(Person, Person.id == RegisterEntry.person_id)
        .outerjoin(Membership, current_membership_of(Person.id))
        .outerjoin(Household, Household.id == Membership.household_id)
        .outerjoin(Grid, Grid.id == Household.grid_id)
        .outerjoin(User, User.id == RegisterEntry.worker_id)
        .where(community_clause(actor, RegisterEntry.community_id),
               grid_clause(actor, Household.grid_id), *conditions)
        .order_by(RegisterEntry.category, Grid.code, Household.number, Person.name, RegisterEntry.id)
    )
    today = uow.today()
    names = uow.settings.registers.categories
    return [_record(row, today, names) for row in uow.session.execute(query)]


def entry_record_by_id(uow: UnitOfWork, entry_id: int) -> RegisterEntryRecord:
    """The record of one entry in the actor's scope."""
    records = entry_records(uow, RegisterEntry.id == entry_id)
    if not records:
        raise NotFound("registers.entry_not_found", field="entry_id")
    return records[0]


def _record(row, today: date, names: dict[str, str]) -> RegisterEntryRecord:
    entry, person, household, grid_name, worker_name, last_visit_on = row
    due, state = (None, "")
    if entry.end_on is None:
        due, state = visit_schedule(entry.start_on, entry.visit_every_days, last_visit_on, today)
    return RegisterEntryRecord(
        id=entry.id, community_id=entry.community_id, person_id=person.id, person_name=person.name,
        id_number=person.id_number, sex=person.sex, birth_date=person.birth_date,
        age=age_on(person.birth_date, person.deceased_on or today), phone=person.phone,
        household_id=household.id if household else None,
        household_number=household.number if household else "",
        address=household.address if household else "",
        grid_id=household.grid_id if household else None, grid_name=grid_name or "",
        category=entry.category, category_name=names.get(entry.category, entry.category),
        start_on=entry.start_on, end_on=entry.end_on, end_reason=entry.end_reason,
        worker_id=entry.worker_id, worker_name=worker_name or "",
        visit_every_days=entry.visit_every_days, notes=entry.notes, version=entry.version,
        last_visit_on=last_visit_on, next_visit_due=due, visit_state=state,
        attributes=dict(entry.attributes or {}),
    )

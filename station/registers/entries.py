"""Special-needs registers (重点人群): who is in which register, since when, and when to visit next."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from models import Household, Person, RegisterEntry
from station import audit, month_locks
from station.accounts.users import load_worker
from station.errors import ValidationError
from station.permissions import require
from station.registers.attributes import clean_attributes
from station.registers.queries import entry_record_by_id, entry_records, load_entry
from station.registers.records import RegisterEntryRecord
from station.registers.rules import (
    check_can_register,
    lock_person,
    refuse_open_duplicate,
    valid_category,
    valid_visit_every,
)
from station.registers.schedule import visit_schedule
from station.registers.tekun import tekun_candidates
from station.residents.loading import load_person
from station.text_rules import text_for
from station.uow import UnitOfWork

__all__ = [
    "KEEP", "add_entry", "clean_attributes", "close_entries_for_person", "end_entry",
    "entries_for_person", "get_entry", "list_entries", "tekun_candidates", "update_entry",
    "visit_schedule",
]


class _Keep:
    """Marks an update argument the caller left alone (None is a real value for worker_id)."""


KEEP: Any = _Keep()


# --- writes ---------------------------------------------------------------------------------


def add_entry(uow: UnitOfWork, person_id: int, category: str, start_on: date, *,
              worker_id: int | None = None, visit_every_days: int | None = None,
              attributes: dict[str, Any] | None = None, notes: str = "") -> RegisterEntryRecord:
    """Put a person in a register; one open entry per person and category."""
    require(uow.actor, "registers.write")
    category = valid_category(uow, category)
    person = load_person(uow, person_id)
    check_can_register(uow, person, start_on)
    month_locks.refuse_if_locked(uow, person.community_id, start_on, field="start_on")
    every = visit_every_days if visit_every_days is not None else uow.settings.visit_every_days(category)
    entry = RegisterEntry(
        community_id=person.community_id, person_id=person.id, category=category,
        start_on=start_on, worker_id=_worker_id(uow, worker_id, person.community_id),
        visit_every_days=valid_visit_every(every),
        attributes=clean_attributes(category, attributes, person), notes=text_for("register_entries.notes", notes),
    )
    lock_person(uow, person.id)
    refuse_open_duplicate(uow, person.id, category)
    uow.session.add(entry)
    uow.flush()
    audit.record(uow, "create", "register_entry", entry.id, new=audit.snapshot(entry),
                 community_id=entry.community_id)
    uow.commit()
    return entry_record_by_id(uow, entry.id)


def update_entry(uow: UnitOfWork, entry_id: int, expected_version: int, *, worker_id: Any = KEEP,
                 visit_every_days: int | None = None, attributes: dict[str, Any] | None = None,
                 notes: str | None = None) -> RegisterEntryRecord:
    """Change an open entry's worker, visit frequency, attributes or notes."""
    require(uow.actor, "registers.write")
    entry = _load_open_entry(uow, entry_id, expected_version)
    before = audit.snapshot(entry)
    # Validate everything before touching the entry: a lookup would autoflush a half-made change.
    values: dict[str, Any] = {}
    if worker_id is not KEEP:
        values["worker_id"] = _worker_id(uow, worker_id, entry.community_id)
    if visit_every_days is not None:
        values["visit_every_days"] = valid_visit_every(visit_every_days)
    if attributes is not None:
        person = uow.session.get_one(Person, entry.person_id)
        values["attributes"] = clean_attributes(entry.category, attributes, person)
    if notes is not None:
        values["notes"] = text_for("register_entries.notes", notes)
    for key, value in values.items():
        setattr(entry, key, value)
    return _save_change(uow, entry, before, "update")


def end_entry(uow: UnitOfWork, entry_id: int, end_on: date, reason: str,
              expected_version: int) -> RegisterEntryRecord:
    """Close an entry (the person left the register); the entry stays as history."""
    require(uow.actor, "registers.write")
    entry = _load_open_entry(uow, entry_id, expected_version)
    month_locks.refuse_if_locked(uow, entry.community_id, end_on, field="end_on")
    reason = text_for("register_entries.end_reason", reason)
    if not reason:
        raise ValidationError("registers.end_reason_missing", field="reason")
    if end_on > uow.today():
        raise ValidationError("registers.end_in_future", field="end_on")
    if end_on < entry.start_on:
        raise ValidationError("registers.end_before_start", field="end_on")
    before = audit.snapshot(entry)
    entry.end_on, entry.end_reason = end_on, reason
    return _save_change(uow, entry, before, "end")


def close_entries_for_person(uow: UnitOfWork, person_id: int, end_on: date, reason: str) -> int:
    """End every open entry of a person (death, moving out) inside the caller's transaction.

    Does not commit: the household operation that calls it commits both together.
    """
    entries = uow.session.scalars(
        select(RegisterEntry).where(RegisterEntry.person_id == person_id, RegisterEntry.end_on.is_(None))
    ).all()
    for entry in entries:
        entry.end_on, entry.end_reason = max(end_on, entry.start_on), reason
        audit.record(uow, "end", "register_entry", entry.id, new={"end_on": entry.end_on,
                     "end_reason": reason}, community_id=entry.community_id)
    return len(entries)


def _worker_id(uow: UnitOfWork, worker_id: int | None, community_id: int) -> int | None:
    return None if worker_id is None else load_worker(uow, worker_id, community_id).id


def _load_open_entry(uow: UnitOfWork, entry_id: int, expected_version: int) -> RegisterEntry:
    entry = load_entry(uow, entry_id, expected_version)
    if entry.end_on is not None:
        raise ValidationError("registers.entry_ended", field="end_on")
    return entry


def _save_change(uow: UnitOfWork, entry: RegisterEntry, before: dict, action: str) -> RegisterEntryRecord:
    uow.flush()
    old, new = audit.changes(before, audit.snapshot(entry))
    audit.record(uow, action, "register_entry", entry.id, old=old, new=new,
                 community_id=entry.community_id)
    uow.commit()
    return entry_record_by_id(uow, entry.id)


# --- reads ----------------------------------------------------------------------------------


def list_entries(uow: UnitOfWork, category: str | None = None, *, open_only: bool = True,
                 grid_id: int | None = None) -> list[RegisterEntryRecord]:
    """Register entries the actor may see, with visit due dates, by category, grid and household."""
    require(uow.actor, "registers.read")
    conditions = []
    if category is not None:
        conditions.append(RegisterEntry.category == valid_category(uow, category))
    if open_only:
        conditions.append(RegisterEntry.end_on.is_(None))
    if grid_id is not None:
        conditions.append(Household.grid_id == grid_id)
    return entry_records(uow, *conditions)


def entries_for_person(uow: UnitOfWork, person_id: int) -> list[RegisterEntryRecord]:
    """Every register entry of one person, open ones first, newest first."""
    require(uow.actor, "registers.read")
    load_person(uow, person_id)
    records = entry_records(uow, RegisterEntry.person_id == person_id)
    return sorted(records, key=lambda r: (not r.is_open, -r.start_on.toordinal(), -r.id))


def get_entry(uow: UnitOfWork, entry_id: int) -> RegisterEntryRecord:
    """One entry the actor may see."""
    require(uow.actor, "registers.read")
    load_entry(uow, entry_id)
    return entry_record_by_id(uow, entry_id)

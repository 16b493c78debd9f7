"""The audit rows that touched one resident, for their own report: who, when, what.

A row touched them when it names them (entity person), one of their register entries, visits or
requests, a household while they lived there (views, prints and changes of its file, which shows
them), a search by a whole number that found them (its "persons" list), or an export of a list
that held them (their community's persons or households, or a kind of which they have rows, for
the whole community or a grid they lived in). Stored values are never repeated: an update says
which fields changed, a detail is given with numbers masked and without file paths.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, false, func, or_, select

from models import AuditEntry, Grid, Household, Person, RegisterEntry, ResidentRequest, Visit
from station.dossiers.resident_records import AccessEvent, Stay
from station.masking import mask_text
from station.uow import UnitOfWork

# The audit row's entity → its table (for the names of the fields an update changed).
TABLES = {"person": "persons", "household": "households", "register_entry": "register_entries",
          "visit": "visits", "request": "requests"}
# Export kinds that list every resident; the others list only those with such rows.
LISTS_EVERYONE = frozenset({"persons", "households"})
EXPORT_KINDS = {"register_entry": "registers", "visit": "visits", "request": "requests"}


def access_events(uow: UnitOfWork, person_id: int, stays: list[Stay]) -> list[AccessEvent]:
    """Every audit row that touched the person, oldest first."""
    person = uow.session.get_one(Person, person_id)
    subjects = _subjects(uow, person_id, stays)
    conditions = [
        (AuditEntry.entity == "person") & (AuditEntry.entity_id == person_id),
        *(_household_rows(stay) for stay in stays),
        *(_entity_rows(entity, list(named)) for entity, named in subjects.items() if entity != "household"),
        _searches(person_id),
        _exports(person.community_id, stays),
    ]
    rows = uow.session.scalars(select(AuditEntry).where(or_(*conditions)).order_by(AuditEntry.at, AuditEntry.id))
    kinds = {EXPORT_KINDS[entity] for entity, named in subjects.items() if named and entity in EXPORT_KINDS}
    grids = _grid_codes(uow, stays)
    return [_event(row, subjects) for row in rows if _touches(row, person_id, kinds, grids)]


def _subjects(uow: UnitOfWork, person_id: int, stays: list[Stay]) -> dict[str, dict[int, str]]:
    """Entity → id → how the report names it, for the things of theirs audit rows point at."""
    entries = uow.session.execute(select(RegisterEntry.id, RegisterEntry.category)
                                  .where(RegisterEntry.person_id == person_id))
    requests = uow.session.execute(select(ResidentRequest.id, ResidentRequest.number, ResidentRequest.person_id,
                                          ResidentRequest.household_id, ResidentRequest.received_at)
                                   .where(_theirs(ResidentRequest, person_id, stays)))
    visits = uow.session.execute(select(Visit.id, Visit.person_id, Visit.household_id,
                                        func.coalesce(Visit.done_on, Visit.planned_on).label("day"))
                                 .where(_theirs(Visit, person_id, stays)))
    return {
        "household": {stay.household_id: stay.number for stay in stays},
        "register_entry": {entry_id: category for entry_id, category in entries},
        "visit": {row.id: f"{row.day}" for row in visits
                  if row.person_id == person_id or _lived_there(stays, row.household_id, row.day)},
        "request": {row.id: row.number for row in requests
                    if row.person_id == person_id or _lived_there(stays, row.household_id, row.received_at)},
    }


def _theirs(model: Any, person_id: int, stays: list[Stay]) -> ColumnElement[bool]:
    """Rows naming the person, or naming no one in a household they lived in (dates checked after)."""
    households = sorted({stay.household_id for stay in stays})
    return or_(model.person_id == person_id, and_(model.person_id.is_(None), model.household_id.in_(households)))


def _lived_there(stays: list[Stay], household_id: int | None, when: date | datetime | None) -> bool:
    if when is None or household_id is None:
        return False
    day = when.date() if isinstance(when, datetime) else when
    return any(stay.household_id == household_id and stay.joined_on <= day
               and (stay.left_on is None or day <= stay.left_on) for stay in stays)


def _household_rows(stay: Stay) -> ColumnElement[bool]:
    """The household's rows from the day they joined until the end of the day they left."""
    window = [AuditEntry.at >= datetime.combine(stay.joined_on, time.min)]
    if stay.left_on is not None:
        window.append(AuditEntry.at < datetime.combine(stay.left_on + timedelta(days=1), time.min))
    return and_(AuditEntry.entity == "household", AuditEntry.entity_id == stay.household_id, *window)


def _entity_rows(entity: str, ids: list[int]) -> ColumnElement[bool]:
    return and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_(ids)) if ids else false()


def _searches(person_id: int) -> ColumnElement[bool]:
    """Searches whose stored values mention the id (narrowed in SQL, checked in _touches)."""
    return and_(AuditEntry.action == "search", AuditEntry.entity == "persons",
                cast(AuditEntry.new_values, String).like(f"%{person_id}%"))


def _exports(community_id: int, stays: list[Stay]) -> ColumnElement[bool]:
    """Exports of their community since they first lived in it (kind and grid checked in _touches)."""
    first = min((stay.joined_on for stay in stays), default=None)
    since = [AuditEntry.at >= datetime.combine(first, time.min)] if first else []
    return and_(AuditEntry.action == "export", AuditEntry.community_id == community_id, *since)


def _grid_codes(uow: UnitOfWork, stays: list[Stay]) -> set[str]:
    households = [stay.household_id for stay in stays]
    return set(uow.session.scalars(select(Grid.code).join(Household, Household.grid_id == Grid.id)
                                   .where(Household.id.in_(households))))


def _touches(row: AuditEntry, person_id: int, kinds: set[str], grids: set[str]) -> bool:
    """The checks SQL cannot make portably: a search's found list, an export's kind and grid."""
    values = row.new_values or {}
    if row.action == "search" and row.entity == "persons":
        return person_id in (values.get("persons") or [])
    if row.action == "export":
        return values.get("kind") in LISTS_EVERYONE | kinds and values.get("grid", "") in {"", *grids}
    return True


def _event(row: AuditEntry, subjects: dict[str, dict[int, str]]) -> AccessEvent:
    subject = subjects.get(row.entity, {}).get(row.entity_id or 0, "")
    if row.action == "export":
        subject = (row.new_values or {}).get("grid", "")
    return AccessEvent(row_id=row.id, at=row.at, username=row.username, action=row.action, entity=row.entity,
                       subject=subject, changed=_changed(row), note=_note(row))


def _changed(row: AuditEntry) -> tuple[str, ...]:
    """The fields an update changed, as "table.column" (the values stay in the log)."""
    table = TABLES.get(row.entity)
    if row.action != "update" or table is None:
        return ()
    keys = {*(row.old_values or {}), *(row.new_values or {})}
    return tuple(f"{table}.{key}" for key in sorted(keys))


def _note(row: AuditEntry) -> str:
    """The row's own words with numbers masked; a printout's file paths left out."""
    detail = row.detail or ""
    if row.action == "print":
        detail = detail.split(":", 1)[0]
    return mask_text(detail)

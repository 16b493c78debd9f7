"""The audit log a page at a time, newest first, as the actor may read it.

A listing is sized once (audit_size: the count and the newest matching row) and then read in
pages by id, newest first. A page asked with `before_id` (the id of the row above it) is a keyset
read, as cheap at row 900,000 as at row 0; `offset` counts rows below `before_id`, for a page
scrolled to directly. Starting every listing at AuditSize.page_start pins it to the log as it was
sized: rows written meanwhile do not shift its pages.

Scope: a station's users (admin, 站长) read their own community's rows; street-wide actors
(街道, the CLI's system actor) read every row. Rows without a community (a backup, an unknown
login) are street-wide.

Resident filters go by what a row is about (its entity): a person's rows are those about them,
their register entries, visits and requests, and the households they have belonged to; a
household's rows are those about it, its visits and requests, and anyone who has been its member.
A row that only mentions someone inside its values (a search listing the persons it found) is
not matched: reading every row's values would make each page a scan of the whole log.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select

from models import AuditEntry, Membership, RegisterEntry, ResidentRequest, User, Visit
from station.audit import action_codes
from station.audit_log import values
from station.audit_log.records import AuditFilter, AuditRow, AuditSize
from station.permissions import require
from station.scope import community_clause
from station.uow import UnitOfWork

MAX_PAGE = 500


def audit_size(uow: UnitOfWork, wanted: AuditFilter) -> AuditSize:
    """How many rows match, and the newest one's id (0 when none)."""
    require(uow.actor, "audit.read")
    statement = select(func.count(), func.max(AuditEntry.id)).where(*conditions(uow, wanted))
    rows, newest = uow.session.execute(statement).one()
    return AuditSize(rows=int(rows), newest_id=int(newest or 0))


def audit_page(uow: UnitOfWork, wanted: AuditFilter, *, before_id: int | None = None, offset: int = 0,
               limit: int = 100) -> list[AuditRow]:
    """Up to `limit` matching rows below `before_id`, newest first, skipping `offset` of them."""
    require(uow.actor, "audit.read")
    where = conditions(uow, wanted)
    if before_id is not None:
        where.append(AuditEntry.id < before_id)
    statement = (select(AuditEntry).where(*where).order_by(AuditEntry.id.desc())
                 .offset(max(0, offset)).limit(max(0, min(limit, MAX_PAGE))))
    return [audit_row(entry) for entry in uow.session.scalars(statement)]


def audit_row(entry: AuditEntry) -> AuditRow:
    """A stored row as lists show it, masked."""
    found = values.changes(entry.old_values, entry.new_values)
    return AuditRow(
        id=entry.id, at=entry.at, username=values.masked(entry.username), action=entry.action,
        entity=entry.entity, entity_id=entry.entity_id, summary=values.summary(found), changes=found,
        detail=values.masked(entry.detail), redacted=entry.redacted_at is not None,
    )


def conditions(uow: UnitOfWork, wanted: AuditFilter) -> list[ColumnElement[bool]]:
    """The SQL conditions of the actor's scope and the filter."""
    where = [community_clause(uow.actor, AuditEntry.community_id)]
    if wanted.user.strip():
        where.append(_by_user(wanted.user.strip()))
    if wanted.action.strip():
        where.append(AuditEntry.action.in_(action_codes(wanted.action)))
    if wanted.date_from is not None:
        where.append(AuditEntry.at >= datetime.combine(wanted.date_from, time.min))
    if wanted.date_to is not None:
        where.append(AuditEntry.at < datetime.combine(wanted.date_to + timedelta(days=1), time.min))
    if wanted.person_id is not None:
        where.append(_about_person(wanted.person_id))
    if wanted.household_id is not None:
        where.append(_about_household(wanted.household_id))
    return where


def _by_user(typed: str) -> ColumnElement[bool]:
    """Rows written by the account of that username (any case) or that name."""
    named = select(User.id).where(User.display_name == typed)
    return or_(func.lower(AuditEntry.username) == typed.lower(), AuditEntry.user_id.in_(named))


def _about_person(person_id: int) -> ColumnElement[bool]:
    return _about({
        "person": [person_id],
        "household": select(Membership.household_id).where(Membership.person_id == person_id),
        "register_entry": select(RegisterEntry.id).where(RegisterEntry.person_id == person_id),
        "visit": select(Visit.id).where(Visit.person_id == person_id),
        "request": select(ResidentRequest.id).where(ResidentRequest.person_id == person_id),
    })


def _about_household(household_id: int) -> ColumnElement[bool]:
    return _about({
        "household": [household_id],
        "person": select(Membership.person_id).where(Membership.household_id == household_id),
        "visit": select(Visit.id).where(Visit.household_id == household_id),
        "request": select(ResidentRequest.id).where(ResidentRequest.household_id == household_id),
    })


def _about(entity_ids: dict[str, Any]) -> ColumnElement[bool]:
    """Rows whose entity is one of these, with one of its ids (a list or a subquery)."""
    return or_(*((AuditEntry.entity == entity) & AuditEntry.entity_id.in_(ids)
                 for entity, ids in entity_ids.items()))

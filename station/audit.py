"""Append-only audit trail: every write, reveal, export, print, import, backup, restore and login."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect

from models import AuditEntry
from station.actor import Actor
from station.audit_chain import append
from station.messages import LANGUAGES, catalogue, has_message, message
from station.uow import UnitOfWork

_ACTION_KEY = "audit.action."
# Bookkeeping columns that change on every write and say nothing to an auditor.
_SKIPPED = {"version", "updated_at", "created_at", "password_hash"}


def record(
    uow: UnitOfWork,
    action: str,
    entity: str = "",
    entity_id: int | None = None,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    detail: str = "",
    community_id: int | None = None,
    actor: Actor | None = None,
    at: datetime | None = None,
) -> None:
    """Add an audit entry to the current transaction, so it commits or rolls back with the change.

    The entry is chained to the log's head at once (audit_chain): the transaction holds the
    chain until it ends, so keep audited units of work short.

    `actor` overrides who is recorded (a login is recorded under the account being tried);
    `at` when it happened, if not now (attempts refused before the database was open).
    """
    actor = actor or uow.actor
    append(
        uow.session,
        AuditEntry(
            at=at,
            user_id=actor.user_id,
            username=actor.username,
            community_id=community_id if community_id is not None else actor.community_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            old_values=_jsonable(old),
            new_values=_jsonable(new),
            detail=detail[:1000],
        ),
        now=uow.now,
    )


def action_name(code: str, language: str) -> str:
    """An audit action's name in `language`; the code itself for one the catalogue lacks."""
    key = f"{_ACTION_KEY}{code}"
    return message(key, language) if has_message(key, language) else code


def action_codes(typed: str) -> tuple[str, ...]:
    """The actions meant by what was typed: a code, or a name in either language (登记 is both
    `create` and `register`)."""
    typed = typed.strip()
    codes = {key.removeprefix(_ACTION_KEY) for language in LANGUAGES
             for key, text in catalogue(language).items()
             if key.startswith(_ACTION_KEY) and text.casefold() == typed.casefold()}
    return tuple(sorted(codes)) or (typed,)


def snapshot(obj: object) -> dict[str, Any]:
    """Column values of a model instance, for the audit's old/new values."""
    mapper = inspect(obj).mapper
    return {
        column.key: getattr(obj, column.key)
        for column in mapper.column_attrs
        if column.key not in _SKIPPED
    }


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, as (old, new)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {key: _plain(value) for key, value in values.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value

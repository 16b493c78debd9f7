"""Which audit rows are about the people being de-identified, and blanking them.

A row is about a person when it names them as its entity (or one of their register entries,
visits or requests), when its stored values name their person id (a household's registration
lists its members, a search the persons it found), or when its values or detail quote their ID
or phone number. Blanking keeps each row's digest, so the chain
still verifies (audit_chain); the database guard lets exactly this change through.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import or_, select, text

from models import AuditEntry, RegisterEntry, ResidentRequest, Visit
from station.audit_chain import raw_rows
from station.uow import UnitOfWork

_CHUNK = 500
# Digit runs as numbers are written in values and detail (ID numbers end in X; phones may carry
# separators); each is compared with separators removed.
_NUMBER = re.compile(r"[0-9][0-9Xx\- ]{5,}[0-9Xx]")
# Person ids in stored values: {"person_id": 7} and {"persons": [7, 9]}.
_PERSON_ID = re.compile(r'"person_id":\s*(\d+)')
_PERSON_IDS = re.compile(r'"persons":\s*\[([\d,\s]*)\]')
_UNREDACTED = text(
    "SELECT id, CAST(old_values AS TEXT) AS old_values, CAST(new_values AS TEXT) AS new_values, detail"
    " FROM audit_log WHERE id > :last AND redacted_at IS NULL ORDER BY id LIMIT :batch")
_REDACT = text("UPDATE audit_log SET old_values = NULL, new_values = NULL, detail = '', redacted_at = :at"
               " WHERE id = :row AND redacted_at IS NULL")


def rows_about(uow: UnitOfWork, person_ids: Sequence[int], numbers: set[str],
               progress: Callable[[int, int], None] | None = None) -> list[int]:
    """Ids of the unredacted audit rows about these persons, in order."""
    if not person_ids:
        return []
    found = set(_rows_naming(uow, person_ids))
    found.update(_rows_quoting(uow, set(person_ids), {_plain(number) for number in numbers}, progress))
    return sorted(found)


def redact_audit_rows(uow: UnitOfWork, row_ids: Sequence[int]) -> int:
    """Blank the personal values of these rows, stamping when; returns how many were blanked."""
    if not row_ids:
        return 0
    uow.session.flush()
    result = uow.session.connection().execute(_REDACT, [{"row": row_id, "at": uow.now()} for row_id in row_ids])
    return int(result.rowcount or 0)


def _rows_naming(uow: UnitOfWork, person_ids: Sequence[int]) -> list[int]:
    found: list[int] = []
    for start in range(0, len(person_ids), _CHUNK):
        chunk = person_ids[start:start + _CHUNK]
        entities: dict[str, Any] = {
            "person": chunk,
            "register_entry": select(RegisterEntry.id).where(RegisterEntry.person_id.in_(chunk)),
            "visit": select(Visit.id).where(Visit.person_id.in_(chunk)),
            "request": select(ResidentRequest.id).where(ResidentRequest.person_id.in_(chunk)),
        }
        found.extend(uow.session.scalars(select(AuditEntry.id).where(
            AuditEntry.redacted_at.is_(None),
            or_(*((AuditEntry.entity == entity) & AuditEntry.entity_id.in_(ids)
                  for entity, ids in entities.items())))))
    return found


def _rows_quoting(uow: UnitOfWork, person_ids: set[int], numbers: set[str],
                  progress: Callable[[int, int], None] | None) -> list[int]:
    """One pass over the log's stored text (the retention run is rare; a million rows is seconds)."""
    found: list[int] = []
    total = uow.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
    for row in raw_rows(uow.session.connection(), _UNREDACTED):
        if _quotes(row.old_values, person_ids, numbers) or _quotes(row.new_values, person_ids, numbers) \
                or _quotes(row.detail, set(), numbers):
            found.append(row.id)
        if progress is not None and row.id % 5_000 == 0:
            progress(row.id, total)
    return found


def _quotes(stored: str | None, person_ids: set[int], numbers: set[str]) -> bool:
    if not stored:
        return False
    if any(_plain(match) in numbers for match in _NUMBER.findall(stored)):
        return True
    mentioned = [int(found) for found in _PERSON_ID.findall(stored)]
    for listed in _PERSON_IDS.findall(stored):
        mentioned.extend(int(part) for part in listed.split(",") if part.strip())
    return any(person_id in person_ids for person_id in mentioned)


def _plain(number: str) -> str:
    return re.sub(r"[\- ]", "", number).upper()

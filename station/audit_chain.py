"""The audit log as a hash chain: each row's hash covers its content and the previous row's hash.

Triggers refuse UPDATE and DELETE, but whoever owns the database can drop or disable them. The
chain makes such an edit visible: change, delete or insert one row and every hash from there on
no longer follows (`verify_chain` names the first row that breaks). A rewritten chain is caught
by an anchor kept outside the database (the head digest printed on the monthly report and kept
in every backup manifest).

Each row hashes its personal values (old/new values, detail) into a separate digest, so a
retention run can blank the values later and keep the digest: the chain still verifies.

Appends are serialised so two writers never fork the chain: on SQLite the unit of work takes the
database's write lock before it reads the head; on PostgreSQL a transaction-scoped advisory lock
does the same across every station sharing the server.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from models import AuditEntry
from station.db import canonical_json
from station.errors import ValidationError
from station.permissions import require
from station.uow import UnitOfWork

GENESIS = "0" * 64
# Any fixed 64-bit number: the advisory lock every station on one server takes to append.
_PG_CHAIN_LOCK = 0x5354_4154_494F_4E01
_BATCH = 5_000
_DIGEST = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")


@dataclass(frozen=True)
class AuditAnchor:
    """The chain's head and length at one moment: printed on the monthly report and kept in
    every backup manifest, it proves later that the log still holds that head unchanged."""

    rows: int
    head: str


@dataclass(frozen=True)
class ChainCheck:
    """What walking the chain found: rows read, the head, and the first row that breaks it."""

    rows: int
    head: str
    broken_at: int | None = None  # id of the first row whose hash does not follow
    # "content": the row was changed; "order": the row before it is not the one it was chained
    # to (a row was removed or inserted there, or its hash rewritten).
    problem: str = ""
    anchor_found: bool | None = None  # whether the anchor asked for is a row of the intact chain

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def values_digest(old: str | None, new: str | None, detail: str) -> str:
    """The digest of a row's personal values as stored (old and new as their JSON text), kept
    when retention blanks them. No values and JSON null are the same nothing."""
    return _sha256([None if old == "null" else old, None if new == "null" else new, detail])


def stored(values: dict[str, Any] | None) -> str | None:
    """Old or new values as the database stores them (the engines' one JSON form)."""
    return None if values is None else canonical_json(values)


def row_hash(previous: str, at: datetime, user_id: int | None, username: str, community_id: int | None,
             action: str, entity: str, entity_id: int | None, digest: str) -> str:
    """A row's hash: the previous row's hash, its own fields and its values' digest."""
    return _sha256([previous, at.isoformat(), user_id, username, community_id, action, entity, entity_id, digest])


def append(session: Session, entry: AuditEntry) -> None:
    """Chain `entry` to the head and add it, holding the chain until the transaction ends."""
    session.flush()  # earlier rows of this unit of work are the head's predecessors
    _lock(session)
    previous = session.scalar(select(AuditEntry.row_hash).order_by(AuditEntry.id.desc()).limit(1))
    entry.prev_hash = previous or GENESIS
    entry.values_digest = values_digest(stored(entry.old_values), stored(entry.new_values), entry.detail)
    entry.row_hash = row_hash(entry.prev_hash, entry.at, entry.user_id, entry.username,
                              entry.community_id, entry.action, entry.entity, entry.entity_id,
                              entry.values_digest)
    session.add(entry)
    session.flush()


def verify_chain(connection: Connection, progress: Callable[[int], None] | None = None,
                 anchor: str | None = None) -> ChainCheck:
    """Walk the whole log in id order and recompute every hash; with an `anchor` (a head printed
    or kept earlier), also say whether the intact chain still passes through it."""
    previous, rows = GENESIS, 0
    found = None if anchor is None else anchor == GENESIS
    for (row_id, at, user_id, username, community_id, action, entity, entity_id, old, new, detail,
         prev_hash, digest_kept, hash_kept) in _raw_rows(connection):
        if prev_hash != previous:
            return ChainCheck(rows, previous, row_id, problem="order")
        digest = values_digest(old, new, detail)
        expected = row_hash(previous, _moment(at), user_id, username, community_id, action, entity, entity_id,
                            digest)
        if digest != digest_kept or expected != hash_kept:
            return ChainCheck(rows, previous, row_id, problem="content")
        previous, rows = hash_kept, rows + 1
        if anchor is not None and not found:
            found = previous == anchor
        if progress is not None and rows % _BATCH == 0:
            progress(rows)
    return ChainCheck(rows, previous, anchor_found=found)


def chain_anchor(connection: Connection) -> AuditAnchor:
    """The log's length and head now (two indexed reads)."""
    rows = connection.scalar(select(func.count()).select_from(AuditEntry)) or 0
    head = connection.scalar(select(AuditEntry.row_hash).order_by(AuditEntry.id.desc()).limit(1))
    return AuditAnchor(int(rows), head or GENESIS)


def parse_anchor(text: str) -> str:
    """A head digest as printed (groups of 4, any case) or found in a file; ValidationError if none."""
    cleaned = "".join(text.split()).lower()
    match = _DIGEST.search(cleaned)
    if match is None:
        raise ValidationError("audit.bad_anchor", field="anchor")
    return match.group()


def grouped(digest: str) -> str:
    """A digest in groups of 4 for printing and copying by hand (a group never looks like a
    phone number to the checks that keep printouts free of them)."""
    return " ".join(digest[index:index + 4] for index in range(0, len(digest), 4))


def check_audit_log(uow: UnitOfWork, progress: Callable[[int], None] | None = None,
                    anchor: str | None = None) -> ChainCheck:
    """Verify the whole audit log (admins, 站长 and street staff, who may read it)."""
    require(uow.actor, "audit.read")
    return verify_chain(uow.session.connection(), progress, anchor)


def audit_rows(uow: UnitOfWork) -> int:
    """How many rows the audit log holds (the progress bar's total)."""
    require(uow.actor, "audit.read")
    return int(uow.session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def chain_all(connection: Connection) -> int:
    """Hash every row in id order (the migration that introduced the chain); returns the count."""
    previous, count = GENESIS, 0
    for row in _raw_rows(connection):  # a batch is read whole before its rows are updated
        digest = values_digest(row.old_values, row.new_values, row.detail)
        current = row_hash(previous, _moment(row.at), row.user_id, row.username, row.community_id,
                           row.action, row.entity, row.entity_id, digest)
        connection.execute(
            text("UPDATE audit_log SET prev_hash = :p, values_digest = :d, row_hash = :h WHERE id = :i"),
            {"p": previous, "d": digest, "h": current, "i": row.id})
        previous, count = current, count + 1
    return count


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CHAIN_LOCK})
        return
    # A write that changes nothing still opens SQLite's write transaction: no other writer can
    # append between reading the head and committing.
    session.execute(text("UPDATE counters SET value = value WHERE 0 = 1"))


# The values as stored (JSON text), not parsed: what was hashed is what the database holds.
_RAW_ROWS = text(
    "SELECT id, at, user_id, username, community_id, action, entity, entity_id,"
    " CAST(old_values AS TEXT) AS old_values, CAST(new_values AS TEXT) AS new_values, detail,"
    " prev_hash, values_digest, row_hash FROM audit_log WHERE id > :last ORDER BY id LIMIT :batch")


def _raw_rows(connection: Connection) -> Iterator[Any]:
    """Every audit row in id order, as the driver returns it, fetched in batches by id (bounded
    memory at a million rows)."""
    last = -1
    while True:
        batch = connection.execute(_RAW_ROWS, {"last": last, "batch": _BATCH}).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def _moment(value: Any) -> datetime:
    """A timestamp as the ORM hands it over, whatever the driver returned."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _sha256(values: list[Any]) -> str:
    """SHA-256 over the values, each written as its length and text (None as ~): no two lists of
    the same shape write the same bytes, and it costs a tenth of a JSON encoding."""
    fields = ["~" if value is None else f"{len(text := str(value))}:{text}" for value in values]
    return hashlib.sha256("|".join(fields).encode()).hexdigest()

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
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, TextClause, func, select, text
from sqlalchemy.orm import Session

from models import AuditEntry
from station.db import ReadingOnly, canonical_json
from station.errors import ValidationError
from station.permissions import require
from station.uow import UnitOfWork

GENESIS = "0" * 64
# Any fixed 64-bit number: the advisory lock every station on one server takes to append.
_PG_CHAIN_LOCK = 0x5354_4154_494F_4E01
_BATCH = 5_000
RETENTION_ACTION = "retention"
_DIGEST = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")


@dataclass(frozen=True)
class AuditAnchor:
    """The chain's head and length at one moment: printed on the monthly report and kept in
    every backup manifest, it proves later that the log still holds that head unchanged."""

    rows: int
    head: str


@dataclass(frozen=True)
class AuditMark:
    """A head verified earlier, with its row id: the next check walks only the rows after it."""

    last_id: int
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
    last_id: int = 0  # the id of the head row (where the next walk can start)

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


def row_hash(previous: str, at: datetime | str, user_id: int | None, username: str, community_id: int | None,
             action: str, entity: str, entity_id: int | None, digest: str) -> str:
    """A row's hash: the previous row's hash, its own fields and its values' digest. `at` is the
    timestamp, or the text SQLite stores it as (hashed as the timestamp's isoformat)."""
    return _sha256([previous, _isoformat(at), user_id, username, community_id, action, entity, entity_id, digest])


def append(session: Session, entry: AuditEntry, now: Callable[[], datetime]) -> None:
    """Chain `entry` to the head and add it, holding the chain until the transaction ends.

    An entry without a time is dated once the chain is held: a writer that waited for another's
    transaction is then not dated before the rows that transaction appended ahead of it."""
    session.flush()  # earlier rows of this unit of work are the head's predecessors
    _lock(session)
    if entry.at is None:
        entry.at = now()
    previous = session.scalar(select(AuditEntry.row_hash).order_by(AuditEntry.id.desc()).limit(1))
    entry.prev_hash = previous or GENESIS
    entry.values_digest = values_digest(stored(entry.old_values), stored(entry.new_values), entry.detail)
    entry.row_hash = row_hash(entry.prev_hash, entry.at, entry.user_id, entry.username,
                              entry.community_id, entry.action, entry.entity, entry.entity_id,
                              entry.values_digest)
    session.add(entry)
    session.flush()


def verify_chain(connection: Connection, progress: Callable[[int], None] | None = None,
                 anchor: str | None = None, *, since: AuditMark | None = None) -> ChainCheck:
    """Walk the log in id order and recompute every hash; with an `anchor` (a head printed or
    kept earlier), also say whether the intact chain still passes through it. From a `since`
    mark (the head verified last time), only the rows after it are walked."""
    walk = _Walk(anchor, since)
    if since is not None and since.last_id and (kept := _hash_of(connection, since.last_id)) != since.head:
        return ChainCheck(since.rows, since.head, since.last_id, problem="content" if kept else "order")
    for row in raw_rows(connection, _VERIFY_ROWS, since.last_id if since else -1):
        problem = walk.step(row)
        if problem:
            return ChainCheck(walk.rows, walk.previous, row.id, problem=problem)
        if progress is not None and walk.rows % _BATCH == 0:
            progress(walk.rows)
    if walk.undeclared:
        return ChainCheck(walk.rows, walk.previous, min(walk.undeclared), problem="redacted")
    return ChainCheck(walk.rows, walk.previous, anchor_found=walk.found, last_id=walk.last_id)


class _Walk:
    """The state of one walk along the chain: the hash so far, and redactions not yet declared."""

    def __init__(self, anchor: str | None, since: AuditMark | None):
        self.anchor = anchor
        self.previous = since.head if since else GENESIS
        self.rows = since.rows if since else 0
        self.last_id = since.last_id if since else 0
        self.found = None if anchor is None else anchor == self.previous
        self.undeclared: set[int] = set()

    def step(self, row: Any) -> str:
        """Check one row (_VERIFY_ROWS's columns) against the chain; returns the problem ("" when
        it follows). The row is unpacked once: reading a million rows' fields by name took a
        third of `audit verify`."""
        (row_id, at, user_id, username, community_id, action, entity, entity_id,
         old_values, new_values, detail, prev_hash, stored_digest, stored_hash, redacted_at) = row
        if prev_hash != self.previous:
            return "order"
        if redacted_at is not None:
            if old_values is not None or new_values is not None or detail:
                return "content"  # a redacted row keeps nothing: its values cannot be rewritten
            digest = stored_digest
            self.undeclared.add(row_id)
        else:
            digest = values_digest(old_values, new_values, detail)
        expected = row_hash(self.previous, at, user_id, username, community_id, action, entity, entity_id, digest)
        if digest != stored_digest or expected != stored_hash:
            return "content"
        if action == RETENTION_ACTION:
            self.undeclared -= redacted_ids(new_values)
        self.previous, self.rows, self.last_id = stored_hash, self.rows + 1, row_id
        if self.anchor is not None and not self.found:
            self.found = self.previous == self.anchor
        return ""


def redacted_ids(stored_values: str | None) -> set[int]:
    """The audit rows a retention row says it redacted (kept as id ranges in its new values)."""
    values = json.loads(stored_values) if stored_values else None
    ranges = values.get("redacted_rows", []) if isinstance(values, dict) else []
    return {row_id for first, last in ranges for row_id in range(first, last + 1)}


def id_ranges(ids: Iterable[int]) -> list[list[int]]:
    """Sorted ids as [first, last] runs: a retention row lists thousands of rows in a few pairs."""
    runs: list[list[int]] = []
    for row_id in sorted(ids):
        if runs and runs[-1][1] == row_id - 1:
            runs[-1][1] = row_id
        else:
            runs.append([row_id, row_id])
    return runs


def _hash_of(connection: Connection, row_id: int) -> str | None:
    return connection.scalar(select(AuditEntry.row_hash).where(AuditEntry.id == row_id))


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
    for row in raw_rows(connection, _CHAIN_ROWS):  # a batch is read whole before its rows are updated
        digest = values_digest(row.old_values, row.new_values, row.detail)
        current = row_hash(previous, row.at, row.user_id, row.username, row.community_id,
                           row.action, row.entity, row.entity_id, digest)
        connection.execute(
            text("UPDATE audit_log SET prev_hash = :p, values_digest = :d, row_hash = :h WHERE id = :i"),
            {"p": previous, "d": digest, "h": current, "i": row.id})
        previous, count = current, count + 1
    return count


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # The lock lasts until the transaction ends: on a connection without one (autocommit,
        # as reading units use) it would end with this very statement, and two writers could
        # chain to the same head. Such a connection never appends.
        if session.connection().get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            raise ReadingOnly("the audit chain is appended to only inside a transaction")
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CHAIN_LOCK})
        return
    # A write that changes nothing still opens SQLite's write transaction: no other writer can
    # append between reading the head and committing.
    session.execute(text("UPDATE counters SET value = value WHERE 0 = 1"))


# The values as stored (JSON text), not parsed: what was hashed is what the database holds.
_COLUMNS = ("id, at, user_id, username, community_id, action, entity, entity_id,"
            " CAST(old_values AS TEXT) AS old_values, CAST(new_values AS TEXT) AS new_values, detail,"
            " prev_hash, values_digest, row_hash")
_NEXT = " FROM audit_log WHERE id > :last ORDER BY id LIMIT :batch"
_CHAIN_ROWS = text(f"SELECT {_COLUMNS}{_NEXT}")  # the shape migration 0006 chained (no redaction yet)
_VERIFY_ROWS = text(f"SELECT {_COLUMNS}, redacted_at{_NEXT}")


def raw_rows(connection: Connection, query: TextClause, after: int = -1) -> Iterator[Any]:
    """The audit rows after id `after` in id order, as the driver returns them, fetched in
    batches by id (bounded memory at a million rows)."""
    last = after
    while True:
        batch = connection.execute(query, {"last": last, "batch": _BATCH}).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def _isoformat(value: datetime | str) -> str:
    """A timestamp's isoformat, also from the text SQLite stores (`YYYY-MM-DD HH:MM:SS.ffffff`,
    cut by hand: parsing a million of them was a tenth of `audit verify`)."""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    if len(text) == 26 and text[10] == " " and text[19] == ".":  # isoformat leaves out zero microseconds
        return f"{text[:10]}T{text[11:19] if text.endswith('.000000') else text[11:]}"
    return datetime.fromisoformat(text).isoformat()


def _field(value: Any) -> str:
    if value is None:
        return "~"
    text = value if value.__class__ is str else str(value)
    return f"{len(text)}:{text}"


def _sha256(values: list[Any]) -> str:
    """SHA-256 over the values, each written as its length and text (None as ~): no two lists of
    the same shape write the same bytes, and it costs a tenth of a JSON encoding."""
    return hashlib.sha256("|".join(map(_field, values)).encode()).hexdigest()

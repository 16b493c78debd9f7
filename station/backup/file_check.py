"""Check a SQLite file before trusting it: full integrity, foreign keys, row counts, schema revision.

A full `PRAGMA integrity_check` of a 200k-person database takes ~5 s on one core, most of it
spent on the search-key table. The same coverage is split into independent jobs run on a few
threads (SQLite releases the GIL): `quick_check` verifies every b-tree's structure and the page
accounting of the whole file, and `integrity_check(TABLE)` adds, per table, what quick_check
skips (index contents against table rows and UNIQUE constraints).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from station.audit_chain import GENESIS, AuditAnchor
from station.backup.manifest import file_sha256
from station.errors import DatabaseError
from station.sqlite_files import DATABASE_ERRORS, connect_file

_CACHE_PRAGMAS = ("PRAGMA cache_size=-131072", "PRAGMA mmap_size=1073741824")
_SHOWN_PROBLEMS = 3


@dataclass(frozen=True)
class FileCheck:
    """What a checked file holds: rows per table, schema revision (None: not ours) and checksum."""

    counts: dict[str, int]
    revision: str | None
    sha256: str
    audit: AuditAnchor | None = None  # the audit log's head (None before the chain existed)


def check_sqlite_file(path: Path, *, digest: bool = True, data_key: bytes | None = None) -> FileCheck:
    """Verify a SQLite file that nobody writes to; raise DatabaseError naming the problems.

    `digest=False` skips the SHA-256 (sha256 is then "") when the caller hashed while copying.
    An encrypted file is read with its `data_key` (a wrong key reads as "not a database").
    """
    counts, revision, anchor = _inventory(path, data_key)
    # Longest first (the biggest table's check dominates), so the threads finish together.
    tables = [f"integrity_check({quoted(table)})" for table in sorted(counts, key=counts.__getitem__, reverse=True)]
    jobs: list[Callable[[], list[str]]] = [partial(_pragma, path, data_key, pragma)
                                           for pragma in [*tables[:1], "quick_check", *tables[1:]]]
    jobs.insert(2, partial(_foreign_keys, path, data_key))
    workers = max(2, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        hashing = pool.submit(file_sha256, path) if digest else None
        problems = [problem for result in pool.map(lambda job: job(), jobs) for problem in result]
        sha256 = hashing.result() if hashing else ""
    if problems:
        shown = ";".join(problems[:_SHOWN_PROBLEMS])
        raise DatabaseError("backup.integrity_failed", name=path.name, shown=shown, count=len(problems))
    return FileCheck(counts=counts, revision=revision, sha256=sha256, audit=anchor)


def quoted(identifier: str) -> str:
    """An SQL identifier in double quotes, any quote inside it doubled."""
    return '"' + identifier.replace('"', '""') + '"'


def _connect(path: Path, data_key: bytes | None) -> sqlite3.Connection:
    # immutable=1: read without locks or -wal/-shm files, so checking never changes the file.
    connection = connect_file(f"{path.resolve().as_uri()}?immutable=1", data_key, uri=True,
                              check_same_thread=False)
    for pragma in _CACHE_PRAGMAS:
        connection.execute(pragma)
    return connection


def _inventory(path: Path, data_key: bytes | None) -> tuple[dict[str, int], str | None, AuditAnchor | None]:
    """Row counts of the application's tables, the alembic revision and the audit log's head;
    refuse non-SQLite files."""
    if not path.is_file():
        raise DatabaseError("backup.file_missing", path=path)
    try:
        connection = _connect(path, data_key)
        try:
            return read_inventory(connection)
        finally:
            connection.close()
    except DATABASE_ERRORS as error:
        raise DatabaseError("backup.not_sqlite", name=path.name, error=error) from error


def read_inventory(connection: sqlite3.Connection) -> tuple[dict[str, int], str | None, AuditAnchor | None]:
    """Row counts of the application's tables, the alembic revision (None: not ours) and the
    audit log's head, as `connection` sees them."""
    tables = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    counts = {table: connection.execute(f"SELECT count(*) FROM {quoted(table)}").fetchone()[0] for table in tables}
    revision = _revision(connection) if "alembic_version" in counts else None
    return counts, revision, _anchor(connection, counts.get("audit_log", 0))


def _anchor(connection: sqlite3.Connection, rows: int) -> AuditAnchor | None:
    try:
        row = connection.execute("SELECT row_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    except DATABASE_ERRORS:  # no audit log, or one from before the chain
        return None
    return AuditAnchor(rows, row[0] if row else GENESIS)


def _revision(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _pragma(path: Path, data_key: bytes | None, pragma: str) -> list[str]:
    """Problems a checking pragma reports ("ok" alone means none)."""
    try:
        connection = _connect(path, data_key)
        try:
            rows = [str(row[0]) for row in connection.execute(f"PRAGMA {pragma}")]
        finally:
            connection.close()
    except DATABASE_ERRORS as error:
        return [f"{pragma}: {error}"]
    return [] if rows == ["ok"] else rows


def _foreign_keys(path: Path, data_key: bytes | None) -> list[str]:
    try:
        connection = _connect(path, data_key)
        try:
            rows = connection.execute("PRAGMA foreign_key_check").fetchmany(_SHOWN_PROBLEMS + 1)
        finally:
            connection.close()
    except DATABASE_ERRORS as error:
        return [f"foreign_key_check: {error}"]
    return [f"外键错误:{table} 第 {rowid} 行引用的 {parent} 不存在" for table, rowid, parent, _ in rows]

"""SQLite restore: verify a copy beside the live file, back the live file up, swap atomically.

The swap holds the live database so no other connection can write while it happens: switching
it out of WAL mode checkpoints the WAL and only succeeds when no other connection has the file
open; a read transaction then keeps other writers from committing. The -wal/-shm files must be
gone before the new file takes the name, or SQLite would replay the old WAL onto it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from station.backup.file_check import check_sqlite_file
from station.backup.files import BackupFile
from station.backup.make import create_backup
from station.backup.manifest import PARTIAL_SUFFIX, BackupManifest
from station.backup.pack_format import is_pack
from station.backup.pack_sqlite import Progress, unpack_database
from station.backup.schema_check import check_schema
from station.backup.sqlite import live_sqlite_path
from station.db import data_key_of
from station.disk import file_lock, fsync_folder, private_file
from station.errors import DatabaseError
from station.sqlite_files import DATABASE_ERRORS, connect_file, is_busy

_SIDECARS = ("-wal", "-shm", "-journal")


def staged_path(live: Path) -> Path:
    """Where a restore stages its checked copy, beside the live file (the rename stays on one disk)."""
    return live.with_name(f"{live.name}.restore{PARTIAL_SUFFIX}")


@contextlib.contextmanager
def restoring(engine: Engine) -> Iterator[None]:
    """Mark a restore in progress (a lock that dies with the process), so no start removes its copy."""
    if engine.dialect.name != "sqlite":
        yield
        return
    with file_lock(_lock_path(live_sqlite_path(engine))):
        yield


def remove_stale_staging(live: Path) -> bool:
    """Remove the copy a killed restore left behind (never one a running restore still holds)."""
    staged = staged_path(live)
    if not staged.exists():
        return False
    with file_lock(_lock_path(live), wait=False) as nobody_restoring:
        if nobody_restoring:
            staged.unlink(missing_ok=True)
        return nobody_restoring


def _lock_path(live: Path) -> Path:
    return live.with_name(f"{live.name}.restore.lock")


def stage_sqlite(engine: Engine, backup: Path, manifest: BackupManifest,
                 progress: Progress | None = None) -> Path:
    """Copy (or unpack) the backup beside the live file and verify the copy: checksum,
    integrity, contents. `progress` hears of an unpack's rows (done, total)."""
    live = live_sqlite_path(engine)
    live.parent.mkdir(parents=True, exist_ok=True)
    staged = staged_path(live)
    try:
        if _stage_copy(engine, backup, staged, progress) != manifest.sha256:
            raise DatabaseError("backup.checksum_differs", name=backup.name)
        check = check_sqlite_file(staged, digest=False, data_key=data_key_of(engine))
        if check.revision is None:
            raise DatabaseError("backup.not_ours", name=backup.name)
        if check.revision != manifest.schema_revision or check.counts != manifest.counts:
            raise DatabaseError("backup.content_differs", name=backup.name)
        check_schema(staged, check.revision, backup.name, data_key_of(engine))
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged


def swap_sqlite(engine: Engine, staged: Path, safety_folder: Path, now: datetime) -> BackupFile | None:
    """Back up the live file (if any) and put the staged copy in its place; returns the safety backup."""
    live = live_sqlite_path(engine)
    engine.dispose()
    if not live.exists():
        put_in_place(staged, live)
        return None
    guard = hold_alone(live, data_key_of(engine))
    try:
        safety = _safety_backup(engine, safety_folder, now, guard)
        put_in_place(staged, live)
    finally:
        guard.close()
    return safety


def _safety_backup(engine: Engine, folder: Path, now: datetime, guard: sqlite3.Connection) -> BackupFile:
    try:
        return create_backup(engine, folder, label="pre-restore", now=now, source=guard)
    except (DatabaseError, *DATABASE_ERRORS) as error:  # type: ignore[misc]  # mypy reads no starred tuple
        raise DatabaseError("backup.cannot_save_current", problem=error, live=engine.url.database) from error


def hold_alone(live: Path, data_key: bytes | None, error_code: str = "backup.database_busy") -> sqlite3.Connection:
    """A connection that is the only one on the file and keeps others from committing (inside
    its open read transaction, which also makes it a consistent source to copy from); `error_code`
    is the message when another connection has the file open."""
    guard = connect_file(live, data_key, timeout=2, isolation_level=None)
    try:
        mode = guard.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        if mode != "delete":
            raise DatabaseError(error_code)
        guard.execute("BEGIN")
        guard.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DATABASE_ERRORS as error:
        guard.close()
        if is_busy(error):
            raise DatabaseError(error_code) from error
        raise DatabaseError("backup.cannot_save_current", problem=error, live=live) from error
    except BaseException:
        guard.close()
        raise
    return guard


def put_in_place(staged: Path, live: Path) -> None:
    """Rename a checked copy over the live file (its old -wal/-shm removed first), durably."""
    for suffix in _SIDECARS:
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    os.replace(staged, live)
    fsync_folder(live.parent)


def _stage_copy(engine: Engine, backup: Path, staged: Path, progress: Progress | None) -> str:
    """Put the backup's database at `staged`; returns the SHA-256 of the backup file as read."""
    if not is_pack(backup):
        return _copy_hashing(backup, staged)
    data_key = data_key_of(engine)
    if data_key is None:
        raise DatabaseError("backup.pack_needs_key", name=backup.name)
    return unpack_database(backup, data_key, staged, progress)


def _copy_hashing(source: Path, target: Path) -> str:
    """Copy a file, fsync the copy, and return the SHA-256 of what was copied."""
    digest = hashlib.sha256()
    with open(source, "rb") as reader, open(private_file(target), "wb") as writer:
        while block := reader.read(1 << 20):
            digest.update(block)
            writer.write(block)
        writer.flush()
        os.fsync(writer.fileno())
    return digest.hexdigest()

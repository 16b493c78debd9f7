"""Backups: a checked copy under a temporary name, a manifest, then renamed into place; keep N.

A backup is `station-<time>-<label>.db` (SQLite) or `.pack` (an encrypted SQLite station's, and
every PostgreSQL backup: pg_dump's archive encrypted under the seal key, pack_postgres; older
ones are plain `.dump` archives) with `<file>.manifest.json` beside it. Nothing carries a final
name until it is complete: the copy is written as `*.partial`, fsynced and checked, the manifest
is renamed into place, then the copy. A process killed half-way leaves only `*.partial` files,
removed by the next backup.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import ProgrammingError

from station import audit
from station.audit_chain import AuditAnchor, chain_anchor
from station.backup.files import (
    BackupFile,
    backup_folder,
    folder_lock,
    free_name,
    prune_backups,
    remove_leftovers,
)
from station.backup.manifest import (
    BACKUP_SUFFIXES,
    PACK_SUFFIX,
    PARTIAL_SUFFIX,
    BackupManifest,
    manifest_path,
    slots_copy_path,
    write_manifest,
)
from station.backup.pack_postgres import pack_postgres
from station.backup.seal import seal_key, sealed
from station.backup.sqlite import dump_sqlite, live_sqlite_path
from station.db import data_key_of
from station.disk import fsync_folder, private_folder
from station.errors import DatabaseError
from station.failures import explain
from station.keyslots import read_slots, write_slots
from station.masking import mask_text
from station.permissions import require
from station.uow import UnitOfWork
from station.vault import slots_path_for


def run_backup(uow: UnitOfWork, *, label: str = "manual", folder: Path | None = None) -> BackupFile:
    """Back up the database now: into `folder` if given (left as is), else the configured folder (pruned).

    A station's own SQLite file is backed up with backup.run; a shared PostgreSQL (the whole
    street) only by an administrator or a street account (backup.server)."""
    shared = uow.database.engine.dialect.name == "postgresql"
    require(uow.actor, "backup.server" if shared else "backup.run")
    target = folder or backup_folder(uow.settings)
    try:
        made = create_backup(uow.database.engine, target, label=label, now=uow.now())
    except Exception as error:
        _record_failure(uow, target, label, error)
        raise
    if folder is None:
        prune_backups(target, uow.settings.backup.keep)
    record_backup(uow, made)
    uow.commit()
    return made


def record_backup(uow: UnitOfWork, made: BackupFile) -> None:
    """Audit a backup in the current transaction."""
    manifest = made.manifest
    audit.record(uow, "backup", "database", None, new={
        "file": str(made.path), "label": manifest.label, "sha256": manifest.sha256,
        "schema_revision": manifest.schema_revision, "rows": manifest.total_rows(),
    }, detail=f"备份 {made.path.name}")


def _record_failure(uow: UnitOfWork, folder: Path, label: str, error: Exception) -> None:
    """Audit a failed backup (nothing was kept); if even that cannot be written, the error says enough."""
    known = explain(error)
    reason = known.message if known is not None else f"{type(error).__name__}: {mask_text(str(error))[:200]}"
    try:
        audit.record(uow, "backup_failed", "database", None, new={"folder": str(folder), "label": label,
                                                                   "reason": reason},
                     detail=f"备份失败:{reason}")
        uow.commit()
    except Exception:  # noqa: BLE001 - the disk may be full or the database locked: keep the first error
        uow.session.rollback()


def backup_sqlite(engine: Engine, folder: Path, *, label: str = "backup") -> Path:
    """Back up a SQLite database into `folder` and return the backup file's path."""
    return create_backup(engine, folder, label=label).path


def create_backup(engine: Engine, folder: Path, *, label: str, now: datetime | None = None,
                  source: sqlite3.Connection | None = None) -> BackupFile:
    """Write, check and name a backup of the database behind `engine` (no audit, no pruning).

    `source` backs up through an already open SQLite connection (restore holds one locked).
    """
    backend = engine.dialect.name
    if backend not in BACKUP_SUFFIXES:
        raise DatabaseError("backup.unsupported_backend", backend=backend)
    now = now or datetime.now()
    private_folder(folder)
    with folder_lock(folder):
        remove_leftovers(folder)
        suffix = PACK_SUFFIX if data_key_of(engine) is not None else BACKUP_SUFFIXES[backend]
        final = free_name(folder, now, label, suffix)
        partial = final.with_name(final.name + PARTIAL_SUFFIX)
        try:
            key = _station_seal_key(engine)
            manifest = sealed(_dump(engine, partial, final.name, label, now, source, key), key)
            # Manifest (and key slots) first: a backup file under its final name always has them.
            write_manifest(manifest, manifest_path(final))
            _copy_slots(engine, final)
            os.replace(partial, final)
            fsync_folder(folder)
        finally:
            partial.unlink(missing_ok=True)
    return BackupFile(final, manifest)


def _copy_slots(engine: Engine, backup: Path) -> None:
    """An encrypted station's key slots travel with each backup: any user of the day (or the
    recovery key) opens it on a new PC."""
    if data_key_of(engine) is None:
        return
    live = slots_path_for(live_sqlite_path(engine))
    write_slots(slots_copy_path(backup), read_slots(live))


def _station_seal_key(engine: Engine) -> bytes:
    """The key that seals the manifest (and encrypts a PostgreSQL backup), made on first use."""
    key = seal_key(engine, create=True)
    if key is None:  # create=True always gives one
        raise DatabaseError("backup.no_key", name=engine.url.database)
    return key


def _dump(engine: Engine, partial: Path, name: str, label: str, now: datetime,
          source: sqlite3.Connection | None, key: bytes) -> BackupManifest:
    if engine.dialect.name == "sqlite":
        check = dump_sqlite(engine, partial, source)
        counts, revision, sha256 = check.counts, check.revision, check.sha256
        anchor = check.audit
    else:
        anchor = _live_anchor(engine)  # before the dump: the dump holds this head and maybe more
        counts, revision, sha256 = pack_postgres(engine, partial, key)
    if revision is None:
        raise DatabaseError("backup.no_revision")
    return BackupManifest(file=name, backend=engine.dialect.name, schema_revision=revision,
                          sha256=sha256, size=partial.stat().st_size,
                          created_at=now.isoformat(timespec="seconds"), label=label, counts=counts,
                          audit_rows=anchor.rows if anchor else 0, audit_head=anchor.head if anchor else "")


def _live_anchor(engine: Engine) -> AuditAnchor | None:
    """The live log's head, or None for a database from before the chain (being upgraded)."""
    try:
        with engine.connect() as connection:
            return chain_anchor(connection)
    except ProgrammingError:  # no row_hash column yet
        return None

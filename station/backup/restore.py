"""Restore a backup: verify it first, back up the live database, swap atomically, then upgrade.

Verification (checksum against the manifest, integrity, schema revision known to this program)
happens before anything touches the live database, so a corrupt or foreign file is refused and
the live database stays byte for byte as it was. Call with no unit of work open on `database`:
the swap closes the engine's connections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from station import audit
from station.actor import Actor
from station.audit_mark import forget_mark
from station.backup.files import BackupFile, backup_folder, opens_with
from station.backup.make import record_backup
from station.backup.manifest import (
    MANIFEST_SUFFIX,
    BackupManifest,
    backup_path_for,
    read_manifest,
    slots_copy_path,
)
from station.backup.pack_sqlite import Progress
from station.backup.restore_postgres import swap_postgres, verify_postgres_archive
from station.backup.restore_sqlite import restoring, stage_sqlite, swap_sqlite
from station.backup.seal import check_seal, install_key, key_path, seal_key
from station.backup.sqlite import live_sqlite_path
from station.db import Database, data_key_of
from station.errors import AuthError, DatabaseError
from station.keyslots import read_slots, write_slots
from station.migrate import ensure_schema, known_revisions
from station.permissions import require
from station.uow import UnitOfWork
from station.vault import slots_path_for


@dataclass(frozen=True)
class StagedRestore:
    """A verified backup ready to swap in (SQLite: its checked copy beside the live file;
    PostgreSQL: the key its pack opens with, None for a plain archive)."""

    backup: Path
    manifest: BackupManifest
    staged: Path | None
    pack_key: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class RestoreResult:
    """What was restored, where the live database was saved first, and whether it was upgraded."""

    backup: Path
    manifest: BackupManifest
    safety_backup: Path | None
    upgraded: bool


def restore_backup(database: Database, actor: Actor | None, path: Path,
                   confirm: Callable[[BackupManifest], bool] = lambda _manifest: True, *,
                   key: bytes | None = None,
                   account: Callable[[Path], Actor] | None = None,
                   progress: Progress | None = None) -> RestoreResult | None:
    """Verify, ask `confirm`, then restore; None when the user declined (nothing changed).

    `key` is the station's seal key typed by an administrator (a new PC has none of its own).
    With no live `actor` (no working database to log in to), `account` logs in to the verified
    SQLite copy itself (see restore_login). `progress` hears of an encrypted backup's unpacking.
    """
    with restoring(database.engine):
        staged = stage_restore(database, actor, path, key=key, progress=progress)
        try:
            if actor is None:
                actor = _backup_actor(staged, account)
            if not confirm(staged.manifest):
                return None
            if key is not None and seal_key(database.engine) is None:
                # The key just proved this backup the station's: this PC's backups (the safety
                # backup first) are sealed, and a PostgreSQL one encrypted, with it from now on.
                install_key(key_path(database.engine), key)
            return apply_restore(database, actor, staged)
        finally:
            discard_restore(staged)


def stage_restore(database: Database, actor: Actor | None, path: Path, *,
                  key: bytes | None = None, progress: Progress | None = None) -> StagedRestore:
    """Verify a backup (and stage its copy) without touching the live database; with no actor
    yet, the copy's own accounts say who may restore it (restore_backup)."""
    if actor is not None:
        require(actor, "backup.restore")
    backup = backup_path_for(path) if path.name.endswith(MANIFEST_SUFFIX) else path
    if not backup.is_file():
        raise DatabaseError("backup.backup_missing", backup=backup)
    manifest = read_manifest(backup)
    _check_same_key(database, backup)
    station_key = key or seal_key(database.engine)
    check_seal(manifest, station_key, backup.name)
    _check_compatible(database, manifest)
    if database.is_sqlite:
        return StagedRestore(backup, manifest, stage_sqlite(database.engine, backup, manifest, progress))
    return StagedRestore(backup, manifest, None, verify_postgres_archive(backup, manifest, station_key))


def apply_restore(database: Database, actor: Actor, staged: StagedRestore) -> RestoreResult:
    """Back up the live database, swap the verified backup in, upgrade an older schema, audit."""
    require(actor, "backup.restore")
    folder, now = backup_folder(database.settings), database.clock()
    if staged.staged is not None:
        safety = swap_sqlite(database.engine, staged.staged, folder, now)
    else:
        safety = swap_postgres(database.engine, staged.backup, staged.manifest, folder, now, staged.pack_key)
    _install_slots(database, staged.backup)
    upgraded = ensure_schema(database.engine) == "upgraded"
    forget_mark(database.engine, database.settings)  # another log is in place: walk it whole next start
    with UnitOfWork(database, actor) as uow:
        _record(uow, staged, safety, upgraded)
        uow.commit()
    return RestoreResult(staged.backup, staged.manifest, safety.path if safety else None, upgraded)


def _backup_actor(staged: StagedRestore, account: Callable[[Path], Actor] | None) -> Actor:
    if account is None or staged.staged is None:  # PostgreSQL always has a live database to log in to
        raise AuthError("cli.login_needed")
    return account(staged.staged)


def _install_slots(database: Database, backup: Path) -> None:
    """An encrypted backup's key slots become the station's: they belong to the accounts it
    holds (the slots of the database it replaced went with the safety backup)."""
    if data_key_of(database.engine) is None:
        return
    slots = read_slots(slots_copy_path(backup))
    write_slots(slots_path_for(live_sqlite_path(database.engine)), slots)


def discard_restore(staged: StagedRestore) -> None:
    """Remove a staged copy that was not swapped in."""
    if staged.staged is not None:
        staged.staged.unlink(missing_ok=True)


def _check_same_key(database: Database, backup: Path) -> None:
    """A backup made before a rekey is under the old data key: say so (its seal would only say
    "changed"), and how it can still be restored."""
    data_key = data_key_of(database.engine)
    if data_key is None or not slots_copy_path(backup).exists():
        return
    if database.is_sqlite and not opens_with(backup, data_key):
        raise DatabaseError("backup.older_key", name=backup.name)


def _check_compatible(database: Database, manifest: BackupManifest) -> None:
    backend = database.engine.dialect.name
    if manifest.backend != backend:
        raise DatabaseError("backup.wrong_backend", backend=manifest.backend, current=backend)
    if manifest.schema_revision not in known_revisions():
        raise DatabaseError("backup.revision_unknown", revision=manifest.schema_revision)


def _record(uow: UnitOfWork, staged: StagedRestore, safety: BackupFile | None, upgraded: bool) -> None:
    """Audit in the restored database, which is the one that stays."""
    if safety is not None:
        record_backup(uow, safety)
    audit.record(uow, "restore", "database", None, new={
        "file": str(staged.backup), "sha256": staged.manifest.sha256,
        "created_at": staged.manifest.created_at, "schema_revision": staged.manifest.schema_revision,
        "safety_backup": str(safety.path) if safety else None, "upgraded": upgraded,
    }, detail=f"从 {staged.backup.name} 恢复")

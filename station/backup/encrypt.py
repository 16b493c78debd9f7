"""`station encrypt`: encrypt a plaintext SQLite station in place (made before encryption existed,
or with `station init` without --encrypt), and then its older backups.

SQLCipher's `sqlcipher_export` writes every table and index of the plaintext file into a new
file keyed with a fresh data key (the copy is encrypted page by page as it is written; no
plaintext copy is made). The copy is checked (integrity, every row), then takes the live file's
place exactly as a rekey's does (rekey.swap_in), while this process holds the live file alone.
The administrator who runs it gets the first key slot; the recovery key is shown once. Other
accounts get their slot when an administrator sets a new password for them: nobody's password
but the caller's is known here.

Old plaintext backups in the backups folder would still hold everyone in the clear, and a
restore on an encrypted station cannot read them: they are encrypted the same way (after their
seal and checksum are verified) or deleted, as the administrator chooses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from station import audit
from station.accounts.login import verify_same_user
from station.accounts.users import list_users
from station.actor import Actor
from station.backup.files import BackupFile, list_backups, remove_backup
from station.backup.manifest import (
    PACK_SUFFIX,
    PARTIAL_SUFFIX,
    file_sha256,
    manifest_path,
    slots_copy_path,
    write_manifest,
)
from station.backup.pack_sqlite import pack_database
from station.backup.rekey import Progress, check_copy, swap_in
from station.backup.restore_sqlite import hold_alone
from station.backup.seal import check_seal, derived_seal_key, sealed
from station.backup.sqlite import live_sqlite_path
from station.db import Database
from station.disk import fsync_folder, private_file
from station.errors import AuthError, ConfigError, DatabaseError, ValidationError
from station.keyslots import (
    KeySlots,
    new_data_key,
    new_recovery_key,
    read_slots,
    recovery_slot,
    user_slot,
    write_slots,
)
from station.permissions import require
from station.sqlite_files import DATABASE_ERRORS, is_plaintext_sqlite
from station.uow import UnitOfWork
from station.vault import Vault, slots_path_for


@dataclass(frozen=True)
class EncryptResult:
    """The station's vault, its recovery key (shown once) and the accounts still without a slot."""

    vault: Vault = field(repr=False)
    recovery_key: str = field(repr=False)
    without_slot: tuple[str, ...]


@dataclass(frozen=True)
class OldBackups:
    """What became of the plaintext backups: encrypted, deleted, or refused (name: reason)."""

    encrypted: tuple[Path, ...] = ()
    deleted: tuple[Path, ...] = ()
    refused: tuple[tuple[str, str], ...] = ()


def encrypt_database(database: Database, actor: Actor, password: str,
                     progress: Progress | None = None) -> EncryptResult:
    """Encrypt the open plaintext station; `password` is the caller's own (checked as the lock
    screen checks it). Call with no unit of work open; the engine's connections are closed and
    the live file is untouched when anything fails."""
    require(actor, "keys.manage")
    if not database.is_sqlite:
        raise ConfigError("keys.postgresql_not_encrypted_here")
    live = live_sqlite_path(database.engine)
    if database.vault is not None or slots_path_for(live).exists():
        raise ValidationError("keys.already_exist", path=slots_path_for(live), field="keys")
    without_slot = _check_caller(database, actor, password)
    data_key, recovery_key = new_data_key(), new_recovery_key()
    slots = KeySlots().put(user_slot(data_key, actor.username, password)).put(recovery_slot(data_key, recovery_key))
    database.dispose()
    guard = hold_alone(live, None, error_code="keys.busy")
    try:
        staged = live.with_name(f"{live.name}.encrypt{PARTIAL_SUFFIX}")
        try:
            (progress or _quiet)("export", 0, 1)
            export_encrypted(live, staged, data_key)
            (progress or _quiet)("export", 1, 1)
            check_copy(guard, staged, data_key, progress or _quiet)
            swap_in(staged, live, slots)
        finally:
            staged.unlink(missing_ok=True)
    finally:
        guard.close()
    return EncryptResult(Vault(slots_path_for(live), data_key), recovery_key, without_slot)


def export_encrypted(source: Path, target: Path, data_key: bytes) -> None:
    """Write `source` (a plaintext SQLite file) into a new file keyed with `data_key`, fsynced."""
    from sqlcipher3 import dbapi2 as sqlcipher

    target.unlink(missing_ok=True)  # a killed run's leftover: the caller holds the live file alone
    private_file(target)
    connection = sqlcipher.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        connection.execute("PRAGMA temp_store=MEMORY")
        connection.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), f"x'{data_key.hex()}'"))
        connection.execute("SELECT sqlcipher_export('encrypted')").fetchall()
        connection.execute("DETACH DATABASE encrypted")
    except DATABASE_ERRORS as error:
        target.unlink(missing_ok=True)
        raise DatabaseError("keys.export_failed", problem=error) from error
    finally:
        connection.close()
    with open(target, "rb") as handle:
        os.fsync(handle.fileno())


def record_encryption(uow: UnitOfWork, result: EncryptResult) -> None:
    """Audit the encryption in the encrypted database (no key in the row)."""
    audit.record(uow, "encrypt", "database", None, new={"without_slot": list(result.without_slot)},
                 detail="数据库已加密")
    uow.commit()


def plaintext_backups(folder: Path) -> list[BackupFile]:
    """The finished SQLite backups in `folder` that are plaintext files."""
    return [made for made in list_backups(folder)
            if made.manifest.backend == "sqlite" and is_plaintext_sqlite(made.path)]


def settle_old_backups(uow: UnitOfWork, backups: list[BackupFile], *, encrypt: bool,
                       old_seal_key: bytes | None) -> OldBackups:
    """Encrypt (under the station's data key, after verifying each) or delete plaintext backups;
    audited. A backup that fails verification is left where it is and named."""
    require(uow.actor, "keys.manage")
    vault = uow.database.vault
    if vault is None:
        raise ValidationError("keys.not_encrypted", field="database")
    done, refused = [], []
    for made in backups:
        try:
            if encrypt:
                done.append(encrypt_backup(made, vault, old_seal_key).path)
            else:
                remove_backup(made.path)
                done.append(made.path)
        except (DatabaseError, OSError) as error:
            refused.append((made.path.name, error.render() if isinstance(error, DatabaseError) else str(error)))
    outcome = OldBackups(encrypted=tuple(done) if encrypt else (), deleted=() if encrypt else tuple(done),
                         refused=tuple(refused))
    audit.record(uow, "encrypt_backups" if encrypt else "delete_backups", "database", None,
                 new={"files": [path.name for path in done], "refused": [name for name, _ in refused]},
                 detail=("加密" if encrypt else "删除") + f"旧的未加密备份 {len(done)} 份")
    uow.commit()
    return outcome


def encrypt_backup(made: BackupFile, vault: Vault, old_seal_key: bytes | None) -> BackupFile:
    """An encrypted backup in place of a plaintext one: the same contents and creation time,
    sealed with the encrypted station's seal key, with the key slots beside it; the plaintext
    file and its manifest are removed only once the encrypted one is complete."""
    check_seal(made.manifest, old_seal_key, made.path.name)
    if file_sha256(made.path) != made.manifest.sha256:
        raise DatabaseError("backup.checksum_differs", name=made.path.name)
    final = made.path.with_name(f"{made.path.stem}-encrypted{PACK_SUFFIX}")
    partial = final.with_name(final.name + PARTIAL_SUFFIX)
    try:
        check = pack_database(made.path, None, vault.data_key, partial, still=True)
        if check.counts != made.manifest.counts or check.revision != made.manifest.schema_revision:
            raise DatabaseError("backup.content_differs", name=made.path.name)
        manifest = sealed(replace(made.manifest, file=final.name, sha256=check.sha256,
                                  size=partial.stat().st_size), derived_seal_key(vault.data_key))
        write_manifest(manifest, manifest_path(final))
        write_slots(slots_copy_path(final), read_slots(vault.slots_path))
        partial.replace(final)
        fsync_folder(final.parent)
    finally:
        partial.unlink(missing_ok=True)
    remove_backup(made.path)
    return BackupFile(final, manifest)


def _check_caller(database: Database, actor: Actor, password: str) -> tuple[str, ...]:
    """Check the caller's password (a failure counts toward their lock-out); return the other
    active accounts, which will need a new password to get a key slot."""
    with UnitOfWork(database, actor) as uow:
        if actor.user_id is None or not verify_same_user(uow, actor.user_id, password):
            uow.commit()
            raise AuthError("accounts.wrong_credentials")
        names = tuple(user.username for user in list_users(uow) if not user.disabled and user.id != actor.user_id)
        uow.commit()
    return names


def _quiet(_stage: str, _done: int, _total: int) -> None:
    return None


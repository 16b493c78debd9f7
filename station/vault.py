"""An encrypted station's keys at work: created with the first administrator, opened by a login,
and kept in step with the accounts.

The data key lives only in the memory of an unlocked session (a `Vault` on the Database); the
slots file beside the database (`station.db.keys`) holds it wrapped once per user and once
under the recovery key (see keyslots). Account changes rewrite the slots before the database
commits and put them back if the commit fails, so a slot never lags behind a password.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from station.actor import Actor
from station.disk import fsync_folder
from station.errors import AuthError, ValidationError
from station.keyslots import (
    KeySlots,
    new_data_key,
    new_recovery_key,
    read_slots,
    recovery_slot,
    unlock,
    unlock_with_recovery,
    user_slot,
    write_slots,
)
from station.sqlite_files import DATABASE_ERRORS, connect_file, is_plaintext_sqlite

SLOTS_SUFFIX = ".keys"
PENDING_SUFFIX = ".next"
# Who the audit log names when the recovery key, not an account, opened the database.
RECOVERY_USERNAME = "(恢复密钥)"


def recovery_actor() -> Actor:
    """Whoever holds the recovery key holds every key: an administrator without an account."""
    return Actor(user_id=None, username=RECOVERY_USERNAME, role="admin", community_id=None)


@dataclass(frozen=True)
class Vault:
    """An unlocked database: where its slots live, and its data key (never printed or logged)."""

    slots_path: Path
    data_key: bytes = field(repr=False)


def slots_path_for(database_file: Path) -> Path:
    """Where a database's key slots live: beside it, `station.db` → `station.db.keys`."""
    database_file = Path(database_file)
    return database_file.with_name(database_file.name + SLOTS_SUFFIX)


def is_encrypted(database_file: Path) -> bool:
    """True when the database has key slots (and so is encrypted). An encryption killed between
    its renames is settled first (settle_encryption)."""
    settle_encryption(Path(database_file))
    return slots_path_for(database_file).exists()


def settle_encryption(database_file: Path) -> None:
    """`station encrypt` writes the slots as `.keys.next`, renames the encrypted copy over the
    database, then renames the slots: if killed in between, the database file's own header says
    which step it reached (a plaintext SQLite file starts with a fixed header)."""
    path = slots_path_for(database_file)
    pending = pending_slots_path(path)
    if path.exists() or not pending.exists():
        return
    if database_file.exists() and not is_plaintext_sqlite(database_file):
        os.replace(pending, path)
    else:
        pending.unlink()
    fsync_folder(path.parent)


def create_vault(database_file: Path, username: str, password: str) -> tuple[Vault, str]:
    """A new data key, with slots for the first administrator and for recovery; returns the
    vault and the recovery key, which is shown once and never stored."""
    path = slots_path_for(database_file)
    if path.exists():
        raise ValidationError("keys.already_exist", path=path, field="keys")
    data_key, recovery_key = new_data_key(), new_recovery_key()
    write_slots(path, KeySlots().put(user_slot(data_key, username, password))
                .put(recovery_slot(data_key, recovery_key)))
    return Vault(path, data_key), recovery_key


def pending_slots_path(slots_path: Path) -> Path:
    """Where a rekey writes the new slots before the re-encrypted database takes the name."""
    return slots_path.with_name(slots_path.name + PENDING_SUFFIX)


def open_vault(database_file: Path, username: str, password: str) -> Vault:
    """The vault opened with a user's password (AuthError alike for a wrong name or password).
    A version 1 slot is rewritten as version 2 on the way, so a rekey can reach it later."""
    path = slots_path_for(database_file)
    settle_rekey(database_file, lambda slots: unlock(slots, username, password))
    slots = read_slots(path)
    data_key = unlock(slots, username, password)
    slot = slots.of_user(username)
    if slot is not None and slot.legacy:
        write_slots(path, slots.put(user_slot(data_key, username, password)))
    return Vault(path, data_key)


def open_vault_with_recovery(database_file: Path, recovery_key: str) -> Vault:
    """The vault opened with the recovery key (a version 1 recovery slot is moved to version 2)."""
    path = slots_path_for(database_file)
    settle_rekey(database_file, lambda slots: unlock_with_recovery(slots, recovery_key))
    slots = read_slots(path)
    data_key = unlock_with_recovery(slots, recovery_key)
    if slots.recovery is not None and slots.recovery.legacy:
        write_slots(path, slots.put(recovery_slot(data_key, recovery_key)))
    return Vault(path, data_key)


def settle_rekey(database_file: Path, opener: Callable[[KeySlots], bytes]) -> None:
    """Finish or undo a rekey that was killed between its two renames: the new slots stay when
    their key opens the database, and are dropped when it does not (the old file is still
    there). A secret that opens neither set leaves both for an administrator's login."""
    pending = pending_slots_path(slots_path_for(database_file))
    if not pending.exists():
        return
    try:
        new_key = opener(read_slots(pending))
    except (AuthError, ValidationError):
        return
    if opens_with(database_file, new_key):
        os.replace(pending, slots_path_for(database_file))
    else:
        pending.unlink(missing_ok=True)
    fsync_folder(pending.parent)


def opens_with(database_file: Path, data_key: bytes) -> bool:
    """True when `data_key` reads the database's schema (a wrong key only fails on a read)."""
    try:
        connection = connect_file(database_file, data_key)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except DATABASE_ERRORS:
        return False
    return True


@contextlib.contextmanager
def slots_changed(vault: Vault | None, change: Callable[[KeySlots, bytes], KeySlots]) -> Iterator[None]:
    """Write the changed slots, run the body (the database commit), and put the old slots back
    if it fails. Nothing happens for a database without a vault (plaintext, or PostgreSQL)."""
    if vault is None:
        yield
        return
    before = read_slots(vault.slots_path)
    write_slots(vault.slots_path, change(before, vault.data_key))
    try:
        yield
    except BaseException:
        write_slots(vault.slots_path, before)
        raise


def password_slot(username: str, password: str) -> Callable[[KeySlots, bytes], KeySlots]:
    """A change that gives (or replaces) the user's slot for this password."""
    return lambda slots, data_key: slots.put(user_slot(data_key, username, password))


def no_slot(username: str) -> Callable[[KeySlots, bytes], KeySlots]:
    """A change that removes the user's slot (a disabled account opens nothing)."""
    return lambda slots, _data_key: slots.without_user(username)


def new_recovery(vault: Vault) -> str:
    """Replace the recovery slot with one for a fresh recovery key (after a sheet was lost)."""
    recovery_key = new_recovery_key()
    slots = read_slots(vault.slots_path)
    write_slots(vault.slots_path, slots.put(recovery_slot(vault.data_key, recovery_key)))
    return recovery_key

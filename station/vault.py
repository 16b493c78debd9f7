"""An encrypted station's keys at work: created with the first administrator, opened by a login,
and kept in step with the accounts.

The data key lives only in the memory of an unlocked session (a `Vault` on the Database); the
slots file beside the database (`station.db.keys`) holds it wrapped once per user and once
under the recovery key (see keyslots). Account changes rewrite the slots before the database
commits and put them back if the commit fails, so a slot never lags behind a password.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from station.actor import Actor
from station.errors import ValidationError
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

SLOTS_SUFFIX = ".keys"
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
    """True when the database has key slots (and so is encrypted)."""
    return slots_path_for(database_file).exists()


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


def open_vault(database_file: Path, username: str, password: str) -> Vault:
    """The vault opened with a user's password (AuthError alike for a wrong name or password)."""
    path = slots_path_for(database_file)
    return Vault(path, unlock(read_slots(path), username, password))


def open_vault_with_recovery(database_file: Path, recovery_key: str) -> Vault:
    """The vault opened with the recovery key."""
    path = slots_path_for(database_file)
    return Vault(path, unlock_with_recovery(read_slots(path), recovery_key))


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

"""`station rekey`: move an encrypted station to a new data key, for when someone who had a slot
left (their slot is gone, but they may have kept the old key or an old copy of the slots file).

The database is copied page by page under the new key beside the live file (SQLite's backup
API re-encrypts each page; the copy is never plaintext), checked, and renamed over the live
file while this process holds it alone. Every remaining slot is granted the new key (key slots
hold public keys, so no password is needed); version 1 slots, and any whose public key is not
tagged under the current key, are not moved and are named so an administrator can reset those
passwords.

Two files change, so the order makes a crash harmless: the new slots are written as
`station.db.keys.next` first, then the database is renamed into place, then the slots. The next
unlock finds a leftover `.next` and keeps whichever slots open the database (vault.settle_rekey).
Backups made before the rekey stay under the old key with their own slots copy.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from station import audit
from station.actor import Actor
from station.backup.file_check import check_sqlite_file
from station.backup.manifest import PARTIAL_SUFFIX
from station.backup.restore_sqlite import hold_alone, put_in_place
from station.backup.sqlite import live_sqlite_path
from station.db import Database
from station.disk import fsync_folder, private_file
from station.errors import DatabaseError, ValidationError
from station.keyslots import (
    KeySlots,
    new_data_key,
    new_recovery_key,
    read_slots,
    recovery_slot,
    write_slots,
)
from station.permissions import require
from station.sqlite_files import connect_file
from station.uow import UnitOfWork
from station.vault import Vault, pending_slots_path, slots_path_for

Progress = Callable[[str, int, int], None]
_PAGES_PER_STEP = 2048  # 8 MiB of 4 KiB pages between progress updates


@dataclass(frozen=True)
class RekeyResult:
    """The station's new vault, the users whose slots hold the new key, those left without."""

    vault: Vault = field(repr=False)
    pages: int
    users: tuple[str, ...]
    dropped: tuple[str, ...]
    # A new recovery key, shown once, when the old recovery slot could not follow (version 1).
    recovery_key: str | None = field(default=None, repr=False)


def rekey_database(database: Database, actor: Actor, progress: Progress | None = None) -> RekeyResult:
    """Re-encrypt the open station under a new data key; call with no unit of work open on it
    (the engine's connections are closed). The live file is untouched when anything fails."""
    require(actor, "keys.manage")
    vault = database.vault
    if vault is None or not database.is_sqlite:
        raise ValidationError("keys.not_encrypted", field="database")
    live = live_sqlite_path(database.engine)
    new_key = new_data_key()
    slots = read_slots(vault.slots_path)
    granted = slots.granted(new_key, vault.data_key)
    recovery_key = None
    if granted.recovery is None:  # never leave the station without a way back in
        recovery_key = new_recovery_key()
        granted = granted.put(recovery_slot(new_key, recovery_key))
    database.dispose()
    guard = hold_alone(live, vault.data_key, error_code="keys.busy")
    try:
        staged, pages = _copy_under(guard, live, new_key, progress or _quiet)
        try:
            check_copy(guard, staged, new_key, progress or _quiet)
            swap_in(staged, live, granted)
        finally:
            staged.unlink(missing_ok=True)
    finally:
        guard.close()
    dropped = tuple(name for name in slots.users if name not in granted.users)
    return RekeyResult(Vault(vault.slots_path, new_key), pages, granted.users, dropped, recovery_key)


def record_rekey(uow: UnitOfWork, result: RekeyResult) -> None:
    """Audit the rekey in the re-encrypted database (no key in the row)."""
    audit.record(uow, "rekey", "database", None, new={"pages": result.pages, "users": list(result.users),
                                                      "dropped": list(result.dropped),
                                                      "new_recovery_key": result.recovery_key is not None},
                 detail="更换数据密钥")
    uow.commit()


def _copy_under(guard: sqlite3.Connection, live: Path, new_key: bytes, progress: Progress) -> tuple[Path, int]:
    """Copy every page into a new file keyed with `new_key`, reporting pages copied."""
    staged = live.with_name(f"{live.name}.rekey{PARTIAL_SUFFIX}")
    staged.unlink(missing_ok=True)  # a killed rekey's leftover: this process holds the live file alone
    target = connect_file(private_file(staged), new_key)
    totals = [0]

    def step(_status: int, remaining: int, total: int) -> None:
        totals[0] = total
        progress("copy", total - remaining, total)

    try:
        guard.backup(target, pages=_PAGES_PER_STEP, progress=step)
        target.execute("PRAGMA journal_mode=DELETE")
    except BaseException:
        target.close()
        staged.unlink(missing_ok=True)
        raise
    target.close()
    with open(staged, "rb") as handle:
        os.fsync(handle.fileno())
    return staged, totals[0]


def check_copy(guard: sqlite3.Connection, staged: Path, data_key: bytes, progress: Progress) -> None:
    """The copy opens with `data_key`, passes the integrity check and holds every row the held
    live file holds."""
    progress("check", 0, 1)
    check = check_sqlite_file(staged, digest=False, data_key=data_key)
    live_tables = {row[0] for row in guard.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    if live_tables != set(check.counts):
        raise DatabaseError("keys.copy_differs", table="、".join(sorted(live_tables ^ set(check.counts))))
    for table, rows in check.counts.items():
        if guard.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] != rows:
            raise DatabaseError("keys.copy_differs", table=table)
    progress("check", 1, 1)


def swap_in(staged: Path, live: Path, slots: KeySlots) -> None:
    """Put a checked copy and its slots in place of the live file, in the order a crash can undo
    or finish (vault.settle_rekey, vault.settle_encryption): pending slots, file, slots."""
    slots_path = slots_path_for(live)
    pending = pending_slots_path(slots_path)
    write_slots(pending, slots)
    put_in_place(staged, live)
    os.replace(pending, slots_path)
    fsync_folder(live.parent)


def _quiet(_stage: str, _done: int, _total: int) -> None:
    return None

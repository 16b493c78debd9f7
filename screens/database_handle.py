"""The database as the app sees it: open already (tests), or opened on first use in a worker.

`station run` hands the app the settings and a way to open the database, so the login screen
shows while the database is still being opened and checked (connecting, migrating, importing
SQLAlchemy and Alembic take most of the start-up); the first service call waits for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from station.settings import Settings

if TYPE_CHECKING:
    from station.accounts.records import UserRecord
    from station.actor import Actor
    from station.backup.encrypt import EncryptResult
    from station.db import Database


class DatabaseHandle:
    """The database, and for an encrypted station the way a login opens it: `unlocker(username,
    password)` opens it with that user's key slot (station.bootstrap.unlock_database)."""

    def __init__(self, settings: Settings, *, db: Database | None = None,
                 opener: Callable[[], Database] | None = None,
                 unlocker: Callable[[str, str], Database] | None = None,
                 creator: Callable[[str, str, str], tuple[Database, UserRecord, str]] | None = None):
        if db is None and opener is None:
            raise ValueError("need an open database or a way to open one")
        self.settings = settings
        self._db = db
        self._opener = opener
        self._unlocker = unlocker
        self._creator = creator
        self._lock = threading.Lock()

    @property
    def can_encrypt_new(self) -> bool:
        """True before a new SQLite station's file exists: the first run may make it encrypted."""
        from station.bootstrap import sqlite_file  # imported late: it loads SQLAlchemy

        file = sqlite_file(self.settings) if self._creator is not None and self._db is None else None
        return file is not None and not file.exists()

    def create_encrypted(self, username: str, display_name: str, password: str) -> tuple[UserRecord, str]:
        """Make the new station encrypted with its first administrator; returns the administrator
        and the recovery key (shown once). The database stays open for the first run's demo."""
        with self._lock:
            assert self._creator is not None and self._db is None
            self._db, admin, recovery_key = self._creator(username, display_name, password)
            return admin, recovery_key

    @property
    def encrypted(self) -> bool:
        """True for an encrypted SQLite station: nothing opens it before a login."""
        from station.bootstrap import is_encrypted_station  # imported late: it loads SQLAlchemy

        return self._unlocker is not None and is_encrypted_station(self.settings)

    def unlock(self, username: str, password: str) -> None:
        """Open an encrypted station with the user's key slot (nothing to do once it is open, or
        for a plaintext one); a wrong name or password raises AuthError."""
        with self._lock:
            if self._db is None and self.encrypted:
                assert self._unlocker is not None
                self._db = self._unlocker(username, password)

    @property
    def plaintext(self) -> bool:
        """True once a plaintext SQLite station is open and could be unlocked once encrypted (an
        administrator may encrypt it; `station run`'s handle, not one over a test's database)."""
        db = self._db
        return self._unlocker is not None and db is not None and db.vault is None and db.is_sqlite

    def encrypt(self, actor: Actor, password: str) -> EncryptResult:
        """Encrypt the open plaintext station (`password` is the actor's own); the next use opens
        the encrypted file with its new vault, the session unchanged. No other job gets the
        database meanwhile. A refusal (wrong password, the file open in another program) leaves
        the file and the open database as they were."""
        # Imported here: they load SQLAlchemy (see the module's docstring).
        from station.backup.encrypt import encrypt_database
        from station.bootstrap import open_database

        with self._lock:
            assert self._db is not None
            result = encrypt_database(self._db, actor, password)
            # Opened on next use, not here: a failure to open must not lose the recovery key,
            # which the caller shows once.
            self._db = None
            self._opener = partial(open_database, self.settings, vault=result.vault, daily_backup=False)
            return result

    def lock(self) -> None:
        """Close an encrypted station at logout: its data key leaves memory with the engine."""
        with self._lock:
            if self._db is not None and self._db.vault is not None and self._unlocker is not None:
                self._db.dispose()
                self._db = None

    def get(self) -> Database:
        """The open database; opens it on first use (call from worker threads only: it blocks).

        A failed open (e.g. the server is down) raises its error and is tried again next time.
        """
        with self._lock:
            if self._db is None:
                assert self._opener is not None
                self._db = self._opener()
            return self._db

    def now(self) -> datetime:
        """The station's clock (the database's, so tests control it) or the wall clock until open."""
        return self._db.clock() if self._db is not None else datetime.now()

    def dispose(self) -> None:
        if self._db is not None:
            self._db.dispose()

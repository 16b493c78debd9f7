"""The database as the app sees it: open already (tests), or opened on first use in a worker.

`station run` hands the app the settings and a way to open the database, so the login screen
shows while the database is still being opened and checked (connecting, migrating, importing
SQLAlchemy and Alembic take most of the start-up); the first service call waits for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from station.settings import Settings

if TYPE_CHECKING:
    from station.db import Database


class DatabaseHandle:
    def __init__(self, settings: Settings, *, db: Database | None = None,
                 opener: Callable[[], Database] | None = None):
        if db is None and opener is None:
            raise ValueError("need an open database or a way to open one")
        self.settings = settings
        self._db = db
        self._opener = opener
        self._lock = threading.Lock()

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

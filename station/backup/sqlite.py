"""SQLite backups: an online copy with the backup API, made self-contained, fsynced and checked."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from station.backup.file_check import FileCheck, check_sqlite_file
from station.backup.pack_sqlite import pack_database
from station.db import data_key_of
from station.disk import private_file
from station.errors import DatabaseError
from station.sqlite_files import connect_file


def live_sqlite_path(engine: Engine) -> Path:
    """The file behind a SQLite engine; in-memory databases cannot be backed up or restored."""
    database = engine.url.database
    if not database or database == ":memory:":
        raise DatabaseError("backup.memory_database")
    return Path(database)


def dump_sqlite(engine: Engine, partial: Path, source: sqlite3.Connection | None = None) -> FileCheck:
    """Copy the live database to `partial` and check the copy; `source` reuses an open connection.

    An encrypted database is written as a pack (pack_sqlite): compressed and sealed under its own
    data key, never in plaintext. The pack's readers open their own connections; while a
    `source` holds the file, they read what it sees, since no one else can commit."""
    data_key = data_key_of(engine)
    if data_key is not None:
        return pack_database(live_sqlite_path(engine), data_key, data_key, partial)
    connection = source or connect_file(live_sqlite_path(engine), data_key, timeout=10)
    try:
        copy_into(connection, partial, data_key)
    finally:
        if source is None:
            connection.close()
    return check_sqlite_file(partial, data_key=data_key)


def copy_into(source: sqlite3.Connection, partial: Path, data_key: bytes | None = None) -> None:
    """One backup step copies every page inside one read transaction: a consistent snapshot."""
    target = connect_file(private_file(partial), data_key)
    try:
        source.backup(target)
        # The copy inherits the WAL flag; a rollback-journal file stands alone without -wal/-shm.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())

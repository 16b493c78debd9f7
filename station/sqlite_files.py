"""Opening a SQLite file directly, encrypted or not: backups, their checks and restores read and
write database files outside SQLAlchemy, and an encrypted station's files open only keyed.

An encrypted file is opened through SQLCipher 4 (sqlcipher3) with the raw 256-bit data key:
no key derivation per open. A wrong key is only noticed at the first read, so callers read
(e.g. the schema) before trusting a connection. Both drivers' errors are caught alike with
DATABASE_ERRORS.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

KEY_BYTES = 32
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError, sqlcipher.DatabaseError)
BUSY_ERRORS = ("SQLITE_BUSY", "SQLITE_LOCKED")
PLAINTEXT_HEADER = b"SQLite format 3\x00"


def key_pragma(data_key: bytes) -> str:
    """The statement that keys a SQLCipher connection with a raw key (no derivation)."""
    if len(data_key) != KEY_BYTES:
        raise ValueError("a data key is 32 bytes")
    return f"PRAGMA key = \"x'{data_key.hex()}'\""


def connect_file(target: str | Path, data_key: bytes | None = None, **options: Any) -> sqlite3.Connection:
    """A DB-API connection to a SQLite file (or `file:` URI with uri=True), keyed when encrypted.

    Sorts and temporary tables of a keyed connection stay in memory: a temp file would hold
    plaintext."""
    if data_key is None:
        return sqlite3.connect(target, **options)
    connection = sqlcipher.connect(str(target), **options)
    connection.execute(key_pragma(data_key))
    connection.execute("PRAGMA temp_store=MEMORY")
    return connection  # type: ignore[no-any-return]


def is_plaintext_sqlite(path: Path) -> bool:
    """True when the file starts with SQLite's plaintext header (an encrypted file is random)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(PLAINTEXT_HEADER)) == PLAINTEXT_HEADER
    except OSError:
        return False


def is_busy(error: BaseException) -> bool:
    """True for a database locked by another connection (either driver)."""
    return getattr(error, "sqlite_errorname", "") in BUSY_ERRORS or "locked" in str(error)

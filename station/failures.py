"""Failures of the machine rather than of the input, said in one clear line.

A database another process holds locked, a full disk, a read-only file, a server that does not
answer: none is a bug, and none may reach a clerk or an admin as a traceback. `explain` turns
such an exception into a DatabaseError (or StationError) whose message says what happened and
that nothing was saved; anything it does not recognise stays unexplained, for the
caller's generic "系统错误" line and the log.
"""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from station.errors import DatabaseError, StationError
from station.messages import Term

SQLITE_CODES = (
    ("database is locked", "failures.locked"),
    ("database table is locked", "failures.table_locked"),
    ("database or disk is full", "failures.no_space"),
    ("readonly database", "failures.read_only_database"),
    ("unable to open database file", "failures.cannot_open"),
    ("disk i/o error", "failures.disk_io"),
    ("file is not a database", "failures.not_a_database"),
)
OS_TERMS = {
    errno.EROFS: Term("failures.os.read_only"),
    errno.EACCES: Term("failures.os.no_access"),
    errno.EPERM: Term("failures.os.no_access"),
    errno.ENOENT: Term("failures.os.not_found"),
    errno.EISDIR: Term("failures.os.is_directory"),
    errno.ENOTDIR: Term("failures.os.not_directory"),
}


def explain(error: BaseException) -> StationError | None:
    """The failure as a message a user can act on, or None when it is not a known kind."""
    if isinstance(error, StationError):
        return error
    if isinstance(error, IntegrityError):
        return DatabaseError("failures.integrity")
    if isinstance(error, OperationalError | DBAPIError):
        return _database(error.orig)
    if isinstance(error, sqlite3.Error) or type(error).__module__.startswith("sqlcipher3"):
        return _database(error)  # the second: an encrypted file opened directly (sqlite_files)
    if isinstance(error, OSError):
        return _file(error)
    return None


def server_lost(error: BaseException) -> bool:
    """True when the database server could not be reached or dropped the connection: waiting
    and trying again may succeed, unlike a refused or invalid statement."""
    cause: BaseException | None = error
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        cause = error.orig
    if cause is None or not type(cause).__module__.startswith("psycopg"):
        return False  # SQLite's file, or no database at all
    import psycopg  # noqa: PLC0415 - installed, and loaded already when it raised

    # libpq's own failures (refused, reset, timed out) carry no SQLSTATE; the server's say 08
    # (connection exception) or 57P (shut down, crashed, still starting up), not 57014 (a
    # cancelled statement, which waiting does not cure).
    state = getattr(cause, "sqlstate", None) or ""
    return isinstance(cause, psycopg.OperationalError) and (not state or state.startswith(("08", "57P")))


def _database(cause: BaseException | None) -> StationError | None:
    text = str(cause or "").lower()
    for fragment, code in SQLITE_CODES:
        if fragment in text:
            return DatabaseError(code)
    if cause is not None and server_lost(cause):
        return DatabaseError("failures.server_unreachable")
    if isinstance(cause, OSError):
        return _file(cause)
    return None


def _file(error: OSError) -> StationError:
    if error.errno == errno.ENOSPC:
        if error.filename:
            return DatabaseError("failures.no_space_at", path=str(error.filename))
        return DatabaseError("failures.no_space")
    what = OS_TERMS.get(error.errno or 0) or error.strerror or str(error)
    if error.filename:
        return StationError("failures.file_at", path=str(error.filename), what=what)
    return StationError("failures.file", what=what)

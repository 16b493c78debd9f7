"""A bulk load's effect on indexes and cache: indexes built once after a big load, a large cache.

Inserting a million search keys into two B-tree indexes costs far more than sorting them once.
SQLite's DDL is transactional, so the indexes are dropped and re-created inside the import's
own transaction: a failed or killed import rolls back to the intact indexes, and other
connections keep reading their snapshot meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, func, select

# Below this many new rows the incremental index updates are cheap enough.
MIN_REBUILD_ROWS = 50_000
# 256 MiB of page cache while loading: index pages stay in memory instead of being re-read.
_SQLITE_BULK_CACHE_KIB = 262144


@contextmanager
def indexes_built_after(connection: Connection, model: Any, new_rows: int) -> Iterator[None]:
    """Drop the model's non-unique indexes for a load larger than the table, re-create them after."""
    if not _rebuild_worth_it(connection, model, new_rows):
        yield
        return
    indexes = [index for index in model.__table__.indexes if not index.unique]
    for index in indexes:
        index.drop(connection)
    yield
    for index in indexes:
        index.create(connection)


def _rebuild_worth_it(connection: Connection, model: Any, new_rows: int) -> bool:
    if connection.dialect.name != "sqlite" or new_rows < MIN_REBUILD_ROWS:
        return False
    existing = connection.scalar(select(func.count()).select_from(model.__table__)) or 0
    return new_rows > existing


@contextmanager
def bulk_pragmas(connection: Connection) -> Iterator[None]:
    """A large page cache on SQLite for the duration of a load; nothing on PostgreSQL."""
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{_SQLITE_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous or -2000)}")

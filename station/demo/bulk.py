"""Bulk writing for generated data: ids given up front, executemany in chunks, sequences after.

Rows carry their own primary keys where other rows point at them, so everything can be built in
Python before a single statement runs; PostgreSQL's sequences are moved past them at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, DateTime, func, insert, select, text

from models import Building, Grid, Household, Person, ResidentRequest, Unit, User

CHUNK_ROWS = 5000
# Tables whose ids the generator assigns itself (others let the database number them).
ID_TABLES: dict[str, Any] = {
    "grids": Grid, "buildings": Building, "units": Unit, "households": Household,
    "persons": Person, "users": User, "requests": ResidentRequest,
}
# 256 MiB of page cache while loading: index pages stay in memory instead of being re-read.
_SQLITE_BULK_CACHE_KIB = 262144


def first_ids(connection: Connection) -> dict[str, int]:
    """The next free id of each table the generator numbers itself."""
    return {
        name: (connection.scalar(select(func.max(model.id))) or 0) + 1
        for name, model in ID_TABLES.items()
    }


def insert_rows(connection: Connection, model: Any, rows: list[dict[str, Any]]) -> int:
    """executemany `rows` (all with the same keys) into the model's table, in chunks.

    With a positional driver (sqlite3) the rows go to the driver as tuples, each value passed
    through its column type's own bind processor, so they are stored exactly as SQLAlchemy would
    store them without building a parameter dict per row; other drivers (psycopg) get the usual
    executemany (PostgreSQL is not the bulk-loading target). Returns how many rows were written.
    """
    if not rows:
        return 0
    table = model.__table__
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(rows[0]))
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        if compiled.positional and compiled.positiontup is not None:
            connection.exec_driver_sql(compiled.string, _tuples(connection, table, compiled.positiontup, chunk))
        else:
            connection.execute(insert(table), chunk)
    return len(rows)


def _tuples(connection: Connection, table: Any, keys: list[str],
            rows: list[dict[str, Any]]) -> list[Any]:
    dialect = connection.dialect
    getter = itemgetter(*keys)
    processors = [_processor(table.c[key].type, dialect) for key in keys]
    processed = [(index, processor) for index, processor in enumerate(processors) if processor is not None]
    if not processed:
        return [getter(row) for row in rows] if len(keys) > 1 else [(getter(row),) for row in rows]
    values_list = []
    for row in rows:
        values = list(getter(row))
        for index, processor in processed:
            if values[index] is not None:
                values[index] = processor(values[index])
        values_list.append(tuple(values))
    return values_list


def _processor(column_type: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """The column type's bind processor; for dates remembered per value (they repeat a lot)."""
    processor = column_type.dialect_impl(dialect).bind_processor(dialect)
    if processor is not None and isinstance(column_type, Date | DateTime):
        return lru_cache(maxsize=1 << 16)(processor)
    return processor


def sync_sequences(connection: Connection) -> None:
    """Move PostgreSQL's id sequences past the ids written explicitly (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for name in ID_TABLES:
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name} HAVING count(*) > 0"
        ))


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

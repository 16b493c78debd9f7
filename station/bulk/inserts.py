"""Bulk inserts: on SQLite a chunked executemany of rows as dicts (each value through its column's
bind processor) or as ready tuples, sent to the positional driver without a parameter dict per
row; on PostgreSQL a COPY FROM STDIN in the same transaction, which the server loads several
times faster than row-by-row INSERTs (a street's imports and demos).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Date, DateTime, insert
from sqlalchemy.exc import DBAPIError

CHUNK_ROWS = 10_000


def insert_rows(connection: Connection, model: Any, rows: list[dict[str, Any]]) -> int:
    """executemany `rows` (all with the same keys) into the model's table, in chunks.

    With a positional driver (sqlite3) the rows go to the driver as tuples, each value passed
    through its column type's own bind processor, so they are stored exactly as SQLAlchemy would
    store them without building a parameter dict per row; on PostgreSQL they are COPYed.
    Returns how many rows were written.
    """
    if not rows:
        return 0
    table = model.__table__
    added = _defaults(table, list(rows[0]))
    if added:
        rows = [{**row, **added} for row in rows]
    if connection.dialect.name == "postgresql":
        keys = list(rows[0])
        return _copy(connection, table, keys, [tuple(row[key] for key in keys) for row in rows])
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(rows[0]))
    if not (compiled.positional and compiled.positiontup is not None):
        return _executemany(connection, table, rows)
    columns = tuple(compiled.positiontup)
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        connection.exec_driver_sql(compiled.string, _tuples(connection, table, list(columns), chunk))
    return len(rows)


def insert_tuples(connection: Connection, model: Any, columns: tuple[str, ...], rows: list[tuple]) -> int:
    """executemany `rows` (tuples in `columns` order, values needing no conversion) into the table."""
    if not rows:
        return 0
    table = model.__table__
    columns, rows = _with_defaults(table, columns, rows)
    if connection.dialect.name == "postgresql":
        return _copy(connection, table, list(columns), rows)
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
    if not (compiled.positional and list(compiled.positiontup or ()) == list(columns)):
        return _executemany(connection, table, [dict(zip(columns, row, strict=True)) for row in rows])
    for start in range(0, len(rows), CHUNK_ROWS):
        connection.exec_driver_sql(compiled.string, rows[start : start + CHUNK_ROWS])
    return len(rows)


def _copy(connection: Connection, table: Any, columns: Sequence[str], rows: list[tuple]) -> int:
    """COPY the rows into the table over the connection's own transaction (psycopg 3). Values go
    as psycopg adapts them (dates, numbers, text, NULL); JSON columns as the engine's JSON text."""
    preparer = connection.dialect.identifier_preparer
    statement = (f"COPY {preparer.format_table(table)} ({', '.join(preparer.quote(name) for name in columns)}) "
                 "FROM STDIN")
    as_json = [index for index, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
    serialize = connection.dialect._json_serializer or json.dumps  # type: ignore[attr-defined]
    driver_error = connection.dialect.loaded_dbapi.Error
    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for row in rows:
                if as_json:
                    row = tuple(serialize(value) if index in as_json and value is not None else value
                                for index, value in enumerate(row))
                copy.write_row(row)
    except driver_error as error:
        # As SQLAlchemy would have raised it (IntegrityError, OperationalError ...), so that
        # station.failures explains it like any other statement's.
        raise DBAPIError.instance(statement, None, error, driver_error) from error
    return len(rows)


def _with_defaults(table: Any, columns: Sequence[str], rows: list[tuple]) -> tuple[tuple[str, ...], list[tuple]]:
    """The rows with the model's Python-side defaults of the columns they leave out."""
    added = _defaults(table, columns)
    if not added:
        return tuple(columns), rows
    values = tuple(added.values())
    return (*columns, *added), [(*row, *values) for row in rows]


def _defaults(table: Any, columns: Sequence[str]) -> dict[str, Any]:
    """The model's Python-side defaults (`default=""`, `default=datetime.now`) of the columns not
    in `columns`: COPY knows only the server's defaults, and the positional SQLite path binds
    exactly the columns it is given. A callable default is taken once for the whole batch."""
    return {column.key: column.default.arg if column.default.is_scalar else column.default.arg(None)
            for column in table.columns
            if column.key not in columns and column.default is not None
            and (column.default.is_scalar or column.default.is_callable)}


def _executemany(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> int:
    """The usual executemany, in chunks (a positional statement that does not fit the rows)."""
    for start in range(0, len(rows), CHUNK_ROWS):
        connection.execute(insert(table), rows[start : start + CHUNK_ROWS])
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

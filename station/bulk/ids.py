"""Primary keys for bulk writes, taken before the rows are built so rows can point at each other.

The demo numbers whole tables itself and moves PostgreSQL's sequences past them afterwards; an
import reserves ids (SQLite under its write lock, PostgreSQL from the sequences) and household
numbers from the community's counter.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select, text, update

from models import Building, Counter, Grid, Household, Person, ResidentRequest, Unit, User
from station.counters import next_value

# Tables whose ids the demo generator assigns itself (others let the database number them).
ID_TABLES: dict[str, Any] = {
    "grids": Grid, "buildings": Building, "units": Unit, "households": Household,
    "persons": Person, "users": User, "requests": ResidentRequest,
}


def first_ids(connection: Connection) -> dict[str, int]:
    """The next free id of each table the demo numbers itself."""
    return {
        name: (connection.scalar(select(func.max(model.id))) or 0) + 1
        for name, model in ID_TABLES.items()
    }


def sync_sequences(connection: Connection) -> None:
    """Move PostgreSQL's id sequences past the ids written explicitly (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for name in ID_TABLES:
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name} HAVING count(*) > 0"
        ))


def hold_write_lock(connection: Connection) -> None:
    """SQLite: take the write lock now, so ids read next stay free until this transaction ends.

    pysqlite begins a transaction only at the first write; reading max(id) before it could
    hand out ids another writer takes meanwhile. PostgreSQL draws ids from its sequences instead.
    """
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def reserve_ids(connection: Connection, model: Any, count: int) -> list[int]:
    """`count` fresh ids for the model's table (after hold_write_lock on SQLite)."""
    if count == 0:
        return []
    table = model.__table__.name
    if connection.dialect.name == "postgresql":
        statement = text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                         "FROM generate_series(1, :count)")
        return [int(value) for value in connection.execute(statement, {"count": count}).scalars()]
    first = (connection.scalar(select(func.max(model.id))) or 0) + 1
    return list(range(first, first + count))


def reserve_numbers(uow: Any, community_id: int, count: int) -> list[str]:
    """`count` new household numbers (H000123…) from the community's counter, in one step."""
    if count == 0:
        return []
    first = next_value(uow, community_id, "household")
    if count > 1:
        uow.session.execute(
            update(Counter).where(Counter.community_id == community_id, Counter.name == "household")
            .values(value=Counter.value + (count - 1)))
    return [f"H{value:06d}" for value in range(first, first + count)]

"""Primary keys for bulk writes, taken before the rows are built so rows can point at each other.

Every id comes where no other writer can get it: on SQLite from max(id) under the write lock
the bulk writer holds, on PostgreSQL from the table's sequence (never max(id)+1: a station of
another community adding a user meanwhile would draw the same id from the sequence, wait for
the bulk writer's transaction and then fail). Household numbers come from the community's counter.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from sqlalchemy import Connection, func, select, text, update

from models import Building, Counter, Grid, Household, Person, ResidentRequest, Unit, User
from station.counters import next_value

# Tables whose ids the demo generator assigns itself (others let the database number them).
ID_TABLES: dict[str, Any] = {
    "grids": Grid, "buildings": Building, "units": Unit, "households": Household,
    "persons": Person, "users": User, "requests": ResidentRequest,
}


class IdSource:
    """Fresh ids of one table, one at a time as the rows are built.

    PostgreSQL: drawn from the table's sequence a block at a time (a block's unused rest is
    skipped, as sequences do after a rollback); SQLite: counted on from max(id).
    """

    BLOCK = 1000

    def __init__(self, connection: Connection, model: Any):
        self.connection, self.model = connection, model
        self.pending: deque[int] = deque()
        self.local = None if connection.dialect.name == "postgresql" else _after_max(connection, model)

    def __iter__(self) -> IdSource:
        return self

    def __next__(self) -> int:
        if self.local is not None:
            self.local += 1
            return self.local - 1
        if not self.pending:
            self.pending.extend(reserve_ids(self.connection, self.model, self.BLOCK))
        return self.pending.popleft()


def id_sources(connection: Connection) -> dict[str, IdSource]:
    """An id source for each table the demo numbers itself (after it holds the write lock)."""
    return {name: IdSource(connection, model) for name, model in ID_TABLES.items()}


def _after_max(connection: Connection, model: Any) -> int:
    return (connection.scalar(select(func.max(model.id))) or 0) + 1


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
    first = _after_max(connection, model)
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

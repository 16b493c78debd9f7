"""Per-community sequences that stay unique when several clerks or stations write at once."""

from __future__ import annotations

from sqlalchemy import insert, update

from models import Counter
from station.uow import UnitOfWork


def next_value(uow: UnitOfWork, community_id: int, name: str) -> int:
    """Increment and return the named counter; the row lock serialises concurrent writers."""
    _ensure_row(uow, community_id, name)
    statement = (
        update(Counter)
        .where(Counter.community_id == community_id, Counter.name == name)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    )
    return int(uow.session.execute(statement).scalar_one())


def _ensure_row(uow: UnitOfWork, community_id: int, name: str) -> None:
    values = {"community_id": community_id, "name": name, "value": 0}
    if uow.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        uow.session.execute(pg_insert(Counter).values(**values).on_conflict_do_nothing())
    else:
        uow.session.execute(insert(Counter).prefix_with("OR IGNORE").values(**values))

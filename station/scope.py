"""Data scope: a station's users see their community; a grid worker sees their grids."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, bindparam, true

from station.actor import Actor
from station.errors import NotFound
from station.messages import Term
from station.uow import UnitOfWork, check_version

Row = TypeVar("Row")


def community_clause(actor: Actor, column: Any) -> ColumnElement[bool]:
    """SQL condition limiting rows to the actor's community (none for street-wide actors)."""
    return true() if actor.community_id is None else column == actor.community_id


def grid_clause(actor: Actor, column: Any) -> ColumnElement[bool]:
    """SQL condition limiting rows to the actor's grids (none when the actor sees all grids)."""
    return true() if actor.grid_ids is None else column.in_(sorted(actor.grid_ids))


def scope_shape(actor: Actor) -> tuple[bool, bool]:
    """Whether a community and whether grids limit the actor: a hot read builds its statement once
    per shape (`bound_scope`) and binds `scope_values`, instead of building SQL on every call."""
    return actor.community_id is not None, actor.grid_ids is not None


def scope_values(actor: Actor) -> dict[str, Any]:
    """The values a statement built with `bound_scope` for this actor's shape binds."""
    values: dict[str, Any] = {}
    if actor.community_id is not None:
        values["community"] = actor.community_id
    if actor.grid_ids is not None:
        values["grids"] = sorted(actor.grid_ids)
    return values


def bound_scope(shape: tuple[bool, bool], community_column: Any, grid_column: Any) -> list[ColumnElement[bool]]:
    """`community_clause` and `grid_clause` with bind parameters in place of one actor's values."""
    has_community, has_grids = shape
    conditions = []
    if has_community:
        conditions.append(community_column == bindparam("community"))
    if has_grids:
        conditions.append(grid_column.in_(bindparam("grids", expanding=True)))
    return conditions


def scope_conditions(uow: UnitOfWork, community_column: Any, grid_column: Any,
                     grid_id: int | None = None) -> list[ColumnElement[bool]]:
    """The actor's community and grids, narrowed to one grid when asked."""
    conditions = [community_clause(uow.actor, community_column), grid_clause(uow.actor, grid_column)]
    if grid_id is not None:
        conditions.append(grid_column == grid_id)
    return conditions


@contextmanager
def community_view(uow: UnitOfWork, community_id: int | None) -> Iterator[UnitOfWork]:
    """The unit of work acting for one community for the block: a street account reads one
    community's figures as that community's own accounts would (no-op for None or its own)."""
    actor = uow.actor
    if community_id is None or actor.community_id == community_id:
        yield uow
        return
    if actor.community_id is not None:
        raise NotFound("common.not_found", what=Term("things.community"), field="community")
    uow.actor = replace(actor, community_id=community_id)
    try:
        yield uow
    finally:
        uow.actor = actor


def check_visible(actor: Actor, community_id: int | None, grid_id: int | None, what: Term) -> None:
    """Refuse a row outside the actor's scope as if it did not exist (no existence leak)."""
    if actor.community_id is not None and community_id != actor.community_id:
        raise NotFound("common.not_found", what=what)
    if not actor.sees_grid(grid_id):
        raise NotFound("common.not_found", what=what)


def load_visible(uow: UnitOfWork, model: type[Row], row_id: int, what: Term, *, field: str,
                 expected_version: int | None = None,
                 grid_of: Callable[[Any], int | None] = lambda row: row.grid_id) -> Row:
    """A row the actor may see (else NotFound, as if absent), at the version the caller expects."""
    row: Any = uow.session.get(model, row_id)
    if row is None:
        raise NotFound("common.not_found", what=what, field=field)
    check_visible(uow.actor, row.community_id, grid_of(row), what)
    if expected_version is not None:
        check_version(row.version, expected_version)
    return row

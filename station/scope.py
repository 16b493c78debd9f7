"""Data scope: a station's users see their community; a grid worker sees their grids."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, true

from .actor import Actor
from .errors import NotFound


def community_clause(actor: Actor, column: Any) -> ColumnElement[bool]:
    """SQL condition limiting rows to the actor's community (none for street-wide actors)."""
    return true() if actor.community_id is None else column == actor.community_id


def grid_clause(actor: Actor, column: Any) -> ColumnElement[bool]:
    """SQL condition limiting rows to the actor's grids (none when the actor sees all grids)."""
    return true() if actor.grid_ids is None else column.in_(sorted(actor.grid_ids))


def check_visible(actor: Actor, community_id: int | None, grid_id: int | None, what: str) -> None:
    """Refuse a row outside the actor's scope as if it did not exist (no existence leak)."""
    if actor.community_id is not None and community_id != actor.community_id:
        raise NotFound(f"未找到该{what}")
    if not actor.sees_grid(grid_id):
        raise NotFound(f"未找到该{what}")

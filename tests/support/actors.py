"""Actors for permission and scope tests."""

from __future__ import annotations

from station.actor import Actor


def actor_for(role: str, community_id: int | None, grid_ids=None, user_id=None) -> Actor:
    """An actor of a role in a community (helper for permission tests)."""
    return Actor(user_id=user_id, username=role, role=role, community_id=community_id,
                 grid_ids=frozenset(grid_ids) if grid_ids is not None else None)

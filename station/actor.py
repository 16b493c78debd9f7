"""Who is acting: the logged-in user's role and data scope, handed to every service call."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: str
    # None: every community (street-level roles and the CLI's system actor).
    community_id: int | None
    # None: every grid of the community; a set limits a grid worker to their grids.
    grid_ids: frozenset[int] | None = None

    @property
    def sees_all_communities(self) -> bool:
        return self.community_id is None

    def sees_grid(self, grid_id: int | None) -> bool:
        """True when this actor's grid scope includes the grid."""
        return self.grid_ids is None or grid_id in self.grid_ids


# The admin CLI acts as the system on behalf of whoever runs it on the station's machine.
SYSTEM = Actor(user_id=None, username="system", role="admin", community_id=None)

"""Plain records for user accounts and the result of a login."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from station.actor import Actor


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    display_name: str
    role: str
    role_name: str
    # None for street-level accounts that see every community.
    community_id: int | None
    grid_ids: tuple[int, ...]
    phone: str
    disabled: bool
    locked_until: datetime | None
    version: int


@dataclass(frozen=True)
class LoginResult:
    """Who logged in, and the actor every later unit of work runs as."""

    user: UserRecord
    actor: Actor

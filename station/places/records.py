"""Plain records for places."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommunityRecord:
    id: int
    code: str
    name: str
    street: str
    phone: str


@dataclass(frozen=True)
class GridRecord:
    id: int
    community_id: int
    code: str
    name: str


@dataclass(frozen=True)
class BuildingRecord:
    id: int
    grid_id: int
    name: str
    kind: str
    address: str

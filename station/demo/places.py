"""Demo places: grids of 300-500 households, apartment buildings, bungalow lanes, a village group."""

from __future__ import annotations

import random
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import count
from typing import Any

HOUSEHOLDS_PER_GRID = 400
LANES = ("东胡同", "西胡同", "前进胡同", "柳荫胡同", "槐树胡同", "南街", "北街", "枣林街", "杨树胡同", "后街")
_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Home:
    """Where one household lives: a room in a building, or a numbered place in a lane or group."""

    grid_index: int
    kind: str  # building | bungalow | village_group
    building_id: int
    building_name: str
    unit_id: int | None
    unit_name: str
    room: str
    address: str

    @property
    def label(self) -> str:
        """The home as a ledger writes it: 3号楼2单元1201, or 东胡同12号."""
        return self.address or f"{self.building_name}{self.unit_name}{self.room}"


@dataclass
class PlacePlan:
    """Rows for grids, buildings and units, and the homes to fill with households (in order)."""

    grid_rows: list[dict[str, Any]] = field(default_factory=list)
    building_rows: list[dict[str, Any]] = field(default_factory=list)
    unit_rows: list[dict[str, Any]] = field(default_factory=list)
    homes: list[Home] = field(default_factory=list)


def grid_count(households: int) -> int:
    """About one grid per 400 households; at least two once there are 40 (so scope shows)."""
    return max(round(households / HOUSEHOLDS_PER_GRID), min(2, households // 20), 1)


def chinese_number(value: int) -> str:
    """1 → 一, 12 → 十二, 40 → 四十, 105 → 一百零五 (for grid and group names)."""
    if value < 10:
        return _DIGITS[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(value, 100)
    if rest == 0:
        return _DIGITS[hundreds] + "百"
    tail = chinese_number(rest)
    if rest < 10:
        return _DIGITS[hundreds] + "百零" + tail
    return _DIGITS[hundreds] + "百" + ("一" + tail if rest < 20 else tail)


class PlacePlanner:
    """Lays out the community; ids are given here so households can point at them."""

    def __init__(self, rng: random.Random, community_id: int, ids: Mapping[str, Iterator[int]],
                 taken_codes: Collection[str] = ()):
        self.rng = rng
        self.taken_codes = taken_codes
        self.grid_numbers = count(1)
        self.community_id = community_id
        self.grid_ids = ids["grids"]
        self.building_ids = ids["buildings"]
        self.unit_ids = ids["units"]
        self.building_numbers = count(1)
        self.lane_numbers = count(0)
        self.plan = PlacePlan()

    def lay_out(self, households: int) -> PlacePlan:
        grids = grid_count(households)
        base, extra = divmod(households, grids)
        for index in range(grids):
            share = base + (1 if index < extra else 0)
            self._grid(index, grids, share, households)
        return self.plan

    def _grid(self, index: int, grids: int, share: int, households: int) -> None:
        # Grids made by hand before the demo keep their codes; the demo's skip past them.
        number = next(n for n in self.grid_numbers if f"G{n:03d}" not in self.taken_codes)
        self.plan.grid_rows.append({
            "id": next(self.grid_ids), "community_id": self.community_id,
            "code": f"G{number:03d}", "name": f"第{chinese_number(number)}网格", "notes": "",
        })
        village = round(households * 0.03) if index == grids - 1 and households >= 30 else 0
        bungalows = round(share * 0.12) if index % 3 == 2 or (grids < 3 and index == 0) else 0
        bungalows = min(bungalows, share - village)
        grid_id = self.plan.grid_rows[-1]["id"]
        self._lane(index, grid_id, bungalows, "bungalow")
        self._lane(index, grid_id, village, "village_group")
        self._apartments(index, grid_id, share - bungalows - village)

    def _lane(self, grid_index: int, grid_id: int, homes: int, kind: str) -> None:
        """Bungalows (平房) along a lane, or a 村民小组: households have a numbered address."""
        if homes <= 0:
            return
        lane_number = next(self.lane_numbers)
        if kind == "bungalow":
            name = LANES[lane_number % len(LANES)] + ("" if lane_number < len(LANES) else str(lane_number))
            building_name, prefix = f"{name}平房", name
        else:
            building_name = prefix = f"第{chinese_number(lane_number + 1)}村民小组"
        building_id = self._building(grid_id, building_name, kind, prefix)
        for house in range(1, homes + 1):
            self.plan.homes.append(Home(grid_index, kind, building_id, building_name, None, "", "",
                                        f"{prefix}{house}号"))

    def _apartments(self, grid_index: int, grid_id: int, homes: int) -> None:
        while homes > 0:
            homes -= self._apartment_building(grid_index, grid_id, homes)

    def _apartment_building(self, grid_index: int, grid_id: int, wanted: int) -> int:
        """One building, 6-7 floor walk-up or 11-18 floor tower, mostly occupied; homes used."""
        tower = self.rng.random() < 0.4
        floors = self.rng.randint(11, 18) if tower else self.rng.randint(6, 7)
        units = self.rng.randint(2, 3) if tower else self.rng.randint(2, 4)
        per_floor = self.rng.randint(2, 4) if tower else 2
        name = f"{next(self.building_numbers)}号楼"
        building_id = self._building(grid_id, name, "building", "")
        used = 0
        for unit in range(1, units + 1):
            unit_id, unit_name = next(self.unit_ids), f"{unit}单元"
            self.plan.unit_rows.append({"id": unit_id, "building_id": building_id, "name": unit_name})
            for room in self._occupied_rooms(floors, per_floor):
                if used == wanted:
                    return used
                self.plan.homes.append(
                    Home(grid_index, "building", building_id, name, unit_id, unit_name, room, "")
                )
                used += 1
        return used

    def _occupied_rooms(self, floors: int, per_floor: int) -> Iterator[str]:
        """Room numbers like 101 and 1203; about one flat in ten stands empty."""
        for floor in range(1, floors + 1):
            for flat in range(1, per_floor + 1):
                if self.rng.random() < 0.9:
                    yield f"{floor}{flat:02d}"

    def _building(self, grid_id: int, name: str, kind: str, address: str) -> int:
        building_id = next(self.building_ids)
        self.plan.building_rows.append({"id": building_id, "grid_id": grid_id, "name": name,
                                        "kind": kind, "address": address})
        return building_id

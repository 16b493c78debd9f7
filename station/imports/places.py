"""Grids, buildings and units an import refers to by name: found in the community, or to create.

A reference is the existing row's id (int) or, for a place the file introduces, a key naming it
(the grid's name; (grid ref, building name); (building ref, unit name)). The writer creates the
new places first and then resolves every reference to an id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Building, Grid, Unit
from station.errors import ValidationError
from station.imports.records import LedgerSource, RowError
from station.imports.rows import CleanRow, Place
from station.messages import Term
from station.places.numbers import BUILDING_SUFFIX, UNIT_SUFFIX, place_name

GridRef = int | str
BuildingRef = int | tuple[GridRef, str]
UnitRef = int | tuple[BuildingRef, str]


@dataclass(frozen=True)
class PlacedHome:
    """A household's place with grid, building and unit resolved to references."""

    grid: GridRef
    building: BuildingRef | None
    unit: UnitRef | None
    building_name: str
    unit_name: str
    room: str
    address: str


@dataclass
class PlaceBook:
    """The community's places by name, and the places the file adds (in file order)."""

    grids: dict[str, int]
    buildings: dict[tuple[int, str], int]
    units: dict[tuple[int, str], int]
    new_grids: dict[str, None] = field(default_factory=dict)
    new_buildings: dict[tuple[GridRef, str], None] = field(default_factory=dict)
    new_units: dict[tuple[BuildingRef, str], None] = field(default_factory=dict)
    grid_names: dict[int, str] = field(default_factory=dict)
    # Per grid (building) or building (unit): each text written → the name it stands for (names
    # known resolve to themselves), so a file's "3", "三单元" and "3单元" make one unit.
    building_names: dict[GridRef, dict[str, str]] = field(default_factory=dict)
    unit_names: dict[BuildingRef, dict[str, str]] = field(default_factory=dict)

    def place(self, place: Place) -> PlacedHome:
        grid = self._grid(place.grid)
        building_name = _named(self.building_names, grid, place.building, BUILDING_SUFFIX)
        building = self._building(grid, building_name) if building_name else None
        unit_name = _named(self.unit_names, building, place.unit, UNIT_SUFFIX) if building is not None else ""
        unit = self._unit(building, unit_name) if building is not None and unit_name else None
        return PlacedHome(grid, building, unit, building_name, unit_name, place.room, place.address)

    def default_grid(self) -> str | None:
        """The grid to use when the file has no grid column: the community's only grid."""
        names = set(self.grid_names.values())
        return next(iter(names)) if len(names) == 1 else None

    def building_labels(self) -> tuple[str, ...]:
        """New buildings as "网格 / 楼栋", for the summary."""
        return tuple(f"{self._grid_label(grid)} / {name}" for grid, name in self.new_buildings)

    def _grid(self, name: str) -> GridRef:
        if name in self.grids:
            return self.grids[name]
        self.new_grids.setdefault(name)
        return name

    def _building(self, grid: GridRef, name: str) -> BuildingRef:
        if isinstance(grid, int) and (grid, name) in self.buildings:
            return self.buildings[(grid, name)]
        self.new_buildings.setdefault((grid, name))
        return (grid, name)

    def _unit(self, building: BuildingRef, name: str) -> UnitRef:
        if isinstance(building, int) and (building, name) in self.units:
            return self.units[(building, name)]
        self.new_units.setdefault((building, name))
        return (building, name)

    def _grid_label(self, grid: GridRef) -> str:
        return grid if isinstance(grid, str) else self.grid_names.get(grid, str(grid))


def load_places(session: Session, community_id: int) -> PlaceBook:
    """Every grid (by name and by code), building and unit of the community."""
    grid_rows = session.execute(select(Grid.id, Grid.code, Grid.name)
                                .where(Grid.community_id == community_id)).all()
    grids = {code: grid_id for grid_id, code, _ in grid_rows} | {name: grid_id for grid_id, _, name in grid_rows}
    grid_ids = [row.id for row in grid_rows]
    buildings = {(grid_id, name): building_id for building_id, grid_id, name in session.execute(
        select(Building.id, Building.grid_id, Building.name).where(Building.grid_id.in_(grid_ids)))}
    units = {(building_id, name): unit_id for unit_id, building_id, name in session.execute(
        select(Unit.id, Unit.building_id, Unit.name).join(Building, Building.id == Unit.building_id)
        .where(Building.grid_id.in_(grid_ids)))}
    book = PlaceBook(grids, buildings, units, grid_names={row.id: row.name for row in grid_rows})
    for grid_id, name in buildings:
        book.building_names.setdefault(grid_id, {})[name] = name
    for building_id, name in units:
        book.unit_names.setdefault(building_id, {})[name] = name
    return book


def _named(names: dict[Any, dict[str, str]], parent: GridRef | BuildingRef, typed: str, suffix: str) -> str:
    """The name `typed` stands for under `parent` (see PlaceBook.building_names), remembered."""
    if not typed:
        return ""
    known = names.setdefault(parent, {})
    if typed not in known:
        name = place_name(typed, set(known.values()), suffix)
        known[typed] = known[name] = name
    return known[typed]


def check_grid_column(source: LedgerSource, book: PlaceBook) -> str:
    """The grid for a file without a grid column; refused when the community has several or none."""
    if "grid" in source.columns:
        return ""
    only = book.default_grid()
    if only is None:
        count = len(book.grid_names)
        raise ValidationError(
            "imports.grid_column_missing", count=count,
            field="grid")
    return only


def place_errors(place: Place, first_row: CleanRow, source: LedgerSource) -> list[RowError]:
    """A household needs a grid, and a building or an address (平房、村民小组 have no building)."""
    errors = []
    if not place.grid:
        errors.append(RowError.at(first_row, source.label("grid"), Term("imports.grid_missing"), "grid"))
    if not place.building and not place.address:
        errors.append(RowError.at(first_row, source.label("building"), Term("imports.place_missing"), "building"))
    return errors

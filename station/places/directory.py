"""Community, grids, buildings and units: create, find and list the places people live in."""

from __future__ import annotations

from sqlalchemy import select

from models import Building, Community, Grid, Unit
from station import audit
from station.codes import BUILDING_KINDS
from station.errors import NotFound, ValidationError
from station.permissions import require
from station.places.numbers import UNIT_SUFFIX, place_name
from station.places.records import BuildingRecord, CommunityRecord, GridRecord
from station.scope import community_clause, grid_clause
from station.settings import Settings
from station.text_rules import text_for
from station.uow import UnitOfWork


def ensure_community(uow: UnitOfWork, settings: Settings) -> Community:
    """Return this station's community row, creating it from station.toml on first run."""
    station = settings.station
    community = uow.session.scalar(select(Community).where(Community.code == station.community_code))
    if community is None:
        community = Community(
            code=text_for("communities.code", station.community_code),
            name=text_for("communities.name", station.community),
            street=text_for("communities.street", station.street), phone=station.phone,
        )
        uow.session.add(community)
        uow.flush()
        audit.record(uow, "create", "community", community.id, new={"code": community.code,
                     "name": community.name}, community_id=community.id)
    return community


def community_by_code(uow: UnitOfWork, code: str) -> CommunityRecord:
    community = uow.session.scalar(select(Community).where(Community.code == code))
    if community is None:
        raise NotFound("places.community_not_found", community=code, field="community")
    return CommunityRecord(community.id, community.code, community.name, community.street, community.phone)


def list_communities(uow: UnitOfWork) -> list[CommunityRecord]:
    rows = uow.session.scalars(
        select(Community).where(community_clause(uow.actor, Community.id)).order_by(Community.code)
    )
    return [CommunityRecord(c.id, c.code, c.name, c.street, c.phone) for c in rows]


def add_grid(uow: UnitOfWork, community_id: int, code: str, name: str) -> GridRecord:
    """Create a grid in a community."""
    require(uow.actor, "places.write")
    code, name = text_for("grids.code", code), text_for("grids.name", name)
    if not code:
        raise ValidationError("places.grid_code_missing", field="code")
    if not name:
        raise ValidationError("places.grid_name_missing", field="name")
    if uow.session.scalar(select(Grid.id).where(Grid.community_id == community_id, Grid.code == code)):
        raise ValidationError("places.grid_code_taken", grid=code, field="code")
    grid = Grid(community_id=community_id, code=code, name=name)
    uow.session.add(grid)
    uow.flush()
    audit.record(uow, "create", "grid", grid.id, new={"code": code, "name": name}, community_id=community_id)
    uow.commit()
    return _grid_record(grid)


def list_grids(uow: UnitOfWork) -> list[GridRecord]:
    """Grids visible to the actor."""
    actor = uow.actor
    rows = uow.session.scalars(
        select(Grid)
        .where(community_clause(actor, Grid.community_id), grid_clause(actor, Grid.id))
        .order_by(Grid.community_id, Grid.code)
    )
    return [_grid_record(g) for g in rows]


def find_grid(uow: UnitOfWork, code: str, community_id: int) -> Grid:
    grid = uow.session.scalar(select(Grid).where(Grid.community_id == community_id, Grid.code == code))
    if grid is None:
        raise NotFound("places.grid_code_not_found", grid=code, field="grid")
    return grid


def add_building(uow: UnitOfWork, grid_id: int, name: str, kind: str = "building",
                 address: str = "") -> BuildingRecord:
    """Create a building (or a bungalow row / village group) in a grid."""
    require(uow.actor, "places.write")
    if kind not in BUILDING_KINDS:
        raise ValidationError("places.unknown_building_kind", kind=kind, field="kind")
    name, address = text_for("buildings.name", name), text_for("buildings.address", address)
    if not name:
        raise ValidationError("places.building_name_missing", field="name")
    grid = uow.session.get(Grid, grid_id)
    if grid is None:
        raise NotFound("places.grid_not_found", field="grid")
    if uow.session.scalar(select(Building.id).where(Building.grid_id == grid_id, Building.name == name)):
        raise ValidationError("places.building_taken", name=name, field="name")
    building = Building(grid_id=grid_id, name=name, kind=kind, address=address)
    uow.session.add(building)
    uow.flush()
    audit.record(uow, "create", "building", building.id, new={"name": name, "kind": kind},
                 community_id=grid.community_id)
    uow.commit()
    return BuildingRecord(building.id, grid.id, building.name, building.kind, building.address)


def list_buildings(uow: UnitOfWork, grid_id: int) -> list[BuildingRecord]:
    rows = uow.session.scalars(select(Building).where(Building.grid_id == grid_id).order_by(Building.name))
    return [BuildingRecord(b.id, b.grid_id, b.name, b.kind, b.address) for b in rows]


def list_units(uow: UnitOfWork, building_id: int) -> list[str]:
    """The names of a building's units, in order."""
    return list(uow.session.scalars(select(Unit.name).where(Unit.building_id == building_id).order_by(Unit.name)))


def unit_id_for(uow: UnitOfWork, building_id: int, typed: str) -> int:
    """The id of the unit `typed` names in a building (3 and 三 name 3单元), created on first use
    (units are just labels)."""
    units = {unit.name: unit for unit in uow.session.scalars(select(Unit).where(Unit.building_id == building_id))}
    name = place_name(typed, units, UNIT_SUFFIX)
    unit = units.get(name)
    if unit is None:
        unit = Unit(building_id=building_id, name=name)
        uow.session.add(unit)
        uow.flush()
    return unit.id


def _grid_record(grid: Grid) -> GridRecord:
    return GridRecord(grid.id, grid.community_id, grid.code, grid.name)

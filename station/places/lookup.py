"""A grid or building named by a form, checked against the actor's scope."""

from __future__ import annotations

from models import Building, Grid
from station.errors import ValidationError
from station.messages import Term
from station.scope import load_visible
from station.uow import UnitOfWork


def load_grid(uow: UnitOfWork, grid_id: int) -> Grid:
    return load_visible(uow, Grid, grid_id, Term("things.grid"), field="grid_id", grid_of=lambda grid: grid.id)


def check_building(uow: UnitOfWork, building_id: int | None, grid_id: int) -> Building | None:
    if building_id is None:
        return None
    building = uow.session.get(Building, building_id)
    if building is None or building.grid_id != grid_id:
        raise ValidationError("places.building_not_in_grid", field="building_id")
    return building

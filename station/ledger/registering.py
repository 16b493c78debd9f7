"""Where the new-household form starts: the place this user registered a household in last.

Read back from the audit trail (the `register` entries name the user), so it survives a restart
and follows the user to another workstation; no state is kept outside the database.
"""

from __future__ import annotations

from sqlalchemy import select

from models import AuditEntry, Household, Unit
from station.ledger.records import RegisterStart
from station.places.directory import list_buildings, list_grids, list_units
from station.uow import UnitOfWork


def register_start(uow: UnitOfWork) -> RegisterStart:
    """The grids the actor may register in, and the grid, building and unit to start from."""
    grids = list_grids(uow)
    last = _last_registered(uow)
    grid_id: int | None
    building_id: int | None
    if last is not None and last.grid_id in {grid.id for grid in grids}:
        grid_id, building_id = last.grid_id, last.building_id
        unit = uow.session.get_one(Unit, last.unit_id).name if last.unit_id else ""
    else:
        grid_id, building_id, unit = (grids[0].id if grids else None), None, ""
    buildings = list_buildings(uow, grid_id) if grid_id is not None else []
    units = list_units(uow, building_id) if building_id is not None else []
    return RegisterStart(tuple(grids), grid_id, tuple(buildings), building_id, tuple(units), unit)


def _last_registered(uow: UnitOfWork) -> Household | None:
    """The household the actor registered last (its place now, should it have moved since)."""
    if uow.actor.user_id is None:
        return None
    household_id = uow.session.scalar(
        select(AuditEntry.entity_id)
        .where(AuditEntry.user_id == uow.actor.user_id, AuditEntry.action == "register",
               AuditEntry.entity == "household")
        .order_by(AuditEntry.id.desc()).limit(1))
    return uow.session.get(Household, household_id) if household_id is not None else None

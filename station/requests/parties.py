"""Who and where a resident's request concerns: its grid, household and person, and its assignee."""

from __future__ import annotations

from models import Grid, ResidentRequest, User, UserGrid
from station.accounts.users import load_worker
from station.errors import ValidationError
from station.permissions import GRID_SCOPED_ROLES, ROLE_PERMISSIONS
from station.places.lookup import load_grid
from station.residents.loading import current_membership, load_household, load_person
from station.uow import UnitOfWork


def request_place(uow: UnitOfWork, grid_id: int | None, household_id: int | None,
                  person_id: int | None) -> tuple[int | None, int | None, int | None]:
    """Grid, household and person of a request; a named household or person fixes the grid."""
    if person_id is not None:
        person = load_person(uow, person_id)
        membership = current_membership(uow, person.id)
        if household_id is None and membership is not None:
            household_id = membership.household_id
        elif household_id is not None and (membership is None or membership.household_id != household_id):
            raise ValidationError("requests.person_not_in_household", name=person.name, field="person_id")
    if household_id is not None:
        household = load_household(uow, household_id)
        if grid_id is not None and grid_id != household.grid_id:
            raise ValidationError("requests.household_not_in_grid", field="grid_id")
        grid_id = household.grid_id
    if grid_id is not None:
        load_grid(uow, grid_id)
    elif uow.actor.grid_ids is not None:
        # A grid worker's request must land in one of their grids, or they could not see it.
        raise ValidationError("requests.grid_missing", field="grid_id")
    return grid_id, household_id, person_id


def request_community(uow: UnitOfWork, grid_id: int | None) -> int:
    """The community a request belongs to: its grid's, else the actor's."""
    if grid_id is not None:
        return uow.session.get_one(Grid, grid_id).community_id
    if uow.actor.community_id is None:
        raise ValidationError("requests.grid_needed_for_street", field="grid_id")
    return uow.actor.community_id


def load_assignee(uow: UnitOfWork, request: ResidentRequest, user_id: int) -> User:
    """Someone who may handle requests and, for a grid worker, looks after the request's grid."""
    user = load_worker(uow, user_id, request.community_id, field="assignee_id")
    if "requests.handle" not in ROLE_PERMISSIONS.get(user.role, frozenset()):
        raise ValidationError("requests.assignee_not_allowed", name=user.display_name, field="assignee_id")
    if user.role in GRID_SCOPED_ROLES and not _looks_after(uow, user.id, request.grid_id):
        raise ValidationError("requests.assignee_not_in_grid", name=user.display_name, field="assignee_id")
    return user


def _looks_after(uow: UnitOfWork, user_id: int, grid_id: int | None) -> bool:
    return grid_id is not None and uow.session.get(UserGrid, (user_id, grid_id)) is not None

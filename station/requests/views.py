"""Reads for the counter's request screens: a capped, filtered list (open and most pressing first),
one request with whom it concerns, and the people it may be assigned to."""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, false, or_, select

from models import Grid, Household, Person, ResidentRequest, User, UserGrid
from station.permissions import GRID_SCOPED_ROLES, ROLE_PERMISSIONS, require
from station.requests.queries import get_request, load_request, request_record
from station.requests.rules import OPEN_STATES, URGENCIES, choice, state_names
from station.requests.view_records import AssigneeChoice, RequestFile, RequestPage
from station.scope import community_clause, grid_clause
from station.search.list_search import person_condition
from station.uow import UnitOfWork

LIST_LIMIT = 500
HANDLER_ROLES = tuple(sorted(role for role, granted in ROLE_PERMISSIONS.items() if "requests.handle" in granted))


def request_page(uow: UnitOfWork, *, open_only: bool = True, state: str | None = None,
                 mine: bool = False, limit: int = LIST_LIMIT, query: str | None = None) -> RequestPage:
    """Requests the actor sees: open ones first (urgent, then nearest deadline), then the
    finished ones newest first; at most `limit` of them. A query keeps those about the people or
    household it finds, or with that number or contact name."""
    require(uow.actor, "requests.read")
    conditions = [community_clause(uow.actor, ResidentRequest.community_id),
                  grid_clause(uow.actor, ResidentRequest.grid_id)]
    if open_only:
        conditions.append(ResidentRequest.state.in_(OPEN_STATES))
    if state is not None:
        conditions.append(ResidentRequest.state == choice(state, state_names(), "state", error_code="requests.unknown_state"))
    if mine:
        user_id = uow.actor.user_id
        conditions.append(ResidentRequest.assignee_id == user_id if user_id is not None else false())
    found = _found(query)
    if found is not None:
        conditions.append(found)
    rows = list(uow.session.execute(
        select(ResidentRequest, Grid.name, User.display_name)
        .outerjoin(Grid, Grid.id == ResidentRequest.grid_id)
        .outerjoin(User, User.id == ResidentRequest.assignee_id)
        .where(*conditions).order_by(*_most_pressing_first()).limit(limit + 1)
    ))
    records = tuple(request_record(uow, *row) for row in rows[:limit])
    return RequestPage(records, capped=len(rows) > limit)


def _found(query: str | None) -> ColumnElement[bool] | None:
    """The request's resident or household, its number, or the contact's name (as typed)."""
    about = person_condition(query, ResidentRequest.person_id, ResidentRequest.household_id,
                             members_of_household=True)
    if about is None:
        return None
    text = (query or "").strip()
    return or_(about, ResidentRequest.number.ilike(f"{text}%"), ResidentRequest.contact_name.contains(text))


def _most_pressing_first() -> list:
    is_open = ResidentRequest.state.in_(OPEN_STATES)
    urgency_rank = case({code: rank for rank, code in enumerate(URGENCIES)},
                        value=ResidentRequest.urgency, else_=len(URGENCIES))
    # Finished requests have nothing pressing left: the latest received come first among them.
    return [case((is_open, 0), else_=1), case((is_open, urgency_rank), else_=0),
            case((is_open, ResidentRequest.deadline_at), else_=None),
            ResidentRequest.received_at.desc(), ResidentRequest.id.desc()]


def request_file(uow: UnitOfWork, request_id: int) -> RequestFile:
    """A request with its history, the household number and resident it concerns, who received it."""
    detail = get_request(uow, request_id)
    request = detail.request
    household = uow.session.get(Household, request.household_id) if request.household_id else None
    person = uow.session.get(Person, request.person_id) if request.person_id else None
    receiver = uow.session.get(User, request.received_by_id) if request.received_by_id else None
    return RequestFile(detail, household.number if household else "", person.name if person else "",
                       receiver.display_name if receiver else "")


def assignable_workers(uow: UnitOfWork, request_id: int) -> list[AssigneeChoice]:
    """Enabled accounts that may handle the request (grid workers only for its grid), by name.

    The same rule as station.requests.workflow.assign applies when the choice is saved.
    """
    require(uow.actor, "requests.assign")
    request = load_request(uow, request_id)
    looks_after = select(UserGrid.user_id).where(UserGrid.grid_id == request.grid_id)
    grid_rule = or_(User.role.not_in(sorted(GRID_SCOPED_ROLES)), User.id.in_(looks_after))
    users = uow.session.scalars(
        select(User).where(User.disabled.is_(False), User.role.in_(HANDLER_ROLES), grid_rule,
                           or_(User.community_id == request.community_id, User.community_id.is_(None)))
        .order_by(User.display_name, User.id)
    )
    return [AssigneeChoice(user.id, user.display_name, user.role) for user in users]

"""Read residents' requests: lists, one request with its history, counts and time-limit state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select

from models import Grid, RequestEvent, ResidentRequest, User
from station.errors import NotFound
from station.messages import Term
from station.permissions import require
from station.requests.records import RequestDetail, RequestEventRecord, RequestRecord
from station.requests.rules import (
    CHANNELS,
    OPEN_STATES,
    SATISFACTIONS,
    STATES,
    URGENCIES,
    choice,
    state_name,
    state_names,
)
from station.scope import community_clause, grid_clause, load_visible
from station.uow import UnitOfWork


def list_requests(uow: UnitOfWork, *, state: str | None = None, open_only: bool = False,
                  grid_id: int | None = None, assignee_id: int | None = None,
                  household_id: int | None = None, person_id: int | None = None) -> list[RequestRecord]:
    """Requests the actor may see, urgent first, then by deadline."""
    require(uow.actor, "requests.read")
    conditions = []
    if state is not None:
        conditions.append(ResidentRequest.state == choice(state, state_names(), "state", error_code="requests.unknown_state"))
    if open_only:
        conditions.append(ResidentRequest.state.in_(OPEN_STATES))
    if grid_id is not None:
        conditions.append(ResidentRequest.grid_id == grid_id)
    if assignee_id is not None:
        conditions.append(ResidentRequest.assignee_id == assignee_id)
    if household_id is not None:
        conditions.append(ResidentRequest.household_id == household_id)
    if person_id is not None:
        conditions.append(ResidentRequest.person_id == person_id)
    return _records(uow, *conditions)


def get_request(uow: UnitOfWork, id_or_number: int | str) -> RequestDetail:
    """A request by id or number (S20261123-0001), with its state history."""
    require(uow.actor, "requests.read")
    request_id = id_or_number if isinstance(id_or_number, int) else _id_for(uow, id_or_number)
    request = load_request(uow, request_id)
    rows = uow.session.execute(
        select(RequestEvent, User.display_name)
        .outerjoin(User, User.id == RequestEvent.user_id)
        .where(RequestEvent.request_id == request.id)
        .order_by(RequestEvent.at, RequestEvent.id)
    )
    events = tuple(
        RequestEventRecord(event.from_state, event.to_state, event.at, event.user_id, name or "",
                           event.note)
        for event, name in rows
    )
    return RequestDetail(request_record_by_id(uow, request.id), events)


def request_counts(uow: UnitOfWork) -> dict[str, int]:
    """How many requests the actor sees per state, plus open ones overdue and at risk."""
    require(uow.actor, "requests.read")
    counts = dict.fromkeys((*STATES, "overdue", "at_risk"), 0)
    by_state = uow.session.execute(
        select(ResidentRequest.state, func.count()).where(*_scope(uow)).group_by(ResidentRequest.state)
    )
    counts.update({state: number for state, number in by_state})
    open_rows = uow.session.execute(
        select(ResidentRequest.received_at, ResidentRequest.deadline_at)
        .where(*_scope(uow), ResidentRequest.state.in_(OPEN_STATES))
    )
    now, ratio = uow.now(), uow.settings.requests.at_risk_ratio
    for received_at, deadline_at in open_rows:
        timing = request_timing(received_at, deadline_at, None, now, ratio)
        if timing in ("overdue", "at_risk"):
            counts[timing] += 1
    return counts


def request_timing(received_at: datetime, deadline_at: datetime, closed_at: datetime | None,
                   now: datetime, at_risk_ratio: float) -> str:
    """on_time, at_risk (most of the time limit used), overdue, closed_on_time or closed_late."""
    if closed_at is not None:
        return "closed_on_time" if closed_at <= deadline_at else "closed_late"
    if now > deadline_at:
        return "overdue"
    if now - received_at >= (deadline_at - received_at) * at_risk_ratio:
        return "at_risk"
    return "on_time"


def load_request(uow: UnitOfWork, request_id: int) -> ResidentRequest:
    """A request the actor may see."""
    return load_visible(uow, ResidentRequest, request_id, Term("things.request"), field="request_id")


def request_record_by_id(uow: UnitOfWork, request_id: int) -> RequestRecord:
    """The record of one request in the actor's scope."""
    return _records(uow, ResidentRequest.id == request_id)[0]


def _id_for(uow: UnitOfWork, number: str) -> int:
    request_id = uow.session.scalar(
        select(ResidentRequest.id).where(ResidentRequest.number == number.strip().upper(), *_scope(uow))
        .order_by(ResidentRequest.id).limit(1)
    )
    if request_id is None:
        raise NotFound("requests.number_not_found", number=number.strip(), field="number")
    return request_id


def _scope(uow: UnitOfWork) -> list:
    return [community_clause(uow.actor, ResidentRequest.community_id),
            grid_clause(uow.actor, ResidentRequest.grid_id)]


def _records(uow: UnitOfWork, *conditions) -> list[RequestRecord]:
    urgency_order = case({"urgent": 0, "normal": 1, "enquiry": 2}, value=ResidentRequest.urgency, else_=3)
    rows = uow.session.execute(
        select(ResidentRequest, Grid.name, User.display_name)
        .outerjoin(Grid, Grid.id == ResidentRequest.grid_id)
        .outerjoin(User, User.id == ResidentRequest.assignee_id)
        .where(*_scope(uow), *conditions)
        .order_by(urgency_order, ResidentRequest.deadline_at, ResidentRequest.id)
    )
    return [request_record(uow, *row) for row in rows]


def request_record(uow: UnitOfWork, request: ResidentRequest, grid_name: str | None,
            assignee_name: str | None) -> RequestRecord:
    categories = uow.settings.requests.categories
    timing = request_timing(request.received_at, request.deadline_at, request.closed_at, uow.now(),
                            uow.settings.requests.at_risk_ratio)
    return RequestRecord(
        id=request.id, number=request.number, community_id=request.community_id,
        grid_id=request.grid_id, grid_name=grid_name or "", channel=request.channel,
        channel_name=CHANNELS.get(request.channel, request.channel), category=request.category,
        category_name=categories.get(request.category, request.category), urgency=request.urgency,
        urgency_name=URGENCIES.get(request.urgency, request.urgency),
        description=request.description, contact_name=request.contact_name,
        contact_phone=request.contact_phone, household_id=request.household_id,
        person_id=request.person_id, state=request.state, state_name=state_name(request.state),
        assignee_id=request.assignee_id, assignee_name=assignee_name or "",
        received_by_id=request.received_by_id, received_at=request.received_at,
        deadline_at=request.deadline_at, closed_at=request.closed_at, result=request.result,
        satisfaction=request.satisfaction,
        satisfaction_name=SATISFACTIONS.get(request.satisfaction, ""), feedback=request.feedback,
        reopen_count=request.reopen_count, version=request.version, timing=timing,
    )

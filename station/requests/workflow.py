"""Residents' requests (居民诉求): receive, assign, handle, close, rate and reopen, with time limits."""

from __future__ import annotations

from datetime import datetime, timedelta

from models import RequestEvent, ResidentRequest
from station import audit, month_locks
from station.counters import next_value
from station.messages import Term
from station.permissions import require
from station.phone import parse_phone
from station.requests.parties import load_assignee, request_community, request_place
from station.requests.queries import (
    get_request,
    list_requests,
    load_request,
    request_counts,
    request_record_by_id,
    request_timing,
)
from station.requests.records import RequestRecord
from station.requests.rules import (
    CHANNELS,
    MAX_DESCRIPTION,
    MAX_NOTE,
    OPEN_STATES,
    SATISFACTIONS,
    STATES,
    TIMINGS,
    TRANSITIONS,
    URGENCIES,
    check_transition,
    choice,
    note_text,
    required_text,
)
from station.text_rules import text_for
from station.uow import UnitOfWork, check_version

__all__ = [
    "CHANNELS", "MAX_DESCRIPTION", "MAX_NOTE", "OPEN_STATES", "SATISFACTIONS", "STATES", "TIMINGS",
    "TRANSITIONS", "URGENCIES", "assign", "close", "get_request", "list_requests", "rate", "receive",
    "reopen", "request_counts", "request_timing", "start",
]


# --- receive --------------------------------------------------------------------------------


def receive(uow: UnitOfWork, *, channel: str, category: str, urgency: str, description: str,
            grid_id: int | None = None, contact_name: str = "", contact_phone: str = "",
            household_id: int | None = None, person_id: int | None = None) -> RequestRecord:
    """Register a new request with its number and deadline."""
    require(uow.actor, "requests.receive")
    values = {
        "channel": choice(channel, CHANNELS, "channel", error_code="requests.channel_missing"),
        "category": choice(category, uow.settings.requests.categories, "category",
                           error_code="requests.category_missing"),
        "urgency": choice(urgency, URGENCIES, "urgency", error_code="requests.urgency_missing"),
        "description": required_text("requests.description", description, error_code="requests.description_missing"),
        "contact_name": text_for("requests.contact_name", contact_name),
        "contact_phone": parse_phone(contact_phone, field="contact_phone"),
    }
    grid_id, household_id, person_id = request_place(uow, grid_id, household_id, person_id)
    community_id = request_community(uow, grid_id)
    received_at = uow.now()
    hours = uow.settings.deadline_hours(values["category"], values["urgency"])
    request = ResidentRequest(
        community_id=community_id, grid_id=grid_id, household_id=household_id,
        person_id=person_id, received_by_id=uow.actor.user_id, received_at=received_at,
        deadline_at=received_at + timedelta(hours=hours), state="received",
        number=_next_number(uow, community_id, received_at), **values,
    )
    uow.session.add(request)
    uow.flush()
    _event(uow, request, "", "received", "")
    audit.record(uow, "receive", "request", request.id, new=audit.snapshot(request),
                 community_id=community_id)
    uow.commit()
    return request_record_by_id(uow, request.id)


def _next_number(uow: UnitOfWork, community_id: int, received_at: datetime) -> str:
    """S20261123-0001: a per-community daily sequence, unique under concurrent clerks."""
    day = f"{received_at:%Y%m%d}"
    return f"S{day}-{next_value(uow, community_id, f'request-{day}'):04d}"


# --- transitions ----------------------------------------------------------------------------


def assign(uow: UnitOfWork, request_id: int, assignee_id: int, expected_version: int,
           note: str = "") -> RequestRecord:
    """Give a request to someone who may handle it (also to reassign it)."""
    request, before = _begin(uow, "assign", request_id, expected_version)
    assignee = load_assignee(uow, request, assignee_id)
    request.assignee_id = assignee.id
    return _finish(uow, request, before, "assign", note_text(note) or f"分派给{assignee.display_name}")


def start(uow: UnitOfWork, request_id: int, expected_version: int, note: str = "") -> RequestRecord:
    """The assignee starts handling the request."""
    request, before = _begin(uow, "start", request_id, expected_version)
    return _finish(uow, request, before, "start", note_text(note))


def close(uow: UnitOfWork, request_id: int, result: str, expected_version: int) -> RequestRecord:
    """Record the result; the request is done (办结) and waits for the resident's rating."""
    request, before = _begin(uow, "close", request_id, expected_version)
    request.result = required_text("requests.result", result, error_code="requests.result_missing")
    request.closed_at = uow.now()
    return _finish(uow, request, before, "close", request.result[:MAX_NOTE])


def rate(uow: UnitOfWork, request_id: int, satisfaction: str, feedback: str,
         expected_version: int) -> RequestRecord:
    """Record the resident's satisfaction from the follow-up call (回访)."""
    request, before = _begin(uow, "rate", request_id, expected_version)
    request.satisfaction = choice(satisfaction, SATISFACTIONS, "satisfaction",
                                  error_code="requests.satisfaction_missing")
    request.feedback = text_for("requests.feedback", feedback)
    note = f"{SATISFACTIONS[request.satisfaction]} {request.feedback}".strip()
    return _finish(uow, request, before, "rate", note)


def reopen(uow: UnitOfWork, request_id: int, reason: str, expected_version: int) -> RequestRecord:
    """Send a closed or rated request back to handling; the original deadline still applies."""
    request, before = _begin(uow, "reopen", request_id, expected_version)
    reason = required_text("request_events.note", reason, error_code="requests.reopen_reason_missing",
                           field="reason", label=Term("labels.reopen_reason"))
    request.reopen_count += 1
    request.closed_at = None
    request.satisfaction, request.feedback = "", ""
    return _finish(uow, request, before, "reopen", reason)


def _begin(uow: UnitOfWork, action: str, request_id: int,
           expected_version: int) -> tuple[ResidentRequest, dict]:
    """Permission, scope, version and from-state checks shared by every transition.

    Returns the request and its values before the change (for the event and the audit).
    """
    require(uow.actor, TRANSITIONS[action][0])
    request = load_request(uow, request_id)
    month_locks.refuse_if_locked(uow, request.community_id, request.closed_at, field="closed_at")
    check_version(request.version, expected_version)
    check_transition(request.state, action)
    return request, audit.snapshot(request)


def _finish(uow: UnitOfWork, request: ResidentRequest, before: dict, action: str,
            note: str) -> RequestRecord:
    request.state = TRANSITIONS[action][2]
    uow.flush()
    _event(uow, request, before["state"], request.state, note)
    old, new = audit.changes(before, audit.snapshot(request))
    audit.record(uow, action, "request", request.id, old=old, new=new, detail=note,
                 community_id=request.community_id)
    uow.commit()
    return request_record_by_id(uow, request.id)


def _event(uow: UnitOfWork, request: ResidentRequest, from_state: str, to_state: str,
           note: str) -> None:
    uow.session.add(RequestEvent(request_id=request.id, from_state=from_state, to_state=to_state,
                                 at=uow.now(), user_id=uow.actor.user_id, note=note[:MAX_NOTE]))

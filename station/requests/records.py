"""Plain records for residents' requests (居民诉求)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RequestRecord:
    id: int
    number: str
    community_id: int
    grid_id: int | None
    grid_name: str
    channel: str
    channel_name: str
    category: str
    category_name: str
    urgency: str
    urgency_name: str
    description: str
    contact_name: str
    contact_phone: str
    household_id: int | None
    person_id: int | None
    state: str
    state_name: str
    assignee_id: int | None
    assignee_name: str
    received_by_id: int | None
    received_at: datetime
    deadline_at: datetime
    closed_at: datetime | None
    result: str
    satisfaction: str
    satisfaction_name: str
    feedback: str
    reopen_count: int
    version: int
    timing: str  # on_time | at_risk | overdue | closed_on_time | closed_late


@dataclass(frozen=True)
class RequestEventRecord:
    from_state: str
    to_state: str
    at: datetime
    user_id: int | None
    user_name: str
    note: str


@dataclass(frozen=True)
class RequestDetail:
    """A request with its state history, oldest event first."""

    request: RequestRecord
    events: tuple[RequestEventRecord, ...]

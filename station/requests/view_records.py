"""Plain records for the counter's request screens: a capped list, one request's file, assignees."""

from __future__ import annotations

from dataclasses import dataclass

from station.requests.records import RequestDetail, RequestRecord


@dataclass(frozen=True)
class RequestPage:
    """The requests a list shows, most pressing first; `capped` when more matched than shown."""

    requests: tuple[RequestRecord, ...]
    capped: bool


@dataclass(frozen=True)
class RequestFile:
    """One request as the detail view shows it: the record, its history and whom it concerns."""

    detail: RequestDetail
    household_number: str
    person_name: str
    received_by_name: str

    @property
    def request(self) -> RequestRecord:
        return self.detail.request


@dataclass(frozen=True)
class AssigneeChoice:
    """Someone a request may be given to."""

    id: int
    display_name: str
    role: str

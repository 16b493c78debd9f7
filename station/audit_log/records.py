"""Plain records for the audit log view: what to list, and the rows as every screen shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class AuditFilter:
    """Which rows to list; empty fields mean any.

    `user` is a username (any case) or an account's name; `person_id` and `household_id` come from
    find_person / find_household / find_subject (subjects.py). The dates are inclusive.
    """

    user: str = ""
    person_id: int | None = None
    household_id: int | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditSubject:
    """The resident or household a listing is narrowed to, with a masked label to show."""

    kind: str  # "person" | "household"
    id: int
    label: str  # 张三 110105********8761, or the household number


@dataclass(frozen=True)
class AuditSize:
    """How many rows match, and the newest of them: pages asked with before_id=newest_id + 1
    list exactly these rows, however many are written meanwhile."""

    rows: int
    newest_id: int

    @property
    def page_start(self) -> int:
        """The before_id of the first page."""
        return self.newest_id + 1


@dataclass(frozen=True)
class AuditChange:
    """One value a row records, masked: before ("" when the row has none) and after."""

    key: str
    old: str
    new: str


@dataclass(frozen=True)
class AuditRow:
    """One audit row as lists show it: ID and phone numbers masked everywhere, also inside text."""

    id: int
    at: datetime
    username: str
    action: str
    entity: str
    entity_id: int | None
    summary: str  # the changes on one line: name: 张三 → 张四; phone: 139****5678
    changes: tuple[AuditChange, ...]
    detail: str
    redacted: bool  # retention blanked its personal values (only its digest is kept)

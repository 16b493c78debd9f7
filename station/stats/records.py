"""Plain records for statistics: the overview and the monthly figures, each JSON-ready via as_dict()."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

AGE_BANDS = ("0-17", "18-59", "60-79", "80+")


@dataclass(frozen=True)
class Overview:
    """What the actor's scope holds now: places, residents, open register entries, work done."""

    grids: int
    buildings: int
    households: int  # living households (living.py): someone lives in them
    persons: int  # living residents (living.py)
    registers: dict[str, int]  # open entries per register category code
    visits_done: int
    requests: dict[str, int]  # requests per state

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PopulationFigures:
    """Households and residents at the end of the month (population type: registered/floating/overseas)."""

    households: int
    households_by_type: dict[str, int]  # by the head's population type
    persons: int
    persons_by_type: dict[str, int]
    persons_by_age: dict[str, int]  # AGE_BANDS, age on the last day of the month
    persons_by_type_and_age: dict[str, dict[str, int]]


@dataclass(frozen=True)
class RegisterFigures:
    """One register category in the month, with its visit coverage."""

    category: str
    name: str
    open_at_end: int
    new_in_month: int
    ended_in_month: int
    covered: int  # entries open at month end whose person got the visits the month requires

    @property
    def coverage_rate(self) -> float | None:
        return round(self.covered / self.open_at_end, 4) if self.open_at_end else None


@dataclass(frozen=True)
class RequestFigures:
    received: int
    closed: int
    closed_on_time: int
    average_hours: float | None  # received → closed, over requests closed in the month
    satisfaction: dict[str, int]  # of requests closed in the month that were rated
    hours_total: float = 0.0  # received → closed summed: averages of several scopes combine exactly

    @property
    def on_time_rate(self) -> float | None:
        return round(self.closed_on_time / self.closed, 4) if self.closed else None


@dataclass(frozen=True)
class WorkerFigures:
    user_id: int
    username: str
    display_name: str
    role: str
    visits_done: int
    requests_closed: int


@dataclass(frozen=True)
class MonthFigures:
    year: int
    month: int
    first_day: date
    last_day: date
    grid_id: int | None
    population: PopulationFigures
    registers: tuple[RegisterFigures, ...]
    visits_done: int
    visits_by_kind: dict[str, int]
    requests: RequestFigures
    workers: tuple[WorkerFigures, ...] = field(default_factory=tuple)
    # Set while the month runs: every figure is as of this moment, not of the month's last day.
    as_of: datetime | None = None

    @property
    def end_day(self) -> date:
        """The day the figures are taken on: the month's last, or today's while it runs."""
        return self.as_of.date() if self.as_of is not None else self.last_day

    def register(self, category: str) -> RegisterFigures:
        return next(figures for figures in self.registers if figures.category == category)

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["first_day"], values["last_day"] = self.first_day.isoformat(), self.last_day.isoformat()
        values["as_of"] = self.as_of.isoformat(timespec="minutes") if self.as_of else None
        for figures, row in zip(self.registers, values["registers"], strict=True):
            row["coverage_rate"] = figures.coverage_rate
        values["requests"]["on_time_rate"] = self.requests.on_time_rate
        return values

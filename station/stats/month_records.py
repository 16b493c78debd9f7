"""Plain records for the month's figures: per-grid and per-day breakdowns, and the checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from station.stats.records import MonthFigures


@dataclass(frozen=True)
class GridMonthRow:
    """One grid's key figures for the month (same definitions as month_figures)."""

    grid_id: int
    code: str
    name: str
    households: int
    persons: int
    registers_open: int
    registers_covered: int
    visits_done: int
    requests_received: int
    requests_closed: int
    requests_closed_on_time: int

    @property
    def coverage_rate(self) -> float | None:
        return round(self.registers_covered / self.registers_open, 4) if self.registers_open else None

    @property
    def on_time_rate(self) -> float | None:
        return round(self.requests_closed_on_time / self.requests_closed, 4) if self.requests_closed else None


@dataclass(frozen=True)
class DailyCounts:
    """Visits done and requests received on each day of the month (index 0 = the 1st)."""

    visits: tuple[int, ...]
    requests: tuple[int, ...]


@dataclass(frozen=True)
class UnvisitedLine:
    """A person in a weekly register with no visit in the three months up to the month's end."""

    person_name: str
    household_number: str
    grid_name: str
    category_name: str
    start_on: date
    last_visit_on: date | None


@dataclass(frozen=True)
class HeadlessLine:
    """A household with residents at the month's end but none of them its head (户主)."""

    household_number: str
    grid_name: str
    address: str
    residents: int


@dataclass(frozen=True)
class OverdueLine:
    """A request still open at the month's end although its deadline had passed."""

    number: str
    grid_name: str
    category_name: str
    received_at: datetime
    deadline_at: datetime
    days_overdue: int  # whole days past the deadline at the month's end (now, while it runs)


@dataclass(frozen=True)
class MonthChecks:
    """What looks wrong at the month's end; each list is cut at a limit, the totals are not."""

    since: date  # start of the three-month window of the unvisited check
    unvisited: tuple[UnvisitedLine, ...]
    unvisited_total: int
    headless: tuple[HeadlessLine, ...]
    headless_total: int
    overdue: tuple[OverdueLine, ...]
    overdue_total: int


@dataclass(frozen=True)
class WorkSummary:
    """A community's work per worker in a few numbers (the community report lists every worker)."""

    grid_workers: int  # every grid worker of the community, whether they worked or not
    grid_worker_visits: int  # visits done by them
    fewest_visits: int | None  # the grid worker who visited least, None without grid workers
    requests_closed: int  # closed in the month by their assignee, whoever it was

    @property
    def visits_per_grid_worker(self) -> float | None:
        return round(self.grid_worker_visits / self.grid_workers, 1) if self.grid_workers else None


@dataclass(frozen=True)
class CommunityMonthRow:
    """One community's month in the street's roll-up: its figures as its own report counts them."""

    community_id: int
    code: str
    name: str
    figures: MonthFigures
    work: WorkSummary


@dataclass(frozen=True)
class StreetMonth:
    """Every community of the street for one month, and the street's totals of every figure."""

    communities: tuple[CommunityMonthRow, ...]
    total: MonthFigures
    work: WorkSummary

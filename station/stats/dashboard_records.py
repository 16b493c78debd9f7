"""Plain records for the counter's dashboard (首页)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class RegisterCount:
    category: str
    name: str
    count: int  # open entries in the actor's scope


@dataclass(frozen=True)
class MonthCounts:
    """Work of one calendar month (the current one up to today)."""

    first_day: date
    last_day: date
    visits_done: int
    requests_received: int
    requests_closed: int
    requests_closed_on_time: int


@dataclass(frozen=True)
class DashboardRecord:
    """Everything the dashboard shows, for the actor's scope, as of `today`."""

    today: date
    households: int
    persons: int
    registers: tuple[RegisterCount, ...]
    visits_due_today: int
    visits_overdue: int
    visits_due_later_this_week: int
    visits_done_today: int
    requests_open: int
    requests_overdue: int
    requests_at_risk: int
    this_month: MonthCounts  # from the 1st to today
    last_month_to_date: MonthCounts  # last month up to the same day, for a fair comparison
    last_month: MonthCounts
    visits_per_day: tuple[int, ...]  # done visits per day, oldest first, ending today
    grid_names: tuple[str, ...] = ()  # a grid worker's grids; empty when every grid is in scope

    @property
    def register_total(self) -> int:
        return sum(register.count for register in self.registers)

    @property
    def first_chart_day(self) -> date:
        return self.today - timedelta(days=len(self.visits_per_day) - 1)

"""Dashboard service: today's figures, due visits, this month against last, per-day visits, scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dashboard_fixtures import build_town
from ledger_fixtures import neighbourhood

from station.requests.queries import request_counts
from station.stats.dashboard import dashboard, due_visit_counts, month_counts, visits_per_day
from station.stats.figures import overview
from station.uow import UnitOfWork
from station.visits import log as visit_log

TODAY = date(2026, 11, 23)  # a Monday


@pytest.fixture
def place(db, community_id):
    return neighbourhood(db, community_id)


@pytest.fixture
def town(db, community_id, place, clock):
    return build_town(db, community_id, place, clock)


def test_dashboard_figures_for_the_community(db, admin, town):
    with UnitOfWork(db, admin) as uow:
        record = dashboard(uow)
        figures, counts = overview(uow), request_counts(uow)
    assert record.today == TODAY
    assert (record.households, record.persons) == (figures.households, figures.persons) == (2, 3)
    registers = {register.category: register.count for register in record.registers}
    assert registers == figures.registers
    assert record.register_total == 3
    assert next(r.name for r in record.registers if r.category == "elderly_alone") == "独居老人"
    assert (record.visits_due_today, record.visits_overdue, record.visits_due_later_this_week) == (1, 1, 1)
    assert record.visits_done_today == 1
    assert (record.requests_open, record.requests_overdue) == (2, counts["overdue"]) == (2, 1)
    assert record.grid_names == ()


def test_due_counts_match_the_weeks_due_list(db, admin, town):
    with UnitOfWork(db, admin) as uow:
        due = visit_log.due_this_week(uow)
        counts = due_visit_counts(uow, TODAY)
    expected = (sum(d.due_on == TODAY for d in due), sum(d.due_on < TODAY for d in due),
                sum(d.due_on > TODAY for d in due))
    assert counts == expected == (1, 1, 1)


def test_this_month_against_last_month(db, admin, town):
    with UnitOfWork(db, admin) as uow:
        record = dashboard(uow)
    this, same_days, last = record.this_month, record.last_month_to_date, record.last_month
    assert (this.first_day, this.last_day) == (date(2026, 11, 1), TODAY)
    assert (same_days.first_day, same_days.last_day) == (date(2026, 10, 1), date(2026, 10, 23))
    assert (last.first_day, last.last_day) == (date(2026, 10, 1), date(2026, 10, 31))
    assert (this.visits_done, this.requests_received, this.requests_closed) == (3, 2, 0)
    assert (last.visits_done, last.requests_received, last.requests_closed) == (1, 1, 1)
    assert last.requests_closed_on_time == 0  # closed 5 hours after a 2-hour deadline


def test_month_counts_end_at_the_last_day(db, admin, town):
    with UnitOfWork(db, admin) as uow:
        before = month_counts(uow, date(2026, 10, 1), date(2026, 10, 4))
        on_the_day = month_counts(uow, date(2026, 10, 5), date(2026, 10, 5))
    assert (before.visits_done, before.requests_received) == (0, 0)
    assert (on_the_day.visits_done, on_the_day.requests_received, on_the_day.requests_closed) == (1, 1, 1)


def test_visits_per_day_cover_thirty_days_oldest_first(db, admin, town):
    with UnitOfWork(db, admin) as uow:
        days = visits_per_day(uow, TODAY, 30)
        record = dashboard(uow)
    assert len(days) == 30 and record.visits_per_day == days
    assert record.first_chart_day == TODAY - timedelta(days=29)
    by_day = {TODAY - timedelta(days=29 - index): count for index, count in enumerate(days) if count}
    assert by_day == {date(2026, 11, 2): 1, date(2026, 11, 20): 1, TODAY: 1}


def test_a_grid_worker_sees_only_their_grid(db, place, town):
    with UnitOfWork(db, place.worker2.actor) as uow:
        record = dashboard(uow)
    assert (record.households, record.persons, record.register_total) == (1, 1, 1)
    assert (record.visits_due_today, record.visits_overdue, record.visits_due_later_this_week) == (1, 0, 0)
    assert record.requests_open == 1 and record.requests_overdue == 0
    assert (record.this_month.visits_done, record.last_month.requests_received) == (2, 0)
    assert record.grid_names == ("二网格",)
    with UnitOfWork(db, place.worker1.actor) as uow:
        other = dashboard(uow)
    assert (other.visits_due_today, other.visits_overdue, other.visits_due_later_this_week) == (0, 1, 1)
    assert other.grid_names == ("一网格",)

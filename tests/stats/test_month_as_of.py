"""A month not yet over is reported as of now: lateness to now, coverage of the days so far,
no future days in the daily counts, and the printout says 截至 when.

The clock stands at 2026-12-03 10:00. In the ledger: 王大爷 (empty_nest, every 30 days) was
visited on 2026-11-20; a request received 11-27 is due 12-04 10:00 (not late yet); an urgent
one received 12-01 08:00 was due at 10:00 that day (two days late now).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from ledger_fixtures import Resident, make_home, neighbourhood
from openpyxl import load_workbook
from reports_support import pdf_text, squeeze

from reports.print_jobs import print_monthly
from station.errors import ValidationError
from station.registers import entries as register_entries
from station.requests import workflow as requests
from station.stats.breakdowns import daily_counts
from station.stats.checks import month_checks
from station.stats.figures import month_figures
from station.uow import UnitOfWork
from station.visits import log as visit_log

NOW = datetime(2026, 12, 3, 10, 0)


@pytest.fixture
def running_month(db, community_id, clock):
    place = neighbourhood(db, community_id)
    home = make_home(db, community_id, place.grid1, Resident("王大爷", date(1946, 3, 1)))
    director = place.director.actor
    clock.current = datetime(2026, 11, 20, 9, 0)
    with UnitOfWork(db, director) as uow:
        register_entries.add_entry(uow, home.head_id, "empty_nest", date(2026, 11, 1), visit_every_days=30)
        visit_log.log_visit(uow, kind="home_visit", worker_id=place.worker1.id,
                             household_id=home.household_id, person_id=home.head_id, content="入户")
    for received, urgency, text in ((datetime(2026, 11, 27, 10, 0), "normal", "路灯不亮"),
                                     (datetime(2026, 12, 1, 8, 0), "urgent", "井盖缺失")):
        clock.current = received
        with UnitOfWork(db, director) as uow:
            requests.receive(uow, channel="window", category="other", urgency=urgency, description=text,
                             grid_id=place.grid1)
    clock.current = NOW
    return place


def test_figures_are_as_of_now(db, admin, running_month):
    with UnitOfWork(db, admin) as uow:
        figures = month_figures(uow, 2026, 12)
    assert figures.as_of == NOW and figures.last_day == date(2026, 12, 31)
    empty_nest = figures.register("empty_nest")
    # Three days of December: a 30-day register is covered by a visit in the 30 days up to today.
    assert (empty_nest.open_at_end, empty_nest.covered) == (1, 1)
    assert figures.requests.received == 1 and figures.population.persons == 1


def test_lateness_is_measured_to_now(db, admin, running_month):
    with UnitOfWork(db, admin) as uow:
        checks = month_checks(uow, 2026, 12)
    assert [(line.category_name, line.days_overdue) for line in checks.overdue] == [("其他", 2)]


def test_no_future_days(db, admin, running_month):
    with UnitOfWork(db, admin) as uow:
        daily = daily_counts(uow, 2026, 12)
    assert daily.visits == (0, 0, 0) and daily.requests == (1, 0, 0)


def test_a_finished_month_is_not_as_of(db, admin, running_month):
    with UnitOfWork(db, admin) as uow:
        november = month_figures(uow, 2026, 11)
        checks = month_checks(uow, 2026, 11)
    assert november.as_of is None
    # At the end of November the request due 12-04 was not late, and nothing else was open.
    assert checks.overdue == ()


def test_a_month_not_yet_begun_is_refused(db, admin, running_month):
    with UnitOfWork(db, admin) as uow, pytest.raises(ValidationError, match="尚未开始"):
        month_figures(uow, 2027, 1)


def test_the_printout_says_as_of_when(db, admin, running_month, tmp_path):
    with UnitOfWork(db, admin) as uow:
        printout = print_monthly(uow, 2026, 12, pdf=tmp_path / "m.pdf", xlsx=tmp_path / "m.xlsx")
    text = squeeze(pdf_text(printout.files[0]))
    assert "截至2026-12-0310:00" in text and "统计期间2026-12-01至2026-12-03" in text
    book = load_workbook(printout.files[1], read_only=True)
    summary = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["截至"].startswith("2026-12-03 10:00")
    assert [row[0] for row in book["每日"].iter_rows(min_row=2, values_only=True)] == [1, 2, 3]

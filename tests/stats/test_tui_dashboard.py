"""The dashboard shows the service's figures, for the logged-in user's scope only."""

from __future__ import annotations

import pytest
from dashboard_fixtures import build_town
from ledger_fixtures import neighbourhood
from tui_support import (
    PASSWORD,
    app_for,
    drive,
    log_in,
    make_admin,
    screen_name,
    settle,
    squeeze,
    text_of,
)

from station.accounts.users import set_password
from station.actor import Actor
from station.stats.dashboard import dashboard
from station.uow import UnitOfWork


@pytest.fixture
def place(db, community_id, clock):
    place = neighbourhood(db, community_id)
    build_town(db, community_id, place, clock)
    make_admin(db)
    with UnitOfWork(db, Actor(None, "tests", "admin", None)) as uow:
        set_password(uow, place.worker2.username, PASSWORD)
    return place


def _expected(db, actor):
    with UnitOfWork(db, actor) as uow:
        return dashboard(uow)


def test_the_dashboard_shows_the_services_figures(db, place):
    async def scenario(pilot):
        await log_in(pilot)
        assert screen_name(pilot) == "DashboardScreen"
        shown = pilot.app.screen.record
        assert shown == _expected(db, pilot.app.actor)
        assert "2\n在住户数" in squeeze(text_of(pilot, "#tile-households"))
        assert "3\n在住人数" in squeeze(text_of(pilot, "#tile-persons"))
        visits = squeeze(text_of(pilot, "#visits-panel"))
        assert visits == "走访\n今日应访1\n已逾期1\n本周待访1\n今日已完成1"
        assert squeeze(text_of(pilot, "#requests-panel")) == "诉求\n办理中2\n已超期1\n临期0"
        assert "独居老人" in text_of(pilot, "#registers-panel")
        assert "完成走访" in text_of(pilot, "#month-panel")
        assert "10-25 至 11-23" in text_of(pilot, "#chart-panel")
        assert not pilot.app.screen.query_one("#scope-note").display

    drive(app_for(db), scenario)


def test_a_grid_worker_sees_only_their_grids(db, place):
    async def scenario(pilot):
        await log_in(pilot, username=place.worker2.username)
        record = pilot.app.screen.record
        assert record == _expected(db, pilot.app.actor)
        assert pilot.app.actor.grid_ids == frozenset({place.grid2})
        assert (record.households, record.persons, record.requests_open) == (1, 1, 1)
        assert "仅显示您负责的网格:二网格" in text_of(pilot, "#scope-note")
        assert "1\n在住户数" in squeeze(text_of(pilot, "#tile-households"))

    drive(app_for(db), scenario)


def test_refresh_reads_the_figures_again(db, place, clock):
    async def scenario(pilot):
        await log_in(pilot)
        first = pilot.app.screen.record
        make_admin_visit(db, place)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert pilot.app.screen.record.visits_done_today == first.visits_done_today + 1

    drive(app_for(db), scenario)


def make_admin_visit(db, place) -> None:
    from station.visits import log as visit_log

    with UnitOfWork(db, place.director.actor) as uow:
        home_id = visit_log.list_visits(uow)[0].household_id
        visit_log.log_visit(uow, kind="home_visit", worker_id=place.worker1.id,
                             household_id=home_id, content="回访")

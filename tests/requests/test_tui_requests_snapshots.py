"""Pinned looks of the request screens in Chinese and English (see tests/app/test_tui_snapshots.py)."""

from __future__ import annotations

import itertools

import ledger_fixtures
import pytest
from request_fixtures import build_desk
from textual.widgets import Select
from tui_support import SIZE, app_for, log_in, make_admin, settle, still, with_settings

from screens.requests.screen import RequestTable
from station.requests import workflow as requests
from station.uow import UnitOfWork

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
LANGUAGES = ["zh", "en"]


@pytest.fixture
def desk(db, community_id, clock, monkeypatch):
    # The same ID and household numbers whichever tests ran before.
    monkeypatch.setattr(ledger_fixtures, "_sequence", itertools.count(1))
    desk = build_desk(db, community_id, clock)
    with UnitOfWork(db, desk.place.director.actor) as uow:
        requests.assign(uow, desk.fresh.id, desk.place.worker1.id, desk.fresh.version, "请尽快上门")
    make_admin(db)
    return db


async def _listed(pilot) -> None:
    await settle(pilot)
    await log_in(pilot)
    await pilot.press("f5")
    await still(pilot)


async def _opened(pilot) -> None:
    await _listed(pilot)
    pilot.app.screen.query_one(RequestTable).move_cursor(row=2)
    await pilot.press("enter")
    await still(pilot)


async def _form(pilot) -> None:
    await _listed(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    pilot.app.screen.query_one("#category", Select).value = "property"
    await pilot.press("tab", "tab", "tab", "tab", *"三楼楼道灯坏了")
    await still(pilot)


@pytest.mark.parametrize("language", LANGUAGES)
def test_request_list(snap_compare, desk, language):
    app = app_for(with_settings(desk, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_listed)


@pytest.mark.parametrize("language", LANGUAGES)
def test_request_detail(snap_compare, desk, language):
    app = app_for(with_settings(desk, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_opened)


@pytest.mark.parametrize("language", LANGUAGES)
def test_receive_request(snap_compare, desk, language):
    app = app_for(with_settings(desk, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_form)

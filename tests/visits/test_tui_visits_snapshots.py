"""Pinned looks of the service log in Chinese and English: the list, due this week, a quick visit."""

from __future__ import annotations

import itertools

import ledger_fixtures
import pytest
from tui_support import SIZE, app_for, log_in, settle, still, with_settings
from visit_fixtures import visit_town

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
LANGUAGES = ["zh", "en"]


@pytest.fixture
def town(db, community_id, clock, monkeypatch):
    # The same ID numbers whichever tests ran before (the picker would show their last digits).
    monkeypatch.setattr(ledger_fixtures, "_sequence", itertools.count(1))
    visit_town(db, community_id, clock)
    return db


async def _log(pilot) -> None:
    await settle(pilot)
    await log_in(pilot)
    await pilot.press("f4")
    await still(pilot)


async def _due(pilot) -> None:
    await settle(pilot)
    await log_in(pilot, username="wang")
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press("ctrl+w")
    await still(pilot)


async def _form(pilot) -> None:
    await _due(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    await pilot.press(*"钱奶奶")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press(*"送药上门")
    await still(pilot)


@pytest.mark.parametrize("language", LANGUAGES)
def test_visit_log(snap_compare, town, language):
    app = app_for(with_settings(town, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_log)


@pytest.mark.parametrize("language", LANGUAGES)
def test_due_this_week(snap_compare, town, language):
    app = app_for(with_settings(town, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_due)


@pytest.mark.parametrize("language", LANGUAGES)
def test_quick_visit_form(snap_compare, town, language):
    app = app_for(with_settings(town, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_form)

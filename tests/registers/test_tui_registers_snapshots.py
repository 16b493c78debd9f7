"""Pinned looks of the registers screens in Chinese and English (see tests/app/test_tui_snapshots.py)."""

from __future__ import annotations

import itertools

import ledger_fixtures
import pytest
from register_fixtures import register_town
from textual.widgets import Input, Select
from tui_support import SIZE, app_for, log_in, settle, still, with_settings

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
LANGUAGES = ["zh", "en"]


@pytest.fixture
def town(db, community_id, monkeypatch):
    # The same ID numbers whichever tests ran before: the pictures show their last digits.
    monkeypatch.setattr(ledger_fixtures, "_sequence", itertools.count(1))
    register_town(db, community_id)
    return db


async def _list(pilot) -> None:
    await settle(pilot)
    await log_in(pilot)
    await pilot.press("f3")
    await still(pilot)


async def _disabled_form(pilot) -> None:
    await _list(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    await pilot.press(*"刘建国")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    form = pilot.app.screen
    for selector, value in (("#category", "disabled"), ("#disability_category", "4"), ("#disability_grade", "2")):
        form.query_one(selector, Select).value = value
        await settle(pilot)
    form.query_one("#certificate_no", Input).focus()
    await still(pilot)


@pytest.mark.parametrize("language", LANGUAGES)
def test_register_list(snap_compare, town, language):
    app = app_for(with_settings(town, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_list)


@pytest.mark.parametrize("language", LANGUAGES)
def test_register_disabled_resident(snap_compare, town, language):
    app = app_for(with_settings(town, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_disabled_form)

"""Pinned looks of the household file's operations in Chinese and English: the file with its keys,
the add-member dialog and the F8 menu (see tests/app/test_tui_snapshots.py)."""

from __future__ import annotations

import itertools

import ledger_fixtures
import pytest
from household_ops_fixtures import build, fill, new_id, press
from tui_support import SIZE, app_for, log_in, settle, still, with_settings

from screens.ledger.household import HouseholdScreen

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
LANGUAGES = ["zh", "en"]


@pytest.fixture
def town(db, community_id, monkeypatch):
    # The same ID numbers whichever tests ran before: the pictures show their last digits.
    monkeypatch.setattr(ledger_fixtures, "_sequence", itertools.count(1))
    return db, build(db, community_id)


def _opened(household_id):
    async def run(pilot) -> None:
        await settle(pilot)
        await log_in(pilot)
        pilot.app.push_screen(HouseholdScreen(household_id))
        await still(pilot)
    return run


def _then(household_id, *steps):
    async def run(pilot) -> None:
        await _opened(household_id)(pilot)
        for step in steps:
            await step(pilot)
        await still(pilot)
    return run


async def _add_member(pilot) -> None:
    await press(pilot, "ctrl+n")
    await fill(pilot, name="王小红", id_number=new_id(male=False), relation="孙女")


async def _menu(pilot) -> None:
    await press(pilot, "down", "f8")


@pytest.mark.parametrize("language", LANGUAGES)
def test_household_file_with_its_keys(snap_compare, town, language):
    db, place = town
    app = app_for(with_settings(db, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_opened(place.home1.household_id))


@pytest.mark.parametrize("language", LANGUAGES)
def test_add_member_dialog(snap_compare, town, language):
    db, place = town
    app = app_for(with_settings(db, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_then(place.home1.household_id, _add_member))


@pytest.mark.parametrize("language", LANGUAGES)
def test_operations_menu(snap_compare, town, language):
    db, place = town
    app = app_for(with_settings(db, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_then(place.home1.household_id, _menu))

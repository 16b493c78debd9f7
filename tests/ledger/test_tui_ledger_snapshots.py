"""Pinned looks of the ledger screens in Chinese and English (see tests/app/test_tui_snapshots.py)."""

from __future__ import annotations

import itertools

import ledger_fixtures
import pytest
from dashboard_fixtures import build_town
from ledger_fixtures import neighbourhood
from tui_support import SIZE, app_for, log_in, make_admin, settle, still, with_settings

from screens.widgets.virtual_table import VirtualTable

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
LANGUAGES = ["zh", "en"]


@pytest.fixture
def town(db, community_id, clock, monkeypatch):
    # The same ID numbers whichever tests ran before: the pictures show their last digits.
    monkeypatch.setattr(ledger_fixtures, "_sequence", itertools.count(1))
    build_town(db, community_id, neighbourhood(db, community_id), clock)
    make_admin(db)
    return db


async def _searched(pilot) -> None:
    await settle(pilot)
    await log_in(pilot)
    await pilot.press("f2")
    await settle(pilot)
    await pilot.press("王")
    await still(pilot)


async def _opened(pilot) -> None:
    await _searched(pilot)
    pilot.app.screen.query_one(VirtualTable).focus()
    await pilot.press("enter")
    await still(pilot)


async def _form(pilot) -> None:
    await settle(pilot)
    await log_in(pilot)
    await pilot.press("f2")
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    await pilot.press("enter", *"张三", "tab", *"110105198005010195")
    await still(pilot)


@pytest.mark.parametrize("language", LANGUAGES)
def test_ledger_search(snap_compare, town, language):
    app = app_for(with_settings(town, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_searched)


@pytest.mark.parametrize("language", LANGUAGES)
def test_household_file(snap_compare, town, language):
    app = app_for(with_settings(town, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_opened)


@pytest.mark.parametrize("language", LANGUAGES)
def test_register_household(snap_compare, town, language):
    app = app_for(with_settings(town, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_form)


async def _asked(pilot) -> None:
    await _form(pilot)
    await pilot.press("escape")
    await still(pilot)


def test_unsaved_question_at_80x24(snap_compare, town):
    """Esc on a typed 登记新户: 保存 / 放弃 / 继续编辑 over the form, on the smallest terminal."""
    assert snap_compare(app_for(town), terminal_size=(80, 24), run_before=_asked)

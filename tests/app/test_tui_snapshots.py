"""Pinned looks of each screen in Chinese and English (pytest-textual-snapshot).

Update with `pytest tests/app/test_tui_snapshots.py --snapshot-update` only after looking at the
new SVGs (tests/app/__snapshots__/test_tui_snapshots/); the report of a failure shows both.
"""

from __future__ import annotations

import pytest
from dashboard_fixtures import build_town
from ledger_fixtures import neighbourhood
from textual.widgets import Input
from tui_support import SIZE, app_for, log_in, make_admin, settle, with_settings

# The look does not depend on the database; SQLite alone keeps these fast.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
LANGUAGES = ["zh", "en"]


def _still(pilot) -> None:
    """Stop the cursor blinking, so the picture does not depend on timing."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


async def _settled(pilot) -> None:
    await settle(pilot)
    _still(pilot)


async def _logged_in(pilot) -> None:
    await settle(pilot)
    await log_in(pilot)
    _still(pilot)


@pytest.fixture
def town(db, community_id, clock):
    build_town(db, community_id, neighbourhood(db, community_id), clock)
    make_admin(db)
    return db


@pytest.mark.parametrize("language", LANGUAGES)
def test_first_run(snap_compare, db, language):
    app = app_for(with_settings(db, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_settled)


@pytest.mark.parametrize("language", LANGUAGES)
def test_login(snap_compare, db, language):
    make_admin(db)
    app = app_for(with_settings(db, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_settled)


@pytest.mark.parametrize("language", LANGUAGES)
def test_dashboard(snap_compare, town, language):
    app = app_for(with_settings(town, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=_logged_in)


@pytest.mark.parametrize("language", LANGUAGES)
def test_lock(snap_compare, db, language):
    make_admin(db)

    async def locked(pilot) -> None:
        await _logged_in(pilot)
        await pilot.press("ctrl+l")
        await _settled(pilot)

    app = app_for(with_settings(db, language=language))
    assert snap_compare(app, terminal_size=SIZE, run_before=locked)


def test_help_on_the_dashboard(snap_compare, town):
    async def helped(pilot) -> None:
        await _logged_in(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(app_for(town), terminal_size=SIZE, run_before=helped)


def test_a_small_terminal(snap_compare, town):
    """80x24: the dashboard still fits without overlapping panels."""
    assert snap_compare(app_for(town), terminal_size=(80, 24), run_before=_logged_in)

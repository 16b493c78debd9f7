"""Pinned looks of the main screens at 80x24 (many counter PCs) and 100x30, in Chinese and English.

Update with `pytest tests/app/test_tui_screen_sizes.py --snapshot-update` only after looking at the
new SVGs (tests/app/__snapshots__/test_tui_screen_sizes/).
"""

from __future__ import annotations

import itertools

import ledger_fixtures
import pytest
from dashboard_fixtures import build_town
from ledger_fixtures import neighbourhood
from tui_support import app_for, log_in, make_admin, still, with_settings

# The look does not depend on the database; SQLite alone keeps these fast.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
# The key that opens each screen after logging in (None: the dashboard itself).
SCREENS = {"dashboard": None, "ledger": "f2", "registers": "f3", "visits": "f4", "requests": "f5", "reports": "f6",
           "help": "f1"}


@pytest.fixture
def town(db, community_id, clock, monkeypatch):
    # The same ID numbers whichever tests ran before: the pictures show their last digits.
    monkeypatch.setattr(ledger_fixtures, "_sequence", itertools.count(1))
    build_town(db, community_id, neighbourhood(db, community_id), clock)
    make_admin(db)
    return db


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=["80x24", "100x30"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare, town, screen, size, language):
    async def opened(pilot) -> None:
        await still(pilot)
        await log_in(pilot)
        if SCREENS[screen]:
            await pilot.press(SCREENS[screen])
        await still(pilot)

    app = app_for(with_settings(town, language=language))
    assert snap_compare(app, terminal_size=size, run_before=opened)

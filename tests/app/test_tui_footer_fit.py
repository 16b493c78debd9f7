"""At 80 columns every screen's footer shows whole key hints, and the ones a clerk works by."""

from __future__ import annotations

import pytest
from dashboard_fixtures import build_town
from ledger_fixtures import neighbourhood
from textual.widgets import Footer
from tui_support import app_for, drive, log_in, make_admin, settle, text_of, with_settings

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

# The keys that reach each place after logging in, and the key hints that must stay in view there.
PLACES = {
    "dashboard": ((), ("F1",)),
    "ledger": (("f2",), ("Ctrl+F", "Ctrl+N", "F1")),
    "household": (("f2", "down", "enter"), ("Esc", "F8", "F1")),
    "new_household": (("f2", "ctrl+n"), ("Ctrl+S", "Esc", "F1")),
    "registers": (("f3",), ("Enter", "Ctrl+N", "Ctrl+F", "F9", "F1")),
    "visits": (("f4",), ("Enter", "Ctrl+N", "F9", "F1")),
    "requests": (("f5",), ("Enter", "Ctrl+N", "Ctrl+F", "F9", "F1")),
    "request_form": (("f5", "ctrl+n"), ("Ctrl+S", "Esc", "F1")),
    "request_detail": (("f5", "down", "enter"), ("Esc", "F1")),
    "reports": (("f6",), ("F9", "Ctrl+B", "F1")),
    "import": (("f7",), ("F1",)),
}


@pytest.fixture
def town(db, community_id, clock):
    build_town(db, community_id, neighbourhood(db, community_id), clock)
    make_admin(db)
    return db


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("place", list(PLACES))
def test_the_footer_fits_80_columns(town, language, place):
    keys, wanted = PLACES[place]
    seen: list[tuple[str, int]] = []

    async def scenario(pilot):
        await log_in(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        footer = pilot.app.screen.query_one(Footer)
        seen.append((text_of(pilot, "Footer"), footer.max_scroll_x))

    drive(app_for(with_settings(town, language=language)), scenario, size=(80, 24))
    shown, overflow = seen[0]
    assert overflow == 0, shown
    for key in wanted:
        assert f"{key} " in shown, shown


def test_the_footer_refits_when_the_terminal_narrows_and_widens(town):
    shown: list[str] = []

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f5")
        await settle(pilot)
        for size in ((120, 30), (80, 24), (120, 30)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            shown.append(text_of(pilot, "Footer"))

    drive(app_for(town), scenario, size=(120, 30))
    wide, narrow, wide_again = shown
    assert "Ctrl+Q 退出" in wide and "Ctrl+P 命令" in wide
    assert "Ctrl+Q" not in narrow and "F1 帮助" in narrow and "F9 打印" in narrow
    assert wide_again == wide

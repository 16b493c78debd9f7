"""The ledger on a terminal too narrow even for its kept columns: scrolled sideways, a column shows
whole names (户主, 长子), never half a character (" 主", " 子")."""

from __future__ import annotations

import pytest
from household_ops_fixtures import build
from rich.cells import set_cell_size
from tui_support import app_for, drive, log_in, settle, text_of

from screens.widgets.virtual_table import VirtualTable

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _full_line(table: VirtualTable, index: int) -> str:
    """The row as drawn at full width: what any sideways view must be a part of."""
    texts = table.cells(table.row(index))
    return " " + " ".join(set_cell_size(text, width) for text, (_title, width) in zip(texts, table.columns, strict=True))


def test_scrolling_sideways_never_cuts_a_wide_character(db, community_id):
    build(db, community_id)

    async def scenario(pilot):
        await log_in(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"h000001")
        await settle(pilot)
        table = pilot.app.screen.query_one(VirtualTable)
        table.focus()
        full = [_full_line(table, index) for index in range(table.size_rows)]
        assert table.max_scroll_x > 0  # there is something to scroll to
        for _step in range(12):
            await pilot.press("right")
            await settle(pilot)
            rows = text_of(pilot, "#hits").splitlines()[1:1 + len(full)]
            for shown, whole in zip(rows, full, strict=True):
                assert shown.rstrip() in whole, (shown, whole)
        assert "户主" in rows[0] and "在住" in rows[0]  # the last columns came into view whole
        for _step in range(12):
            await pilot.press("left")
            await settle(pilot)
        assert text_of(pilot, "#hits").splitlines()[1].startswith(" 王大爷")

    drive(app_for(db), scenario, size=(36, 24))

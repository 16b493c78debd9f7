"""Every list shows its cursor row: in the dark and the light theme, as a 256-colour terminal
draws it, with the focus on the list and (dimmer) without."""

from __future__ import annotations

import pytest
from household_ops_fixtures import build, focus_member, open_file
from register_fixtures import register_town
from rich.color import ColorSystem
from textual.widgets import DataTable, Input, OptionList
from tui_support import app_for, drive, log_in, settle

from screens.ledger.household import MemberLine
from screens.widgets.virtual_table import VirtualTable

THEMES = ("textual-dark", "textual-light")


def _background(pilot, x: int, y: int) -> int | None:
    """The 256-colour number a terminal shows behind screen cell (x, y) (reverse swaps colours)."""
    strip = pilot.app.screen._compositor.render_strips()[y].crop(x, x + 1)
    style = next(iter(strip)).style
    colour = style.color if style.reverse else style.bgcolor
    return colour.downgrade(ColorSystem.EIGHT_BIT).number if colour is not None else None


def _cursor_stands_out(pilot, x: int, rows: range, cursor_y: int) -> bool:
    others = {_background(pilot, x, y) for y in rows if y != cursor_y}
    return _background(pilot, x, cursor_y) not in others


def _table_rows(widget) -> range:
    """The screen lines of a table's data rows (below its header)."""
    region = widget.content_region
    return range(region.y + 1, region.bottom)


async def _themed(pilot, theme: str) -> None:
    pilot.app.theme = theme
    await settle(pilot)


@pytest.mark.parametrize("theme", THEMES)
def test_the_ledger_list_shows_its_cursor(db, community_id, theme):
    register_town(db, community_id)

    async def scenario(pilot):
        await log_in(pilot)
        await _themed(pilot, theme)
        await pilot.press("f2", "down", "down")  # into the list, then the second row
        await settle(pilot)
        table = pilot.app.screen.query_one(VirtualTable)
        assert table.has_focus and table.cursor == 1
        rows = range(table.content_region.y + 1, table.content_region.y + 1 + table.size_rows)
        cursor_y = table.content_region.y + 2
        assert _cursor_stands_out(pilot, table.content_region.x + 2, rows, cursor_y)
        pilot.app.screen.query_one("#search", Input).focus()
        await settle(pilot)
        assert _cursor_stands_out(pilot, table.content_region.x + 2, rows, cursor_y)

    drive(app_for(db), scenario)


@pytest.mark.parametrize("theme", THEMES)
def test_a_data_table_shows_its_cursor(db, community_id, theme):
    register_town(db, community_id)

    async def scenario(pilot):
        await log_in(pilot)
        await _themed(pilot, theme)
        await pilot.press("f3")
        await settle(pilot)
        table = pilot.app.screen.query_one(DataTable)
        table.focus()
        await pilot.press("down")
        await settle(pilot)
        rows = range(table.content_region.y + 1, table.content_region.y + 1 + table.row_count)
        cursor_y = table.content_region.y + 2
        assert table.cursor_row == 1
        assert _cursor_stands_out(pilot, table.content_region.x + 2, rows, cursor_y)
        pilot.app.screen.focus_previous()
        await settle(pilot)
        assert not table.has_focus
        assert _cursor_stands_out(pilot, table.content_region.x + 2, rows, cursor_y)

    drive(app_for(db), scenario)


@pytest.mark.parametrize("theme", THEMES)
def test_the_selected_member_stands_out(db, community_id, theme):
    town = build(db, community_id)

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await _themed(pilot, theme)
        await focus_member(pilot, town.home1.person_ids[1])
        lines = [line.region for line in pilot.app.screen.query(MemberLine)]
        chosen = pilot.app.screen.query_one(f"#member-{town.home1.person_ids[1]}").region
        rows = range(lines[0].y, lines[-1].bottom)
        for x in (chosen.x - 4, chosen.x + 1):  # the relation label and the name
            assert _cursor_stands_out(pilot, x, rows, chosen.y)

    drive(app_for(db), scenario)


@pytest.mark.parametrize("theme", THEMES)
def test_the_operations_menu_shows_its_cursor(db, community_id, theme):
    town = build(db, community_id)

    async def scenario(pilot):
        await open_file(pilot, town.home1.household_id)
        await _themed(pilot, theme)
        await pilot.press("f8", "down")
        await settle(pilot)
        menu = pilot.app.screen.query_one(OptionList)
        assert menu.highlighted == 1
        region = menu.content_region
        assert _cursor_stands_out(pilot, region.x + 1, range(region.y, region.y + menu.option_count),
                                  region.y + 1)

    drive(app_for(db), scenario)

"""FittedTable: rows painted before their columns were measured are repainted at full width."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from screens.widgets.tables import FittedTable

NUMBER = "S20261123-0001"


class OneTable(App[None]):
    # Sized by the screen, as in the app: measuring rows does not resize the table.
    CSS = "DataTable { width: 1fr; height: 1fr; }"

    def __init__(self, table: DataTable[str]):
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table


async def _painted_early_then_measured(table: DataTable[str]) -> str:
    app = OneTable(table)
    async with app.run_test(size=(60, 6)) as pilot:
        table.add_column("No.", key="number")
        await pilot.pause()
        table.add_row(NUMBER, key="1")
        # What the screen would paint if it refreshed before the table's next idle.
        table.render_line(1)
        await pilot.pause()
        await pilot.pause()
        return table.render_line(1).text


def test_a_row_painted_before_measuring_shows_in_full_afterwards():
    assert NUMBER in asyncio.run(_painted_early_then_measured(FittedTable()))


def test_textual_table_alone_keeps_the_cut_picture():
    # Pins the reason FittedTable exists: when Textual fixes this, FittedTable can go.
    line = asyncio.run(_painted_early_then_measured(DataTable()))
    if NUMBER in line:
        pytest.skip("Textual now repaints measured rows itself; screens.widgets.tables.FittedTable is no longer needed")
    assert line.strip().startswith(NUMBER[:3])

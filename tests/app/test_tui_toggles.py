"""Checkboxes and radio buttons show their state by a mark, not by colour alone."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult

from screens.widgets.toggles import Checkbox, RadioButton


class OneToggle(App[None]):
    def __init__(self, toggle: Checkbox | RadioButton):
        super().__init__()
        self.toggle = toggle

    def compose(self) -> ComposeResult:
        yield self.toggle


@pytest.mark.parametrize(("toggle_class", "mark"), [(Checkbox, "X"), (RadioButton, "●")])
def test_the_mark_shows_only_when_on(toggle_class, mark):
    async def main() -> list[str]:
        app = OneToggle(toggle_class("演示社区", compact=True))
        shown = []
        async with app.run_test(size=(30, 3)) as pilot:
            for value in (False, True, False):
                app.toggle.value = value
                await pilot.pause()
                shown.append(app.screen._compositor.render_strips()[0].text[:3])
        return shown

    assert asyncio.run(main()) == ["▐ ▌", f"▐{mark}▌", "▐ ▌"]

"""The new-household form's building and unit fields, which know places by their number.

Typing 1 (or 一) on the building list chooses 1号楼 without opening it; a unit typed as 3, 三 or
３ becomes the building's 3单元 once the clerk leaves the field (station.places.numbers), so the
ledger never grows a unit "3" beside "3单元".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from textual import events
from textual.suggester import SuggestFromList
from textual.widgets import Input, Select

from station.places.numbers import BUILDING_SUFFIX, UNIT_SUFFIX, place_name
from station.places.records import BuildingRecord


class BuildingSelect(Select[int]):
    """A building list that a typed number chooses from: 1 → 1号楼, then 2 → 12号楼."""

    def __init__(self, *, prompt: str, id: str) -> None:  # noqa: A002 - Textual's name
        super().__init__([], prompt=prompt, id=id)
        self.ids_by_name: dict[str, int] = {}
        self._typed = ""

    def show(self, buildings: Sequence[BuildingRecord]) -> None:
        """Offer these buildings (none chosen)."""
        self.ids_by_name = {building.name: building.id for building in buildings}
        self.set_options([(building.name, building.id) for building in buildings])
        self._typed = ""

    async def _on_key(self, event: events.Key) -> None:
        # A collapsed list otherwise ignores characters; space still opens it (Select's binding).
        if not event.is_printable or event.character is None or event.character.isspace():
            return
        event.stop()
        event.prevent_default()
        self._choose(event.character)

    def _choose(self, character: str) -> None:
        """The building the digits typed so far name (1, 12; 一, 十二), else the one this one names."""
        ascii_run = _is_ascii(character) == _is_ascii(self._typed or character)
        for typed in ((self._typed + character, character) if ascii_run else (character,)):
            name = place_name(typed, self.ids_by_name, BUILDING_SUFFIX)
            if name in self.ids_by_name:
                self._typed = typed
                self.value = self.ids_by_name[name]
                return
        self._typed = ""

    def on_blur(self, _event: events.Blur) -> None:
        self._typed = ""


def _is_ascii(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).isascii()


class UnitInput(Input):
    """A unit field offering the building's units: 3 completes to 3单元 and becomes it when left."""

    def __init__(self, *, placeholder: str, id: str) -> None:  # noqa: A002 - Textual's name
        super().__init__(placeholder=placeholder, id=id)
        self.units: tuple[str, ...] = ()

    def offer(self, units: Sequence[str]) -> None:
        """The building's existing units, suggested as the clerk types."""
        self.units = tuple(units)
        self.suggester = SuggestFromList(self.units, case_sensitive=False)

    def on_blur(self, _event: events.Blur) -> None:
        named = place_name(self.value, self.units, UNIT_SUFFIX)
        if named != self.value:
            self.value = named
        self.cursor_position = len(self.value)

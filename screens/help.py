"""F1 help: what the focused place is for, and the keys that apply there."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from screens.base import StationModal
from screens.binding_texts import translated
from screens.keys import KEYS, active_by_id, bindings


class HelpScreen(StationModal[None]):
    CSS_PATH = "help.tcss"
    HELP_TOPIC: ClassVar[str] = "help"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = bindings("help.close")

    def __init__(self, under: Screen[Any]):
        super().__init__()
        self.place_text = _place_text(self, under)
        self.key_rows = _key_rows(self, under)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = self.t("help.title")
            yield Static(Text(self.place_text), id="help-place")
            yield Static(self._key_table(), id="help-keys")
            yield Static(Text(self.t("help.navigation")), id="help-general")

    def _key_table(self) -> Table:
        table = Table(box=None, expand=True, padding=(0, 1))
        table.add_column(self.t("help.key"), no_wrap=True)
        table.add_column(self.t("help.action"), no_wrap=True)
        # A Chinese sentence has no spaces to wrap at: fold it rather than cut it with "…".
        table.add_column(self.t("help.detail"), overflow="fold")
        for row in self.key_rows:
            table.add_row(*row)
        return table

    def action_close(self) -> None:
        self.dismiss(None)


def _place_text(help_screen: HelpScreen, under: Screen[Any]) -> str:
    """The screen's help, then the focused field's (help.<screen>.<widget id>) when there is one."""
    place = getattr(under, "HELP_TOPIC", "") or "general"
    lines = [help_screen.t(f"help.{place}.text")]
    focused = under.focused
    field_key = f"help.{place}.{focused.id}" if focused is not None and focused.id else ""
    if field_key and help_screen.station.catalogue.has(field_key):
        lines.append(help_screen.t(field_key))
    return "\n\n".join(lines)


def _key_rows(help_screen: HelpScreen, under: Screen[Any]) -> list[tuple[str, str, str]]:
    """(key, what it does, more) for each active binding of the station's own, once per id."""
    catalogue = help_screen.station.catalogue
    shown = [translated(binding, catalogue) for binding_id, (binding, enabled) in active_by_id(under).items()
             if binding_id in KEYS and enabled]
    return [(help_screen.app.get_key_display(binding), binding.description, binding.tooltip) for binding in shown]

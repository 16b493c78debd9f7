"""F8 in the household file: every operation in one list, with its own key; Enter picks one."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from screens.widgets.dialog_box import DIALOGS_CSS, Dialog


class OperationsMenu(Dialog[str | None]):
    """Answers the chosen action's name (e.g. "add_member"), or None on Esc."""

    CSS_PATH = [DIALOGS_CSS, str(Path(__file__).with_name("operations.tcss"))]  # type: ignore[assignment]

    def __init__(self, title: str, message: str, items: list[tuple[str, str, str]]):
        """`items`: (action, what it does, its key as shown)."""
        super().__init__(title, message, kind="menu")
        self.items = items

    def compose_body(self) -> ComposeResult:
        width = max((cell_len(label) for _action, label, _key in self.items), default=0)
        options = [Option(f"{label}{' ' * (width - cell_len(label))}   {key}", id=action)
                   for action, label, key in self.items]
        yield OptionList(*options, id="ops-list", markup=False)

    def compose_buttons(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def result_for(self, button_id: str) -> str | None:
        return None

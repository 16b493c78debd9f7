"""The base of every dialog: a bordered box with a title, a message, optional widgets and buttons."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button

from screens.base import StationModal
from screens.keys import bindings
from screens.widgets.line_breaks import WrappedText

DIALOGS_CSS = str(Path(__file__).with_name("dialogs.tcss"))

R = TypeVar("R")


class Dialog(StationModal[R]):
    """A bordered box with a title, a message, optional extra widgets and a row of buttons."""

    # Absolute: Textual resolves a relative CSS_PATH beside the subclass, and dialogs live in
    # every feature folder.
    CSS_PATH = DIALOGS_CSS
    BINDINGS = bindings("dialog.close")
    HELP_TOPIC: ClassVar[str] = "dialog"

    def __init__(self, title: str, message: str, *, kind: str = "info"):
        super().__init__(classes=f"-{kind}")
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box") as box:
            box.border_title = self.title_text
            yield WrappedText(self.message, id="dialog-message")
            yield from self.compose_body()
            with Horizontal(id="dialog-buttons"):
                yield from self.compose_buttons()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def compose_buttons(self) -> ComposeResult:
        yield Button(self.t("dialog.ok"), id="ok", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.button_pressed(event.button.id or "")

    def button_pressed(self, button_id: str) -> None:
        """What a button does: by default close with result_for(button).

        Dialogs that check before closing override this, not on_button_pressed: Textual runs the
        handler of every class in the chain, so Dialog's would close them as well.
        """
        self.dismiss(self.result_for(button_id))

    def result_for(self, button_id: str) -> R | None:
        return None

    def action_close(self) -> None:
        self.dismiss(self.result_for("cancel"))

"""One base dialog and the message, confirm and reason dialogs built on it."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from .base import StationModal
from .keys import bindings

R = TypeVar("R")


class Dialog(StationModal[R]):
    """A bordered box with a title, a message, optional extra widgets and a row of buttons."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = bindings("dialog.close")
    HELP_TOPIC: ClassVar[str] = "dialog"

    def __init__(self, title: str, message: str, *, kind: str = "info"):
        super().__init__(classes=f"-{kind}")
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box") as box:
            box.border_title = self.title_text
            yield Static(self.message, id="dialog-message")
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


class FormDialog(Dialog[R]):
    """A dialog with fields: its submit button checks them and closes only when they are fine.

    Subclasses implement submit(); any other button cancels (closes with None).
    """

    SUBMIT_BUTTON: ClassVar[str] = "ok"

    def button_pressed(self, button_id: str) -> None:
        if button_id == self.SUBMIT_BUTTON:
            self.submit()
        else:
            self.dismiss(None)

    def submit(self) -> None:
        raise NotImplementedError


class MessageDialog(Dialog[None]):
    """An error or information message; Enter or Esc closes it."""

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()


class ConfirmDialog(Dialog[bool]):
    """A yes/no question; Esc answers no."""

    def compose_buttons(self) -> ComposeResult:
        yield Button(self.t("dialog.yes"), id="yes", variant="primary")
        yield Button(self.t("dialog.no"), id="no")

    def result_for(self, button_id: str) -> bool:
        return button_id == "yes"


class ReasonDialog(FormDialog[str | None]):
    """Asks why (e.g. before revealing an ID number); None when cancelled."""

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder=self.t("dialog.reason_placeholder"), id="reason", max_length=200)
        yield Label("", id="dialog-error")

    def compose_buttons(self) -> ComposeResult:
        yield Button(self.t("dialog.ok"), id="ok", variant="primary")
        yield Button(self.t("dialog.cancel"), id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if len(reason) < 2:
            self.query_one("#dialog-error", Label).update(self.t("dialog.reason_required"))
            return
        self.dismiss(reason)

"""The form, message, confirm and reason dialogs, built on the one base dialog."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.widgets import Button, Input, Label

from screens.keys import bindings
from screens.widgets.dialog_box import Dialog
from screens.widgets.form_errors import ClearsFormErrors
from screens.widgets.unsaved import UnsavedGuard

R = TypeVar("R")


class FormDialog(ClearsFormErrors, UnsavedGuard, Dialog[R]):
    """A dialog with fields: its submit button checks them and closes only when they are fine.

    Subclasses implement submit(); any other button cancels (closes with None), asking first
    when something was typed (see screens.widgets.unsaved).
    """

    SUBMIT_BUTTON: ClassVar[str] = "ok"
    # Ctrl+S saves in every form, dialogs included (结束登记, the request steps).
    BINDINGS = bindings("form.save")

    def button_pressed(self, button_id: str) -> None:
        if button_id == self.SUBMIT_BUTTON:
            self.submit()
        else:
            self.close_form()

    def action_save(self) -> None:
        self.submit()

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

"""The recovery key, shown once: F9 prints its recovery sheet (恢复密钥单) on the default printer.

The key lives only in this dialog; the sheet is made in memory and piped to `lp` by a worker
(reports.recovery_sheets), so printing it leaves no file behind. A machine without a printer
says so in a dialog; the key stays on screen to be written down.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.widgets import Button

from screens.keys import bindings
from screens.widgets.dialog_box import Dialog
from station.actor import Actor

if TYPE_CHECKING:
    from reports.recovery_sheets import SheetDelivery


class RecoveryKeyDialog(Dialog[None]):
    """The recovery key with a way to print its sheet; Enter or Esc closes it."""

    HELP_TOPIC: ClassVar[str] = "recovery_key"
    BINDINGS = bindings("recovery_key.print")

    def __init__(self, title: str, message: str, recovery_key: str, made_by: Actor):
        super().__init__(title, message)
        self._recovery_key = recovery_key
        self._made_by = made_by  # the administrator the sheet and its audit entry name

    def compose_buttons(self) -> ComposeResult:
        yield Button(self.t("recovery_key.print"), id="print")
        yield Button(self.t("dialog.ok"), id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def button_pressed(self, button_id: str) -> None:
        if button_id == "print":
            self.action_print_sheet()
        else:
            self.dismiss(None)

    def action_print_sheet(self) -> None:
        """Send the sheet to the printer in a worker; a failure shows as a dialog over this one."""
        from reports.recovery_sheets import deliver_sheet  # reportlab loads with the first print

        self.station.notify(self.t("recovery_key.printing"), timeout=3)
        self.station.gateway.call(self, self._made_by, deliver_sheet, self._recovery_key, send=True,
                                  on_done=self._printed)

    def _printed(self, delivery: SheetDelivery) -> None:
        self.station.notify(self.t("recovery_key.printed", job=delivery.printed), timeout=12)

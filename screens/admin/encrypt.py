"""加密数据库 (administrators of a plaintext SQLite station, from the palette): what `station
encrypt` does, at the counter.

Asked first (only passwords or the recovery key open it afterwards; other accounts need a new
password; other windows of the station must be closed), then the administrator's own password;
the encryption runs on a database thread (screens.database_handle.DatabaseHandle.encrypt) and
the session goes on with the encrypted database. While it runs, the app's keys wait
(StationApp.held: no section, lock, palette or quitting halfway). What follows (the recovery key, the old
backups, the summary) is screens.admin.encrypt_after.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.widgets import Button, Input
from textual.worker import Worker, WorkerState

from screens.admin.encrypt_after import Encrypted, EncryptionFollowUp, encrypt_and_back_up
from screens.widgets.dialog_box import Dialog
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.labels import FormError
from station.errors import StationError

if TYPE_CHECKING:
    from screens.app import StationApp

WRONG_PASSWORD = "accounts.wrong_credentials"


def encrypt_station(app: StationApp) -> None:
    """Ask, then take the administrator's password and encrypt the station."""
    t = app.catalogue
    app.push_screen(ConfirmDialog(t("encrypt.confirm_title"), t("encrypt.confirm_text")),
                    callback=partial(_ask_password_if_yes, app))


def _ask_password_if_yes(app: StationApp, yes: bool | None) -> None:
    if yes:
        admin = app.actor
        app.push_screen(EncryptPasswordDialog(lambda done: EncryptionFollowUp(app, done, admin).start()))


class EncryptPasswordDialog(Dialog[None]):
    """The administrator's own password (masked); Enter encrypts. While the work runs the dialog
    stays and cannot be closed; a refusal is said in it and nothing was changed."""

    HELP_TOPIC: ClassVar[str] = "encrypt"

    def __init__(self, on_encrypted: Callable[[Encrypted], None]):
        super().__init__("", "")
        self.title_text = self.t("encrypt.password_title")
        user = self.station.user
        self.message = self.t("encrypt.password_text", username=user.username if user else "")
        self._on_encrypted = on_encrypted
        self._worker: Worker[None] | None = None
        self.working = False

    @property
    def holds_session(self) -> bool:
        """While the work runs the app's keys wait (StationApp.held): it cannot be left halfway."""
        return self.working

    def compose_body(self) -> ComposeResult:
        yield Input(id="password", password=True, max_length=128)
        yield FormError(id="dialog-error")

    def compose_buttons(self) -> ComposeResult:
        yield Button(self.t("encrypt.start"), id="ok", variant="primary")
        yield Button(self.t("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#password", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def button_pressed(self, button_id: str) -> None:
        if button_id == "ok":
            self.submit()
        else:
            self.action_close()

    def action_close(self) -> None:
        if not self.working:  # the work cannot be stopped halfway: the dialog waits for it
            self.dismiss(None)

    def submit(self) -> None:
        password = self.query_one("#password", Input).value
        if self.working:
            return
        if not password:
            self._ready(self.t("encrypt.password_missing"))
            return
        self._set_working(True)
        self.query_one(FormError).show(self.t("encrypt.working"))
        app = self.station
        self._worker = app.gateway.run(self, partial(encrypt_and_back_up, app.database, app.actor, password),
                                       on_done=self._encrypted, on_error=self._refused, name="encrypt database")

    def _encrypted(self, done: Encrypted) -> None:
        self.working = False
        while self.app.screen is not self and self in self.app.screen_stack:
            self.app.pop_screen()  # another job's message, shown meanwhile
        self.dismiss(None)
        self._on_encrypted(done)

    def _refused(self, error: StationError) -> None:
        wrong = error.code == WRONG_PASSWORD  # counted toward the lock-out, as the lock screen's
        self._ready(self.t("encrypt.wrong_password") if wrong else self.error_text(error))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # An unexpected failure was shown by the gateway, which called neither handler.
        if event.worker is self._worker and event.state == WorkerState.SUCCESS and self.working:
            self._ready("")

    def _ready(self, message: str) -> None:
        self._set_working(False)
        self.query_one(FormError).show(message)
        password = self.query_one("#password", Input)
        password.clear()
        password.focus()

    def _set_working(self, working: bool) -> None:
        self.working = working
        for widget in (self.query_one("#password", Input), *self.query(Button)):
            widget.disabled = working

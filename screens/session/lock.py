"""The idle lock: hides everything until the same user's password is typed again."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Center, Grid, Vertical
from textual.widgets import Input, Label, Static

from screens.base import StationModal
from screens.keys import bindings
from screens.widgets.labels import FormError, station_footer
from screens.widgets.line_breaks import WrappedText
from station.accounts.login import verify_same_user


class LockScreen(StationModal[bool]):
    """Dismissed with True when unlocked, False when the clerk chose to switch user."""

    CSS_PATH = "lock.tcss"
    HELP_TOPIC: ClassVar[str] = "lock"
    BINDINGS = bindings("lock.switch_user")
    checking = False

    def compose(self) -> ComposeResult:
        user = self.station.user
        with Center(), Vertical(id="lock-box") as box:
            box.border_title = self.t("lock.title")
            yield Static(self.t("lock.who", name=user.display_name if user else "",
                                username=user.username if user else ""), markup=False)
            yield WrappedText(self.t("lock.note"), id="lock-note")
            with Grid(classes="form"):
                yield Label(self.t("lock.password"))
                yield Input(id="password", password=True, max_length=128, compact=True)
            yield FormError(id="lock-error")
        yield station_footer()

    def on_mount(self) -> None:
        self.query_one("#password", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        user = self.station.user
        if user is None or not event.value or self.checking:
            return
        self.checking = True
        self.query_one(FormError).show(self.t("lock.checking"))
        self.call(verify_same_user, user.id, event.value, on_done=self._checked)

    def _checked(self, same_user: bool) -> None:
        self.checking = False
        if same_user:
            self.dismiss(True)
            return
        self.query_one(FormError).show(self.t("lock.wrong"))
        password = self.query_one("#password", Input)
        password.clear()
        password.focus()

    def action_switch_user(self) -> None:
        self.dismiss(False)

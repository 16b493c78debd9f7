"""Login: username and password, checked by station.accounts.login in a worker; refusals shown in Chinese."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Center, Grid, Vertical
from textual.widgets import Button, Input, Label, Static

from screens.base import StationScreen
from screens.widgets.labels import FormError, TopBar, station_footer
from station.accounts.records import LoginResult
from station.errors import StationError


class LoginScreen(StationScreen):
    CSS_PATH = "login.tcss"
    HELP_TOPIC: ClassVar[str] = "login"

    def __init__(self, username: str = "", *, notice: str = ""):
        super().__init__()
        self.username = username
        self.notice = notice

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Center(), Vertical(id="login-box") as box:
            box.border_title = self.t("login.title")
            yield Static(self.station.settings.station.community, id="login-community", markup=False)
            with Grid(classes="form"):
                yield Label(self.t("login.username"))
                yield Input(self.username, id="username", max_length=32, compact=True)
                yield Label(self.t("login.password"))
                yield Input(id="password", password=True, max_length=128, compact=True)
            error = FormError(id="login-error")
            error.show(self.notice)
            yield error
            yield Button(self.t("login.submit"), id="submit", variant="primary")
        yield station_footer()

    def on_mount(self) -> None:
        self.query_one("#password" if self.username else "#username", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "username":
            self.query_one("#password", Input).focus()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        if self.query_one("#submit", Button).disabled:
            return  # a check is already running
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        error = self.query_one(FormError)
        if not username or not password:
            error.show(self.t("login.missing"))
            self.query_one("#password" if username else "#username", Input).focus()
            return
        error.show(self.t("login.checking"))
        self.query_one("#submit", Button).disabled = True
        self.station.gateway.run(self, lambda: self._check(username, password), on_done=self._signed_in,
                                 on_error=self._refused, name="login")

    def _check(self, username: str, password: str) -> LoginResult:
        """An encrypted station is opened by the user's key slot first; then the login proper."""
        # Imported here, not at the top: they load SQLAlchemy, which must not delay this screen.
        from station.accounts.login import login
        from station.uow import UnitOfWork

        handle = self.station.database
        handle.unlock(username, password)
        with UnitOfWork(handle.get(), self.station.actor) as uow:
            return login(uow, username, password)

    def _signed_in(self, result: LoginResult) -> None:
        self.station.sign_in(result)

    def _refused(self, refusal: StationError) -> None:
        self.query_one(FormError).show(self.error_text(refusal))
        self.query_one("#submit", Button).disabled = False
        password = self.query_one("#password", Input)
        password.clear()
        password.focus()

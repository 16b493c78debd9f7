"""First run on an empty database: create the administrator, optionally load the demo community.

On a new SQLite station the database can be made encrypted here (checked by default): the
administrator's password then opens it, and a recovery key is shown once to be written down."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Center, Grid, Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, ProgressBar

from screens.base import StationScreen
from screens.keys import bindings
from screens.widgets.labels import FormError, TopBar, station_footer
from screens.widgets.line_breaks import WrappedText
from screens.widgets.recovery_key import RecoveryKeyDialog
from screens.widgets.toggles import Checkbox
from screens.widgets.unsaved import UnsavedGuard
from station.accounts.records import UserRecord
from station.bootstrap import create_admin
from station.demo import community as demo
from station.errors import StationError
from station.printing.recovery_sheet import actor_of

DEMO_HOUSEHOLDS = 500
DEMO_SEED = 1
FIELDS = ("username", "display_name", "password", "password_again")


@dataclass
class DemoProgress(Message):
    """Households written so far (each replaces the previous one)."""

    done: int
    total: int


class FirstRunScreen(UnsavedGuard, StationScreen):
    CSS_PATH = "first_run.tcss"
    HELP_TOPIC: ClassVar[str] = "first_run"
    BINDINGS = bindings("first_run.save")

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Center(), Vertical(id="first-run-box") as box:
            box.border_title = self.t("first_run.title")
            yield WrappedText(self.t("first_run.intro", community=self.station.settings.station.community),
                              id="first-run-intro")
            with Grid(classes="form"):
                for field in FIELDS:
                    yield Label(self.t(f"first_run.{field}"))
                    yield Input(id=field, password=field.startswith("password"), max_length=64,
                                placeholder=self.t(f"first_run.{field}_hint"), compact=True)
            if self.station.database.can_encrypt_new:
                yield Checkbox(self.t("first_run.encrypt"), True, id="encrypt")
            yield Checkbox(self.t("first_run.demo", households=DEMO_HOUSEHOLDS), id="demo")
            yield FormError(id="first-run-error")
            yield ProgressBar(total=DEMO_HOUSEHOLDS, id="demo-progress", show_eta=False)
            with Horizontal(id="first-run-buttons"):
                yield Button(self.t("first_run.create"), id="create", variant="primary")
        yield station_footer()

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == FIELDS[-1]:
            self.action_save()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        button = self.query_one("#create", Button)
        if button.disabled:
            return
        values = {field: self.query_one(f"#{field}", Input).value for field in FIELDS}
        if values["password"] != values["password_again"]:
            self.query_one("#password_again", Input).clear()
            self._refused_field("password_again", self.t("first_run.passwords_differ"))
            return
        button.disabled = True
        self.query_one(FormError).show(self.t("first_run.creating"))
        if self._encrypting():
            handle = self.station.database
            self.station.gateway.run(
                self, lambda: handle.create_encrypted(values["username"], values["display_name"], values["password"]),
                on_done=self._created_encrypted, on_error=self._refused, name="create encrypted station")
            return
        self.call(create_admin, values["username"], values["display_name"], values["password"],
                  on_done=self._created, on_error=self._refused)

    def _encrypting(self) -> bool:
        boxes = self.query("#encrypt")
        return bool(boxes) and bool(self.query_one("#encrypt", Checkbox).value)

    def _created_encrypted(self, made: tuple[UserRecord, str]) -> None:
        """Show the recovery key once (it is stored nowhere), then go on as for any station."""
        admin, recovery_key = made
        made_by = actor_of(admin.id, admin.username, admin.role, admin.community_id)  # not logged in yet
        self.app.push_screen(RecoveryKeyDialog(self.t("first_run.recovery_title"),
                                               self.t("first_run.recovery_text", recovery=recovery_key),
                                               recovery_key, made_by),
                             callback=lambda _closed: self._created(admin))

    def _refused(self, error: StationError) -> None:
        self.query_one("#create", Button).disabled = False
        self._refused_field(error.field if error.field in FIELDS else None, self.error_text(error))

    def _refused_field(self, field: str | None, message: str) -> None:
        self.query_one(FormError).show(message)
        if field is not None:
            self.query_one(f"#{field}", Input).focus()

    def _created(self, admin: UserRecord) -> None:
        if not self.query_one("#demo", Checkbox).value:
            self.station.show_login(admin.username)
            return
        self.query_one(FormError).show(self.t("first_run.loading_demo"))
        self.query_one("#demo-progress").display = True
        self.station.gateway.run(self, self._generate_demo, on_done=lambda _summary: self._demo_done(admin),
                                 on_error=lambda error: self._demo_failed(admin, error), name="demo")

    def _generate_demo(self) -> demo.DemoSummary:
        def progress(done: int, total: int) -> None:
            self.post_message(DemoProgress(done, total))  # thread-safe: Textual queues it

        return demo.generate(self.station.database.get(), households=DEMO_HOUSEHOLDS, seed=DEMO_SEED,
                             progress=progress)

    def on_demo_progress(self, message: DemoProgress) -> None:
        self.query_one("#demo-progress", ProgressBar).update(total=message.total, progress=message.done)

    def _demo_done(self, admin: UserRecord) -> None:
        self.notify(self.t("first_run.demo_done"))
        self.station.show_login(admin.username)

    def _demo_failed(self, admin: UserRecord, error: StationError) -> None:
        # The administrator exists already: go on to the login, saying why there is no demo data
        # (a notification, since a dialog would close with this screen).
        self.notify(self.error_text(error), title=self.error_title(error), severity="error", timeout=15)
        self.station.show_login(admin.username)

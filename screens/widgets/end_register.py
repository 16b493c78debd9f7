"""End a register entry (结束登记): the end date (today unless typed) and why; the service checks
the entry has not changed since the list showed it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button, Input, Static

from screens.widgets.dialog_box import DIALOGS_CSS
from screens.widgets.dialogs import FormDialog
from screens.widgets.labels import FormError
from station.dates import NoSuchDay, parse_day
from station.errors import StationError
from station.registers.entries import end_entry
from station.registers.records import RegisterEntryRecord
from station.text_rules import limit_of


class EndEntryDialog(FormDialog[RegisterEntryRecord | None]):
    """Answers the ended entry, or None when cancelled; refusals stay in the dialog."""

    # Both files: a screen loads only its own CSS_PATH, and this may be the first dialog shown.
    CSS_PATH = [DIALOGS_CSS, str(Path(__file__).with_name("end_register.tcss"))]  # type: ignore[assignment]
    HELP_TOPIC: ClassVar[str] = "register_end"

    def __init__(self, entry: RegisterEntryRecord):
        self.entry = entry
        super().__init__("", "", kind="info")
        self.title_text = self.t("register_end.title")
        category = self.named("register_category", entry.category, entry.category_name)
        self.message = self.t("register_end.message", name=entry.person_name, category=category,
                              start=entry.start_on.isoformat())
        self.saving = False

    def compose_body(self) -> ComposeResult:
        today = self.station.database.now().date()
        with Grid(id="end-fields"):
            yield Static(self.t("register_end.end_on"), classes="field-label", markup=False)
            yield Input(today.isoformat(), id="end_on", max_length=12)
            yield Static(self.t("register_end.reason"), classes="field-label", markup=False)
            yield Input(placeholder=self.t("register_end.reason_hint"), id="reason",
                        max_length=limit_of("register_entries.end_reason"))
        yield FormError(id="dialog-error")

    def compose_buttons(self) -> ComposeResult:
        yield Button(self.t("register_end.confirm"), id="ok", variant="error")
        yield Button(self.t("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "end_on":
            self.query_one("#reason", Input).focus()
        else:
            self.submit()

    def submit(self) -> None:
        if self.saving:
            return
        error = self.query_one(FormError)
        today = self.station.database.now().date()
        end_on, problem = self._end_on(today)
        if end_on is None:
            error.show(problem)
            self.query_one("#end_on", Input).focus()
            return
        error.clear()
        self.saving = True
        reason = self.query_one("#reason", Input).value
        self.call(end_entry, self.entry.id, end_on, reason, self.entry.version,
                  on_done=self._ended, on_error=self._refused)

    def _end_on(self, today: date) -> tuple[date | None, str]:
        """The end date typed, or None and what is wrong with it."""
        typed = self.query_one("#end_on", Input).value
        try:
            end_on = parse_day(typed, today)
        except NoSuchDay:
            return None, self.t("register_end.no_such_day", value=typed.strip())
        except ValueError:
            end_on = None
        return end_on, "" if end_on else self.t("register_end.bad_date", today=today.isoformat())

    def _ended(self, entry: RegisterEntryRecord) -> None:
        self.dismiss(entry)

    def _refused(self, error: StationError) -> None:
        """A bad date or missing reason, or the entry changed meanwhile (ConflictError): say so here."""
        self.saving = False
        self.query_one(FormError).show(self.error_text(error))
        if error.field in ("end_on", "reason"):
            self.query_one(f"#{error.field}", Input).focus()

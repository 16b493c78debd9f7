"""Complete a planned visit (完成计划走访): the day it was made and what was done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button, Input, Label

from screens.keys import bindings
from screens.widgets.dialogs import FormDialog
from screens.widgets.labels import FormError
from station.dates import NoSuchDay, parse_day
from station.errors import StationError
from station.text_rules import limit_of
from station.visits.log import complete_visit
from station.visits.records import VisitRecord


@dataclass(frozen=True)
class PlannedVisit:
    """A planned visit as a list shows it, with the version complete_visit expects."""

    visit_id: int
    version: int
    person_name: str
    what: str
    planned_on: date


class CompleteVisitDialog(FormDialog[VisitRecord | None]):
    """Date (today) and content; Enter moves on, Enter on the content or Ctrl+S saves."""

    SUBMIT_BUTTON = "save"

    BINDINGS = bindings("form.save", "dialog.close")
    HELP_TOPIC: ClassVar[str] = "visit_complete"

    def __init__(self, plan: PlannedVisit, today: date):
        self.plan, self.today = plan, today
        super().__init__("", "")
        self.title_text = self.t("visit_complete.title")
        self.message = self.t("visit_complete.message", name=plan.person_name or "—", what=plan.what,
                              day=str(plan.planned_on))
        self.saving = False

    def compose_body(self) -> ComposeResult:
        with Grid(classes="form"):
            yield Label(self.t("visit_complete.done_on"))
            yield Input(self.today.isoformat(), id="done_on", max_length=10, compact=True)
            yield Label(self.t("visit_complete.content"))
            yield Input(placeholder=self.t("visit_complete.content_hint"), id="content",
                        max_length=limit_of("visits.content"), compact=True)
        yield FormError(id="dialog-error")

    def compose_buttons(self) -> ComposeResult:
        yield Button(self.t("visit_complete.save"), id="save", variant="primary")
        yield Button(self.t("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#content", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "content":
            self.submit()
        else:
            self.focus_next()

    def submit(self) -> None:
        if self.saving:
            return
        error = self.query_one(FormError)
        done_on, problem = self._done_on()
        if done_on is None:
            error.show(problem)
            self.query_one("#done_on", Input).focus()
            return
        self.saving = True
        content = self.query_one("#content", Input).value
        self.call(complete_visit, self.plan.visit_id, done_on, content, None, self.plan.version,
                  on_done=self.completed, on_error=self.refused)

    def _done_on(self) -> tuple[date | None, str]:
        """The day typed, or None and what is wrong with it (as the end of a register entry)."""
        typed = self.query_one("#done_on", Input).value
        try:
            done_on = parse_day(typed, self.today)
        except NoSuchDay:
            return None, self.t("visit_complete.no_such_day", value=typed.strip())
        except ValueError:
            done_on = None
        return done_on, "" if done_on else self.t("visit_complete.bad_date", today=self.today.isoformat())

    def completed(self, visit: VisitRecord) -> None:
        self.notify(self.t("visit_complete.saved", name=self.plan.person_name or "—", day=str(visit.done_on)))
        self.dismiss(visit)

    def refused(self, refusal: StationError) -> None:
        self.saving = False
        self.query_one(FormError).show(self.error_text(refusal))
        if refusal.field in ("done_on", "content"):
            self.query_one(f"#{refusal.field}", Input).focus()

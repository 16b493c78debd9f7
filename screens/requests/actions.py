"""One step of a request's handling as one confirmed dialog: its choice (assignee, satisfaction)
and its text (note, result, feedback, reason). The dialog runs the step itself so that a refused
input (an empty result) is shown in place and the clerk can correct it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Button, Input, Select

from screens.widgets.dialogs import FormDialog
from screens.widgets.labels import FormError
from station.errors import StationError, ValidationError
from station.requests import workflow as request_workflow
from station.requests.records import RequestRecord
from station.requests.rules import MAX_DESCRIPTION, MAX_NOTE

# The result a detail screen gets: the saved request, a refusal it must show itself, or None.
ActionResult = RequestRecord | StationError | None
Choices = Sequence[tuple[str, Any]]
TEXT_LIMITS = {"close": MAX_DESCRIPTION}


def transition_call(action: str, request: RequestRecord, choice: Any,
                    text: str) -> tuple[Callable[..., RequestRecord], tuple[Any, ...]]:
    """The service and its arguments for one step, at the version the clerk looked at."""
    calls: dict[str, tuple[Callable[..., RequestRecord], tuple[Any, ...]]] = {
        "assign": (request_workflow.assign, (request.id, choice, request.version, text)),
        "start": (request_workflow.start, (request.id, request.version, text)),
        "close": (request_workflow.close, (request.id, text, request.version)),
        "rate": (request_workflow.rate, (request.id, choice or "", text, request.version)),
        "reopen": (request_workflow.reopen, (request.id, text, request.version)),
    }
    return calls[action]


class RequestActionDialog(FormDialog[ActionResult]):
    DEFAULT_CSS = """
    RequestActionDialog {
        #dialog-box { width: 72; }
        #action-choice { margin-bottom: 1; }
    }
    """

    def __init__(self, title: str, message: str, *, action: str, request: RequestRecord,
                 placeholder: str, choices: Choices = (), choice_prompt: str = ""):
        super().__init__(title, message)
        self.action, self.request = action, request
        self.placeholder, self.choices, self.choice_prompt = placeholder, choices, choice_prompt
        self.busy = False

    def compose_body(self) -> ComposeResult:
        if self.choices:
            yield Select(self.choices, prompt=self.choice_prompt, id="action-choice")
        yield Input(placeholder=self.placeholder, id="action-text",
                    max_length=TEXT_LIMITS.get(self.action, MAX_NOTE))
        yield FormError(id="action-error")

    def compose_buttons(self) -> ComposeResult:
        yield Button(self.t("request_action.confirm"), id="ok", variant="primary")
        yield Button(self.t("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        first = self.query(Select).first() if self.choices else self.query_one(Input)
        first.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        if self.busy:
            return
        choice = self.query_one(Select).value if self.choices else None
        if self.choices and choice is Select.NULL:
            choice = None
            if self.action == "assign":
                self.query_one(FormError).show(self.t("request_action.pick_worker"))
                return
        self.busy = True
        service, args = transition_call(self.action, self.request, choice,
                                        self.query_one(Input).value)
        self.call(service, *args, on_done=self.done, on_error=self.refused)

    def done(self, request: RequestRecord) -> None:
        self.dismiss(request)

    def refused(self, error: StationError) -> None:
        """A wrong input stays here to be corrected; anything else goes to the screen."""
        self.busy = False
        if isinstance(error, ValidationError) and error.field != "state":
            self.query_one(FormError).show(self.error_text(error))
            return
        self.dismiss(error)

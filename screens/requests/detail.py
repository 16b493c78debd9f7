"""One request: every field (contact phone masked), its history, and the steps its state and the
user's role allow (assign, start, close, feedback, reopen), each one confirmed dialog. F9 prints
the receipt (居民诉求受理回执)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from reports.print_jobs import print_receipt
from screens.base import StationScreen
from screens.keys import bindings
from screens.requests.actions import ActionResult, Choices, RequestActionDialog
from screens.requests.text import TIMING_STYLES, code_name, time_left
from screens.widgets.dialogs import ConfirmDialog, MessageDialog
from screens.widgets.labels import TopBar, station_footer
from screens.widgets.printing import start_print
from station.errors import ConflictError, StationError
from station.masking import mask_text
from station.permissions import allowed
from station.phone import mask_phone
from station.requests.records import RequestRecord
from station.requests.rules import SATISFACTIONS, TRANSITIONS
from station.requests.view_records import AssigneeChoice, RequestFile
from station.requests.views import assignable_workers, request_file

# Steps whose dialog asks for a choice first (the options' prompt key).
CHOICE_PROMPTS = {"assign": "request_action.assign_choice", "rate": "request_action.rate_choice"}


class RequestDetailScreen(StationScreen):
    CSS_PATH = "detail.tcss"
    HELP_TOPIC: ClassVar[str] = "request_detail"
    BINDINGS = bindings("requests.assign", "requests.start", "requests.close", "requests.rate",
                        "requests.reopen", "screen.print", "requests.back")

    def __init__(self, request_id: int, *, ask_print: bool = False):
        super().__init__()
        self.request_id = request_id
        self.ask_print = ask_print
        self.file: RequestFile | None = None

    def compose(self) -> ComposeResult:
        yield TopBar("nav.requests")
        with VerticalScroll(id="request"):
            yield Static(self.t("request_detail.loading"), id="request-head")
            yield Static("", id="request-fields")
            box = Vertical(id="events-box", classes="section")
            box.border_title = self.t("request_detail.events_title")
            with box:
                yield Static("", id="events-list")
        yield station_footer()

    def on_mount(self) -> None:
        self.query_one("#request", VerticalScroll).focus()
        self.load()

    def load(self) -> None:
        self.call(request_file, self.request_id, on_done=self.show_file)

    @property
    def request(self) -> RequestRecord | None:
        return self.file.request if self.file else None

    def show_file(self, file: RequestFile) -> None:
        self.file = file
        self.query_one("#request-head", Static).update(self._head(file.request))
        self.query_one("#request-fields", Static).update(self._fields(file))
        self.query_one("#events-list", Static).update(self._events(file))
        self.refresh_bindings()
        if self.ask_print:
            self.ask_print = False
            self._offer_print(file.request)

    # --- what the screen shows ---------------------------------------------------------------

    def _head(self, request: RequestRecord) -> Text:
        now = self.station.database.now()
        timing = f"{code_name(self.t, 'timing', request.timing)} · {time_left(self.t, request, now)}"
        if request.timing not in ("on_time", "at_risk", "overdue"):
            timing = code_name(self.t, "timing", request.timing)
        return Text.assemble(
            (self.t("request_detail.title", number=request.number), "bold"), "  ",
            (f" {code_name(self.t, 'state', request.state)} ", "reverse"), "  ",
            code_name(self.t, "urgency", request.urgency), " · ",
            self.named("request_category", request.category, request.category_name), "  ",
            (timing, TIMING_STYLES.get(request.timing, "")))

    def _fields(self, file: RequestFile) -> Table:
        request = file.request
        pairs = [
            ("received", f"{request.received_at:%Y-%m-%d %H:%M}"),
            ("channel", code_name(self.t, "channel", request.channel)),
            ("grid", request.grid_name), ("household", file.household_number),
            ("person", file.person_name), ("contact", request.contact_name),
            ("phone", mask_phone(request.contact_phone)), ("received_by", file.received_by_name),
            ("assignee", request.assignee_name), ("deadline", f"{request.deadline_at:%Y-%m-%d %H:%M}"),
            ("closed", f"{request.closed_at:%Y-%m-%d %H:%M}" if request.closed_at else ""),
            ("reopened", self.t("request_detail.reopened_times", count=request.reopen_count)
             if request.reopen_count else ""),
        ]
        table = Table.grid(padding=(0, 2), expand=True)
        for _ in range(2):
            table.add_column(style="dim", no_wrap=True)
            table.add_column(ratio=1, overflow="fold")  # Chinese has no spaces to wrap at: fold, never cut
        for index in range(0, len(pairs), 2):
            table.add_row(*self._pair(*pairs[index]), *self._pair(*pairs[index + 1]))
        for name, value in (("description", mask_text(request.description)), ("result", mask_text(request.result)),
                            ("satisfaction", self._satisfaction(request)),
                            ("feedback", mask_text(request.feedback))):
            if value or name == "description":
                table.add_row(*self._pair(name, value))
        return table

    def _pair(self, name: str, value: str) -> tuple[str, Text]:
        return self.t(f"request_detail.field_{name}"), Text(value or self.t("request_detail.nobody"))

    def _satisfaction(self, request: RequestRecord) -> str:
        return code_name(self.t, "satisfaction", request.satisfaction) if request.satisfaction else ""

    def _events(self, file: RequestFile) -> Table:
        table = Table(box=None, expand=True, padding=(0, 1))
        for column in ("at", "step", "user", "note"):
            table.add_column(self.t(f"request_detail.col_{column}"), ratio=1 if column == "note" else None,
                             overflow="fold")
        for event in file.detail.events:
            step = code_name(self.t, "state", event.to_state)
            if event.from_state:
                step = f"{code_name(self.t, 'state', event.from_state)} → {step}"
            table.add_row(f"{event.at:%Y-%m-%d %H:%M}", step, event.user_name or "—", Text(mask_text(event.note)))
        return table

    # --- steps -------------------------------------------------------------------------------

    def may(self, step: str) -> bool:
        """True when the request's state allows the step and the user's role grants it."""
        request = self.request
        permission, from_states, _to = TRANSITIONS[step]
        return (request is not None and request.state in from_states
                and allowed(self.station.actor, permission))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "transition":
            return self.may(str(parameters[0]))  # False hides the key: only the steps that apply show
        if action == "print":
            return self.request is not None and allowed(self.station.actor, "reports.print")
        return True

    def action_transition(self, step: str) -> None:
        if not self.may(step):
            return
        if step == "assign" and self.request is not None:
            self.call(assignable_workers, self.request.id, on_done=self._choose_assignee)
        elif step == "rate":
            self._open_step(step, [(code_name(self.t, "satisfaction", code), code) for code in SATISFACTIONS])
        else:
            self._open_step(step)

    def _choose_assignee(self, workers: list[AssigneeChoice]) -> None:
        if not workers:
            self.notify(self.t("request_action.no_workers"), severity="warning")
            return
        self._open_step("assign", [(f"{worker.display_name}({self.t(f'roles.{worker.role}')})", worker.id)
                                   for worker in workers])

    def _open_step(self, step: str, choices: Choices = ()) -> None:
        request = self.request
        assert request is not None
        dialog = RequestActionDialog(
            self.t(f"request_action.{step}_title", number=request.number),
            self.t(f"request_action.{step}_prompt"), action=step, request=request,
            placeholder=self.t(f"request_action.{step}_placeholder"), choices=choices,
            choice_prompt=self.t(CHOICE_PROMPTS[step]) if step in CHOICE_PROMPTS else "")
        self.app.push_screen(dialog, callback=lambda result: self._stepped(step, result))

    def _stepped(self, step: str, result: ActionResult) -> None:
        if isinstance(result, RequestRecord):
            self.notify(self.t(f"request_action.done_{step}", number=result.number, name=result.assignee_name))
        elif isinstance(result, ConflictError):
            conflict = self.t("request_detail.conflict", message=self.error_text(result))
            self.app.push_screen(MessageDialog(self.error_title(result), conflict, kind="error"))
        elif isinstance(result, StationError):
            self.station.show_error(result)
        if result is not None:
            self.load()

    # --- printing and leaving ----------------------------------------------------------------

    def _offer_print(self, request: RequestRecord) -> None:
        if not allowed(self.station.actor, "reports.print"):
            return
        question = ConfirmDialog(self.t("request_detail.ask_print_title"),
                                 self.t("request_detail.ask_print", number=request.number))
        self.app.push_screen(question, callback=lambda yes: self.action_print() if yes else None)

    def action_print(self) -> None:
        if self.request is not None:
            start_print(self, print_receipt, self.request.number)

    def action_back(self) -> None:
        self.dismiss()

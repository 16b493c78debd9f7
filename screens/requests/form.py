"""Receive a resident's request (受理居民诉求): category, urgency, channel, grid, what is asked,
and who asks (a linked resident, or a contact name and phone). Ctrl+S saves; the request opens
with the offer to print its receipt.

A no-argument screen: the list's Ctrl+N and the command palette both open it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from screens.base import StationScreen
from screens.keys import bindings
from screens.requests.text import code_name
from screens.widgets.form_errors import ClearsFormErrors
from screens.widgets.labels import FormError, TopBar, station_footer
from screens.widgets.phone_input import PhoneInput
from screens.widgets.unsaved import UnsavedGuard, count_as_opened
from station.errors import StationError
from station.places.directory import list_grids
from station.places.records import GridRecord
from station.requests.records import RequestRecord
from station.requests.rules import CHANNELS, MAX_DESCRIPTION, URGENCIES
from station.requests.workflow import receive
from station.search.records import SearchHit
from station.text_rules import limit_of

SELECTS = ("category", "urgency", "channel", "grid")
INPUTS = {"description": MAX_DESCRIPTION, "contact_name": limit_of("requests.contact_name"),
          "contact_phone": limit_of("requests.contact_phone")}
# The service names fields after its arguments; the form's widgets after what they show.
FIELD_WIDGETS = {"grid_id": "grid", "household_id": "grid", "person_id": "grid"}


class ReceiveRequestScreen(ClearsFormErrors, UnsavedGuard, StationScreen):
    CSS_PATH = "form.tcss"
    HELP_TOPIC: ClassVar[str] = "request_form"
    BINDINGS = bindings("form.save", "requests.pick_person", "requests.unlink_person", "form.back")

    def __init__(self) -> None:
        super().__init__()
        self.resident: SearchHit | None = None
        self.grid_ids: list[int] = []
        self.saving = False

    def compose(self) -> ComposeResult:
        yield TopBar("nav.requests")
        with VerticalScroll(id="request-form") as form:
            form.border_title = self.t("request_form.title")
            with Horizontal(id="choice-row"):
                for name, select in self._selects():
                    yield _labelled(self.t(f"request_form.{name}"), select)
            yield _labelled(self.t("request_form.description"),
                            Input(id="description", max_length=INPUTS["description"]))
            yield Static(self.t("request_form.no_resident"), id="resident", markup=False)
            with Horizontal(id="contact-row"):
                for field in ("contact_name", "contact_phone"):
                    kind = PhoneInput if field == "contact_phone" else Input
                    yield _labelled(self.t(f"request_form.{field}"), kind(id=field, max_length=INPUTS[field]))
            yield FormError(id="form-error")
            yield Static(self.t("request_form.keys_note"), id="keys-note")
        yield station_footer()

    def _selects(self) -> Iterator[tuple[str, Select[Any]]]:
        t = self.t
        categories = [(self.named("request_category", code, name), code)
                      for code, name in self.station.settings.requests.categories.items()]
        yield "category", Select(categories, prompt=t("request_form.choose"), id="category")
        yield "urgency", Select([(code_name(t, "urgency", code), code) for code in URGENCIES],
                                value="normal", allow_blank=False, id="urgency")
        channel = "grid_report" if self.station.actor.grid_ids is not None else "window"
        yield "channel", Select([(code_name(t, "channel", code), code) for code in CHANNELS], value=channel,
                                allow_blank=False, id="channel")
        yield "grid", Select[int]([], prompt=t("request_form.no_grid"), id="grid")

    def on_mount(self) -> None:
        self.query_one("#category", Select).focus()
        self.call(list_grids, on_done=self.show_grids)

    def show_grids(self, grids: list[GridRecord]) -> None:
        grid_select = self.query_one("#grid", Select)
        grid_select.set_options([(grid.name, grid.id) for grid in grids])
        self.grid_ids = [grid.id for grid in grids]
        # A grid worker's request must land in one of their grids: start with the first.
        if grids and self.station.actor.grid_ids is not None:
            grid_select.value = grids[0].id
        count_as_opened(grid_select)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    # --- the resident ------------------------------------------------------------------------

    def action_pick_person(self) -> None:
        from screens.widgets.person_picker import PickPersonDialog

        self.app.push_screen(PickPersonDialog(self.t("request_form.pick_title")), callback=self.link)

    def link(self, hit: SearchHit | None) -> None:
        if hit is None:
            return
        self.resident = hit
        if hit.grid_id in self.grid_ids:
            self.query_one("#grid", Select).value = hit.grid_id
        contact = self.query_one("#contact_name", Input)
        contact.value = contact.value or hit.name
        self._show_resident()
        self.refresh_bindings()

    def action_unlink_person(self) -> None:
        self.resident = None
        self._show_resident()
        self.refresh_bindings()

    def _show_resident(self) -> None:
        hit = self.resident
        text = self.t("request_form.no_resident") if hit is None else self.t(
            "request_form.linked", name=hit.name, household=hit.household_number or "—",
            grid=hit.grid_name or "—")
        self.query_one("#resident", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "unlink_person":
            return self.resident is not None  # False hides the key
        return True

    # --- saving ------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What receive() is given: codes, texts and ids ('' or None where nothing was chosen)."""
        chosen = {name: self.query_one(f"#{name}", Select).value for name in SELECTS}
        chosen = {name: None if value is Select.NULL else value for name, value in chosen.items()}
        values: dict[str, Any] = {name: self.query_one(f"#{name}", Input).value for name in INPUTS}
        values.update(channel=chosen["channel"] or "", category=chosen["category"] or "",
                      urgency=chosen["urgency"] or "", grid_id=chosen["grid"])
        hit = self.resident
        values.update(household_id=hit.household_id if hit else None, person_id=hit.person_id if hit else None)
        return values

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.query_one(FormError).clear()
        self.call(receive, **self.values(), on_done=self.saved, on_error=self.refused)

    def saved(self, request: RequestRecord) -> None:
        from screens.requests.detail import RequestDetailScreen

        self.notify(self.t("request_form.saved", number=request.number,
                           deadline=f"{request.deadline_at:%Y-%m-%d %H:%M}"))
        self.dismiss()
        self.app.push_screen(RequestDetailScreen(request.id, ask_print=True))

    def refused(self, error: StationError) -> None:
        self.saving = False
        self.query_one(FormError).show(self.error_text(error))
        widget_id = FIELD_WIDGETS.get(error.field or "", error.field)
        if widget_id in (*SELECTS, *INPUTS):
            self.query_one(f"#{widget_id}").focus()


def _labelled(label: str, field: Widget) -> Vertical:
    """A field with its name above it (a placeholder would vanish once something is typed)."""
    return Vertical(Static(label, classes="label", markup=False), field, classes="field")

"""Register a new household (登记新户): where it lives, its kind and phone, and its members; Ctrl+S saves.

Keys: the form opens where this user registered last (grid, building and unit, read from the
database) with the room focused; with nothing to go on it focuses the building list, where typing
the building's number chooses it. Tab moves along the fields, Enter from a place field goes to the
first member and from a member to the next (adding a row after the last). 户籍户, the population
type the kind implies and the head's phone as the household's need no keys.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Select, Static

from screens.base import StationScreen
from screens.keys import bindings
from screens.ledger.member_rows import FIELDS, MemberHeader, MemberRow
from screens.ledger.place_fields import BuildingSelect, UnitInput
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.form_errors import ClearsFormErrors
from screens.widgets.labels import FormError, TopBar, station_footer
from screens.widgets.phone_input import PhoneInput
from screens.widgets.unsaved import UnsavedGuard, count_as_opened
from station.codes import HOUSEHOLD_KINDS, KIND_POPULATION, POPULATION_SHORT
from station.errors import DuplicateError, StationError
from station.ledger.households import register_household
from station.ledger.queries import get_person
from station.ledger.records import HouseholdDraft, RegisterStart, SaveResult
from station.ledger.registering import register_start
from station.places.directory import list_buildings, list_units
from station.places.records import BuildingRecord
from station.residents.records import PersonRecord

PLACE_FIELDS = ("unit", "room", "address")
HOUSEHOLD_FIELDS = ("household_phone",)  # error.field of the household's own inputs


class RegisterHouseholdScreen(ClearsFormErrors, UnsavedGuard, StationScreen):
    CSS_PATH = "new_household.tcss"
    HELP_TOPIC: ClassVar[str] = "household_form"
    BINDINGS = bindings("form.save", "form.next_member", "form.back")

    def __init__(self) -> None:
        super().__init__()
        self.kind = "registered"
        self.start_unit = ""  # the unit the form opened with, dropped when the building changes
        self.shown_grid: int | None = None  # whose buildings the building list holds
        self.shown_building: int | None = None  # whose units the unit field offers

    def compose(self) -> ComposeResult:
        yield TopBar("nav.ledger")
        with VerticalScroll(id="household-form") as form:
            form.border_title = self.t("household_form.title")
            with Horizontal(id="place-row"):
                yield Select[int]([], prompt=self.t("household_form.grid"), id="grid")
                yield BuildingSelect(prompt=self.t("household_form.no_building"), id="building")
                yield UnitInput(placeholder=self.t("household_form.unit"), id="unit")
                yield Input(placeholder=self.t("household_form.room"), id="room")
            with Horizontal(id="address-row"):
                yield Input(placeholder=self.t("household_form.address"), id="address")
                kinds = [(self.t(f"household_form.kind.{kind}"), kind) for kind in HOUSEHOLD_KINDS]
                yield Select[str](kinds, value=self.kind, allow_blank=False, id="kind")
                yield PhoneInput(placeholder=self.t("household_form.household_phone"), id="household_phone")
            yield Static(self.t("household_form.members"), id="members-label")
            yield MemberHeader()
            with Vertical(id="members"):
                yield MemberRow(1, self.population_text())
            yield FormError(id="form-error")
            yield Static(self.t("household_form.keys_note"), id="keys-note")
        yield station_footer()

    def on_mount(self) -> None:
        self.query_one("#room", Input).focus()
        self.call(register_start, on_done=self.show_start)

    def population_text(self) -> str:
        """What a member's population type holds by default: the one the household's kind implies
        (in the ledger's words, as 户主 and 汉族 are)."""
        code = KIND_POPULATION[self.kind]
        return self.named("population_short", code, POPULATION_SHORT[code])

    # --- grid, building and unit -------------------------------------------------------------

    def show_start(self, start: RegisterStart) -> None:
        if not start.grids:
            self.query_one(FormError).show(self.t("household_form.no_grid"))
            return
        grid_select = self.query_one("#grid", Select)
        with grid_select.prevent(Select.Changed):
            grid_select.set_options([(grid.name, grid.id) for grid in start.grids])
            grid_select.value = start.grid_id if start.grid_id is not None else Select.NULL
        self.shown_grid = start.grid_id
        self.show_buildings(start.buildings, chosen=start.building_id)
        self.show_units(start.units)
        unit = self.query_one("#unit", UnitInput)
        unit.value = self.start_unit = start.unit
        count_as_opened(grid_select, unit, self.query_one("#kind", Select))
        room = self.query_one("#room", Input)
        # Nothing to go on: the building is the first thing to choose (unless typing has begun).
        if start.building_id is None and start.buildings and self.focused is room and not room.value:
            self.query_one("#building", BuildingSelect).focus()

    def show_buildings(self, buildings: tuple[BuildingRecord, ...] | list[BuildingRecord],
                       chosen: int | None = None) -> None:
        building_select = self.query_one("#building", BuildingSelect)
        with building_select.prevent(Select.Changed):
            building_select.show(buildings)
            if chosen is not None:
                building_select.value = chosen
        self.shown_building = chosen
        count_as_opened(building_select)

    def show_units(self, units: tuple[str, ...] | list[str]) -> None:
        self.query_one("#unit", UnitInput).offer(units)

    def on_select_changed(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, int | str) else None
        if event.select.id == "grid" and value != self.shown_grid:
            self.shown_grid = value if isinstance(value, int) else None
            self.show_buildings([])
            self.building_chosen(None)
            if isinstance(value, int):
                self.call(list_buildings, value, on_done=self.show_buildings)
        elif event.select.id == "building" and value != self.shown_building:
            self.building_chosen(value if isinstance(value, int) else None)
        elif event.select.id == "kind" and isinstance(value, str) and value != self.kind:
            self.kind_chosen(value)

    def building_chosen(self, building_id: int | None) -> None:
        self.shown_building = building_id
        unit = self.query_one("#unit", UnitInput)
        if unit.value == self.start_unit:  # the last household's unit is not this building's
            unit.value = self.start_unit = ""
        self.show_units([])
        if building_id is not None:
            self.call(list_units, building_id, on_done=self.show_units)

    def kind_chosen(self, kind: str) -> None:
        old = self.population_text()
        self.kind = kind
        for row in self.rows():
            row.follow_kind(old, self.population_text())

    # --- moving between members --------------------------------------------------------------

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id in (*PLACE_FIELDS, *HOUSEHOLD_FIELDS):
            self.rows()[0].field("name").focus()
        else:
            await self.action_next_member()

    def rows(self) -> list[MemberRow]:
        return list(self.query(MemberRow))

    async def action_next_member(self) -> None:
        rows = self.rows()
        current = next((row for row in rows if any(self.focused is field for field in row.query(Input))),
                       rows[-1])
        index = rows.index(current)
        if index + 1 < len(rows):
            rows[index + 1].field("name").focus()
            return
        row = MemberRow(len(rows) + 1, self.population_text())
        await self.query_one("#members", Vertical).mount(row)
        count_as_opened(row)  # its defaults (汉族, 户籍) are the form's; the Enter that added it typed nothing
        row.field("name").focus()

    # --- saving ------------------------------------------------------------------------------

    def draft(self) -> HouseholdDraft:
        grid = self.query_one("#grid", Select).value
        building = self.query_one("#building", Select).value
        values: dict[str, Any] = {field: self.query_one(f"#{field}", Input).value.strip()
                                  for field in PLACE_FIELDS}
        members = tuple(row.draft() for row in self.rows() if not row.is_blank())
        return HouseholdDraft(grid_id=grid if isinstance(grid, int) else 0, members=members,
                              building_id=building if isinstance(building, int) else None,
                              kind=self.kind, phone=self.query_one("#household_phone", Input).value.strip(),
                              **values)

    def action_save(self) -> None:
        self.query_one(FormError).clear()
        draft = self.draft()
        self.call(register_household, draft, on_done=self.saved, on_error=self.refused)

    def saved(self, result: SaveResult) -> None:
        household = result.household
        self.notify(self.t("household_form.saved", number=household.number, count=len(household.members)))
        for warning in result.warnings:
            self.notify(warning.render(self.station.catalogue.language), severity="warning")
        self.dismiss()
        self.app.push_screen(_household_screen(household.id))

    def refused(self, error: StationError) -> None:
        self.query_one(FormError).show(self.error_text(error), about=self._focus_field(error))
        if isinstance(error, DuplicateError) and error.existing_id is not None:
            offer = self.t("household_form.duplicate_open", message=self.error_text(error))
            question = ConfirmDialog(self.error_title(error), offer)
            existing = error.existing_id
            self.app.push_screen(question, callback=lambda yes: self._open_existing(existing) if yes else None)

    def _focus_field(self, error: StationError) -> Input | None:
        """Put the cursor where the error points: the named field of the named member (returned)."""
        rows = self.rows()
        field: Input | None = None
        if error.field in FIELDS:
            number = error.index or 1
            non_empty = [row for row in rows if not row.is_blank()]
            if 0 < number <= len(non_empty):
                field = non_empty[number - 1].field(error.field)
        elif error.field in (*PLACE_FIELDS, *HOUSEHOLD_FIELDS):
            field = self.query_one(f"#{error.field}", Input)
        if field is not None:
            field.focus()
        return field

    def _open_existing(self, person_id: int) -> None:
        self.call(get_person, person_id, on_done=self._show_existing)

    def _show_existing(self, person: PersonRecord) -> None:
        if person.household_id is not None:
            self.app.push_screen(_household_screen(person.household_id))


def _household_screen(household_id: int):
    from screens.ledger.household import HouseholdScreen

    return HouseholdScreen(household_id)

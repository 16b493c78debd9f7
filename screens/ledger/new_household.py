"""Register a new household (登记新户): where it lives and its members; Ctrl+S saves.

Keys: the room field has the focus; Tab moves along a member's fields, Enter goes to the next
member (adding a row after the last). Grid and building default to the last ones this user saved.
"""

from __future__ import annotations

import weakref
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Select, Static

from screens.base import StationScreen
from screens.keys import bindings
from screens.ledger.member_rows import FIELDS, MemberHeader, MemberRow
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.form_errors import ClearsFormErrors
from screens.widgets.labels import FormError, TopBar, station_footer
from screens.widgets.unsaved import UnsavedGuard, count_as_opened
from station.errors import DuplicateError, StationError
from station.ledger.households import register_household
from station.ledger.queries import get_person
from station.ledger.records import HouseholdDraft, SaveResult
from station.places.directory import list_buildings, list_grids
from station.places.records import BuildingRecord, GridRecord
from station.residents.records import PersonRecord

PLACE_FIELDS = ("unit", "room", "address")
# The grid and building each user saved last, while the app runs.
_last_place: weakref.WeakKeyDictionary[Any, dict[int | None, tuple[int, int | None]]] = \
    weakref.WeakKeyDictionary()


class RegisterHouseholdScreen(ClearsFormErrors, UnsavedGuard, StationScreen):
    CSS_PATH = "new_household.tcss"
    HELP_TOPIC: ClassVar[str] = "household_form"
    BINDINGS = bindings("form.save", "form.next_member", "form.back")

    def compose(self) -> ComposeResult:
        yield TopBar("nav.ledger")
        with VerticalScroll(id="household-form") as form:
            form.border_title = self.t("household_form.title")
            with Horizontal(id="place-row"):
                yield Select[int]([], prompt=self.t("household_form.grid"), id="grid")
                yield Select[int]([], prompt=self.t("household_form.no_building"), id="building")
            with Horizontal(id="address-row"):
                for field in PLACE_FIELDS:
                    yield Input(placeholder=self.t(f"household_form.{field}"), id=field)
            yield Static(self.t("household_form.members"), id="members-label")
            yield MemberHeader()
            with Vertical(id="members"):
                yield MemberRow(1)
            yield FormError(id="form-error")
            yield Static(self.t("household_form.keys_note"), id="keys-note")
        yield station_footer()

    def on_mount(self) -> None:
        self.query_one("#room", Input).focus()
        self.call(list_grids, on_done=self.show_grids)

    # --- grid and building -------------------------------------------------------------------

    def _last(self) -> tuple[int, int | None] | None:
        return _last_place.get(self.app, {}).get(self.station.actor.user_id)

    def show_grids(self, grids: list[GridRecord]) -> None:
        if not grids:
            self.query_one(FormError).show(self.t("household_form.no_grid"))
            return
        grid_select = self.query_one("#grid", Select)
        grid_select.set_options([(grid.name, grid.id) for grid in grids])
        last = self._last()
        ids = [grid.id for grid in grids]
        grid_select.value = last[0] if last and last[0] in ids else ids[0]
        count_as_opened(grid_select)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "grid" and isinstance(event.value, int):
            self.call(list_buildings, event.value, on_done=self.show_buildings)

    def show_buildings(self, buildings: list[BuildingRecord]) -> None:
        building_select = self.query_one("#building", Select)
        building_select.set_options([(building.name, building.id) for building in buildings])
        last = self._last()
        if last and last[1] in {building.id for building in buildings}:
            building_select.value = last[1]
        count_as_opened(building_select)

    # --- moving between members --------------------------------------------------------------

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id in PLACE_FIELDS:
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
        row = MemberRow(len(rows) + 1)
        await self.query_one("#members", Vertical).mount(row)
        count_as_opened(row)  # its 汉族 is a default; the Enter that added it typed nothing
        row.field("name").focus()

    # --- saving ------------------------------------------------------------------------------

    def draft(self) -> HouseholdDraft:
        grid = self.query_one("#grid", Select).value
        building = self.query_one("#building", Select).value
        values: dict[str, Any] = {field: self.query_one(f"#{field}", Input).value.strip()
                                  for field in PLACE_FIELDS}
        members = tuple(row.draft() for row in self.rows() if not row.is_blank())
        return HouseholdDraft(grid_id=grid if isinstance(grid, int) else 0, members=members,
                              building_id=building if isinstance(building, int) else None, **values)

    def action_save(self) -> None:
        self.query_one(FormError).clear()
        draft = self.draft()
        self.call(register_household, draft, on_done=self.saved, on_error=self.refused)

    def saved(self, result: SaveResult) -> None:
        household = result.household
        _last_place.setdefault(self.app, {})[self.station.actor.user_id] = \
            (household.grid_id, household.building_id)
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
        elif error.field in PLACE_FIELDS:
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

"""Where a household lives (edit it, or the new address of a split) and the whole household moving out."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Input, Label, Select

from screens.base import Localized
from screens.ledger.op_dialog import Operation, OperationDialog, field_input, form_grid, joined
from screens.widgets.unsaved import count_as_opened
from station.codes import HOUSEHOLD_KINDS
from station.errors import ValidationError
from station.ledger.households import Location, check_move_out, move_out, update_household
from station.ledger.records import HouseholdRecord
from station.phone import mask_phone, parse_phone
from station.places.directory import list_buildings, list_grids
from station.places.records import BuildingRecord, GridRecord
from station.text_rules import limit_of

PLACE_INPUTS = ("unit", "room", "address")
# Reasons are ledger data, kept in Chinese whatever the screen's language.
MOVED_OUT = "迁出"
GOING_TO = "迁往"


class PlaceFields(Localized, Grid):
    """Grid, building, unit, room and address; the grids are those the user may register in."""

    def __init__(self, start: HouseholdRecord, *, keep_text: bool = True):
        super().__init__(id="place", classes="op-form")
        self.start = start
        self.keep_text = keep_text  # a split starts in the same grid and building, but a new room
        self.buildings: dict[int, str] = {}
        self.grids: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        t, start = self.t, self.start
        yield Label(t("household_form.grid"), classes="op-label")
        yield Select[int]([], prompt=t("household_form.grid"), id="grid", compact=True)
        yield Label(t("household_form.building"), classes="op-label")
        yield Select[int]([], prompt=t("household_form.no_building"), id="building", compact=True)
        for name in PLACE_INPUTS:
            yield Label(t(f"household_form.{name}"), classes="op-label")
            yield field_input(name, getattr(start, name) if self.keep_text else "")

    def on_mount(self) -> None:
        self.call(list_grids, on_done=self.show_grids)

    def show_grids(self, grids: list[GridRecord]) -> None:
        self.grids = {grid.id: grid.name for grid in grids}
        select = self.query_one("#grid", Select)
        select.set_options([(grid.name, grid.id) for grid in grids])
        chosen = self.start.grid_id if self.start.grid_id in self.grids else None
        if chosen is None and grids:
            chosen = grids[0].id
        if chosen is not None:
            select.value = chosen
        count_as_opened(select)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "grid" and isinstance(event.value, int):
            self.call(list_buildings, event.value, on_done=self.show_buildings)

    def show_buildings(self, buildings: list[BuildingRecord]) -> None:
        self.buildings = {building.id: building.name for building in buildings}
        select = self.query_one("#building", Select)
        select.set_options([(building.name, building.id) for building in buildings])
        if self.start.building_id in self.buildings:
            select.value = self.start.building_id
        count_as_opened(select)

    def location(self) -> Location:
        grid, building = self.query_one("#grid", Select).value, self.query_one("#building", Select).value
        if not isinstance(grid, int):
            raise ValidationError("household_ops.grid_missing", field="grid_id")
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name in PLACE_INPUTS}
        return Location(grid, building if isinstance(building, int) else None, **values)

    def describe(self, location: Location) -> str:
        """The place as the confirmation shows it: grid, building, unit, room, address."""
        building = self.buildings.get(location.building_id or 0, "")
        return joined((self.grids.get(location.grid_id, ""), building, location.unit, location.room,
                       location.address), " ")


class EditHouseholdDialog(OperationDialog):
    def __init__(self, household: HouseholdRecord):
        super().__init__()
        self.household = household
        self.heading(self.t("household_ops.edit_title"),
                     self.t("household_ops.edit_message", number=household.number))

    def compose_form(self) -> ComposeResult:
        household = self.household
        yield PlaceFields(household)
        kinds = [(self.t(f"household.kind_{kind}"), kind) for kind in HOUSEHOLD_KINDS]
        yield form_grid(
            (self.t("household_ops.kind"),
             Select[str](kinds, value=household.kind, allow_blank=False, id="kind", compact=True)),
            # Like a member's: the number on file is never put on screen; empty keeps it.
            (self.t("household_form.phone"), field_input("phone", placeholder=mask_phone(household.phone) or "—")),
            (self.t("household_ops.notes"), field_input("notes", household.notes)),
        )

    def operation(self) -> Operation:
        place = self.query_one(PlaceFields)
        location = place.location()
        kind = str(self.query_one("#kind", Select).value)
        phone, notes = self.text("phone"), self.text("notes")
        household = self.household
        changes: dict[str, object] = {}
        lines: list[str] = []
        if location != _location_of(household):
            changes["location"] = location
            lines.append(self._changed("household_ops.place", _place_of(household), place.describe(location)))
        if kind != household.kind:
            changes["kind"] = kind
            lines.append(self._changed("household_ops.kind", self.t(f"household.kind_{household.kind}"),
                                       self.t(f"household.kind_{kind}")))
        if phone and parse_phone(phone) != household.phone:  # empty keeps the number on file
            changes["phone"] = phone
            lines.append(self._changed("household_form.phone", mask_phone(household.phone), mask_phone(phone)))
        if notes != household.notes:
            changes["notes"] = notes
            lines.append(self._changed("household_ops.notes", household.notes, notes))
        if not lines:
            raise ValidationError("household_ops.nothing_changed")
        summary = self.t("household_ops.edit_summary", number=household.number, changes="\n".join(lines))
        return Operation(summary, update_household, (household.id, household.version), changes,
                         notice=self.t("household_ops.edit_done", number=household.number))

    def _changed(self, label: str, old: str, new: str) -> str:
        return f"{self.t(label)}:{old or '—'} → {new or '—'}"


def _location_of(household: HouseholdRecord) -> Location:
    return Location(household.grid_id, household.building_id, household.unit, household.room, household.address)


def _place_of(household: HouseholdRecord) -> str:
    return joined((household.grid_name, household.building_name, household.unit, household.room,
                   household.address), " ")


class MoveOutDialog(OperationDialog):
    def __init__(self, household: HouseholdRecord):
        super().__init__()
        self.household = household
        self.heading(self.t("household_ops.move_out_title"),
                     self.t("household_ops.move_out_message", number=household.number,
                              count=len(household.members)))

    def compose_form(self) -> ComposeResult:
        yield form_grid((self.t("household_ops.destination"),
                         field_input("reason", placeholder=self.t("household_ops.destination_hint"),
                                     max_length=limit_of("memberships.left_reason") - len(GOING_TO))),
                        (self.t("household_ops.on"), field_input("on", self.today_text())))

    def operation(self) -> Operation:
        destination, on = self.text("reason"), self.day("on")
        reason = f"{GOING_TO}{destination}" if destination else MOVED_OUT
        household = self.household
        summary = self.t("household_ops.move_out_summary", number=household.number,
                         names=joined(member.name for member in household.members), reason=reason, on=on)
        return Operation(summary, move_out, (household.id, household.version), {"on": on, "reason": reason},
                         notice=self.t("household_ops.move_out_done", number=household.number), check=check_move_out)

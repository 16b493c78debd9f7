"""Split members off into a new household, or merge two households (station.ledger.households)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Input, Label, RadioSet, Select

from screens.ledger.household_edit import PlaceFields
from screens.ledger.member_moves import RelationFields, relation_list
from screens.ledger.op_dialog import Operation, OperationDialog, field_input, form_grid
from screens.widgets.toggles import Checkbox, RadioButton
from station.codes import HEAD, relations
from station.errors import ValidationError
from station.ledger.households import (
    check_merge_households,
    check_split_household,
    merge_households,
    split_household,
)
from station.ledger.records import HouseholdRecord, SaveResult

HEAD_NAME = "户主"


class SplitDialog(OperationDialog):
    """Tick who leaves, name their new head and their relations, and where the new household lives."""

    def __init__(self, household: HouseholdRecord):
        super().__init__()
        self.household = household
        self.movable = [member for member in household.members if member.relation != HEAD]
        self.heading(self.t("household_ops.split_title"),
                     self.t("household_ops.split_message", number=household.number))

    def compose_form(self) -> ComposeResult:
        names = relations()
        rows: list[Checkbox | Input] = []
        for member in self.movable:
            rows.append(Checkbox(f"{member.name}({names.get(member.relation, '')})", id=f"leave-{member.id}",
                                 compact=True))
            rows.append(field_input(f"rel-{member.id}", placeholder=self.t("household_ops.split_relation_hint")))
        yield Grid(*rows, id="leaving", classes="op-form")
        options = [(member.name, member.id) for member in self.movable]
        yield form_grid((self.t("household_ops.new_head"),
                         Select[int](options, prompt=self.t("household_ops.choose"), id="new_head", compact=True)))
        yield Label(self.t("household_ops.new_place"), classes="op-section")
        yield PlaceFields(self.household, keep_text=False)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "new_head" and isinstance(event.value, int):
            self.query_one(f"#leave-{event.value}", Checkbox).value = True
            self.query_one(f"#rel-{event.value}", Input).value = HEAD_NAME

    def leaving(self) -> dict[int, str]:
        """Person id → relation in the new household; the chosen head is 户主."""
        new_head = self.query_one("#new_head", Select).value
        chosen = {member.id: member for member in self.movable
                  if self.query_one(f"#leave-{member.id}", Checkbox).value}
        if not chosen:
            raise ValidationError("household_ops.split_nobody_chosen")
        if not isinstance(new_head, int) or new_head not in chosen:
            raise ValidationError("household_ops.new_head_missing")
        typed = {new_head: HEAD_NAME}
        for person_id, member in chosen.items():
            if person_id != new_head:
                typed[person_id] = self.text(f"rel-{person_id}")
                if not typed[person_id]:
                    raise ValidationError("household_ops.relation_missing", name=member.name)
        return typed

    def operation(self) -> Operation:
        typed = self.leaving()
        place = self.query_one(PlaceFields)
        location = place.location()
        household = self.household
        summary = self.t("household_ops.split_summary", number=household.number,
                         names=relation_list(self.movable, typed), place=place.describe(location) or "—")
        return Operation(summary, split_household, (household.id, household.version),
                         {"relations": typed, "location": location}, check=check_split_household)

    def notice_for(self, result: object) -> str:
        assert isinstance(result, SaveResult)
        return self.t("household_ops.split_done", number=result.household.number)


class MergeDialog(OperationDialog):
    """Which household stays; everyone of the other joins it with a relation to its head."""

    def __init__(self, household: HouseholdRecord, other: HouseholdRecord):
        super().__init__()
        self.pair = (household, other)
        self.heading(self.t("household_ops.merge_title"),
                     self.t("household_ops.merge_message", number=household.number, other=other.number))

    def compose_form(self) -> ComposeResult:
        with RadioSet(id="survivor", compact=True):
            for index, (kept, gone) in enumerate((self.pair, self.pair[::-1])):
                head = kept.head.name if kept.head else "—"
                yield RadioButton(self.t("household_ops.merge_keep", number=kept.number, head=head,
                                         other=gone.number), value=index == 0, id=f"keep-{index}")
        yield Label(self.t("household_ops.merge_relations"), classes="op-section")
        for index, (_kept, gone) in enumerate((self.pair, self.pair[::-1])):
            fields = RelationFields(gone.members, keep_current=False, id=f"relations-{index}")
            fields.display = index == 0
            yield fields

    def survivor(self) -> int:
        return 0 if self.query_one("#keep-0", RadioButton).value else 1

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        for index in (0, 1):
            self.query_one(f"#relations-{index}", RelationFields).display = index == self.survivor()

    def operation(self) -> Operation:
        index = self.survivor()
        target, source = self.pair if index == 0 else self.pair[::-1]
        typed = self.query_one(f"#relations-{index}", RelationFields).relations()
        head = target.head.name if target.head else "—"
        summary = self.t("household_ops.merge_summary", source=source.number, target=target.number, head=head,
                         names=relation_list(source.members, typed))
        return Operation(summary, merge_households, (source.id, source.version, target.id, target.version),
                         {"relations": typed}, notice=self.t("household_ops.merge_done", number=target.number),
                         show_household=target.id, check=check_merge_households)


"""A member leaves, moves to another household, becomes head or dies (station.ledger.members)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Input, Label, Select

from screens.base import Localized
from screens.ledger.household_edit import MOVED_OUT
from screens.ledger.op_dialog import Operation, OperationDialog, field_input, form_grid
from station.codes import HEAD, relations
from station.errors import ValidationError
from station.ledger.members import (
    change_head,
    check_change_head,
    check_record_death,
    check_remove_member,
    check_transfer_member,
    record_death,
    remove_member,
    transfer_member,
)
from station.ledger.records import HouseholdRecord
from station.residents.kinship import Kin, propose_relations
from station.residents.records import PersonRecord
from station.text_rules import limit_of


class RelationFields(Localized, Grid):
    """One relation field per member (their relation to the new head); the new head's row hides."""

    def __init__(self, members: Iterable[PersonRecord], *, keep_current: bool, id: str = "relations"):  # noqa: A002
        super().__init__(id=id, classes="op-form")
        self.members = tuple(members)
        self.keep_current = keep_current

    def compose(self) -> ComposeResult:
        names = relations()
        for member in self.members:
            current = names.get(member.relation, "")
            label = f"{member.name}({current})" if current else member.name
            # The old head's relation must be typed; the others start as they are, to be checked.
            value = current if self.keep_current and member.relation != HEAD else ""
            yield Label(label, classes=f"op-label rel-{member.id}", markup=False)
            yield field_input(f"rel-{member.id}", value, placeholder=self.t("household_ops.relation_hint"),
                              classes=f"rel-{member.id}")

    def propose(self, proposals: dict[int, str | None]) -> None:
        """Fill each member's field with the proposed relation (code); blank where none was derived."""
        names = relations()
        for person_id, code in proposals.items():
            for field in self.query(f"#rel-{person_id}").results(Input):
                field.value = names.get(code, "") if code else ""

    def hide(self, person_id: int | None) -> None:
        for member in self.members:
            for widget in self.query(f".rel-{member.id}"):
                widget.display = member.id != person_id

    def relations(self, *, leaving_out: Iterable[int | None] = ()) -> dict[int, str]:
        """Person id → relation typed; every member not left out needs one."""
        typed: dict[int, str] = {}
        skipped = set(leaving_out)
        for member in self.members:
            if member.id in skipped:
                continue
            value = self.query_one(f"#rel-{member.id}", Input).value.strip()
            if not value:
                raise ValidationError("household_ops.relation_missing", name=member.name)
            typed[member.id] = value
        return typed


def relation_list(members: Iterable[PersonRecord], typed: dict[int, str]) -> str:
    return "、".join(f"{member.name}({typed[member.id]})" for member in members if member.id in typed)


class RemoveMemberDialog(OperationDialog):
    def __init__(self, household: HouseholdRecord, member: PersonRecord):
        super().__init__()
        self.household, self.member = household, member
        self.heading(self.t("household_ops.remove_title"),
                     self.t("household_ops.remove_message", name=member.name, number=household.number))

    def compose_form(self) -> ComposeResult:
        yield form_grid((self.t("household_ops.reason"), field_input("reason", MOVED_OUT,
                                                                      max_length=limit_of("memberships.left_reason"))),
                        (self.t("household_ops.on"), field_input("on", self.today_text())))

    def operation(self) -> Operation:
        reason, on = self.text("reason") or MOVED_OUT, self.day("on")
        household, member = self.household, self.member
        summary = self.t("household_ops.remove_summary", name=member.name, number=household.number,
                         reason=reason, on=on)
        return Operation(summary, remove_member, (household.id, household.version, member.id),
                         {"reason": reason, "on": on}, notice=self.t("household_ops.remove_done", name=member.name),
                         check=check_remove_member)


class TransferMemberDialog(OperationDialog):
    def __init__(self, household: HouseholdRecord, member: PersonRecord, target: HouseholdRecord):
        super().__init__()
        self.household, self.member, self.target = household, member, target
        head = target.head.name if target.head else "—"
        self.heading(self.t("household_ops.transfer_title"),
                     self.t("household_ops.transfer_message", name=member.name, number=target.number, head=head))

    def compose_form(self) -> ComposeResult:
        yield form_grid((self.t("household_ops.new_relation"),
                         field_input("relation", placeholder=self.t("household_ops.relation_hint"))),
                        (self.t("household_ops.on"), field_input("on", self.today_text())))

    def operation(self) -> Operation:
        relation, on = self.text("relation"), self.day("on")
        if not relation:
            raise ValidationError("household_ops.relation_missing", name=self.member.name)
        source, member, target = self.household, self.member, self.target
        summary = self.t("household_ops.transfer_summary", name=member.name, source=source.number,
                         target=target.number, relation=relation, on=on)
        return Operation(summary, transfer_member, (source.id, source.version, member.id, target.id,
                                                    target.version, relation), {"on": on},
                         notice=self.t("household_ops.transfer_done", name=member.name, number=target.number),
                         check=check_transfer_member)


class ChangeHeadDialog(OperationDialog):
    def __init__(self, household: HouseholdRecord):
        super().__init__()
        self.household = household
        self.heading(self.t("household_ops.head_title"),
                     self.t("household_ops.head_message", number=household.number))

    def candidates(self) -> list[PersonRecord]:
        return [member for member in self.household.members if member.relation != HEAD]

    def compose_form(self) -> ComposeResult:
        options = [(member.name, member.id) for member in self.candidates()]
        yield form_grid((self.t("household_ops.new_head"),
                         Select[int](options, prompt=self.t("household_ops.choose"), id="new_head", compact=True)))
        yield RelationFields(self.household.members, keep_current=True)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "new_head":
            self.show_relations()

    def show_relations(self) -> None:
        """Everyone's relation but the new head's, as proposed from their relation to the old head."""
        fields = self.query_one(RelationFields)
        new_head = self.new_head()
        fields.hide(new_head)
        if new_head is not None:
            kin = [Kin(member.id, member.relation, member.sex, member.birth_date) for member in self.household.members]
            fields.propose(propose_relations(kin, new_head))

    def new_head(self) -> int | None:
        value = self.query_one("#new_head", Select).value
        return value if isinstance(value, int) else None

    def head_and_relations(self, *leaving: int) -> tuple[int, str, dict[int, str]]:
        """The chosen new head (id, name) and the others' relations to them."""
        new_head = self.new_head()
        if new_head is None:
            raise ValidationError("household_ops.new_head_missing")
        typed = self.query_one(RelationFields).relations(leaving_out=(new_head, *leaving))
        name = next(member.name for member in self.household.members if member.id == new_head)
        return new_head, name, typed

    def operation(self) -> Operation:
        household = self.household
        new_head, name, typed = self.head_and_relations()
        summary = self.t("household_ops.head_summary", number=household.number, name=name,
                         others=relation_list(household.members, typed))
        return Operation(summary, change_head, (household.id, household.version, new_head, typed),
                         notice=self.t("household_ops.head_done", name=name), check=check_change_head)


class RecordDeathDialog(ChangeHeadDialog):
    """A death; when the head dies and others remain, the new head is named in the same step."""

    def __init__(self, household: HouseholdRecord, member: PersonRecord):
        super().__init__(household)
        self.member = member
        self.heading(self.t("household_ops.death_title"),
                     self.t("household_ops.death_message", name=member.name))

    def names_new_head(self) -> bool:
        return self.member.relation == HEAD and len(self.household.members) > 1

    def candidates(self) -> list[PersonRecord]:
        return [member for member in self.household.members if member.id != self.member.id]

    def compose_form(self) -> ComposeResult:
        yield form_grid((self.t("household_ops.death_on"), field_input("on", self.today_text())))
        if self.names_new_head():
            yield from super().compose_form()

    def on_mount(self) -> None:
        if self.names_new_head():
            self.show_relations()

    def show_relations(self) -> None:
        """Everyone's relation but the new head's and the deceased's."""
        super().show_relations()
        for widget in self.query_one(RelationFields).query(f".rel-{self.member.id}"):
            widget.display = False

    def operation(self) -> Operation:
        on, member, household = self.day("on"), self.member, self.household
        kwargs: dict[str, object] = {}
        summary = self.t("household_ops.death_summary", name=member.name, on=on)
        if self.names_new_head():
            new_head, name, typed = self.head_and_relations(member.id)
            kwargs = {"new_head_id": new_head, "relations": typed}
            summary += "\n" + self.t("household_ops.head_summary", number=household.number, name=name,
                                      others=relation_list(household.members, typed))
        return Operation(summary, record_death, (member.id, member.version, on), kwargs,
                         notice=self.t("household_ops.death_done", name=member.name), check=check_record_death)

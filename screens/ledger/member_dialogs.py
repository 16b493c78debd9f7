"""Add a member to a household, and edit a member's details (members.add_member, update_person).

ID and phone fields start empty when editing: the full numbers are never put on screen; an empty
field keeps the number on file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from screens.ledger.member_rows import DEFAULT_ETHNICITY, id_reading
from screens.ledger.op_dialog import Operation, OperationDialog, field_input, form_grid
from station import codes
from station.errors import ValidationError
from station.idcard import mask_id
from station.ledger.members import add_member, check_add_member, check_update_person, update_person
from station.ledger.records import HouseholdRecord
from station.phone import mask_phone
from station.residents.records import PersonDraft, PersonRecord
from station.residents.rules import clean_person

# The edit form's choices: field → code table (code → name); each field is also the family of its
# names in the catalogue (names.population_type.*).
PERSON_CHOICES = {"population_type": codes.POPULATION_TYPES, "residence_state": codes.RESIDENCE_STATES}


class AddMemberDialog(OperationDialog):
    def __init__(self, household: HouseholdRecord):
        super().__init__()
        self.household = household
        self.heading(self.t("household_ops.add_title"),
                     self.t("household_ops.add_message", number=household.number))

    def compose_form(self) -> ComposeResult:
        t = self.t
        yield form_grid(
            (t("household_form.name"), field_input("name")),
            (t("household_form.id_number"), field_input("id_number", max_length=18)),
            (t("household_form.relation"), field_input("relation", placeholder=t("household_ops.relation_hint"))),
            (t("household_form.phone"), field_input("phone")),
            (t("household_form.ethnicity"), field_input("ethnicity", DEFAULT_ETHNICITY)),
            (t("household_ops.moved_in_on"), field_input("on", self.today_text())))
        yield Static("", id="derived", markup=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "id_number":
            self.query_one("#derived", Static).update(id_reading(self, event.value)[0])

    def operation(self) -> Operation:
        draft = PersonDraft(name=self.text("name"), id_number=self.text("id_number"),
                            relation=self.text("relation"), phone=self.text("phone"),
                            ethnicity=self.text("ethnicity") or DEFAULT_ETHNICITY)
        clean = clean_person(draft, self.station.database.now().date())
        on = self.day("on")
        household = self.household
        summary = self.t("household_ops.add_summary", name=clean.values["name"], number=household.number,
                         relation=codes.relations().get(clean.relation, ""),
                         id_number=mask_id(clean.values["id_number"]), on=on)
        return Operation(summary, add_member, (household.id, household.version, draft), {"on": on},
                         notice=self.t("household_ops.add_done", name=clean.values["name"]), check=check_add_member)


class EditMemberDialog(OperationDialog):
    def __init__(self, member: PersonRecord):
        super().__init__()
        self.member = member
        self.heading(self.t("household_ops.edit_member_title"),
                     self.t("household_ops.edit_member_message", name=member.name))

    def compose_form(self) -> ComposeResult:
        t, member = self.t, self.member
        pairs: list[tuple[str, Widget]] = [
            (t("household_form.name"), field_input("name", member.name)),
            # The numbers on file show masked as placeholders: typing replaces them, empty keeps them.
            (t("household_form.id_number"), field_input("id_number", placeholder=mask_id(member.id_number),
                                                        max_length=32)),
            (t("household_form.phone"), field_input("phone", placeholder=mask_phone(member.phone) or "—")),
            (t("household_form.ethnicity"), field_input("ethnicity", _name(codes.ethnicities(), member.ethnicity))),
        ]
        for name, table in PERSON_CHOICES.items():
            options = [(self.named(name, code, label), code) for code, label in table.items()]
            choice = Select[str](options, value=getattr(member, name),
                                 allow_blank=False, id=name, compact=True)
            pairs.append((t(f"household_ops.{name}"), choice))
        pairs += [
            (t("household_ops.political_status"), field_input(
                "political_status", _name(codes.POLITICAL_STATUSES, member.political_status))),
            (t("household_ops.education"), field_input(
                "education", _name(codes.EDUCATION_LEVELS, member.education))),
            (t("household_ops.marital_status"), field_input(
                "marital_status", _name(codes.marital_statuses(), member.marital_status))),
            (t("household_ops.employment"), field_input("employment", member.employment)),
            (t("household_ops.notes"), field_input("notes", member.notes)),
        ]
        yield form_grid(*pairs)

    def draft(self) -> PersonDraft:
        member = self.member
        resident = member.id_type == "resident"
        values: dict[str, Any] = {name: self.text(name) for name in (
            "name", "ethnicity", "political_status", "education", "marital_status", "employment", "notes")}
        values.update({name: self.query_one(f"#{name}", Select).value for name in PERSON_CHOICES})
        # A resident ID carries sex and birth date; leaving them empty takes them from a new number.
        return PersonDraft(id_number=self.text("id_number") or member.id_number,
                           phone=self.text("phone") or member.phone, id_type=member.id_type,
                           sex="" if resident else member.sex,
                           birth_date=None if resident else member.birth_date,
                           registered_address=member.registered_address, moved_in_on=member.moved_in_on,
                           **values)

    def operation(self) -> Operation:
        draft = self.draft()
        clean = clean_person(replace(draft, relation=""), self.station.database.now().date(),
                             needs_relation=False)
        changes = self._changes(clean.values)
        if not changes:
            raise ValidationError("household_ops.nothing_changed")
        summary = self.t("household_ops.edit_member_summary", name=self.member.name, changes=changes)
        return Operation(summary, update_person, (self.member.id, self.member.version, draft),
                         notice=self.t("household_ops.edit_member_done", name=clean.values["name"]),
                         check=check_update_person)

    def _changes(self, new: dict[str, Any]) -> str:
        """The changed fields as the clerk reads them; numbers masked, codes named."""
        lines = []
        for name, (label, show) in SHOWN_FIELDS.items():
            old, value = getattr(self.member, name), new[name]
            if value != old:
                if name in PERSON_CHOICES:
                    old, value = self.named(name, old, show(old)), self.named(name, value, show(value))
                else:
                    old, value = show(old), show(value)
                lines.append(f"{self.t(label)}:{old or '—'} → {value or '—'}")
        return "\n".join(lines)


def _named(table: Callable[[], dict[str, str]]) -> Callable[[str], str]:
    return lambda code: table().get(code, code)


# The fields the edit form changes: catalogue label and how a value is shown in the summary.
SHOWN_FIELDS: dict[str, tuple[str, Callable[[str], str]]] = {
    "name": ("household_form.name", str),
    "id_number": ("household_form.id_number", mask_id),
    "phone": ("household_form.phone", mask_phone),
    "ethnicity": ("household_form.ethnicity", _named(codes.ethnicities)),
    "population_type": ("household_ops.population_type", _named(lambda: codes.POPULATION_TYPES)),
    "residence_state": ("household_ops.residence_state", _named(lambda: codes.RESIDENCE_STATES)),
    "political_status": ("household_ops.political_status", _named(lambda: codes.POLITICAL_STATUSES)),
    "education": ("household_ops.education", _named(lambda: codes.EDUCATION_LEVELS)),
    "marital_status": ("household_ops.marital_status", _named(codes.marital_statuses)),
    "employment": ("household_ops.employment", str),
    "notes": ("household_ops.notes", str),
}


def _name(table: dict[str, str], code: str) -> str:
    return table.get(code, code)

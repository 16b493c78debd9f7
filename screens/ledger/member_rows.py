"""One row of the new-household form per member: name, ID (sex and birth shown from it), relation,
phone, ethnicity."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from screens.base import Localized
from screens.widgets.phone_input import PhoneInput
from station.codes import sexes
from station.errors import ValidationError
from station.idcard import normalize_id, parse_id
from station.residents.records import PersonDraft

FIELDS = ("name", "id_number", "relation", "phone", "ethnicity")
WIDTHS = {"name": 14, "id_number": 25, "relation": 10, "phone": 17, "ethnicity": 12}
HEAD_RELATION = "户主"
DEFAULT_ETHNICITY = "汉族"


class MemberHeader(Localized, Horizontal):
    """The column titles above the member rows (placeholders vanish once a field is filled)."""

    DEFAULT_CSS = """
    MemberHeader {
        height: 1;
        Static { padding: 0 0 0 2; text-style: bold; }
    }
    """

    def compose(self) -> ComposeResult:
        for field in FIELDS:
            title = Static(self.t(f"household_form.{field}"), markup=False)
            title.styles.width = WIDTHS[field]
            yield title


class MemberRow(Localized, Horizontal):
    DEFAULT_CSS = """
    MemberRow {
        height: auto;
        Input { height: 3; }
        .derived { width: 1fr; padding: 1 1 0 1; color: $text-muted; }
        .derived.-bad { color: $text-error; }
    }
    """

    def __init__(self, number: int):
        super().__init__(id=f"member-{number}", classes="member-row")
        self.number = number

    def compose(self) -> ComposeResult:
        defaults = {"relation": HEAD_RELATION if self.number == 1 else "", "ethnicity": DEFAULT_ETHNICITY}
        for field in FIELDS:
            kind = PhoneInput if field == "phone" else Input
            field_input = kind(defaults.get(field, ""), placeholder=self.t(f"household_form.{field}"),
                               id=f"m{self.number}-{field}", classes=field)
            field_input.styles.width = WIDTHS[field]
            yield field_input
        yield Static("", id=f"m{self.number}-derived", classes="derived", markup=False)

    def field(self, name: str) -> Input:
        return self.query_one(f"#m{self.number}-{name}", Input)

    def is_blank(self) -> bool:
        return not (self.field("name").value.strip() or self.field("id_number").value.strip())

    def draft(self) -> PersonDraft:
        values: dict[str, Any] = {field: self.field(field).value.strip() for field in FIELDS}
        return PersonDraft(**values)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == f"m{self.number}-id_number":
            self.show_derived(event.value)

    def show_derived(self, raw: str) -> None:
        """Sex and birth date as soon as the ID is complete, or what is wrong with it."""
        derived = self.query_one(".derived", Static)
        if len(normalize_id(raw)) not in (15, 18):
            derived.update("")
            derived.set_class(False, "-bad")
            return
        try:
            info = parse_id(raw, today=self.station.database.now().date())
        except ValidationError as error:
            derived.update(self.error_text(error))
            derived.set_class(True, "-bad")
            return
        derived.set_class(False, "-bad")
        derived.update(self.t("household_form.derived", sex=sexes().get(info.sex, ""),
                              birth=info.birth_date.isoformat()))

"""One row of the new-household form per member: name, ID (sex and birth shown from it under the
row), relation, phone, ethnicity and population type.

A complete (18-character), valid ID moves the cursor on to the relation by itself (a card reader's or a fast
typist's 18 digits need no Tab); a Tab pressed right after that is taken as already done, so
typing Tab out of habit lands in the same field. A valid old 15-digit ID does the same when it came
from a card reader (or a paste) and the reader has stopped: typed by hand it may be the start of
an 18-digit number, so it waits for the clerk's Tab.
"""

from __future__ import annotations

import time
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Input, Static

from screens.base import Localized
from screens.widgets.phone_input import PhoneInput
from station.codes import sexes
from station.errors import ValidationError
from station.idcard import normalize_id, parse_id
from station.residents.records import PersonDraft

FIELDS = ("name", "id_number", "relation", "phone", "ethnicity", "population_type")
# Widths that fit 80 columns (a field shows its width less 4, and a cell for the cursor; a column's
# title its width less 2); the name takes what is left.
WIDTHS: dict[str, int | str] = {"name": "1fr", "id_number": 22, "relation": 10, "phone": 15, "ethnicity": 9,
                                "population_type": 9}
# A card reader types an ID's characters a few ms apart, a person at best ~100 ms apart; once a
# reader's burst has stopped this long, the 15 digits it sent are the whole (old) number.
READER_GAP = 0.05
READER_QUIET = 0.1
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
            title = Static(self.t(f"household_form.column.{field}"), markup=False)
            title.styles.width = WIDTHS[field]
            yield title


class RowInput(Input):
    """A member's field: once left it shows its text from the start (the fields are narrow)."""

    def on_blur(self, _event: events.Blur) -> None:
        self.cursor_position = 0


class ArrivedInput(RowInput):
    """A field the cursor can be moved to by the form: a Tab pressed right after is not a second move."""

    tab_done = False

    async def _on_key(self, event: events.Key) -> None:
        arrived, self.tab_done = self.tab_done, False
        if arrived and event.key == "tab":
            event.stop()
            event.prevent_default()

    def on_blur(self, _event: events.Blur) -> None:
        self.tab_done = False


class ReaderBurst:
    """Whether the ID field's characters came as one burst (a card reader, a paste) or by hand."""

    def __init__(self) -> None:
        self.changed_at = -1.0
        self.length = 0
        self.burst_from = 0  # how many characters the field held when the current burst began
        self.pending: Timer | None = None

    def typed(self, length: int) -> bool:
        """The field now holds `length` characters: True when all of them came in one burst."""
        if self.pending is not None:
            self.pending.stop()
            self.pending = None
        now = time.monotonic()
        if now - self.changed_at > READER_GAP:
            self.burst_from = self.length
        self.changed_at, self.length = now, length
        return self.burst_from <= 1


class MemberRow(Localized, Vertical):
    DEFAULT_CSS = """
    MemberRow {
        height: auto;
        .member-fields { height: auto; }
        Input { height: 3; padding: 0 1; }
        /* No right padding: an 18-character ID or an 11-digit phone and the cursor after it
           fit, so the number being checked against the card shows whole. */
        Input.id_number, Input.phone { padding: 0 0 0 1; }
        .derived { height: 1; padding: 0 2; color: $text-muted; }
        .derived.-bad { color: $text-error; }
    }
    """

    def __init__(self, number: int, population: str):
        super().__init__(id=f"member-{number}", classes="member-row")
        self.number = number
        self.reader = ReaderBurst()
        self.population = population  # what the population type holds until the clerk types one

    def compose(self) -> ComposeResult:
        defaults = {"relation": HEAD_RELATION if self.number == 1 else "", "ethnicity": DEFAULT_ETHNICITY,
                    "population_type": self.population}
        kinds: dict[str, type[Input]] = {"phone": PhoneInput, "relation": ArrivedInput}
        with Horizontal(classes="member-fields"):
            for field in FIELDS:
                field_input = kinds.get(field, RowInput)(
                    defaults.get(field, ""), placeholder=self.t(f"household_form.{field}"),
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

    def follow_kind(self, old: str, new: str) -> None:
        """The household's kind changed: a population type nobody typed follows it."""
        population = self.field("population_type")
        if population.value.strip() == old:
            population.value = new
        self.population = new

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        # The whole member, the sex and birth line under the fields included, comes into view.
        self.scroll_visible(animate=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != f"m{self.number}-id_number":
            return
        valid = self.show_derived(event.value)
        typed = len(normalize_id(event.value))
        from_reader = self.reader.typed(typed)
        if not valid or self.screen.focused is not event.input:
            return
        if typed == 18:
            self.move_to_relation()
        elif typed == 15 and from_reader:
            # A 15-digit prefix of an 18-digit ID can read as a valid old ID: move on only once
            # the reader has stopped (a person's old ID waits for their Tab, as before).
            self.reader.pending = self.set_timer(READER_QUIET, self._old_id_complete)

    def _old_id_complete(self) -> None:
        id_input = self.field("id_number")
        if self.screen.focused is id_input and len(normalize_id(id_input.value)) == 15 \
                and id_reading(self, id_input.value)[1]:
            self.move_to_relation()

    def move_to_relation(self) -> None:
        relation = self.field("relation")
        assert isinstance(relation, ArrivedInput)
        relation.focus()
        relation.tab_done = True

    def show_derived(self, raw: str) -> bool:
        """Sex and birth date as soon as the ID is complete, or what is wrong with it; True for a
        complete, valid ID."""
        derived = self.query_one(".derived", Static)
        text, valid = id_reading(self, raw)
        derived.update(text)
        derived.set_class(valid is False, "-bad")
        return bool(valid)


def id_reading(owner: Localized, raw: str) -> tuple[str, bool | None]:
    """What a typed ID number says, in `owner`'s language: its sex and birth date and True once
    complete and valid, what is wrong with it and False, or nothing and None while incomplete."""
    if len(normalize_id(raw)) not in (15, 18):
        return "", None
    try:
        info = parse_id(raw, today=owner.station.database.now().date())
    except ValidationError as error:
        return owner.error_text(error), False
    sex = owner.named("sex", info.sex, sexes().get(info.sex, ""))
    return owner.t("household_form.derived", sex=sex, birth=info.birth_date.isoformat()), True

"""Check each imported row on its own: cell noise removed, then the same rules as the person form.

`clean_person` (person_rules) decides what a valid person is; this module only turns cells into
a PersonDraft and collects every problem of a row, each tied to its column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from station.errors import ValidationError
from station.idcard import normalize_id
from station.imports.cells import (
    date_value,
    ethnicity_of,
    id_text,
    is_blank,
    population_type_of,
    relation_of,
    sex_code,
    text,
)
from station.imports.records import LedgerSource, RowError, SourceRow
from station.imports.status import Departure, departure
from station.ledger.columns import STATUS_COLUMNS
from station.messages import Term
from station.residents.records import PersonDraft
from station.residents.rules import clean_person
from station.text_rules import limit_of, text_for

# Person fields an upsert may overwrite: only those whose cell is filled in.
PERSON_FIELDS = ("name", "ethnicity", "phone", "population_type", "notes")
PLACE_FIELDS = ("grid", "building", "unit", "room", "address")
_RESIDENT_ID = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")
# clean_person's field names that live in another column of the sheet.
_FIELD_COLUMNS = {"id_type": "id_number"}
# The columns each place cell is written to; a new grid's name is its code too (import_place_write).
_PLACE_COLUMNS = {"household_no": ("households.number",), "grid": ("grids.code", "grids.name"),
                  "building": ("buildings.name",), "unit": ("units.name",),
                  "room": ("households.room",), "address": ("households.address",)}


@dataclass(frozen=True, slots=True)
class Place:
    """Where a row says its household lives, as written (grid and building by name)."""

    grid: str = ""
    building: str = ""
    unit: str = ""
    room: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class CleanRow:
    """A valid row: person column values, relation code, household number and the raw cells."""

    number: int
    values: dict[str, Any]
    relation: str
    household_no: str
    cells: dict[str, Any]
    sheet: str = ""
    departure: Departure | None = None  # None: lives in the household (import_status)

    @property
    def given(self) -> frozenset[str]:
        """PERSON_FIELDS whose cell is filled in (an upsert overwrites only those)."""
        return frozenset(name for name in PERSON_FIELDS if not is_blank(self.cells.get(name)))

    def place_part(self, name: str) -> str:
        return text(self.cells.get(name))


class RowCleaner:
    """Turns SourceRows into CleanRows or RowErrors (every problem of a row, not just the first)."""

    def __init__(self, source: LedgerSource, today: date):
        self.source = source
        self.today = today
        self.has_ethnicity = "ethnicity" in source.columns
        self.has_status = bool(STATUS_COLUMNS.keys() & source.columns.keys())
        # A grid, building or address repeats on every row of its households: check each once.
        self.place_columns = [(name, min(columns, key=limit_of)) for name, columns in _PLACE_COLUMNS.items()
                              if name in source.columns]
        self.valid_places: set[tuple[str, str]] = set()

    def clean(self, row: SourceRow) -> CleanRow | list[RowError]:
        cells = row.cells
        try:
            values, relation = self._checked(cells, _strict)
            left = self._departure(cells, values.get("birth_date"), _strict)
        except ValidationError:
            # Check again column by column, so the clerk sees every problem of the row at once.
            problems: list[ValidationError] = []
            values, _relation = self._checked(cells, _collecting(problems))
            self._departure(cells, values.get("birth_date"), _collecting(problems))
            return [self._error(row, problem) for problem in problems]
        return CleanRow(row.number, values, relation, text(cells.get("household_no")), cells, row.sheet, left)

    def _departure(self, cells: dict[str, Any], birth: date | None, check: Callable[..., Any]) -> Departure | None:
        return check(None, departure, cells, birth, self.today) if self.has_status else None

    def _checked(self, cells: dict[str, Any], check: Callable[..., Any]) -> tuple[dict[str, Any], str]:
        self._place(cells, check)
        return self._person(cells, check)

    def _place(self, cells: dict[str, Any], check: Callable[..., Any]) -> None:
        """The household's place cells, against the columns they are written to (text_rules)."""
        for name, column in self.place_columns:
            value = text(cells.get(name))
            if (name, value) not in self.valid_places:
                check(None, self._check_place, name, column, value)

    def _check_place(self, name: str, column: str, value: str) -> None:
        text_for(column, value, field=name, label=self.source.label(name))
        self.valid_places.add((name, value))  # only a value that passed is remembered

    def _person(self, cells: dict[str, Any], check: Callable[..., Any]) -> tuple[dict[str, Any], str]:
        sex = check("", sex_code, cells.get("sex"))
        birth = check(None, date_value, cells.get("birth_date"), "birth_date", Term("labels.birth_date"))
        relation = check("", relation_of, text(cells.get("relation")))
        ethnicity = check("01", ethnicity_of, text(cells.get("ethnicity"))) if self.has_ethnicity else "01"
        population = check("registered", population_type_of, text(cells.get("population_type")))
        number = check(None, id_text, cells.get("id_number"))
        notes = check("", _notes, cells.get("notes"))
        if number is None:
            return {}, relation
        draft = PersonDraft(
            name=text(cells.get("name")), id_number=number, relation=relation, ethnicity=ethnicity,
            phone=text(cells.get("phone")), sex=sex, birth_date=birth,
            id_type=_id_type(number, population), population_type=population, notes=notes,
        )
        clean = check(None, clean_person, draft, self.today, needs_relation=False)
        return (clean.values if clean else {}), relation

    def _error(self, row: SourceRow, problem: ValidationError) -> RowError:
        field = _FIELD_COLUMNS.get(problem.field or "", problem.field or "")
        return RowError.at(row, self.source.label(field) if field else "", problem, field)


def _strict(_fallback: Any, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return check(*args, **kwargs)


def _collecting(problems: list[ValidationError]) -> Callable[..., Any]:
    """A checker that notes a problem and carries on with `fallback`, so later columns are checked."""
    def attempt(fallback: Any, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except ValidationError as problem:
            problems.append(problem)
            return fallback
    return attempt


def _notes(value: Any) -> str:
    return text_for("persons.notes", text(value))


def _id_type(number: str, population_type: str) -> str:
    """A 境外人员's number that is not shaped like a resident ID is a passport number."""
    if population_type == "overseas" and not _RESIDENT_ID.fullmatch(normalize_id(number)):
        return "passport"
    return "resident"

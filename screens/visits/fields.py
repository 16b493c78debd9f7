"""The quick visit form's parts: who is visited, a field problem, a Select that Enter leaves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.widgets import Select

from screens.keys import bindings
from station.search.records import SearchHit


@dataclass(frozen=True)
class VisitTarget:
    """Who is visited: a person and the household they live in."""

    person_id: int | None
    household_id: int | None
    person_name: str
    household_number: str
    grid_name: str

    @classmethod
    def of_hit(cls, hit: SearchHit) -> VisitTarget:
        return cls(hit.person_id, hit.household_id, hit.name, hit.household_number, hit.grid_name)


class FieldProblem(ValueError):
    """A field the form cannot read; nothing is sent to the service."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


class FormSelect(Select[Any]):
    """A Select on which Enter moves to the next field (↓ or Space opens the list)."""

    BINDINGS = [*bindings("visit_form.next")]

    def action_next_field(self) -> None:
        self.screen.focus_next()

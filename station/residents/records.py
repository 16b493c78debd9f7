"""Plain records for residents: what a clerk typed for a person, a person as the ledger shows them, a warning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from station.messages import DEFAULT_LANGUAGE, Term


@dataclass(frozen=True)
class PersonDraft:
    """What a clerk types for one person; sex and birth date may be left empty (taken from the ID)."""

    name: str
    id_number: str
    relation: str = ""  # relation to head (code, name or synonym); "" where not in a household
    ethnicity: str = "01"
    phone: str = ""
    sex: str = ""
    birth_date: date | None = None
    id_type: str = "resident"  # resident | passport | other (境外人员)
    population_type: str = "registered"
    residence_state: str = "both"
    registered_address: str = ""
    political_status: str = ""
    marital_status: str = ""
    education: str = ""
    employment: str = ""
    moved_in_on: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class PersonRecord:
    id: int
    community_id: int
    name: str
    id_type: str
    id_number: str
    sex: str
    birth_date: date
    age: int
    ethnicity: str
    phone: str
    population_type: str
    residence_state: str
    registered_address: str
    political_status: str
    marital_status: str
    education: str
    employment: str
    moved_in_on: date | None
    moved_out_on: date | None
    deceased_on: date | None
    notes: str
    version: int
    household_id: int | None = None
    relation: str = ""
    registered_household_id: int | None = None


@dataclass(frozen=True)
class Warning:
    """Something worth a second look that does not stop the save (e.g. same name + birth date)."""

    field: str
    term: Term  # what to say, in the catalogue's words
    person_id: int | None = None

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The warning in `language`."""
        return self.term.render(language)

    @property
    def message(self) -> str:
        """The warning in Chinese."""
        return self.term.render()

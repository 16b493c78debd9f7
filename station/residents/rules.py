"""Validate and normalise what a clerk typed for a person, before anything touches the database."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from station import codes
from station.errors import ValidationError
from station.idcard import normalize_id, parse_id
from station.messages import Term
from station.phone import parse_phone
from station.residents.records import PersonDraft
from station.text_rules import text_for

ID_TYPES = {"resident": "居民身份证", "passport": "护照", "other": "其他证件"}


@dataclass(frozen=True)
class CleanPerson:
    """A validated person: column values ready for models.Person, plus the relation code."""

    values: dict[str, Any]
    relation: str


def clean_person(draft: PersonDraft, today: date, *, needs_relation: bool = True) -> CleanPerson:
    """Check every field of a draft; raise ValidationError naming the first bad field."""
    name = _clean_name(draft.name)
    id_number, sex, birth = _identity(draft, today)
    values = {
        "name": name,
        "id_type": draft.id_type,
        "id_number": id_number,
        "sex": sex,
        "birth_date": birth,
        "ethnicity": codes.ethnicity_code(draft.ethnicity or "01"),
        "phone": parse_phone(draft.phone),
        "population_type": codes.population_type_code(draft.population_type),
        "residence_state": _choice(draft.residence_state, codes.RESIDENCE_STATES, "residence_state",
                                   Term("columns.persons.residence_state")),
        "registered_address": text_for("persons.registered_address", draft.registered_address),
        "political_status": _optional(draft.political_status, codes.political_status_code),
        "marital_status": _marital(draft.marital_status),
        "education": _optional(draft.education, codes.education_code),
        "employment": text_for("persons.employment", draft.employment),
        "moved_in_on": _not_future(draft.moved_in_on, today, "moved_in_on", Term("labels.moved_in_on")),
        "notes": text_for("persons.notes", draft.notes),
    }
    if needs_relation and not draft.relation.strip():
        raise ValidationError("residents.relation_missing", field="relation")
    relation = codes.relation_code(draft.relation) if needs_relation else ""
    return CleanPerson(values, relation)


def _clean_name(raw: str) -> str:
    name = text_for("persons.name", unicodedata.normalize("NFKC", raw))
    if not name:
        raise ValidationError("residents.name_missing", field="name")
    if any(ch.isdigit() for ch in name):
        raise ValidationError("residents.name_has_digits", field="name")
    return name


def _identity(draft: PersonDraft, today: date) -> tuple[str, str, date]:
    """ID number, sex and birth date; for resident IDs the last two come from the number."""
    if draft.id_type not in ID_TYPES:
        raise ValidationError("residents.unknown_id_type", id_type=draft.id_type, field="id_type")
    if draft.id_type != "resident":
        return _foreign_identity(draft, today)
    info = parse_id(draft.id_number, today=today)
    if draft.sex and draft.sex != info.sex:
        raise ValidationError("residents.sex_differs_from_id", field="sex")
    if draft.birth_date and draft.birth_date != info.birth_date:
        raise ValidationError("residents.birth_differs_from_id", field="birth_date")
    return info.number, info.sex, info.birth_date


def _foreign_identity(draft: PersonDraft, today: date) -> tuple[str, str, date]:
    number = normalize_id(draft.id_number)
    if not 5 <= len(number) <= 32 or not number.isalnum():
        raise ValidationError("residents.bad_document_number", field="id_number")
    if draft.sex not in codes.sexes():
        raise ValidationError("residents.sex_missing", field="sex")
    if draft.birth_date is None:
        raise ValidationError("residents.birth_date_missing", field="birth_date")
    _not_future(draft.birth_date, today, "birth_date", Term("labels.birth_date"))
    return number, draft.sex, draft.birth_date


def _choice(value: str, table: dict[str, str], field: str, label: Term) -> str:
    if value in table:
        return value
    by_name = {name: code for code, name in table.items()}
    if value in by_name:
        return by_name[value]
    raise ValidationError("codes.unknown_value", label=label, text=value, field=field)


def _optional(value: str, lookup) -> str:
    return lookup(value) if value.strip() else ""


def _marital(value: str) -> str:
    if not value.strip():
        return ""
    return _choice(value.strip(), codes.marital_statuses(), "marital_status", Term("columns.persons.marital_status"))


def _not_future(value: date | None, today: date, field: str, label: Term) -> date | None:
    if value is not None and value > today:
        raise ValidationError("residents.date_in_future", label=label, field=field)
    return value

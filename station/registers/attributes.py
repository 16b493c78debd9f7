"""Typed attributes of a register entry (残疾证, 低保/特困 amounts, guardians), checked per category."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from models import Person
from station import codes
from station.errors import ValidationError
from station.idcard import normalize_id
from station.messages import Term
from station.phone import parse_phone
from station.registers.tekun import TEKUN_PREFIX
from station.text_rules import first_unsafe, name_text

ASSISTANCE_CATEGORIES = frozenset({"dibao_urban", "dibao_rural", "dibao_edge"})
# Attributes live in a JSON column: no String(length) to read, so the limit is set here.
MAX_TEXT = 200
LABELS = {field: Term(f"registers.attribute.{field}") for field in (
    "certificate_no", "disability_category", "disability_grade", "scheme_no", "monthly_amount", "guardian",
    "guardian_phone")}


def clean_attributes(category: str, raw: dict[str, Any] | None, person: Person) -> dict[str, Any]:
    """Validate the typed attributes of an entry for its category; return them normalised."""
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ValidationError("registers.bad_attributes", field="attributes")
    if category == "disabled":
        return _disability_attributes(raw, person)
    if category in ASSISTANCE_CATEGORIES or category.startswith(TEKUN_PREFIX):
        return _assistance_attributes(raw)
    if category == "left_behind_child":
        return _guardian_attributes(raw)
    return _free_attributes(raw)


def clean_text(value: Any, field: str) -> str:
    """A short one-line text, stripped, without control characters; a whole number is its digits."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValidationError("registers.text_expected", field=field)
    return name_text(value, limit=MAX_TEXT, field=field, label=LABELS.get(field, field))


def _disability_attributes(raw: dict[str, Any], person: Person) -> dict[str, Any]:
    _only_keys(raw, {"disability_category", "disability_grade", "certificate_no"})
    certificate = normalize_id(clean_text(raw.get("certificate_no"), "certificate_no"))
    # A certificate alone is enough: its last two digits are the category and grade.
    typed_category = clean_text(raw.get("disability_category"), "disability_category") or certificate[18:19]
    typed_grade = clean_text(raw.get("disability_grade"), "disability_grade") or certificate[19:20]
    category = _code_or_name(typed_category, codes.disability_categories())
    grade = _code_or_name(typed_grade, codes.disability_grades())
    if category is None:
        raise ValidationError("registers.disability_category_missing", field="disability_category")
    if grade is None:
        raise ValidationError("registers.disability_grade_missing", field="disability_grade")
    values = {"disability_category": category, "disability_grade": grade}
    if certificate:
        values["certificate_no"] = codes.check_disability_certificate(
            certificate, person.id_number, category, grade
        )
    return values


def _assistance_attributes(raw: dict[str, Any]) -> dict[str, Any]:
    _only_keys(raw, {"scheme_no", "monthly_amount"})
    values: dict[str, Any] = {}
    scheme = clean_text(raw.get("scheme_no"), "scheme_no")
    if scheme:
        values["scheme_no"] = scheme
    if raw.get("monthly_amount") not in (None, ""):
        values["monthly_amount"] = _amount(raw["monthly_amount"])
    return values


def _guardian_attributes(raw: dict[str, Any]) -> dict[str, Any]:
    _only_keys(raw, {"guardian", "guardian_phone"})
    guardian = clean_text(raw.get("guardian"), "guardian")
    if not guardian:
        raise ValidationError("registers.guardian_missing", field="guardian")
    values = {"guardian": guardian}
    phone = parse_phone(clean_text(raw.get("guardian_phone"), "guardian_phone"), field="guardian_phone")
    if phone:
        values["guardian_phone"] = phone
    return values


def _free_attributes(raw: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not key.strip() or len(key) > 32 or first_unsafe(key):
            raise ValidationError("registers.bad_attribute_name", field="attributes")
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError("registers.attribute_not_text", name=key, field="attributes")
        values[key.strip()] = clean_text(value, key) if isinstance(value, str) else value
    return values


def _only_keys(raw: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(str(key) for key in raw if key not in allowed)
    if unknown:
        raise ValidationError("registers.unknown_attribute", name=unknown[0], field="attributes")


def _code_or_name(value: str, table: dict[str, str]) -> str | None:
    """A code of `table` from its code ("5", full-width "５"), name (智力残疾) or short name (智力)."""
    value = unicodedata.normalize("NFKC", value)
    if value in table:
        return value
    return next((code for code, name in table.items() if value and value in (name, name[:2])), None)


def _amount(value: Any) -> str:
    """A monthly amount in yuan, kept as a string so JSON never rounds it."""
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError("registers.amount_not_a_number", field="monthly_amount") from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError("registers.amount_negative", field="monthly_amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError("registers.amount_decimals", field="monthly_amount")
    return str(amount.quantize(Decimal("0.01")))

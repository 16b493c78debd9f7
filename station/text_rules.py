"""What typed or imported text may hold: one rule per text column, its limit read off the model.

Every String column of models/ has a rule here (a test holds the table to the schema). A name
(person, account, place, address, 户号) is shown in lists, printouts and the terminal, so
control, bidi-override and zero-width characters in it are refused: a name such as
"\\x1b[2J红" would clear the screen of whoever lists it, and a right-to-left override would show
another name than the one stored. Free text (notes, visit content, request descriptions and
results, reasons) loses those characters silently but keeps its line breaks. Codes and internal
values are set by the program from fixed tables; only their length is checked here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property

from sqlalchemy import String

from models import Base
from station.errors import ValidationError
from station.messages import Term

NAME, FREE, CODE, INTERNAL = "name", "free", "code", "internal"
# Cc: C0/C1 controls (ESC, BEL, CR, NUL); Cf: format characters, which include the bidi
# overrides and isolates (U+202A-202E, U+2066-2069), zero-width space/joiners and the BOM;
# Cs: lone surrogates; Zl/Zp: Unicode line and paragraph separators.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# What an error calls the text: a catalogue word, or a workbook's own column heading.
Label = Term | str
_FREE_TEXT_KEEPS = {"\n": "\n", "\t": " ", "\u2028": "\n", "\u2029": "\n"}


@dataclass(frozen=True)
class TextRule:
    """How one column's text is checked: its kind, and the field errors name."""

    column: str  # "table.column"
    kind: str
    field: str

    @cached_property  # asked for on every checked value; an import checks millions
    def label(self) -> Term:
        """What errors call the column (catalogue: columns.<table>.<column>)."""
        return Term(f"columns.{self.column}")


def _rules(kind: str, *entries: tuple[str, str]) -> list[TextRule]:
    return [TextRule(column, kind, field) for column, field in entries]


RULES: dict[str, TextRule] = {rule.column: rule for rule in [
    *_rules(NAME,
            ("persons.name", "name"),
            ("persons.registered_address", "registered_address"),
            ("persons.employment", "employment"),
            ("households.number", "number"),
            ("households.room", "room"),
            ("households.address", "address"),
            ("requests.contact_name", "contact_name"),
            ("users.username", "username"),
            ("users.display_name", "display_name"),
            ("communities.code", "community_code"),
            ("communities.name", "community"),
            ("communities.street", "street"),
            ("grids.code", "code"),
            ("grids.name", "name"),
            ("buildings.name", "name"),
            ("buildings.address", "address"),
            ("units.name", "unit")),
    *_rules(FREE,
            ("persons.notes", "notes"),
            ("households.notes", "notes"),
            ("register_entries.notes", "notes"),
            ("register_entries.end_reason", "reason"),
            ("memberships.left_reason", "reason"),
            ("visits.content", "content"),
            ("requests.description", "description"),
            ("requests.result", "result"),
            ("requests.feedback", "feedback"),
            ("request_events.note", "note")),
    *_rules(CODE,
            ("persons.id_type", "id_type"),
            ("persons.id_number", "id_number"),
            ("persons.sex", "sex"),
            ("persons.ethnicity", "ethnicity"),
            ("persons.phone", "phone"),
            ("persons.population_type", "population_type"),
            ("persons.residence_state", "residence_state"),
            ("persons.political_status", "political_status"),
            ("persons.marital_status", "marital_status"),
            ("persons.education", "education"),
            ("households.kind", "kind"),
            ("households.phone", "phone"),
            ("households.status", "status"),
            ("memberships.relation", "relation"),
            ("register_entries.category", "category"),
            ("communities.phone", "phone"),
            ("buildings.kind", "kind"),
            ("requests.channel", "channel"),
            ("requests.category", "category"),
            ("requests.urgency", "urgency"),
            ("requests.contact_phone", "contact_phone"),
            ("requests.state", "state"),
            ("requests.satisfaction", "satisfaction"),
            ("request_events.from_state", "from_state"),
            ("request_events.to_state", "to_state"),
            ("users.role", "role"),
            ("users.phone", "phone"),
            ("visits.kind", "kind")),
    *_rules(INTERNAL,
            ("grids.notes", "notes"),  # no form or import writes it yet
            ("audit_log.username", "username"),
            ("audit_log.action", "action"),
            ("audit_log.entity", "entity"),
            ("audit_log.detail", "detail"),
            ("audit_log.prev_hash", "prev_hash"),
            ("audit_log.values_digest", "values_digest"),
            ("audit_log.row_hash", "row_hash"),
            ("month_locks.locked_by", "locked_by"),
            ("search_keys.key", "key"),
            ("counters.name", "name"),
            ("requests.number", "number"),
            ("users.password_hash", "password"),
            ("login_failures.username", "username")),
]}


@cache
def limit_of(column: str) -> int:
    """The column's String(length), read off the model so the rule cannot drift from the schema."""
    table, name = column.split(".")
    column_type = Base.metadata.tables[table].c[name].type
    if not isinstance(column_type, String) or column_type.length is None:
        raise KeyError(f"{column} is not a String(length) column")
    return column_type.length


def text_for(column: str, value: str | None, *, field: str | None = None,
             label: Label | None = None) -> str:
    """The value as `column` stores it (stripped), or ValidationError naming field and limit."""
    rule = RULES[column]
    field, label, limit = field or rule.field, label or rule.label, limit_of(column)
    if rule.kind == FREE:
        return free_text(value, limit=limit, field=field, label=label)
    if rule.kind == NAME:
        return name_text(value, limit=limit, field=field, label=label)
    return _within(_stripped(value), limit, field, label)


def name_text(value: str | None, *, limit: int, field: str, label: Label) -> str:
    """A one-line name: stripped; refused if it holds an unsafe character or is too long."""
    text = _stripped(value)
    bad = first_unsafe(text)
    if bad is not None:
        raise ValidationError("text.control_character", label=label, bad=_codepoint(bad),
                              field=field)
    return _within(text, limit, field, label)


def free_text(value: str | None, *, limit: int, field: str, label: Label) -> str:
    """Free text: unsafe characters removed (line breaks kept), stripped, at most `limit` long."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    if first_unsafe(text) is not None:
        text = "".join(_FREE_TEXT_KEEPS.get(ch, "" if _unsafe(ch) else ch) for ch in text)
    return _within(text.strip(), limit, field, label)


def first_unsafe(text: str) -> str | None:
    """The first control, bidi or zero-width character of the text, if any."""
    if text.isprintable():  # C speed; false for every unsafe character (and for some safe ones)
        return None
    return next((ch for ch in text if _unsafe(ch)), None)


def visible(text: str) -> str:
    """The text with unsafe characters written out as \\u escapes, for echoing it safely."""
    if first_unsafe(text) is None:
        return text
    return "".join(_codepoint(ch) if _unsafe(ch) else ch for ch in text)


def _within(text: str, limit: int, field: str, label: Label) -> str:
    if len(text) > limit:
        raise ValidationError("text.too_long", label=label, limit=limit, length=len(text), field=field)
    return text


def _stripped(value: str | None) -> str:
    return (value or "").strip()


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in UNSAFE_CATEGORIES


def _codepoint(ch: str) -> str:
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"

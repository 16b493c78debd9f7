"""An audit row's stored values as masked text: one line for the list, one change per key.

Every value goes through station.masking's free-text rule, so an ID or phone number is masked
wherever it sits: its own key, inside a note, inside a nested list of members.
"""

from __future__ import annotations

import json
from typing import Any

from station.audit_log.records import AuditChange
from station.masking import mask_text
from station.text_rules import visible

ARROW = " → "
SUMMARY_LIMIT = 200


def masked(text: str | None) -> str:
    """Text from the log, numbers masked and control characters written out (line breaks kept)."""
    lines = mask_text(text).replace("\r\n", "\n").split("\n")
    return "\n".join(visible(line) for line in lines)


def one_line(text: str) -> str:
    """Text for a list's cell: line breaks as spaces."""
    return " ".join(text.split("\n"))


def changes(old: Any, new: Any) -> tuple[AuditChange, ...]:
    """The keys of both sides, old ones first, each value masked ("" where a side lacks it)."""
    before, after = _as_dict(old), _as_dict(new)
    keys = [*before, *(key for key in after if key not in before)]
    return tuple(AuditChange(masked(str(key)), _value(before, key), _value(after, key)) for key in keys)


def summary(found: tuple[AuditChange, ...]) -> str:
    """`key: old → new; key: new` on one line, cut at SUMMARY_LIMIT characters."""
    text = one_line("; ".join(change_line(change) for change in found))
    return text if len(text) <= SUMMARY_LIMIT else text[:SUMMARY_LIMIT - 1] + "…"


def change_line(change: AuditChange) -> str:
    """One value as `key: old → new`, or `key: new` when the row had none before."""
    if not change.old:
        return f"{change.key}: {change.new}"
    return f"{change.key}: {change.old}{ARROW}{change.new or '—'}"


def _as_dict(values: Any) -> dict[Any, Any]:
    if values is None:
        return {}
    return values if isinstance(values, dict) else {"": values}


def _value(values: dict[Any, Any], key: Any) -> str:
    if key not in values:
        return ""
    value = values[key]
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return masked(text) or '""'

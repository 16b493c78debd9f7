"""Dates as a clerk types them in the register forms: 2026-11-23, 2026/11/23, 2026.11.23 or 20261123."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_SEPARATED = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(text: str) -> date | None:
    """The date written in `text`, or None when it is not one (the form then names the field)."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    found = _SEPARATED.fullmatch(value) or _COMPACT.fullmatch(value)
    if found is None:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None

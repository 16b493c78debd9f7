"""Days and months as people type them: one rule for every form, the CLI and the import.

A day: 2026-11-23, 2026/11/23, 2026.11.23, 2026年11月23日 or 20261123, in full-width digits
too (a Chinese input method types ２０２６); where a form knows today, 11-23, 11/23 or 11月23日
mean that day of the current year. A month: 2026-10, 2026/10, 2026.10, 202610 or 2026年10月.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_FULL_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DAY = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SHORT_DAY = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_MONTH = re.compile(r"(\d{4})\s*(?:[-/.年]\s*)?(\d{1,2})\s*月?")
FIRST_YEAR, LAST_YEAR = 1900, 2100


class NotADay(ValueError):
    """The text does not have the shape of a day (as opposed to a day that does not exist)."""


class NoSuchDay(ValueError):
    """The text has the shape of a day that does not exist: 2026-02-30, 2026-13-01."""


def normalized(text: str | None) -> str:
    """Full-width digits and punctuation as ASCII, surrounding spaces gone."""
    return unicodedata.normalize("NFKC", text or "").strip()


def parse_day(text: str | None, today: date | None = None) -> date | None:
    """The day typed; None when nothing was typed; NotADay when the text is not shaped like a
    day, NoSuchDay when the day it names does not exist (both ValueErrors).

    Without `today` only a full date is a day (an import has no "this year" to assume).
    """
    value = normalized(text)
    if not value:
        return None
    full = _FULL_DAY.fullmatch(value) or _COMPACT_DAY.fullmatch(value)
    if full is not None:
        year, month, day = (int(part) for part in full.groups())
    elif today is not None and (short := _SHORT_DAY.fullmatch(value)) is not None:
        year, month, day = today.year, int(short[1]), int(short[2])
    else:
        raise NotADay(f"not a day: {value!r}")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotADay(f"year out of range: {year}")
    try:
        return date(year, month, day)
    except ValueError:
        raise NoSuchDay(f"no such day: {value!r}") from None


def try_day(text: str | None, today: date | None = None) -> date | None:
    """The day typed, or None when nothing or no day was typed (the form then names the field)."""
    try:
        return parse_day(text, today)
    except ValueError:
        return None


def parse_month(text: str | None) -> tuple[int, int]:
    """(year, month) typed; ValueError when it names no month (2000-2100)."""
    found = _MONTH.fullmatch(normalized(text))
    if found is None:
        raise ValueError(f"not a month: {text!r}")
    year, month = int(found[1]), int(found[2])
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValueError(f"not a month: {text!r}")
    return year, month


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)

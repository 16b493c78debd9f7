"""Dates as a clerk types them at the counter, and the week a day falls in."""

from __future__ import annotations

import re
from datetime import date, timedelta

# 2026-11-23, 2026/11/23, 2026.11.23, 20261123; or 11-23 / 11/23 in the current year.
_FULL = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{4})(\d{2})(\d{2})")
_SHORT = re.compile(r"(\d{1,2})[-/.](\d{1,2})")


def parse_day(text: str, today: date) -> date | None:
    """The day typed (None when empty); ValueError when it is not a date."""
    text = text.strip()
    if not text:
        return None
    full = _FULL.fullmatch(text)
    if full:
        year, month, day = (int(part) for part in full.groups() if part is not None)
        return date(year, month, day)
    short = _SHORT.fullmatch(text)
    if short:
        return date(today.year, int(short[1]), int(short[2]))
    raise ValueError(text)


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the day's week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)

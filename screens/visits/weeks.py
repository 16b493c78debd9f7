"""The week a day falls in (days themselves are read by station.dates)."""

from __future__ import annotations

from datetime import date, timedelta


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the day's week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)

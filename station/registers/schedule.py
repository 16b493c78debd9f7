"""When a register entry's next visit is due, and whether it is ok, due soon or overdue."""

from __future__ import annotations

from datetime import date, timedelta

DUE_SOON_DAYS = 7


def visit_schedule(start_on: date, every_days: int, last_visit_on: date | None,
                   today: date) -> tuple[date, str]:
    """When the next visit is due and whether that is ok, due soon (≤ 7 days) or overdue.

    A visit before the person entered the register does not count towards it.
    """
    since = max(last_visit_on or start_on, start_on)
    due = since + timedelta(days=every_days)
    days_left = (due - today).days
    if days_left < 0:
        return due, "overdue"
    return due, "due_soon" if days_left <= DUE_SOON_DAYS else "ok"

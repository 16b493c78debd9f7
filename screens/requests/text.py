"""How a request reads on screen: its codes in the catalogue's language, the time it has left,
and the colour of its time-limit state (at risk yellow, overdue red)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from rich.text import Text

from station.requests.records import RequestRecord

Translate = Callable[..., str]
Name = Callable[[str, str, str], str]  # family, code, name as stored → the name in the UI's language
TIMING_STYLES = {"at_risk": "bold yellow", "overdue": "bold red", "closed_late": "red"}
OPEN_TIMINGS = ("on_time", "at_risk", "overdue")
LIST_COLUMNS = ("number", "received", "category", "urgency", "state", "assignee", "grid", "deadline",
                "left")


def code_name(t: Translate, family: str, code: str) -> str:
    """A state, urgency, channel, satisfaction or timing code as the catalogue names it.

    The names are the core's (requests.<family>.<code>), shared with printouts and exports.
    """
    if not code:
        return ""
    return t(f"requests.{family}.{code}")


def time_left(t: Translate, request: RequestRecord, now: datetime) -> str:
    """"剩 1天3时" before the deadline, "超 2时05分" after it; a finished request's timing."""
    if request.timing not in OPEN_TIMINGS:
        return code_name(t, "timing", request.timing)
    remaining = request.deadline_at - now
    if remaining >= timedelta(0):
        return t("requests.left", span=span(t, remaining))
    return t("requests.over", span=span(t, -remaining))


def span(t: Translate, delta: timedelta) -> str:
    """A duration to the minute, as days and hours, hours and minutes, or minutes."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return t("requests.span_days", days=days, hours=hours)
    if hours:
        return t("requests.span_hours", hours=hours, minutes=f"{minutes:02d}")
    return t("requests.span_minutes", minutes=minutes)


def when(moment: datetime | None) -> str:
    return f"{moment:%m-%d %H:%M}" if moment else "—"


def day(moment: datetime) -> str:
    return f"{moment:%m-%d}"


def list_cells(t: Translate, name: Name, request: RequestRecord, now: datetime) -> list[Text]:
    """The list row of a request (LIST_COLUMNS), coloured by its time-limit state."""
    style = TIMING_STYLES.get(request.timing, "")
    # The day of receipt is enough here (the detail has the time): the row must fit 100 columns.
    cells = (request.number, day(request.received_at), name("request_category", request.category, request.category_name),
             code_name(t, "urgency", request.urgency), code_name(t, "state", request.state),
             request.assignee_name or "—", request.grid_name or "—", when(request.deadline_at),
             time_left(t, request, now))
    return [Text(cell, style=style) for cell in cells]

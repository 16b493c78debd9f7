"""Residents' requests: their states, codes and transitions, and the checks on what a clerk typed."""

from __future__ import annotations

from station.errors import ValidationError
from station.text_rules import RULES, limit_of, text_for

STATES = {
    "received": "受理",
    "assigned": "分派",
    "in_progress": "处置中",
    "closed": "已办结",
    "rated": "已回访评价",
}
OPEN_STATES = ("received", "assigned", "in_progress")
CHANNELS = {"window": "窗口", "phone": "电话", "grid_report": "网格员上报"}
URGENCIES = {"urgent": "紧急", "normal": "一般", "enquiry": "咨询"}
SATISFACTIONS = {
    "very_satisfied": "非常满意",
    "satisfied": "满意",
    "basic": "基本满意",
    "unsatisfied": "不满意",
}
TIMINGS = {
    "on_time": "正常",
    "at_risk": "临期",
    "overdue": "超期",
    "closed_on_time": "按时办结",
    "closed_late": "超期办结",
}

# What each transition is called, the permission it needs and the states it may start from.
TRANSITIONS = {
    "assign": ("分派", "requests.assign", ("received", "assigned", "in_progress"), "assigned"),
    "start": ("开始处置", "requests.handle", ("assigned",), "in_progress"),
    "close": ("办结", "requests.handle", ("in_progress",), "closed"),
    "rate": ("回访评价", "requests.feedback", ("closed",), "rated"),
    "reopen": ("重新打开", "requests.reopen", ("closed", "rated"), "in_progress"),
}
MAX_DESCRIPTION = limit_of("requests.description")
MAX_NOTE = limit_of("request_events.note")


def check_transition(state: str, action: str) -> None:
    """Refuse a transition that may not start from the request's current state."""
    label, _, from_states, _ = TRANSITIONS[action]
    if state not in from_states:
        raise ValidationError(f"当前状态为{STATES[state]},不能{label}", field="state")


def choice(value: str, table: dict[str, str], field: str, message: str) -> str:
    """The code of `table` a clerk typed as its code or its name."""
    value = (value or "").strip()
    if value in table:
        return value
    by_name = {name: code for code, name in table.items()}
    if value in by_name:
        return by_name[value]
    raise ValidationError(message if not value else f"{message}(无法识别“{value}”)", field=field)


def required_text(column: str, value: str, message: str, *, field: str | None = None,
                  label: str | None = None) -> str:
    """Text for `column` (checked by text_rules) that must not be empty."""
    # No NFKC here: it would turn a resident's full-width Chinese punctuation into ASCII.
    text = text_for(column, value, field=field, label=label)
    if not text:
        raise ValidationError(message, field=field or RULES[column].field)
    return text


def note_text(note: str) -> str:
    """A transition's optional note."""
    return text_for("request_events.note", note)

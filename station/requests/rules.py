"""Residents' requests: their states, codes and transitions, and the checks on what a clerk typed."""

from __future__ import annotations

from station.errors import ValidationError
from station.messages import DEFAULT_LANGUAGE, Term, message
from station.text_rules import RULES, limit_of, text_for

# Names are in the catalogue, their one definition (requests.state.<code>, requests.channel.<code>,
# ...): the tables below are the Chinese names by code, for printouts, exports and typed input.
STATES = ("received", "assigned", "in_progress", "closed", "rated")
OPEN_STATES = ("received", "assigned", "in_progress")


def _named(family: str, codes: tuple[str, ...]) -> dict[str, str]:
    return {code: message(f"requests.{family}.{code}") for code in codes}


CHANNELS = _named("channel", ("window", "phone", "grid_report"))
URGENCIES = _named("urgency", ("urgent", "normal", "enquiry"))
SATISFACTIONS = _named("satisfaction", ("very_satisfied", "satisfied", "basic", "unsatisfied"))
TIMINGS = _named("timing", ("on_time", "at_risk", "overdue", "closed_on_time", "closed_late"))

# The permission each transition needs, the states it may start from and where it leads
# (what it is called is in the catalogue: requests.action.<name>).
TRANSITIONS = {
    "assign": ("requests.assign", ("received", "assigned", "in_progress"), "assigned"),
    "start": ("requests.handle", ("assigned",), "in_progress"),
    "close": ("requests.handle", ("in_progress",), "closed"),
    "rate": ("requests.feedback", ("closed",), "rated"),
    "reopen": ("requests.reopen", ("closed", "rated"), "in_progress"),
}
MAX_DESCRIPTION = limit_of("requests.description")
MAX_NOTE = limit_of("request_events.note")


def state_name(state: str, language: str = DEFAULT_LANGUAGE) -> str:
    """What a state is called (受理, 已办结, ...) in `language`: the catalogue is its one definition."""
    return message(f"requests.state.{state}", language)


def state_names() -> dict[str, str]:
    """Every state's Chinese name by code, for reading what a clerk typed."""
    return {state: state_name(state) for state in STATES}


def check_transition(state: str, action: str) -> None:
    """Refuse a transition that may not start from the request's current state."""
    _, from_states, _ = TRANSITIONS[action]
    if state not in from_states:
        raise ValidationError("requests.wrong_state", state=Term(f"requests.state.{state}"),
                              action=Term(f"requests.action.{action}"), field="state")


def choice(value: str, table: dict[str, str], field: str, *, error_code: str) -> str:
    """The code of `table` a clerk typed as its code or its name; `error_code` says what to choose."""
    value = (value or "").strip()
    if value in table:
        return value
    by_name = {name: code for code, name in table.items()}
    if value in by_name:
        return by_name[value]
    if not value:
        raise ValidationError(error_code, field=field)
    raise ValidationError("requests.not_recognised", prompt=Term(error_code), value=value, field=field)


def required_text(column: str, value: str, *, error_code: str, field: str | None = None,
                  label: Term | None = None) -> str:
    """Text for `column` (checked by text_rules) that must not be empty (else `error_code`)."""
    # No NFKC here: it would turn a resident's full-width Chinese punctuation into ASCII.
    text = text_for(column, value, field=field, label=label)
    if not text:
        raise ValidationError(error_code, field=field or RULES[column].field)
    return text


def note_text(note: str) -> str:
    """A transition's optional note."""
    return text_for("request_events.note", note)

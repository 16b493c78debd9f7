"""A row of filter fields over a list: what was typed applies on Enter or when a field is left,
so a half-typed name or date never reaches the database; Enter also moves on.

Subclasses compose their fields and `read()` them into criteria (a ValueError carries the
message for bad input). They redeclare Changed and Invalid (as subclasses of these) so that
screens handle `on_<their name>_changed` / `_invalid`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input

from screens.base import Localized


class FilterRow(Localized, Horizontal):
    """Filter fields; posts Changed with new criteria, or Invalid with a message."""

    @dataclass
    class Changed(Message):
        criteria: Any

    @dataclass
    class Invalid(Message):
        message: str

    def __init__(self, today: date, criteria: Any, *, id: str | None = None):  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.today = today
        self.criteria = criteria

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.apply():
            self.screen.focus_next()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self.apply()

    def apply(self) -> bool:
        """Read the fields; post Changed when the criteria differ, Invalid for bad input."""
        try:
            criteria = self.read()
        except ValueError as error:
            self.post_message(self.Invalid(str(error)))
            return False
        if criteria != self.criteria:
            self.criteria = criteria
            self.post_message(self.Changed(criteria))
        return True

    def read(self) -> Any:
        """The criteria the fields say now; ValueError with a message for bad input."""
        raise NotImplementedError

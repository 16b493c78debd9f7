"""Forms whose message line clears once the clerk edits what it is about (see widgets.FormError)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.widgets import Input

from screens.widgets.labels import FormError

# The mixin's methods use the screen it is mixed into; mypy is told so, Python mixes it in.
if TYPE_CHECKING:
    _FormBase = Screen[Any]
else:
    _FormBase = object


class ClearsFormErrors(_FormBase):
    """Mixin for a form screen or dialog: typing in a field clears a message about that field."""

    def on_input_changed(self, event: Input.Changed) -> None:
        for message in self.query(FormError):
            message.edited(event.input)

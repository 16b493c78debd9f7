"""A phone field that shows the number as it will be saved once the clerk leaves it.

The canonical form (station.phone: 13912345678, 010-12345678) is shown from its first digit: a
field narrower than the number otherwise stays scrolled to where the typing ended ("3912345678").
Text that is not a phone number is left as typed, for the form's check to name.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from station.errors import ValidationError
from station.phone import parse_phone


class PhoneInput(Input):
    def on_blur(self, _event: events.Blur) -> None:
        try:
            canonical = parse_phone(self.value)
        except ValidationError:
            canonical = self.value
        if canonical != self.value:
            self.value = canonical
        self.cursor_position = 0

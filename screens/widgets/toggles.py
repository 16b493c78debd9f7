"""Checkboxes and radio buttons whose state shows without colour.

Textual draws the same "▐X▌" (and "●") checked or not and tells them apart by colour only: on a
monochrome or badly set up terminal, and for a clerk who does not see the colours, the first-run
demo box looked ticked when it was not. Here the mark is drawn only when the box is on.
"""

from __future__ import annotations

from textual.widgets import Checkbox as TextualCheckbox
from textual.widgets import RadioButton as TextualRadioButton

EMPTY = " "


class Checkbox(TextualCheckbox):
    """A checkbox: "▐X▌" when ticked, "▐ ▌" when not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's name
        return TextualCheckbox.BUTTON_INNER if self.value else EMPTY


class RadioButton(TextualRadioButton):
    """A radio button: "▐●▌" when chosen, "▐ ▌" when not."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - Textual's name
        return TextualRadioButton.BUTTON_INNER if self.value else EMPTY

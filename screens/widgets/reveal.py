"""A person's ID and phone number, masked; a role that may reveal sees them in full for 5 minutes.

The next slice's person and household views embed `PersonNumbers`; the reveal asks for a
reason, goes through station.residents.privacy.reveal_person (audited) and masks itself again on a timer.
"""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from screens.base import Localized
from screens.keys import bindings
from screens.widgets.dialogs import ReasonDialog
from station.residents.privacy import REVEAL_MINUTES, mask_id, mask_phone, may_reveal, reveal_person
from station.residents.privacy_records import RevealedRecord


class PersonNumbers(Localized, Static, can_focus=True):
    DEFAULT_CSS = """
    PersonNumbers {
        height: auto;
        padding: 0 1;
        /* The selected member as a list's cursor row: $boost was invisible on 256 colours. */
        &:focus {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
    }
    """
    BINDINGS = bindings("reveal.show")

    def __init__(self, person_id: int, name: str, id_number: str, phone: str, *, id: str | None = None):  # noqa: A002
        super().__init__(id=id)
        self.person_id, self.person_name = person_id, name
        self.masked = (mask_id(id_number), mask_phone(phone))
        self.revealed: RevealedRecord | None = None
        self.mask_timer: Timer | None = None

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        t = self.t
        id_text, phone_text = self.masked
        if self.revealed is not None:
            id_text, phone_text = self.revealed.id_number, self.revealed.phone
        text = Text.assemble((self.person_name, "bold"), "  ", t("reveal.id"), " ", id_text,
                             "  ", t("reveal.phone"), " ", phone_text or "—")
        if self.revealed is not None:
            text.append("  " + t("reveal.until", minutes=REVEAL_MINUTES), style="italic")
        self.update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return may_reveal(self.station.actor)
        return True

    def action_reveal(self) -> None:
        dialog = ReasonDialog(self.t("reveal.title"), self.t("reveal.prompt", name=self.person_name))
        self.app.push_screen(dialog, callback=self._reason_given)

    def _reason_given(self, reason: str | None) -> None:
        if reason:
            self.call(reveal_person, self.person_id, reason, on_done=self._revealed)

    def _revealed(self, record: RevealedRecord) -> None:
        self.revealed = record
        if self.mask_timer is not None:
            self.mask_timer.stop()
        self.mask_timer = self.set_timer(REVEAL_MINUTES * 60, self.hide, name="mask again")
        self.show()

    def hide(self) -> None:
        """Mask the numbers again (the timer's end, or when the view closes)."""
        self.revealed = None
        self.show()

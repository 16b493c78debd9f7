"""A list's search box (重点人群, 诉求, 走访记录): what the ledger's box finds a person by, and 户号.

Typing posts Search (after a short pause, so a burst of keys is one query); Enter or ↓ moves into
the list it searches.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

# As the ledger's: long enough to fold a burst of keys into one query, short enough to feel immediate.
DEBOUNCE_SECONDS = 0.05


class ListSearch(Input):
    """Posts ListSearch.Search(query) as the clerk types; Enter and ↓ focus the list (`target`)."""

    BINDINGS = [Binding("down", "to_list", show=False)]

    @dataclass
    class Search(Message):
        query: str

    def __init__(self, placeholder: str, target: str, *, id: str | None = None):  # noqa: A002
        super().__init__(placeholder=placeholder, id=id, compact=True, max_length=64)
        self.target = target
        self.pending: Timer | None = None

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.pending is not None:
            self.pending.stop()
        self.pending = self.set_timer(DEBOUNCE_SECONDS, lambda: self.post_message(self.Search(event.value)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_to_list()

    def action_to_list(self) -> None:
        self.screen.query_one(self.target).focus()

"""A search box's query, run once typing pauses; Enter or ↓ right after typing acts on its answer.

Without this, Enter typed at once after the query (a card reader ends its number with Enter, a
fast clerk does not wait) acts on the rows of the query before: it opened the wrong household,
or did nothing in the person picker because no hits had arrived yet.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.dom import DOMNode
from textual.timer import Timer

from screens.typeahead import expect_answer


class DebouncedSearch:
    """Runs `search(query)` once typing pauses for `delay` seconds.

    `then(action)` does `action` once the last typed query has been answered (the owner calls
    `answered()` when it shows the answer to its latest query), running the query at once if it
    still waits for the pause.
    """

    def __init__(self, owner: DOMNode, delay: float, search: Callable[[str], None]):
        self.owner = owner
        self.delay = delay
        self.search = search
        self._timer: Timer | None = None
        self._query = ""
        self._unanswered = False
        self._then: Callable[[], None] | None = None
        self._release_keys: Callable[[], None] | None = None

    def typed(self, query: str) -> None:
        """The box now holds `query`: search for it when typing pauses."""
        if self._timer is not None:
            self._timer.stop()
        self._query = query
        self._timer = self.owner.set_timer(self.delay, self._run)

    def answered(self) -> None:
        """The owner shows the answer to its latest query."""
        self._unanswered = False
        then, self._then = self._then, None
        if then is not None:
            then()
        release, self._release_keys = self._release_keys, None
        if release is not None:
            release()

    def then(self, action: Callable[[], None]) -> None:
        """Do `action` once what was typed has been answered (at once if it has)."""
        if self._timer is not None:
            self._run()
        if not self._unanswered:
            action()
            return
        self._then = action
        if self._release_keys is None:
            # The keys typed after this one are meant for where `action` leads.
            self._release_keys = expect_answer(self.owner)

    def _run(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._unanswered = True
        self.search(self._query)

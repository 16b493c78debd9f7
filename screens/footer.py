"""The footer every screen shows: Textual's Footer, without its memory leak."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

# Where Textual keeps `self.watch(...)` callbacks on the watched object (textual/reactive.py).
_WATCHERS = "__watchers"


class StationFooter(Footer):
    """A Footer that lets go of the keys it has replaced.

    Textual (8.2, textualize/textual#6666) binds each FooterKey to the footer's `compact` with a
    watcher stored on the footer, and drops watchers only when `compact` changes, which it never
    does here. The footer recomposes whenever a screen's keys change (every dialog, every household
    opened), so each old key stayed alive with its rendering caches: about 250 KB more for every
    household opened, without bound, in a program that runs all day. Before composing new keys,
    forget the removed ones.
    """

    def compose(self) -> ComposeResult:
        for watchers in getattr(self, _WATCHERS, {}).values():
            watchers[:] = [(node, callback) for node, callback in watchers if node.is_attached]
        yield from super().compose()

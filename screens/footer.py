"""The footer every screen shows: Textual's Footer, without its memory leak, fitted to the width."""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Where Textual keeps `self.watch(...)` callbacks on the watched object (textual/reactive.py).
_WATCHERS = "__watchers"
# Left out first when the keys do not fit: the same on every screen, so a clerk knows them, and
# F1 help (which is never left out) lists them all.
DROPPED_FIRST = ("app.palette", "app.lock", "app.quit")
ALWAYS_SHOWN = "app.help"


class StationFooter(Footer):
    """A Footer that lets go of the keys it has replaced, and leaves out keys rather than cut them.

    Textual (8.2, textualize/textual#6666) binds each FooterKey to the footer's `compact` with a
    watcher stored on the footer, and drops watchers only when `compact` changes, which it never
    does here. The footer recomposes whenever a screen's keys change (every dialog, every household
    opened), so each old key stayed alive with its rendering caches: about 250 KB more for every
    household opened, without bound, in a program that runs all day. Before composing new keys,
    forget the removed ones.

    At 80 columns a screen's own keys plus the app's (quit, help, commands, lock) overflowed and the
    last hints were cut mid-word; the app's keys give way first, then the screen's from the right.
    """

    composed_width = 0

    def compose(self) -> ComposeResult:
        for watchers in getattr(self, _WATCHERS, {}).values():
            watchers[:] = [(node, callback) for node, callback in watchers if node.is_attached]
        self.composed_width = self.app.size.width
        ids = {key: active.binding.id for key, active in self.screen.active_bindings.items()}
        yield from fitting(list(super().compose()), self.composed_width, ids)

    def on_resize(self, event: events.Resize) -> None:
        if self.composed_width and event.size.width != self.composed_width:
            self.call_after_refresh(self.recompose)


def fitting(shown: list[Widget], width: int, ids: dict[str, str | None]) -> Iterable[Widget]:
    """The footer's widgets without the least useful keys, until they fit in `width` cells."""
    keys = [node for node in shown if isinstance(node, FooterKey)]
    ranked = sorted(keys, key=lambda node: _drop_rank(ids.get(node.key), keys.index(node)))
    left_out: set[int] = set()
    total = sum(_key_width(node) for node in keys)
    for node in ranked:
        if total <= width:
            break
        if ids.get(node.key) == ALWAYS_SHOWN:
            continue
        left_out.add(id(node))
        total -= _key_width(node)
    return [node for node in shown if id(node) not in left_out]


def _drop_rank(binding_id: str | None, position: int) -> tuple[int, int]:
    """App keys first (in DROPPED_FIRST's order), then the screen's from the right."""
    if binding_id in DROPPED_FIRST:
        return (0, DROPPED_FIRST.index(binding_id))
    return (1, -position)


def _key_width(node: FooterKey) -> int:
    """Cells a key takes in Textual's (non-compact) footer: " key description "."""
    if not node.description:
        return cell_len(node.key_display) + 2
    return cell_len(node.key_display) + cell_len(node.description) + 3

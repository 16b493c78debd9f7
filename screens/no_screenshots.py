"""No screenshots: the screen holds residents' names, IDs and phone numbers.

Textual can save an SVG of the screen (a palette command, an action, an environment variable);
all of them end in these methods, which refuse. `export_screenshot` stays: it only returns the
picture in memory (the snapshot tests use it) and writes nothing.
"""

from __future__ import annotations

from typing import Any


class NoScreenshots:
    """Mixin for the App class."""

    def _refuse_screenshot(self) -> None:
        self.notify(self.catalogue("app.no_screenshot"), severity="warning")  # type: ignore[attr-defined]

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self._refuse_screenshot()

    def deliver_screenshot(self, *args: Any, **kwargs: Any) -> str | None:
        self._refuse_screenshot()
        return None

    def save_screenshot(self, *args: Any, **kwargs: Any) -> str:
        self._refuse_screenshot()
        return ""

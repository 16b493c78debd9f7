"""The import's progress line: a bar and the stage (read, check, write, index) with rows done.

The import reports progress from its worker thread; `reporter()` hands each update to the UI
thread with call_from_thread, dropping updates that come closer together than a tenth of a
second (each one waits for the UI) unless a stage starts or ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from screens.base import Localized

PROGRESS_EVERY_SECONDS = 0.1


class ImportProgress(Localized, Horizontal):
    def compose(self) -> ComposeResult:
        yield ProgressBar(id="progress", show_eta=False)
        yield Static("", id="stage", markup=False)

    def begin(self) -> None:
        """Show the line, the bar pulsing until the first stage reports its size."""
        self.display = True
        self.query_one(ProgressBar).update(total=None, progress=0)
        self.query_one("#stage", Static).update("")

    def stop(self) -> None:
        self.query_one("#stage", Static).update("")

    def reporter(self) -> Callable[[str, int, int], None]:
        """The import's progress callback: runs in the worker, shows on the UI thread."""
        app, last_stage, last_at = self.app, [""], [0.0]

        def report(stage: str, done: int, total: int) -> None:
            now = time.monotonic()
            if stage == last_stage[0] and done < total and now - last_at[0] < PROGRESS_EVERY_SECONDS:
                return
            last_stage[0], last_at[0] = stage, now
            app.call_from_thread(self.show, stage, done, total)

        return report

    def show(self, stage: str, done: int, total: int) -> None:
        if not self.is_attached:
            return  # the screen was left while the import ran on
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#stage", Static).update(f"{self.stage_name(stage)} {done:,}/{total:,}")

    def stage_name(self, stage: str) -> str:
        return self.t(f"imports.stage.{stage}")

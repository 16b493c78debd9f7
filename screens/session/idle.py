"""The idle timer behind the lock screen: seconds since the last key press or click."""

from __future__ import annotations

import time
from collections.abc import Callable


class IdleWatch:
    """Expired once `limit_seconds` pass without `touch()`; the clock is injectable for tests."""

    def __init__(self, limit_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.limit_seconds = limit_seconds
        self.clock = clock
        self.last_activity = clock()

    def touch(self) -> None:
        self.last_activity = self.clock()

    def expired(self) -> bool:
        return self.clock() - self.last_activity >= self.limit_seconds

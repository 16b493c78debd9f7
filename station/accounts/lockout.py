"""The lock-out rules every password check follows: how many failures, in what window, lock for how long."""

from __future__ import annotations

from datetime import datetime, timedelta

from station.errors import AuthError

LOCK_AFTER_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)


def locked_error(lock_end: datetime) -> AuthError:
    """The refusal a locked name meets, saying until when."""
    # Round up, so trying again at the minute shown never meets the lock.
    shown = lock_end if lock_end.second == lock_end.microsecond == 0 else lock_end + timedelta(minutes=1)
    return AuthError("accounts.locked_until", time=f"{shown:%H:%M}")

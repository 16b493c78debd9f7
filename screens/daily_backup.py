"""The day's automatic backup, taken after the first login of the day behind the first screen.

The clerk works on while it runs (in its own thread, not one of the gateway's two); the screen
says it started, and how it ended: the file and how long it took, or what went wrong. A failure
stops nothing: the message asks to have the backups folder and the disk checked. PostgreSQL is
backed up by the street on its server, so nothing runs there (station.bootstrap.daily_backup_due).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from screens.logging_setup import LOGGER_NAME

if TYPE_CHECKING:
    from screens.app import StationApp

log = logging.getLogger(LOGGER_NAME)
# A failure stays on screen until read; a success only as long as a notice.
FAILURE_SECONDS = 60
STARTED_SECONDS = 30


def start_daily_backup(app: StationApp) -> None:
    """Take today's backup in a thread when none exists yet; the app's notices follow it."""
    app.run_worker(lambda: _run(app), thread=True, group="daily-backup", exclusive=True, exit_on_error=False)


def _run(app: StationApp) -> None:
    # Imported here: SQLAlchemy and the backup code load in this thread, not before the screen.
    from station.bootstrap import daily_backup_due, take_daily_backup
    from station.failures import explain

    try:
        database = app.database.get()
        if not daily_backup_due(database):
            return
        app.call_from_thread(app.notify, app.catalogue("app.backup_started"), timeout=STARTED_SECONDS)
        started = time.monotonic()
        made = take_daily_backup(database)
    except Exception as error:  # noqa: BLE001 - any failure is said on screen; work goes on
        known = explain(error)
        if known is None:
            log.exception("daily backup failed")
        reason = app.catalogue.error(known) if known is not None else type(error).__name__
        app.call_from_thread(app.notify, app.catalogue("app.backup_failed", reason=reason), severity="warning",
                             timeout=FAILURE_SECONDS)
        return
    seconds = f"{time.monotonic() - started:.1f}"
    app.call_from_thread(app.notify, app.catalogue("app.backup_done", file=made.path.name, seconds=seconds))

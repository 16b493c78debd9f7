"""The station's commands in the Ctrl+P palette (only commands that work; no screenshot).

Each command is offered only to a role that may use it; typing a few letters of its Chinese
name (or the English one) finds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.screen import Screen

from screens.ledger.open_home import open_person_home
from station.permissions import allowed

if TYPE_CHECKING:
    from screens.app import StationApp
    from station.search.records import SearchHit


def station_commands(app: StationApp, screen: Screen[Any] | None = None) -> Iterator[SystemCommand]:
    """Commands for a logged-in user (the palette only opens then) on `screen`, the one the palette
    was opened over (app.screen is the palette itself while it searches)."""
    yield from _work_commands(app, screen or app.screen)
    yield from _section_commands(app)
    yield from _session_commands(app)


def _work_commands(app: StationApp, screen: Screen[Any]) -> Iterator[SystemCommand]:
    may = partial(allowed, app.actor)
    if may("ledger.read"):
        yield _command(app, "open_household", partial(open_household, app))
    if may("visits.write"):
        yield _command(app, "new_visit", partial(_push, app, "visits.form", "NewVisitScreen"))
    if may("requests.receive"):
        yield _command(app, "receive_request", partial(_push, app, "requests.form", "ReceiveRequestScreen"))
    if may("reports.print") and callable(getattr(screen, "action_print", None)):
        yield _command(app, "print", screen.action_print)  # type: ignore[attr-defined]
    if may("reports.print") and callable(getattr(screen, "action_resident_report", None)):
        yield _command(app, "resident_report", screen.action_resident_report)  # type: ignore[attr-defined]


def _section_commands(app: StationApp) -> Iterator[SystemCommand]:
    yield _command(app, "dashboard", app.action_go_dashboard)
    yield _command(app, "ledger", app.action_go_ledger)
    yield _command(app, "registers", app.action_go_registers)
    yield _command(app, "visits", app.action_go_visits)
    yield _command(app, "requests", app.action_go_requests)
    if allowed(app.actor, "reports.print"):
        yield _command(app, "reports", app.action_go_reports)
    if allowed(app.actor, "data.import"):
        yield _command(app, "import", app.action_go_import)
    if allowed(app.actor, "data.retention"):
        yield _command(app, "retention", partial(_push, app, "admin.retention", "RetentionScreen"))
    if allowed(app.actor, "audit.read"):
        yield _command(app, "audit_log", partial(_push, app, "admin.audit_log", "AuditLogScreen"))
    if allowed(app.actor, "users.manage") and app.database.encrypted:
        yield _command(app, "new_recovery_sheet", partial(_new_recovery_sheet, app))
    if allowed(app.actor, "keys.manage") and app.database.plaintext:
        yield _command(app, "encrypt_database", partial(_encrypt_database, app))


def _session_commands(app: StationApp) -> Iterator[SystemCommand]:
    other_language = "en" if app.catalogue.language == "zh" else "zh"
    yield _command(app, "lock", app.action_lock)
    yield _command(app, "logout", app.action_logout)
    yield _command(app, "language", partial(app.switch_language, other_language))
    yield _command(app, "help", app.action_help)
    yield _command(app, "quit", app.exit)


def _command(app: StationApp, name: str, run: Callable[[], object]) -> SystemCommand:
    t = app.catalogue
    return SystemCommand(t(f"commands.{name}"), t(f"commands.{name}_help"), run)


def _push(app: StationApp, module: str, screen: str) -> None:
    """Open a form screen by name (imported only when asked for: start-up stays light)."""
    from importlib import import_module

    app.push_screen(getattr(import_module(f"screens.{module}"), screen)())


def _new_recovery_sheet(app: StationApp) -> None:
    """Replace the recovery key and show the new one with its sheet (imported when asked for)."""
    from screens.admin.recovery_key import new_recovery_sheet

    new_recovery_sheet(app)


def _encrypt_database(app: StationApp) -> None:
    """Encrypt a plaintext station, as `station encrypt` does (imported when asked for)."""
    from screens.admin.encrypt import encrypt_station

    encrypt_station(app)


def open_household(app: StationApp) -> None:
    """Find a resident by name, pinyin, ID or phone and open their household."""
    from screens.widgets.person_picker import PickPersonDialog

    app.push_screen(PickPersonDialog(app.catalogue("commands.open_household"), active_only=False),
                    callback=partial(_open_hit, app))


def _open_hit(app: StationApp, hit: SearchHit | None) -> None:

    if hit is not None:
        open_person_home(app, hit.person_id, hit.name, hit.household_id)

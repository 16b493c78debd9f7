"""The counter TUI's application: the database, who is logged in, the catalogue, the idle lock.

Thin on purpose: each screen owns its handlers; the app only moves between first run, login,
dashboard and lock, and offers the station's commands in the Ctrl+P palette.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from screens.commands import station_commands
from screens.database_handle import DatabaseHandle
from screens.gateway import Gateway
from screens.i18n import Catalogue
from screens.keys import bindings, key_display, unknown_keymap_ids
from screens.logging_setup import LOGGER_NAME
from screens.no_screenshots import NoScreenshots
from screens.session.idle import IdleWatch
from screens.session.login import LoginScreen
from screens.session.terminal import CHECK_SECONDS as TERMINAL_CHECK_SECONDS
from screens.session.terminal import leave as leave_hung_up
from screens.session.terminal import terminal_attached
from screens.typeahead import KeyGate
from screens.widgets.dialogs import MessageDialog
from screens.widgets.unsaved import leave_forms
from station.accounts.records import LoginResult, UserRecord
from station.actor import Actor
from station.errors import StationError
from station.memory import return_large_blocks
from station.permissions import allowed
from station.settings import Settings

if TYPE_CHECKING:
    from station.db import Database

log = logging.getLogger(LOGGER_NAME)
# Before login nobody is acting: no role, so no service that checks a permission will run.
ANONYMOUS = Actor(user_id=None, username="counter", role="", community_id=None)
SIGNED_IN_ACTIONS = frozenset({"lock", "logout", "go_dashboard", "go_ledger", "go_registers", "go_visits",
                               "go_requests", "go_reports", "go_import", "command_palette"})
HELD_ACTIONS = SIGNED_IN_ACTIONS | {"quit"}
IDLE_CHECK_SECONDS = 1.0
# The top bar goes on saying it as long as the outage lasts; the notice need not.
OUTAGE_NOTICE_SECONDS = 20


class StationApp(NoScreenshots, App[None]):
    CSS_PATH = "app.tcss"
    BINDINGS = bindings("app.help", "app.palette", "nav.dashboard", "nav.ledger", "nav.registers", "nav.visits",
                        "nav.requests", "nav.reports", "nav.import", "app.lock", "app.quit")

    def __init__(self, database: DatabaseHandle, *, clock: Callable[[], float] = time.monotonic,
                 daily_backup: bool = False):
        super().__init__()
        self.database = database
        # The day's automatic backup after a login (`station run`; tests over a fixture's database
        # ask for it where they test it).
        self.daily_backup = daily_backup
        self.settings: Settings = database.settings
        self.catalogue = Catalogue(self.settings.station.language)
        self.login: LoginResult | None = None
        self.locked = False
        self.idle = IdleWatch(self.settings.station.idle_lock_minutes * 60, clock)
        # True while the database server does not answer (PostgreSQL; see screens.gateway).
        self.server_down = False
        self.gateway = Gateway(database, self.show_error, self.show_failure, self.signed_out, server=self)
        self.key_gate = KeyGate(self)
        self.title = self.settings.station.name
        self.set_keymap(self.settings.keymap)

    @property
    def actor(self) -> Actor:
        return self.login.actor if self.login else ANONYMOUS

    @property
    def user(self) -> UserRecord | None:
        return self.login.user if self.login else None

    # --- start, sign in, lock, sign out ------------------------------------------------------

    def on_mount(self) -> None:
        # The login screen shows at once; the database opens meanwhile, and an empty one turns
        # it into the first-run screen. The opening starts once the screen is painted: its
        # imports would otherwise hold the GIL while the screen mounts.
        self.push_screen(LoginScreen())
        self.call_after_refresh(self.gateway.run, self, self._any_user, on_done=self._first_run_if_empty,
                                name="open database")
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        if terminal_attached():  # a real terminal (not a test's headless one), on POSIX
            self.set_interval(TERMINAL_CHECK_SECONDS, self.leave_if_terminal_gone)
        unknown = unknown_keymap_ids(self.settings.keymap)
        if unknown:
            self.notify(self.catalogue("app.unknown_keymap", ids=", ".join(unknown)), severity="warning")

    def leave_if_terminal_gone(self) -> None:
        """The terminal hung up and the app was not stopped with it: leave (screens.session.terminal)."""
        if not terminal_attached():
            leave_hung_up(self.database.dispose, log)

    def _any_user(self) -> bool:
        from station.accounts.users import has_users

        if self.database.encrypted:
            return True  # its key slots are its users': the login opens it
        if self.database.can_encrypt_new:
            return False  # nothing made yet: the first run chooses an encrypted file or not
        return has_users(self.database.get())

    def _first_run_if_empty(self, any_user: bool) -> None:
        from screens.session.first_run import FirstRunScreen

        if not any_user and self.login is None:
            self.call_next(self._show_only, FirstRunScreen())

    def show_login(self, username: str = "", notice: str = "") -> None:
        """Forget who was logged in and show the login screen alone (with `notice` on it)."""
        self.login, self.locked = None, False
        self.call_next(self._show_only, LoginScreen(username, notice=notice))

    def signed_out(self, _error: StationError) -> None:
        """The account was disabled while logged in: back to the login screen, saying why."""
        if self.login is None:
            return  # another call already signed out
        self.clear_notifications()  # they may name residents
        self.show_login(notice=self.catalogue("login.disabled"))

    def sign_in(self, result: LoginResult) -> None:
        self.login, self.locked = result, False
        self.idle.touch()
        self.action_go_dashboard()
        self._warn_of_audit_break()
        if self.daily_backup:
            from screens.daily_backup import start_daily_backup

            start_daily_backup(self)

    def _warn_of_audit_break(self) -> None:
        """Whoever may read the audit log hears at once that the start found it changed."""
        from station.permissions import allowed

        found = self.database.get().audit_check
        if found is not None and not found.ok and allowed(self.actor, "audit.read"):
            self.notify(self.catalogue("app.audit_broken", row=found.broken_at), severity="error", timeout=60)

    def action_go_dashboard(self) -> None:
        # Imported here: the dashboard (and its queries) are not needed to show the login screen.
        from screens.dashboard import DashboardScreen

        self._go(DashboardScreen)

    def action_go_ledger(self) -> None:
        from screens.ledger.screen import LedgerScreen

        self._go(LedgerScreen)

    def action_go_registers(self) -> None:
        from screens.registers.screen import RegistersScreen

        self._go(RegistersScreen)

    def action_go_visits(self) -> None:
        from screens.visits.screen import VisitsScreen

        self._go(VisitsScreen)

    def action_go_requests(self) -> None:
        from screens.requests.screen import RequestsScreen

        self._go(RequestsScreen)

    def action_go_reports(self) -> None:
        from screens.reporting.screen import ReportsScreen

        self._go(ReportsScreen)

    def action_go_import(self) -> None:
        from screens.imports.screen import ImportScreen

        self._go(ImportScreen)

    def _go(self, section: type[Screen[Any]]) -> None:
        """Show a section in place of the screens open now, once no form there loses typed input."""
        leave_forms(self, lambda: self.call_next(self._show_only, section()))

    async def _show_only(self, screen: Screen[Any]) -> None:
        with self.key_gate.hold():
            while len(self.screen_stack) > 2:
                await self.pop_screen()
            if len(self.screen_stack) == 2:
                await self.switch_screen(screen)
            else:
                await self.push_screen(screen)

    def action_lock(self) -> None:
        from screens.session.lock import LockScreen

        if self.login is None or self.locked:
            return
        self.locked = True
        self.clear_notifications()  # they may name residents
        self.push_screen(LockScreen(), callback=self._after_lock)

    def _after_lock(self, unlocked: bool | None) -> None:
        self.locked = False
        self.idle.touch()
        if not unlocked:
            self.show_login(self.user.username if self.user else "")

    def action_logout(self) -> None:
        leave_forms(self, self._logged_out)

    def _logged_out(self) -> None:
        self.database.lock()
        self.show_login()

    async def action_quit(self) -> None:
        leave_forms(self, self.exit)

    def lock_if_idle(self) -> None:
        if self.login is not None and not self.locked and self.idle.expired() and not self.held():
            self.action_lock()

    def held(self) -> bool:
        """True while a screen's work must not be left halfway (加密数据库, screens.admin.encrypt):
        the section keys, the lock, the palette and quitting wait for it."""
        return any(getattr(screen, "holds_session", False) for screen in self.screen_stack)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.idle.touch()
        # Typed-ahead keys wait their turn (screens.typeahead); while work holds the session they
        # are answered at once, so a key refused then (the palette, quitting) is not replayed
        # over what the work shows when it ends (the recovery key).
        admitted = event if self.held() else self.key_gate.admit(event)
        if admitted is not None:
            await super().on_event(admitted)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in HELD_ACTIONS and self.held():
            return False
        if action in SIGNED_IN_ACTIONS:
            signed_in = self.login is not None and not self.locked
            # The import key exists only for roles that may import (False hides it).
            if action == "go_import" and signed_in:
                return allowed(self.actor, "data.import")
            return signed_in
        return True

    # --- language, help, palette -------------------------------------------------------------

    def switch_language(self, language: str) -> None:
        """Show the app in another language from now on (this session only)."""
        self.catalogue = Catalogue(language)
        if self.login is not None:
            self.action_go_dashboard()

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_command_palette(self) -> None:
        if not isinstance(self.screen, CommandPalette):
            self.push_screen(CommandPalette(placeholder=self.catalogue("palette.placeholder"),
                                            id="--command-palette"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Only the station's commands: Textual's own include a screenshot that would write
        # unmasked ID and phone numbers to disk.
        return station_commands(self, screen)

    def get_key_display(self, binding: Binding) -> str:
        return key_display(binding)

    # --- messages ----------------------------------------------------------------------------

    def show_error(self, error: StationError) -> None:
        self.push_screen(MessageDialog(self.catalogue.error_title(error), self.catalogue.error(error),
                                       kind="error"))

    def show_failure(self) -> None:
        self.push_screen(MessageDialog(self.catalogue("errors.unexpected_title"),
                                       self.catalogue("errors.unexpected"), kind="error"))

    # --- the database server's outages (screens.gateway waits them out) ---------------------

    def server_lost(self) -> None:
        """Say once, without a dialog that would take the next key, that the server is gone."""
        if self.server_down:
            return
        self.server_down = True
        self.notify(self.catalogue("app.server_lost"), severity="error", timeout=OUTAGE_NOTICE_SECONDS)
        self._tell_screens()

    def server_back(self) -> None:
        if not self.server_down:
            return
        self.server_down = False
        self.notify(self.catalogue("app.server_back"))
        self._tell_screens()

    def _tell_screens(self) -> None:
        """Every open screen's top bar says it; a list that may be stale says so and, once the
        server is back, reads itself again (screens with a `server_changed(down)` method)."""
        from screens.widgets.labels import TopBar

        for screen in self.screen_stack:
            for bar in screen.query(TopBar):
                bar.refresh_text()
            changed = getattr(screen, "server_changed", None)
            if changed is not None:
                changed(self.server_down)



def create_app(db: Database | None = None, *, settings: Settings | None = None,
               open_db: Callable[[], Database] | None = None,
               unlock_db: Callable[[str, str], Database] | None = None,
               create_db: Callable[[str, str, str], tuple[Database, UserRecord, str]] | None = None,
               clock: Callable[[], float] = time.monotonic, daily_backup: bool = False) -> StationApp:
    """The app over an open database (tests), or over settings and a way to open the database."""
    return_large_blocks()  # password checks (login, unlock) must not leave 19 MB behind each
    if db is not None:
        return StationApp(DatabaseHandle(db.settings, db=db), clock=clock, daily_backup=daily_backup)
    if settings is None or open_db is None:
        raise ValueError("create_app needs a database, or settings and open_db")
    return StationApp(DatabaseHandle(settings, opener=open_db, unlocker=unlock_db, creator=create_db),
                      clock=clock, daily_backup=daily_backup)


def run_app(db: Database | None = None, *, settings: Settings | None = None,
            open_db: Callable[[], Database] | None = None,
            unlock_db: Callable[[str, str], Database] | None = None,
            create_db: Callable[[str, str, str], tuple[Database, UserRecord, str]] | None = None) -> None:
    """Start the counter TUI (`station run`); the database is closed on exit.

    `run_app(settings=..., open_db=...)` shows the login screen before the database is open.
    """
    from screens.logging_setup import setup_logging

    setup_logging()
    app = create_app(db, settings=settings, open_db=open_db, unlock_db=unlock_db, create_db=create_db,
                     daily_backup=True)
    try:
        app.run()
    finally:
        app.gateway.shutdown()
        app.database.dispose()

"""The station's commands in the Ctrl+P palette (only commands that work; no screenshot)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand

if TYPE_CHECKING:
    from .app import StationApp


def station_commands(app: StationApp) -> Iterator[SystemCommand]:
    """Commands for a logged-in user (the palette only opens then)."""
    t = app.catalogue
    other_language = "en" if t.language == "zh" else "zh"
    yield SystemCommand(t("commands.dashboard"), t("commands.dashboard_help"), app.action_go_dashboard)
    yield SystemCommand(t("commands.ledger"), t("commands.ledger_help"), app.action_go_ledger)
    yield SystemCommand(t("commands.lock"), t("commands.lock_help"), app.action_lock)
    yield SystemCommand(t("commands.logout"), t("commands.logout_help"), app.action_logout)
    yield SystemCommand(t("commands.language"), t("commands.language_help"),
                        partial(app.switch_language, other_language))
    yield SystemCommand(t("commands.help"), t("commands.help_help"), app.action_help)
    yield SystemCommand(t("commands.quit"), t("commands.quit_help"), app.exit)

"""新恢复密钥单 (administrators, from the palette): replace the recovery key of an encrypted station
and show the new one once, with its sheet to print.

Asked first: the old sheet opens nothing afterwards (old backups still open with it).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.recovery_key import RecoveryKeyDialog

if TYPE_CHECKING:
    from screens.app import StationApp


def new_recovery_sheet(app: StationApp) -> None:
    """Ask, then replace the recovery key (station.accounts.users.replace_recovery_key)."""
    t = app.catalogue
    app.push_screen(ConfirmDialog(t("recovery_key.confirm_title"), t("recovery_key.confirm_text")),
                    callback=partial(_replace_if_yes, app))


def _replace_if_yes(app: StationApp, yes: bool | None) -> None:
    from station.accounts.users import replace_recovery_key  # imported late: it loads SQLAlchemy

    if yes:
        app.gateway.call(app.screen, app.actor, replace_recovery_key, on_done=partial(_show_key, app))


def _show_key(app: StationApp, recovery_key: str) -> None:
    t = app.catalogue
    app.push_screen(RecoveryKeyDialog(t("recovery_key.new_title"), t("recovery_key.new_text", recovery=recovery_key),
                                      recovery_key, app.actor))

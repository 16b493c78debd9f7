"""After 加密数据库: the new recovery key once (F9 prints its sheet), the old plaintext backups
(加密 / 删除 / 保留), then a summary of what was done and who needs a new password.

The encryption itself, its audit and the encrypted backup made right after it ran in one job
(encrypt_and_back_up): they are done even when the dialogs are not waited for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.widgets import Button

from screens.keys import bindings
from screens.logging_setup import LOGGER_NAME
from screens.widgets.dialog_box import Dialog
from screens.widgets.dialogs import MessageDialog
from screens.widgets.recovery_key import RecoveryKeyDialog
from station.actor import Actor
from station.errors import StationError

if TYPE_CHECKING:
    from screens.app import StationApp
    from screens.database_handle import DatabaseHandle
    from screens.i18n import Catalogue
    from station.backup.encrypt import OldBackups
    from station.backup.files import BackupFile
    from station.uow import UnitOfWork

log = logging.getLogger(LOGGER_NAME)
ENCRYPT, DELETE, KEEP = "encrypt", "delete", "keep"
NAMES_SHOWN = 3


@dataclass(frozen=True)
class Encrypted:
    """The encrypted station's recovery key (shown once), the accounts without a key slot, the
    encrypted backup made right after, and the plaintext backups left in the backups folder;
    `problem` says why the audit or that backup failed (the encryption itself is done)."""

    recovery_key: str = field(repr=False)
    without_slot: tuple[str, ...]
    backup_name: str = ""
    old_backups: tuple[BackupFile, ...] = ()
    problem: StationError | None = None


def encrypt_and_back_up(handle: DatabaseHandle, actor: Actor, password: str) -> Encrypted:
    """Encrypt the station (screens.database_handle), then audit it and back it up encrypted, as
    `station encrypt` does; runs on a database thread."""
    from station.backup.encrypt import plaintext_backups, record_encryption  # loaded when used
    from station.backup.files import backup_folder
    from station.backup.make import run_backup
    from station.uow import UnitOfWork

    result = handle.encrypt(actor, password)
    try:
        with UnitOfWork(handle.get(), actor) as uow:
            record_encryption(uow, result)
            made = run_backup(uow, label="encryption")
        old = plaintext_backups(backup_folder(handle.settings))
    except Exception as failure:  # noqa: BLE001 - the recovery key must reach the screen all the same
        return Encrypted(result.recovery_key, result.without_slot, problem=_explained(failure))
    return Encrypted(result.recovery_key, result.without_slot, made.path.name, tuple(old))


def _explained(failure: Exception) -> StationError:
    from station.failures import explain

    if isinstance(failure, StationError):
        return failure
    log.warning("加密后的审计或备份失败", exc_info=failure)
    return explain(failure) or StationError("encrypt.after_failed")


def settle_plaintext_backups(uow: UnitOfWork, backups: tuple[BackupFile, ...], *, encrypt: bool) -> OldBackups:
    """Encrypt or delete the old plaintext backups (their seals checked with the station's old key)."""
    from station.backup.encrypt import settle_old_backups
    from station.backup.seal import stored_seal_key

    return settle_old_backups(uow, list(backups), encrypt=encrypt, old_seal_key=stored_seal_key(uow.database.engine))


class EncryptionFollowUp:
    """The dialogs after the encryption, one after the other, as the administrator who ran it."""

    def __init__(self, app: StationApp, done: Encrypted, admin: Actor):
        self.app = app
        self.done = done
        self.admin = admin

    def start(self) -> None:
        t = self.app.catalogue
        self.app.push_screen(RecoveryKeyDialog(t("encrypt.key_title"),
                                               t("encrypt.key_text", recovery=self.done.recovery_key),
                                               self.done.recovery_key, self.admin),
                             callback=self._key_closed)

    def _key_closed(self, _closed: None) -> None:
        count = len(self.done.old_backups)
        if count:
            self.app.push_screen(OldBackupsDialog(count), callback=self._chosen)
        else:
            self._summary(None, None)

    def _chosen(self, choice: str | None) -> None:
        if choice not in (ENCRYPT, DELETE):
            self._summary(KEEP, None)  # Esc as well: nothing is deleted unasked
            return
        self.app.notify(self.app.catalogue(f"encrypt.old_{choice}_working"), timeout=5)
        self.app.gateway.call(self.app, self.admin, settle_plaintext_backups, self.done.old_backups,
                              encrypt=choice == ENCRYPT, on_done=partial(self._summary, choice),
                              on_error=partial(self._summary, choice, None))

    def _summary(self, choice: str | None, outcome: OldBackups | None, error: StationError | None = None) -> None:
        t = self.app.catalogue
        self.app.push_screen(MessageDialog(t("encrypt.summary_title"),
                                           "\n".join(summary_lines(t, self.done, choice, outcome, error))))


def summary_lines(t: Catalogue, done: Encrypted, choice: str | None, outcome: OldBackups | None,
                  error: StationError | None) -> list[str]:
    """What was done, in the catalogue `t`'s language: the backup, who needs a new password, the
    old backups."""
    if done.problem is None:
        lines = [t("encrypt.summary_done", backup=done.backup_name)]
    else:
        lines = [t("encrypt.summary_not_backed_up", problem=t.error(done.problem))]
    if done.without_slot:
        lines.append(t("encrypt.summary_without_slot", users=t("encrypt.name_separator").join(done.without_slot)))
    lines.extend(_old_backup_lines(t, len(done.old_backups), choice, outcome, error))
    lines.append(t("encrypt.summary_elsewhere"))
    return lines


def _old_backup_lines(t: Catalogue, count: int, choice: str | None, outcome: OldBackups | None,
                      error: StationError | None) -> list[str]:
    if error is not None:
        return [t("encrypt.summary_old_failed", problem=t.error(error))]
    if choice == KEEP:
        return [t("encrypt.summary_old_kept", count=count)]
    if outcome is None:
        return []
    done = outcome.encrypted if choice == ENCRYPT else outcome.deleted
    lines = [t(f"encrypt.summary_old_{choice}", count=len(done), names=_some_names(t, [path.name for path in done]))
             ] if done else []
    refused = outcome.refused
    lines += [t("encrypt.summary_old_refused", name=name, reason=reason) for name, reason in refused[:NAMES_SHOWN]]
    if len(refused) > NAMES_SHOWN:
        lines.append(t("encrypt.summary_more_refused", count=len(refused) - NAMES_SHOWN))
    return lines


def _some_names(t: Catalogue, names: list[str]) -> str:
    """The first few names (a dialog at 80x24 holds no more; the audit row names them all)."""
    shown = t("encrypt.name_separator").join(names[:NAMES_SHOWN])
    return shown + t("encrypt.more_names", count=len(names) - NAMES_SHOWN) if len(names) > NAMES_SHOWN else shown


class OldBackupsDialog(Dialog[str]):
    """加密 / 删除 / 保留 the plaintext backups in the backups folder; Esc keeps them."""

    BINDINGS = bindings("dialog.close", "dialog.previous", "dialog.next")
    HELP_TOPIC: ClassVar[str] = "encrypt_old"

    def __init__(self, count: int):
        super().__init__("", "")
        self.title_text = self.t("encrypt.old_title")
        self.message = self.t("encrypt.old_text", count=count)

    def compose_buttons(self) -> ComposeResult:
        yield Button(self.t("encrypt.old_encrypt"), id=ENCRYPT, variant="primary")
        yield Button(self.t("encrypt.old_delete"), id=DELETE, variant="error")
        yield Button(self.t("encrypt.old_keep"), id=KEEP)

    def on_mount(self) -> None:
        self.query_one(f"#{ENCRYPT}", Button).focus()

    def result_for(self, button_id: str) -> str:
        return button_id if button_id in (ENCRYPT, DELETE) else KEEP

    def action_previous_button(self) -> None:
        self.focus_previous()

    def action_next_button(self) -> None:
        self.focus_next()

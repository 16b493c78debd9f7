"""An encrypted station opened with a user's key slot, under the login's lock-out rules.

A wrong password at the key slot counts toward the lock-out exactly as a login's does, in the
ledger beside the database (accounts.unlock_failures), and a locked name is refused before
argon2 runs. Once a login has opened the database, the attempts refused before it move into
the audit log, each at the time it happened.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from models import User
from station import audit
from station.accounts import unlock_failures
from station.accounts.lockout import LOCK_AFTER_FAILURES, locked_error
from station.accounts.login import COMMAND_LINE, COUNTER, attempting_actor
from station.accounts.unlock_failures import PendingAttempt, ledger_of, ledger_path
from station.accounts.users import normalise_username
from station.errors import AuthError
from station.uow import UnitOfWork
from station.vault import Vault, open_vault

_VIA_CODES = {COUNTER: unlock_failures.COUNTER, COMMAND_LINE: unlock_failures.COMMAND_LINE}
_VIA_WORDS = {code: words for words, code in _VIA_CODES.items()}


def open_vault_counted(database_file: Path, username: str, password: str, *, now: datetime,
                       via: str = COUNTER) -> Vault:
    """The vault opened with a user's password, as a login checks it: a locked name is refused
    (accounts.locked_until) without trying the password, a wrong one is counted and locks the
    name after LOCK_AFTER_FAILURES, a right one clears the name's count.

    `via` is COUNTER or COMMAND_LINE (login's words); nothing more of who typed it is kept."""
    ledger, name = ledger_path(database_file), normalise_username(username)[:64]
    code = _VIA_CODES.get(via, unlock_failures.COUNTER)
    lock_end = unlock_failures.check_lock(ledger, name, now, code)
    if lock_end is not None:
        raise locked_error(lock_end)
    try:
        vault = open_vault(database_file, username, password)
    except AuthError as refusal:
        if refusal.code != "accounts.wrong_credentials":
            raise
        lock_end = unlock_failures.count_failure(ledger, name, now, code)
        if lock_end is not None:
            raise locked_error(lock_end) from None
        raise
    unlock_failures.clear(ledger, name, now)
    return vault


def audit_unlock_failures(uow: UnitOfWork) -> int:
    """Move the attempts refused before the database was open into its audit log, at the times
    they happened, and forget them in the ledger; returns how many."""
    vault = uow.database.vault
    if vault is None:
        return 0
    ledger = ledger_of(vault)
    users = {user.username: user for user in uow.session.scalars(select(User))}
    waiting = unlock_failures.pending(ledger, users)
    for item in waiting:
        _record(uow, item, users.get(item.username) if item.username else None)
    uow.commit()
    unlock_failures.forget(ledger, (item.attempt for item in waiting), uow.now())
    return len(waiting)


def _record(uow: UnitOfWork, item: PendingAttempt, user: User | None) -> None:
    attempt = item.attempt
    via = _VIA_WORDS[attempt.via]
    if attempt.outcome == unlock_failures.WHILE_LOCKED:
        action, detail = "login_locked", f"{via}: 账户锁定中(解锁数据库时)"
    else:
        action = "login_failed"
        detail = f"{via}: {'密码错误' if user is not None else '未知用户名'}(解锁数据库时)"
        if attempt.locked_until is not None:
            detail += f",连续 {LOCK_AFTER_FAILURES} 次失败,锁定至 {attempt.locked_until:%H:%M:%S}"
    audit.record(uow, action, "user", user.id if user else None, detail=detail,
                 actor=attempting_actor(user), at=attempt.at)

"""`station recover` and `station recovery-key`: an encrypted station's way back in.

Wired into cli.py with `register(app)`. `rekey` moves the station to a new data key. `recover` opens the database with the recovery key (no
account needed: it is for when the administrators' passwords are lost) and sets one account's
password, which also gives that account a new key slot. `recovery-key` (an administrator,
logged in) replaces the recovery key, for when the recovery sheet is lost or was seen.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli_context import (
    hint,
    out,
    progress_bar,
    settings,
    shown,
    signed_in,
    signed_in_database,
    unit_of_work,
    words,
)
from station.errors import StationError


def register(app: typer.Typer) -> None:
    """Add `recover` and `recovery-key` to the main app."""
    app.command("recover", help=hint("recover"))(recover)
    app.command("recovery-key", help=hint("recovery_key"))(recovery_key)
    app.command("rekey", help=hint("rekey"))(rekey)


def recover(
    username: Annotated[str, typer.Argument(help=hint("recover_user"))],
    recovery: Annotated[str | None, typer.Option("--recovery-key", help=hint("recover_key"))] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help=hint("password_stdin"))] = False,
) -> None:
    """Set an account's password with the recovery key (the recovery key line first on stdin)."""
    from station.accounts.users import set_password
    from station.bootstrap import open_database, sqlite_file
    from station.uow import UnitOfWork
    from station.vault import is_encrypted, open_vault_with_recovery, recovery_actor

    file = sqlite_file(settings())
    if file is None or not is_encrypted(file):
        raise StationError("cli.recover_needs_encryption")
    key = recovery or (typer.prompt(words("recover.key_prompt"), hide_input=True) if not password_stdin
                       else _line())
    vault = open_vault_with_recovery(file, key)
    password = _line() if password_stdin else _new_password()
    db = open_database(settings(), vault=vault, daily_backup=False)
    try:
        with UnitOfWork(db, recovery_actor()) as uow:
            record = set_password(uow, username, password)
    finally:
        db.dispose()
    out.print(words("recover.done", username=shown(record.username)))


def recovery_key() -> None:
    """A new recovery key for this encrypted station; the old one opens nothing from now on."""
    from station.accounts.users import replace_recovery_key

    with unit_of_work(daily_backup=False) as uow:
        key = replace_recovery_key(uow)
    out.print(words("init.recovery_key", key=key))
    out.print(words("init.recovery_advice"))
    out.print(words("recover.old_backups"))


def _line() -> str:
    import sys

    return sys.stdin.readline().rstrip("\r\n")


def _new_password() -> str:
    password = typer.prompt(words("password.prompt"), hide_input=True)
    if password != typer.prompt(words("password.again"), hide_input=True):
        raise StationError("cli.passwords_differ")
    return password


def rekey(
    yes: Annotated[bool, typer.Option("--yes", "-y", help=hint("rekey_yes"))] = False,
) -> None:
    """Re-encrypt the station under a new data key, then back it up under the new key."""
    from station.backup.make import run_backup
    from station.backup.rekey import record_rekey, rekey_database
    from station.bootstrap import open_database
    from station.uow import UnitOfWork

    db = signed_in_database(daily_backup=False)
    actor = signed_in(db)
    if not (yes or typer.confirm(words("rekey.confirm"), default=False)):
        db.dispose()
        out.print(words("rekey.cancelled"))
        return
    with progress_bar(transient=True) as progress:
        result = rekey_database(db, actor, lambda stage, done, total: progress(
            words(f"rekey.stage_{stage}"), done, total))
    db = open_database(settings(), vault=result.vault, daily_backup=False)
    try:
        with UnitOfWork(db, actor) as uow:
            record_rekey(uow, result)
            made = run_backup(uow, label="rekey")
    finally:
        db.dispose()
    out.print(words("rekey.done", pages=result.pages, users="、".join(map(shown, result.users))))
    if result.dropped:
        out.print(words("rekey.dropped", users="、".join(map(shown, result.dropped))))
    out.print(words("rekey.backup", path=shown(made.path)))

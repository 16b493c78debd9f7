"""`station recover` and `station recovery-key`: an encrypted station's way back in.

Wired into cli.py with `register(app)`. `rekey` moves the station to a new data key; `encrypt` encrypts a plaintext station. `recover` opens the database with the recovery key (no
account needed: it is for when the administrators' passwords are lost) and sets one account's
password, which also gives that account a new key slot. `recovery-key` (an administrator,
logged in) replaces the recovery key, for when the recovery sheet is lost or was seen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli_context import (
    credentials,
    err,
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

SheetPath = Annotated[Path | None, typer.Option("--sheet", help=hint("sheet"))]
PrintSheet = Annotated[bool, typer.Option("--print", help=hint("print_sheet"))]


def register(app: typer.Typer) -> None:
    """Add `recover` and `recovery-key` to the main app."""
    app.command("recover", help=hint("recover"))(recover)
    app.command("recovery-key", help=hint("recovery_key"))(recovery_key)
    app.command("rekey", help=hint("rekey"))(rekey)
    app.command("encrypt", help=hint("encrypt"))(encrypt)


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


def recovery_key(sheet: SheetPath = None, print_sheet: PrintSheet = False) -> None:
    """A new recovery key for this encrypted station; the old one opens nothing from now on."""
    from station.accounts.users import replace_recovery_key

    check_sheet_options(sheet, print_sheet)  # before the old key is voided
    with unit_of_work(daily_backup=False) as uow:
        key = replace_recovery_key(uow)
        show_recovery_key(key)
        out.print(words("recover.old_backups"))
        deliver_sheet(uow, key, sheet, print_sheet)


def check_sheet_options(sheet: Path | None, print_sheet: bool) -> None:
    """Refuse --sheet PATH and --print that cannot work before any key is made."""
    from reports.printer import has_printer
    from station.printing.recovery_sheet import check_sheet_target

    if sheet is not None:
        check_sheet_target(sheet, settings())
    if print_sheet and not has_printer():
        raise StationError("cli.no_printer")


def deliver_sheet(uow, key: str, sheet: Path | None, print_sheet: bool) -> None:
    """Write the recovery sheet to `sheet` and/or print it, as the key already shown on the terminal."""
    from reports.recovery_sheets import deliver_sheet as deliver

    if sheet is None and not print_sheet:
        return
    try:
        delivery = deliver(uow, key, out=sheet, send=print_sheet)
    except Exception:
        err.print(words("sheet.key_still_valid"))  # the sheet failed, not the key
        raise
    if delivery.file is not None:
        out.print(words("sheet.written", path=shown(delivery.file)))
    if delivery.printed:
        out.print(words("sheet.printed", job=shown(delivery.printed)))


def first_sheet(db, admin, key: str, sheet: Path | None, print_sheet: bool) -> None:
    """The new station's first recovery sheet, made by its first administrator."""
    from station.printing.recovery_sheet import actor_of
    from station.uow import UnitOfWork

    with UnitOfWork(db, actor_of(admin.id, admin.username, admin.role, admin.community_id)) as uow:
        deliver_sheet(uow, key, sheet, print_sheet)


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
    if result.recovery_key is not None:  # shown first: nothing after the swap may lose it
        out.print(words("rekey.new_recovery"))
        show_recovery_key(result.recovery_key)
    db = open_database(settings(), vault=result.vault, daily_backup=False)
    try:
        with UnitOfWork(db, actor) as uow:
            record_rekey(uow, result)
            made = run_backup(uow, label="rekey")
    finally:
        db.dispose()
    out.print(words("rekey.done", pages=result.pages, users=_names(map(shown, result.users))))
    if result.dropped:
        out.print(words("rekey.dropped", users=_names(map(shown, result.dropped))))
    out.print(words("rekey.backup", path=shown(made.path)))


def encrypt(
    yes: Annotated[bool, typer.Option("--yes", "-y", help=hint("encrypt_yes"))] = False,
    old_backups: Annotated[str | None, typer.Option("--old-backups", help=hint("encrypt_old_backups"))] = None,
    sheet: SheetPath = None,
    print_sheet: PrintSheet = False,
) -> None:
    """Encrypt this plaintext station and back it up encrypted, then deal with its old plaintext
    backups (on a station already encrypted, only the latter)."""
    from station.bootstrap import is_encrypted_station, open_database

    choice = _old_backups_choice(old_backups)
    db = signed_in_database(daily_backup=False)
    if not is_encrypted_station(settings()):
        check_sheet_options(sheet, print_sheet)  # before the station is encrypted
        if not (yes or typer.confirm(words("encrypt.confirm"), default=False)):
            db.dispose()
            out.print(words("encrypt.cancelled"))
            return
        db = open_database(settings(), vault=_encrypted(db, sheet, print_sheet), daily_backup=False)
    try:
        _old_backups(db, choice or ("encrypt" if yes else None))
    finally:
        db.dispose()
    out.print(words("encrypt.elsewhere"))


def _encrypted(db, sheet: Path | None, print_sheet: bool):
    """Encrypt the open plaintext station, audit it, back it up and deliver its recovery sheet
    when asked; returns its vault."""
    from station.backup.encrypt import encrypt_database, record_encryption
    from station.backup.make import run_backup
    from station.bootstrap import open_database
    from station.uow import UnitOfWork

    actor, (_username, password) = signed_in(db), credentials()
    with progress_bar(transient=True) as progress:
        result = encrypt_database(db, actor, password, lambda stage, done, total: progress(
            words(f"encrypt.stage_{stage}"), done, total))
    out.print(words("encrypt.done"))
    show_recovery_key(result.recovery_key)
    db = open_database(settings(), vault=result.vault, daily_backup=False)
    try:
        with UnitOfWork(db, actor) as uow:
            record_encryption(uow, result)
            made = run_backup(uow, label="encryption")
            deliver_sheet(uow, result.recovery_key, sheet, print_sheet)
    finally:
        db.dispose()
    out.print(words("encrypt.backup", path=shown(made.path)))
    if result.without_slot:
        out.print(words("encrypt.without_slot", users=_names(map(shown, result.without_slot))))
    return result.vault


def _old_backups(db, choice: str | None) -> None:
    """Encrypt, delete or keep the plaintext backups left in the backups folder."""
    from station.backup.encrypt import plaintext_backups, settle_old_backups
    from station.backup.files import backup_folder
    from station.backup.seal import stored_seal_key
    from station.uow import UnitOfWork

    old = plaintext_backups(backup_folder(db.settings))
    if not old:
        return
    choice = choice or _ask_old(len(old))
    if choice == "keep":
        out.print(words("encrypt.old_kept", count=len(old)))
        return
    with UnitOfWork(db, signed_in(db)) as uow:
        outcome = settle_old_backups(uow, old, encrypt=choice == "encrypt", old_seal_key=stored_seal_key(db.engine))
    if choice == "encrypt":
        out.print(words("encrypt.old_encrypted", count=len(outcome.encrypted)))
    else:
        out.print(words("encrypt.old_deleted", count=len(outcome.deleted)))
    for name, reason in outcome.refused:
        out.print(words("encrypt.old_refused", name=shown(name), reason=shown(reason)))


_OLD_CHOICES = ("encrypt", "delete", "keep")


def _old_backups_choice(given: str | None) -> str | None:
    if given is not None and given not in _OLD_CHOICES:
        raise StationError("cli.encrypt.bad_choice")
    return given


def _ask_old(count: int) -> str:
    import sys

    out.print(words("encrypt.old_found", count=count))
    if not sys.stdin.isatty():
        return "keep"  # a script that did not say: nothing is deleted unasked
    while (answer := typer.prompt(words("encrypt.old_choice"), default="encrypt").strip().lower()) not in _OLD_CHOICES:
        out.print(words("encrypt.bad_choice"))
    return answer


def _names(names) -> str:
    """User names listed in a sentence."""
    return words("user.grid_separator").join(names)


def show_recovery_key(key: str) -> None:
    """The recovery key, shown once, with what to do with it."""
    out.print(words("init.recovery_key", key=key))
    out.print(words("init.recovery_advice"))

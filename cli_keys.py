"""`station recover` and `station recovery-key`: an encrypted station's way back in.

Wired into cli.py with `register(app)`. `recover` opens the database with the recovery key (no
account needed: it is for when the administrators' passwords are lost) and sets one account's
password, which also gives that account a new key slot. `recovery-key` (an administrator,
logged in) replaces the recovery key, for when the recovery sheet is lost or was seen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli_context import err, hint, out, settings, shown, unit_of_work, words
from station.errors import StationError

SheetPath = Annotated[Path | None, typer.Option("--sheet", help=hint("sheet"))]
PrintSheet = Annotated[bool, typer.Option("--print", help=hint("print_sheet"))]


def register(app: typer.Typer) -> None:
    """Add `recover` and `recovery-key` to the main app."""
    app.command("recover", help=hint("recover"))(recover)
    app.command("recovery-key", help=hint("recovery_key"))(recovery_key)


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
        out.print(words("init.recovery_key", key=key))
        out.print(words("init.recovery_advice"))
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

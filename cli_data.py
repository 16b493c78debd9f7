"""`station export`, `station backup` and `station restore`: data leaving and coming back.

Wired into cli.py with `register(app)`. Exports act for this station's own community (the
logged-in user, a street account narrowed to it). `restore` opens the database without migrating
or backing it up first, so it also works when the live database no longer opens: then (or in an
empty folder) the user logs in to the verified backup itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli_context import (
    LANGUAGE,
    community_unit_of_work,
    credentials,
    hint,
    progress_bar,
    settings,
    shown,
    signed_in,
    unit_of_work,
    words,
)
from cli_context import out as console
from station.messages import message

ForceOption = Annotated[bool, typer.Option("--force", help=hint("force"))]


def register(app: typer.Typer) -> None:
    """Add `export`, `backup` and `restore` to the main app."""
    app.command("export", help=hint("export"))(export)
    app.command("backup", help=hint("backup"))(backup)
    app.command("restore", help=hint("restore"))(restore)
    app.command("backup-key", help=hint("backup_key"))(backup_key)


def export(
    kind: Annotated[str, typer.Argument(help=hint("export_kind"))],
    out: Annotated[Path, typer.Argument(help=hint("export_out"))],
    grid: Annotated[str | None, typer.Option("--grid", help=hint("export_grid"))] = None,
    unmasked: Annotated[bool, typer.Option("--unmasked", help=hint("export_unmasked"))] = False,
    reason: Annotated[str, typer.Option("--reason", help=hint("export_reason"))] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help=hint("export_password_stdin"))] = False,
    force: ForceOption = False,
) -> None:
    """Export a table to Excel, masked unless asked (and allowed); every export is audited.

    An unmasked workbook is written password-protected with a password the user types."""
    from reports.workbooks.export import write_table
    from station.exports.workbook import check_export, check_file_password, export_table
    from station.output_files import check_output, output_file

    with community_unit_of_work() as uow:
        target = check_output(out, uow.settings, force=force)  # refused before anything is audited
        check_export(uow, kind, unmasked=unmasked)  # a refusal comes before any question
        if unmasked and not reason.strip():
            reason = typer.prompt(words("export.reason_prompt"))
        password = None
        if unmasked:
            password = check_file_password(uow, _file_password(password_stdin))
        table = export_table(uow, kind, grid_code=grid, unmasked=unmasked, reason=reason,
                             destination=str(target))
        with progress_bar(transient=True) as update, \
                output_file(target, uow.settings, force=force) as partial:
            stage = words("export.stage", title=_kind_name(kind))
            written = write_table(partial, table, progress=lambda done, of: update(stage, done, of),
                                  password=password)
    console.print(words("export.done_unmasked" if unmasked else "export.done", title=_kind_name(kind),
                        rows=written, target=shown(target)))


def _file_password(from_stdin: bool) -> str:
    """The password the recipient will type to open an unmasked workbook: twice at a prompt, or
    one line of stdin (after the reason's, when the reason is asked for too)."""
    import sys

    from station.errors import StationError

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = typer.prompt(words("export.password_prompt"), hide_input=True)
    if password != typer.prompt(words("export.password_again"), hide_input=True):
        raise StationError("cli.passwords_differ")
    return password


def backup(
    folder: Annotated[Path | None, typer.Option("--out", help=hint("backup_out"))] = None,
) -> None:
    """Back up the database: a checked online copy with its manifest; keeps the configured number."""
    from station.backup.make import run_backup

    with unit_of_work(daily_backup=False) as uow:
        made = run_backup(uow, folder=folder.resolve() if folder else None)
    manifest = made.manifest
    console.print(words("backup.done", path=shown(made.path)))
    console.print(words("backup.summary", megabytes=f"{manifest.size / 1048576:.1f}", rows=manifest.total_rows(),
                        revision=manifest.schema_revision, sha256=manifest.sha256[:16]))


def restore(
    file: Annotated[Path, typer.Argument(help=hint("restore_file"))],
    yes: Annotated[bool, typer.Option("--yes", "-y", help=hint("restore_yes"))] = False,
    key: Annotated[str | None, typer.Option("--key", help=hint("restore_key"))] = None,
    recovery_key: Annotated[str | None, typer.Option("--recovery-key", help=hint("restore_recovery_key"))] = None,
) -> None:
    """Restore the database from a backup: checked, the current one backed up, then replaced."""
    from station.backup.manifest import MANIFEST_SUFFIX, backup_path_for
    from station.backup.restore import restore_backup
    from station.backup.seal import parse_key

    config = settings()
    backup = file.resolve()
    backup = backup_path_for(backup) if backup.name.endswith(MANIFEST_SUFFIX) else backup
    db = _restore_target(config, backup, recovery_key)
    try:
        actor = _recovery_or_live_account(db, recovery_key)
        with progress_bar(between_prompts=True) as progress:
            result = restore_backup(db, actor, backup, confirm=lambda m: yes or _confirm(m),
                                    key=parse_key(key) if key else None,
                                    account=lambda copy: _backup_account(copy, db),
                                    progress=lambda done, total: progress(words("restore.unpacking"), done, total))
    finally:
        db.dispose()
    if result is None:
        console.print(words("restore.cancelled"))
        return
    console.print(words("restore.done", name=shown(result.backup.name), made=result.manifest.created_at))
    if result.safety_backup:
        console.print(words("restore.safety_backup", path=shown(result.safety_backup)))
    if result.upgraded:
        console.print(words("restore.upgraded"))


def backup_key() -> None:
    """Show this station's backup signing key, to be copied onto paper."""
    from station.backup.seal import shown_key

    with unit_of_work(daily_backup=False) as uow:
        key = shown_key(uow)
    console.print(words("backup_key.key", key=shown(key)))
    console.print(words("backup_key.advice"))


def _restore_target(config, backup: Path, recovery_key: str | None):
    """The live database, opened without migrating. An encrypted one opens with the user's key
    slot (or the recovery key); in an empty folder an encrypted backup's own slots give the key."""
    from station.bootstrap import is_encrypted_station, sqlite_file
    from station.db import Database, database_url, make_engine
    from station.vault import Vault, open_vault_with_recovery, slots_path_for

    url, file = database_url(config)[0], sqlite_file(config)
    if file is None:  # PostgreSQL: the server encrypts at rest
        return Database(make_engine(url), config)
    if is_encrypted_station(config):
        keys_of = file
    elif not file.exists() and slots_path_for(backup).exists():
        keys_of = backup  # a new PC: the backup's slots travel beside it as <backup>.keys
    else:
        return Database(make_engine(url), config)
    opened = (open_vault_with_recovery(keys_of, recovery_key) if recovery_key
              else _vault_of(keys_of, live=keys_of == file))
    vault = Vault(slots_path_for(file), opened.data_key)
    return Database(make_engine(url, data_key=vault.data_key), config, vault=vault)


def _vault_of(keys_of: Path, *, live: bool):
    """The user's key slot opened; the live station's under the login's lock-out rules (a
    backup's slots on a stick can be guessed at offline anyway: nothing there to count)."""
    from datetime import datetime

    from station.accounts.login import COMMAND_LINE
    from station.accounts.unlocking import open_vault_counted
    from station.vault import open_vault

    if live:
        return open_vault_counted(keys_of, *credentials(), now=datetime.now(), via=COMMAND_LINE)
    return open_vault(keys_of, *credentials())


def _recovery_or_live_account(db, recovery_key: str | None):
    """The recovery key (it opened the slots) acts as an administrator; else the live login."""
    from station.vault import recovery_actor

    return recovery_actor() if recovery_key else _live_account(db)


def _live_account(db):
    """The user logged in to the live database; None when there is no working one to log in to
    (an empty folder, or a file that no longer opens): the backup's own accounts decide then."""
    from sqlalchemy.exc import SQLAlchemyError

    from station.backup.sqlite import live_sqlite_path
    from station.errors import AuthError, StationError

    if db.is_sqlite and not live_sqlite_path(db.engine).exists():
        return None
    try:
        return signed_in(db)
    except AuthError:
        raise
    except (StationError, SQLAlchemyError):
        db.engine.dispose()
        return None


def _backup_account(staged_copy: Path, db):
    from station.backup.restore_login import backup_account
    from station.db import data_key_of

    username, password = credentials()
    return backup_account(staged_copy, username, password, data_key_of(db.engine))


def _confirm(manifest) -> bool:
    console.print(words("restore.backup_made", made=manifest.created_at, persons=manifest.counts.get("persons", 0),
                        households=manifest.counts.get("households", 0), revision=manifest.schema_revision))
    return typer.confirm(words("restore.confirm"), default=False)


def _kind_name(kind: str) -> str:
    """What an export holds, in the configured language."""
    return message(f"exports.kind.{kind}", LANGUAGE)


"""Admin command line (typer): the composition root that turns settings into a database and services.

Screens are imported only inside `run`, so `station backup` and friends stay light.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

import cli_keys
from cli_context import (
    LANGUAGE,
    STATE,
    USER_VARIABLE,
    credentials,
    database,
    err,
    hint,
    named,
    out,
    progress_bar,
    safe_url,
    settings,
    shown,
    signed_in,
    signed_in_database,
    spoken,
    unit_of_work,
    words,
)
from station.errors import StationError
from station.messages import message

app = typer.Typer(help=hint("app"), no_args_is_help=False,
                  add_completion=False, pretty_exceptions_enable=False)
user_app = typer.Typer(help=hint("user"))
app.add_typer(user_app, name="user")
secret_app = typer.Typer(help=hint("secret"))
app.add_typer(secret_app, name="secret")
PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help=hint("password_stdin"))]


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option("--config", "-c", help=hint("config"))] = None,
    user: Annotated[str | None, typer.Option("--user", "-u", envvar=USER_VARIABLE, help=hint("user_option"))] = None,
) -> None:
    STATE["config"] = config
    STATE["user"] = user
    if ctx.invoked_subcommand is None:
        ctx.invoke(run)


@app.command(help=hint("init"))
def init(
    admin: Annotated[str | None, typer.Option("--admin", help=hint("init_admin"))] = None,
    name: Annotated[str | None, typer.Option("--name", help=hint("init_name"))] = None,
    encrypt: Annotated[bool, typer.Option("--encrypt", help=hint("init_encrypt"))] = False,
    password_stdin: PasswordStdin = False,
    sheet: cli_keys.SheetPath = None,
    print_sheet: cli_keys.PrintSheet = False,
) -> None:
    """Create the database (and its first administrator), or upgrade it as a logged-in user."""
    from station.accounts.users import has_users
    from station.bootstrap import check_audit_chain, is_encrypted_station
    from station.migrate import current_revision

    if admin is not None and not (name or "").strip():
        raise StationError("cli.init_needs_name")
    if (sheet is not None or print_sheet) and not encrypt:
        raise StationError("cli.sheet_needs_encrypt")
    if encrypt:
        if admin is None:
            raise StationError("cli.encrypt_needs_admin")
        cli_keys.check_sheet_options(sheet, print_sheet)  # before the station is made
        _encrypted_station(admin, name or "", _read_password(password_stdin, twice_on_stdin=True),
                           sheet, print_sheet)
        return
    if is_encrypted_station(settings()):
        db = signed_in_database(daily_backup=False)  # upgraded as the user the slot opened it for
    else:
        db = database(daily_backup=False, audit_check=False)
    try:
        if has_users(db):
            if admin is not None:
                raise StationError("cli.init_has_users")
            signed_in(db)  # an upgrade of a station in use is a user's act
            check_audit_chain(db)
        elif admin is not None:
            _first_admin(db, admin, name or "", _read_password(password_stdin, twice_on_stdin=True))
        out.print(words("init.ready", revision=current_revision(db.engine), url=shown(safe_url(db))))
        if not has_users(db):
            out.print(words("init.next"))
    finally:
        db.dispose()


def _encrypted_station(username: str, display_name: str, password: str, sheet: Path | None = None,
                       print_sheet: bool = False) -> None:
    """A new encrypted database and its first administrator; the recovery key is shown once
    (and its recovery sheet written or printed when asked)."""
    from station.bootstrap import create_encrypted_station
    from station.migrate import current_revision

    db, admin, recovery_key = create_encrypted_station(settings(), username, display_name, password)
    try:
        out.print(words("init.ready", revision=current_revision(db.engine), url=shown(safe_url(db))))
        out.print(words("init.admin_created", username=shown(admin.username)))
        out.print(words("init.encrypted"))
        cli_keys.show_recovery_key(recovery_key)
        cli_keys.first_sheet(db, admin, recovery_key, sheet, print_sheet)
    finally:
        db.dispose()


def _first_admin(db, username: str, display_name: str, password: str) -> None:
    from station.actor import SYSTEM
    from station.bootstrap import create_admin
    from station.uow import UnitOfWork

    with UnitOfWork(db, SYSTEM) as uow:
        record = create_admin(uow, username, display_name, password)
    out.print(words("init.admin_created", username=shown(record.username)))


@app.command(help=hint("run"))
def run() -> None:
    """Start the counter's TUI (the default command)."""
    from screens.app import run_app  # noqa: PLC0415 - the TUI loads only for this command

    # The login screen shows at once; the database opens (and migrates) behind it. An
    # encrypted one opens when a user logs in, with their key slot. The day's backup runs
    # after the login, behind the first screen (screens/daily_backup.py), never before it.
    run_app(settings=settings(), open_db=partial(database, daily_backup=False), unlock_db=_unlocked_database,
            create_db=_encrypted_database)


@app.command(help=hint("doctor"))
def doctor() -> None:
    """Check configuration, database, keyring and CJK font."""
    from station.doctor import run_checks

    ok = True
    for check in run_checks(STATE["config"], LANGUAGE, _doctor_unlock):  # type: ignore[arg-type]
        colour = {"ok": "green", "warn": "yellow", "fail": "red"}[check.status]
        out.print(f"[{colour}]{check.status.upper():4}[/{colour}] {check.name}: {shown(check.detail)}")
        ok = ok and check.status != "fail"
    raise typer.Exit(0 if ok else 1)


def _unlocked_database(username: str, password: str):
    from station.bootstrap import unlock_database

    return unlock_database(settings(), username, password, daily_backup=False)


def _encrypted_database(username: str, display_name: str, password: str):
    from station.bootstrap import create_encrypted_station

    return create_encrypted_station(settings(), username, display_name, password)


def _doctor_unlock(file: Path) -> bytes | None:
    """An encrypted database's key for doctor when a user is named (--user, STATION_USER)."""
    from datetime import datetime

    from station.accounts.login import COMMAND_LINE
    from station.accounts.unlocking import open_vault_counted

    if not (STATE["user"] or os.environ.get(USER_VARIABLE)):
        return None  # doctor needs no login: it says the file is encrypted and stops there
    return open_vault_counted(file, *credentials(), now=datetime.now(), via=COMMAND_LINE).data_key


@app.command(help=hint("demo"))
def demo(
    households: Annotated[int, typer.Option("--households", "-n", min=1, help=hint("demo_households"))] = 500,
    seed: Annotated[int, typer.Option("--seed", help=hint("demo_seed"))] = 1,
) -> None:
    """Generate a demo community."""
    from station.demo.community import generate

    db = signed_in_database(daily_backup=False)  # a demo fills an empty community: nothing to keep
    try:
        with progress_bar() as update:
            summary = generate(db, households=households, seed=seed, actor=signed_in(db),
                               progress=lambda done, total: update(words("demo.stage"), done, total))
    finally:
        db.dispose()
    out.print(words("demo.done", summary=shown(summary.describe(LANGUAGE))))


@app.command(help=hint("stats"))
def stats(as_json: Annotated[bool, typer.Option("--json", help=hint("stats_json"))] = False) -> None:
    """The overview's figures, as a table or JSON."""
    from station.stats.figures import overview

    with unit_of_work() as uow:
        figures = overview(uow).as_dict()
    if as_json:
        sys.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    table = Table(words("stats.item"), words("stats.count"))
    labels = _stat_labels()
    for key, value in _flatten(figures):
        table.add_row(shown(labels.get(key, key)), str(value))
    out.print(table)


@user_app.command("add", help=hint("user_add"))
def user_add(
    username: str,
    name: Annotated[str, typer.Option("--name", help=hint("user_name"))],
    role: Annotated[str, typer.Option("--role", help=hint("user_role"))],
    community: Annotated[str | None, typer.Option("--community", help=hint("user_community"))] = None,
    grid: Annotated[list[str] | None, typer.Option("--grid", help=hint("user_grid"))] = None,
    phone: Annotated[str, typer.Option("--phone", help=hint("user_phone"))] = "",
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user; the password is typed at a prompt or read from stdin."""
    from station.accounts import users
    from station.permissions import role_code

    role = role_code(role)  # before the password is asked: a typo is said at once
    password = _read_password(password_stdin)
    with unit_of_work() as uow:
        community_id = _community_id(uow, community, role)
        grid_ids = _grid_ids(uow, grid or [], community_id)
        record = users.add_user(uow, username, name, role, password, community_id=community_id,
                                grid_ids=grid_ids, phone=phone)
    out.print(words("user.added", username=shown(record.username), role=_role_name(record.role)))


@user_app.command("list", help=hint("user_list"))
def user_list() -> None:
    """List the users."""
    from station.accounts import users
    from station.places.directory import list_grids

    with unit_of_work() as uow:
        records = users.list_users(uow)
        grid_names = {grid.id: grid.name for grid in list_grids(uow)}
    table = Table(*(words(f"user.column.{column}") for column in ("username", "name", "role", "grids", "state")))
    for record in records:
        grids = words("user.grid_separator").join(grid_names.get(grid_id, str(grid_id)) for grid_id in record.grid_ids)
        table.add_row(shown(record.username), shown(record.display_name), _role_name(record.role),
                      shown(grids) or "—", words("user.disabled" if record.disabled else "user.active"))
    out.print(table)


@user_app.command("disable", help=hint("user_disable"))
def user_disable(
    username: str,
    enable: Annotated[bool, typer.Option("--enable", help=hint("user_enable"))] = False,
) -> None:
    """Disable (or with --enable enable) a user."""
    from station.accounts import users

    with unit_of_work() as uow:
        users.disable_user(uow, username, disabled=not enable)
    out.print(words("user.enabled_now" if enable else "user.disabled_now", username=shown(username)))


@user_app.command("passwd", help=hint("user_passwd"))
def user_passwd(username: str, password_stdin: PasswordStdin = False) -> None:
    """Reset a user's password."""
    from station.accounts import users

    password = _read_password(password_stdin)
    with unit_of_work() as uow:
        users.set_password(uow, username, password)
    out.print(words("user.password_reset", username=shown(username)))


@secret_app.command("set", help=hint("secret_set"))
def secret_set(password_stdin: PasswordStdin = False) -> None:
    """Store the PostgreSQL password in the system keyring."""
    from sqlalchemy.engine import make_url

    from station.secrets import account_for, store_database_password

    url = make_url(settings().database.url)
    if url.get_backend_name() != "postgresql":
        raise StationError("cli.sqlite_needs_no_password")
    password = _read_password(password_stdin, confirm=False)
    source = store_database_password(account_for(url.username or "", url.host or ""), password)
    out.print(words("secret.stored", detail=shown(spoken(source.detail))))


def _read_password(from_stdin: bool, *, confirm: bool = True, twice_on_stdin: bool = False) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if twice_on_stdin and sys.stdin.readline().rstrip("\r\n") != password:
            raise StationError("cli.passwords_differ")
        return password
    while True:
        password = typer.prompt(words("password.prompt"), hide_input=True)
        if not confirm or password == typer.prompt(words("password.again"), hide_input=True):
            return password
        err.print(words("password.mismatch"))


def _grid_ids(uow, codes: list[str], community_id: int | None) -> list[int]:
    from station.places import directory as places

    if codes and community_id is None:
        raise StationError("cli.street_account_no_grid")
    return [places.find_grid(uow, code, community_id).id for code in codes] if community_id else []


def _community_id(uow, code: str | None, role: str) -> int | None:
    from station.permissions import STREET_ROLES
    from station.places import directory as places

    if role in STREET_ROLES:
        return None
    return places.community_by_code(uow, code or uow.settings.station.community_code).id

def _role_name(role: str) -> str:
    return message(f"roles.{role}", LANGUAGE)



def _stat_labels() -> dict[str, str]:
    """Names for the overview's keys in the configured language (the JSON keeps the stable keys)."""
    from station.requests.rules import STATES, state_name

    labels = {key: words(f"stats.{key}") for key in ("grids", "buildings", "households", "persons", "visits_done")}
    labels |= {f"registers.{code}": words("stats.register", name=named("register_category", code, name))
               for code, name in settings().registers.categories.items()}
    labels |= {f"requests.{code}": words("stats.request", state=state_name(code, LANGUAGE)) for code in STATES}
    return labels


def _flatten(figures: dict, prefix: str = "") -> Iterator[tuple[str, object]]:
    for key, value in figures.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value



def main() -> None:
    """Entry point: expected problems print a message on stderr and exit non-zero."""
    if hasattr(os, "umask"):
        # Whatever this process creates (database, -wal, backups, reports, logs)
        # is the station user's alone; Windows profile folders get this from their ACLs.
        os.umask(0o077)
    try:
        app()
    except Exception as error:  # noqa: BLE001 - no traceback ever reaches the person at the keyboard
        sys.exit(_report_failure(error))


def _report_failure(error: Exception) -> int:
    """One line on stderr: what went wrong and that nothing was saved; 1 expected, 2 unexpected."""
    from rich.text import Text

    from station.failures import explain
    from station.masking import mask_text
    from station.text_rules import visible

    known, language = explain(error), _language()
    if known is not None:
        title = message("cli.failure_title", language, title=known.render_title(language))
        err.print(Text.assemble((title, "red"), visible(known.render(language))))
        return 1
    title = message("cli.failure_title", language, title=message("cli.system_error", language))
    err.print(Text.assemble((title, "red"), visible(f"{type(error).__name__}: {mask_text(str(error))[:300]}")))
    return 2


def _language() -> str:
    """The configured language for a message, or Chinese when the settings themselves fail."""
    try:
        return settings().station.language
    except Exception:  # noqa: BLE001 - a broken station.toml is itself being reported
        return "zh"


def _register_command_groups() -> None:
    """Command groups live in their own modules so this file stays the composition root."""
    import cli_audit
    import cli_check
    import cli_data
    import cli_import
    import cli_keys
    import cli_reports
    import cli_retention

    cli_audit.register(app)
    cli_check.register(app)
    cli_data.register(app)
    cli_import.register(app)
    cli_keys.register(app)
    cli_reports.register(app)
    cli_retention.register(app)


_register_command_groups()

if __name__ == "__main__":
    main()

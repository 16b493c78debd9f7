"""What every CLI command shares: the consoles, the parsed --config, the database and units of work.

cli.py (the entry point) and its command groups (cli_data, cli_import, cli_reports) import this
module; none of them imports another, so there is one STATE and no import circle.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

from rich.console import Console
from rich.markup import escape

from station.actor import SYSTEM, Actor
from station.config import configured_language
from station.errors import AuthError
from station.messages import code_name, message

out = Console()
err = Console(stderr=True)
# config: the --config path; user: the --user name; actor: who logged in (once per command).
STATE: dict[str, object] = {"config": None, "user": None, "actor": None, "password": None}
# For scripts, as PGPASSWORD is for psql: the password of the --user / $STATION_USER account.
USER_VARIABLE, PASSWORD_VARIABLE = "STATION_USER", "STATION_PASSWORD"


def config_in_argv(args: Sequence[str]) -> str | None:
    """The --config/-c PATH given before the command, read as click will read it later."""
    args = list(args)
    for at, arg in enumerate(args):
        if arg in ("--config", "-c"):
            return args[at + 1] if at + 1 < len(args) else None
        if arg.startswith("--config="):
            return arg.removeprefix("--config=")
        if arg.startswith("-c") and not arg.startswith("--"):
            return arg[2:]
        if not arg.startswith("-"):
            return None  # the command's name: options after it are the command's own
    return None


# Help texts are made when the commands are declared, so the language is known before that:
# the language alone of the config file settings() will read (Chinese on any problem).
LANGUAGE = configured_language(config_in_argv(sys.argv[1:]))


def words(key: str, /, **params: object) -> str:
    """The CLI's own words (station/locale, `cli.` + key) in the configured language."""
    return message(f"cli.{key}", LANGUAGE, **params)


def spoken(text: object) -> str:
    """Text, or a Term (words from the core's catalogue) in the configured language."""
    render = getattr(text, "render", None)
    return render(LANGUAGE) if callable(render) else str(text)


def hint(key: str) -> str:
    """A help text (`cli.help.` + key), plain: typer reads help as rich markup."""
    return escape(words(f"help.{key}"))


def named(family: str, code: str, name: str) -> str:
    """A code's name in the configured language (see station.messages.code_name)."""
    return code_name(family, code, name, LANGUAGE)


def shown(value: object) -> str:
    """Text from the database or the command line, printed as itself.

    Never read as rich markup (a name "[red]x" stays that), and terminal control characters are
    written out as \\u escapes (a name holding ESC [2J must not clear the admin's screen).
    """
    from station.text_rules import visible

    return escape(visible(str(value)))


def os_account() -> str:
    """The OS account running the command, for the audit row of a CLI login."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - some service accounts have no name
        return "unknown"


def signed_in(db) -> Actor:
    """The actor of the user this command runs as, logged in once per command.

    The user comes from --user or $STATION_USER; the password from $STATION_PASSWORD (for
    scripts) or a prompt on a terminal. The checks are the TUI login's: one message for an
    unknown user and a wrong password, failures counted toward the lock-out and audited. A
    plain success writes nothing (quiet_login): what the command does is audited as the user's.
    """
    from station.accounts.login import COMMAND_LINE, quiet_login
    from station.uow import UnitOfWork

    if STATE["actor"] is not None:
        return STATE["actor"]  # type: ignore[return-value]
    username, password = credentials()
    via = f"{COMMAND_LINE}({os_account()})"
    with UnitOfWork(db, SYSTEM) as uow:
        actor = quiet_login(uow, username, password, via=via)
    STATE["actor"] = actor
    return actor


def credentials() -> tuple[str, str]:
    """The user this command runs as and their password (asked once, then kept for the command)."""
    username = str(STATE["user"] or os.environ.get(USER_VARIABLE, "")).strip()
    if not username:
        raise AuthError("cli.login_needed")
    password = STATE.get("password")
    if password is None:
        password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        if not sys.stdin.isatty():
            raise AuthError("cli.password_needed", user=username)
        password = getpass.getpass(words("login.prompt", user=username))
    STATE["password"] = password
    return username, str(password)


def settings():
    """The settings of the station.toml named by --config (or found the usual way)."""
    from station.config import load_settings

    return load_settings(STATE["config"])  # type: ignore[arg-type]


def database(*, daily_backup: bool = True, audit_check: bool = True):
    """The configured database, opened (and migrated after a backup when needed)."""
    from station.bootstrap import open_database

    return open_database(settings(), daily_backup=daily_backup, audit_check=audit_check)


def signed_in_database(*, daily_backup: bool = True):
    """The configured database with this command's user logged in; the audit chain's start
    check and the day's automatic backup follow the login (a command without one writes nothing)."""
    from station.accounts.login import COMMAND_LINE
    from station.bootstrap import (
        back_up_once_a_day,
        check_audit_chain,
        is_encrypted_station,
        unlock_database,
    )

    if is_encrypted_station(settings()):  # the user's key slot opens it, then the login proper
        db = unlock_database(settings(), *credentials(), via=COMMAND_LINE, daily_backup=False,
                             audit_check=False)
    else:
        db = database(daily_backup=False, audit_check=False)
    try:
        signed_in(db)
        check_audit_chain(db)
        if daily_backup:
            back_up_once_a_day(db)
    except BaseException:
        db.dispose()
        raise
    return db


@contextmanager
def unit_of_work(*, daily_backup: bool = True) -> Iterator:
    """One unit of work, as the logged-in user, on a database opened for this command."""
    from station.uow import UnitOfWork

    db = signed_in_database(daily_backup=daily_backup)
    try:
        with UnitOfWork(db, signed_in(db)) as uow:
            yield uow
    finally:
        db.dispose()


@contextmanager
def community_unit_of_work() -> Iterator:
    """A unit of work for the logged-in user, narrowed to this station's own community when the
    user sees several (a street account): exports and printouts are for one community."""
    from station.places.directory import community_by_code

    with unit_of_work() as uow:
        if uow.actor.community_id is None:
            community = community_by_code(uow, uow.settings.station.community_code)
            uow.actor = replace(uow.actor, community_id=community.id)
        yield uow


@contextmanager
def progress_bar(*, transient: bool = False, between_prompts: bool = False) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr; yields update(stage, done, total), one bar line per stage.

    `between_prompts`: the work also asks questions, so the bar shows only while a stage runs
    (from its first update until done reaches total), never under a prompt."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    tasks: dict[str, object] = {}
    bar = Progress(*columns, console=err, transient=transient or between_prompts)

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
            bar.start()
        bar.update(tasks[stage], completed=done, total=total)  # type: ignore[arg-type]
        if between_prompts and done >= total:
            bar.stop()

    if not between_prompts:
        bar.start()
    try:
        yield update
    finally:
        bar.stop()


def safe_url(db) -> str:
    """The database URL without its password."""
    return db.engine.url.render_as_string(hide_password=True)

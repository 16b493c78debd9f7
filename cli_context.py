"""What every CLI command shares: the consoles, the parsed --config, the database and units of work.

cli.py (the entry point) and its command groups (cli_data, cli_import, cli_reports) import this
module; none of them imports another, so there is one STATE and no import circle.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

from rich.console import Console
from rich.markup import escape

from station.actor import SYSTEM, Actor
from station.config import configured_language
from station.messages import code_name, message

out = Console()
err = Console(stderr=True)
STATE: dict[str, object] = {"config": None}


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


def cli_actor() -> Actor:
    """The system actor, named after the OS account so the audit log says who ran the command."""
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - some service accounts have no name
        who = "unknown"
    return replace(SYSTEM, username=f"cli:{who}")


def settings():
    """The settings of the station.toml named by --config (or found the usual way)."""
    from station.config import load_settings

    return load_settings(STATE["config"])  # type: ignore[arg-type]


def database(*, daily_backup: bool = True):
    """The configured database, opened (and migrated after a backup when needed)."""
    from station.bootstrap import open_database

    return open_database(settings(), daily_backup=daily_backup)


@contextmanager
def unit_of_work(actor: Actor | None = None, *, daily_backup: bool = True) -> Iterator:
    """One unit of work on a database opened for this command and closed after it."""
    from station.uow import UnitOfWork

    db = database(daily_backup=daily_backup)
    try:
        with UnitOfWork(db, actor or cli_actor()) as uow:
            yield uow
    finally:
        db.dispose()


@contextmanager
def community_unit_of_work() -> Iterator:
    """A unit of work for the CLI's actor narrowed to this station's own community.

    The CLI acts as the system, which sees every community of a shared database; exports and
    printouts are for the station's own.
    """
    from station.places.directory import community_by_code

    with unit_of_work() as uow:
        community = community_by_code(uow, uow.settings.station.community_code)
        uow.actor = replace(uow.actor, community_id=community.id)
        yield uow


@contextmanager
def progress_bar(*, transient: bool = False) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr; yields update(stage, done, total), one bar line per stage."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    tasks: dict[str, object] = {}
    with Progress(*columns, console=err, transient=transient) as bar:

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)  # type: ignore[arg-type]

        yield update


def safe_url(db) -> str:
    """The database URL without its password."""
    return db.engine.url.render_as_string(hide_password=True)

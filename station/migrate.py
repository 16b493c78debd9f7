"""Schema migrations with Alembic: create on first run, upgrade older databases after a backup.

Alembic (and the Mako and Pygments it imports) is loaded only when a database is created or
upgraded: every start compares the stamped revision with HEAD_REVISION, which a test keeps
equal to Alembic's head, so a current database opens without it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from station.disk import file_lock
from station.errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config

_SCHEMA_LOCK_KEY = 0x57A7_0001  # pg_advisory_lock key: "station schema"
# The newest revision in station/migrations (tests/core/test_migrations.py keeps it so).
HEAD_REVISION = "0011"


def _alembic_config(connection=None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("station") / "migrations"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this code knows."""
    return HEAD_REVISION


def alembic_head() -> str | None:
    """The newest revision as Alembic reads it from the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    """Every schema revision this program can open (and upgrade to the newest)."""
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The schema revision stamped in the database, None for an empty database."""
    with engine.connect() as connection:
        try:
            row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
        except (OperationalError, ProgrammingError):  # no alembic_version table: nothing stamped yet
            connection.rollback()
            return None
    return row[0] if row else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` in one transaction."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), revision)


def ensure_schema(engine: Engine, backup: Callable[[], Path | None] | None = None) -> str:
    """Create or upgrade the schema; back up first when upgrading a database that holds data.

    Returns "created", "upgraded" or "current".
    """
    head = head_revision()
    if current_revision(engine) == head:
        return "current"
    with schema_lock(engine):  # two processes starting on an empty database: one creates it
        return _bring_to_head(engine, head, backup)


def _bring_to_head(engine: Engine, head: str, backup: Callable[[], Path | None] | None) -> str:
    current = current_revision(engine)
    if current == head:
        return "current"
    if current is None and _has_tables(engine):
        raise DatabaseError("database.not_ours")
    if current is not None and current not in known_revisions():
        raise DatabaseError("database.too_new", revision=current)
    if current is not None and backup is not None:
        backup()
    upgrade(engine)
    return "created" if current is None else "upgraded"


@contextlib.contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Hold the database's schema lock: a file lock beside a SQLite file, an advisory lock on PostgreSQL."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _SCHEMA_LOCK_KEY})
                connection.commit()
        return
    database = engine.url.database
    with file_lock(Path(f"{database}.schema.lock") if database else None):
        yield


def _has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())

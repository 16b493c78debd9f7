"""Open the configured database: connect, back up and migrate when needed, seed the community."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import OperationalError

from .actor import SYSTEM
from .backup import backup_sqlite
from .db import Database, database_url, make_engine
from .errors import DatabaseError
from .migrate import ensure_schema
from .places import ensure_community
from .settings import Settings
from .uow import UnitOfWork


def open_database(settings: Settings, *, clock: Callable[[], datetime] = datetime.now) -> Database:
    """Connect and bring the schema to the newest version; the community row exists afterwards."""
    url, _source = database_url(settings)
    engine = make_engine(url)
    backup_folder = settings.resolve(settings.backup.folder)

    def backup_before_upgrade():
        if engine.dialect.name == "sqlite":
            return backup_sqlite(engine, backup_folder, label="pre-migration")
        return None

    try:
        ensure_schema(engine, backup=backup_before_upgrade)
    except OperationalError as error:
        engine.dispose()
        raise DatabaseError(f"无法打开数据库:{error.orig}") from error
    database = Database(engine, settings, clock)
    with UnitOfWork(database, SYSTEM) as uow:
        ensure_community(uow, settings)
        uow.commit()
    return database

"""Engine and sessions: SQLite with WAL, foreign keys and synchronous=FULL; PostgreSQL alike."""

from __future__ import annotations

import json
import os
import re
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from station.disk import private_folder
from station.errors import ConfigError, DatabaseError
from station.idle_ping import ping_when_idle
from station.memory import give_back_free_memory
from station.secrets import SecretSource, account_for, database_password
from station.settings import Settings

if TYPE_CHECKING:
    from station.audit_chain import ChainCheck
    from station.vault import Vault


def database_url(settings: Settings) -> tuple[URL, SecretSource | None]:
    """The configured URL with SQLite paths resolved and the password filled from the keyring."""
    url = make_url(settings.database.url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
            raise ConfigError("config.memory_database")
        return url.set(database=str(settings.resolve(url.database))), None
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    url = url.update_query_dict(tls_options(settings))
    password, source = database_password(account_for(url.username or "", url.host or ""))
    return (url.set(password=password) if password else url), source


def tls_options(settings: Settings) -> dict[str, str]:
    """libpq's TLS options from [database] sslmode / sslrootcert (the path made absolute)."""
    options = {}
    if settings.database.sslmode:
        options["sslmode"] = settings.database.sslmode
    if settings.database.sslrootcert:
        options["sslrootcert"] = str(settings.resolve(settings.database.sslrootcert))
    return options


def make_engine(url: URL | str, *, data_key: bytes | None = None) -> Engine:
    """Create an engine with the pragmas and pool settings this app relies on.

    With a `data_key` the SQLite file is opened through SQLCipher 4 (sqlcipher3), keyed with the
    raw 256-bit key: no per-connection key derivation, and nothing readable on the disk."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            private_folder(Path(url.database).parent)  # the file itself: see bootstrap.open_database
        # LIFO: the counter's few threads keep reusing the same warm connection (and its page
        # cache) instead of rotating through the pool and warming every connection's cache.
        options: dict[str, Any] = {"module": _sqlcipher()} if data_key is not None else {}
        engine = create_engine(url, connect_args={"timeout": 10}, pool_use_lifo=True,
                               json_serializer=canonical_json, **options)
        engine.dialect.statement_compiler = _HintedSQLiteCompiler
        event.listen(engine, "connect", _keyed(data_key) if data_key is not None else _sqlite_pragmas)
        if data_key is not None:
            _DATA_KEYS[engine] = data_key
        return engine
    # A URL's own options (station.toml) win over these defaults.
    connect_args: dict[str, Any] = {name: value for name, value in SERVER_LINK.items() if name not in url.query}
    connect_args["options"] = _server_options(url)
    engine = create_engine(url, pool_size=4, max_overflow=4, json_serializer=canonical_json,
                           connect_args=connect_args)
    ping_when_idle(engine)
    return engine


# libpq options for a server across the street's network: a server that is gone (switched off,
# cable pulled) is found out in seconds rather than after the operating system's TCP timeouts of
# minutes, so the counter says so and waits for it (screens.gateway) instead of hanging.
# The app's statements run for milliseconds up to a second or two: compiling one with the JIT
# costs more than it saves (a monthly report's register coverage 0.5 s with it, 0.3 s without;
# make bench-pg), so the app's sessions do without.
SERVER_LINK = {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
               "keepalives_count": 3}
SERVER_SETTINGS = "-c jit=off"


def _server_options(url: URL) -> str:
    """The session settings sent at connect: the app's first, then PGOPTIONS and the URL's own
    `options` (libpq sends one string; a later -c wins, so theirs override the app's)."""
    own = url.query.get("options", "")
    return " ".join(part for part in (SERVER_SETTINGS, os.environ.get("PGOPTIONS", ""),
                                      own if isinstance(own, str) else " ".join(own)) if part)


class _HintedSQLiteCompiler(SQLiteCompiler):
    """SQLite's compiler, writing a table's hint from `Select.with_hint(table, "INDEXED BY ix",
    "sqlite")` after its name; SQLAlchemy's own SQLite compiler leaves such hints out."""

    def get_from_hint_text(self, table: Any, text: str | None) -> str | None:
        return text


# Engine → its data key, for as long as the engine lives (never written anywhere).
_DATA_KEYS: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()

# JSON as stored: keys sorted, compact, Chinese as written. One form everywhere, so the audit
# chain can hash a row's values as the database holds them, without parsing them back.
canonical_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _sqlcipher() -> Any:
    from sqlcipher3 import dbapi2  # noqa: PLC0415 - loaded only for an encrypted database

    return dbapi2


def data_key_of(engine: Engine) -> bytes | None:
    """The data key an encrypted SQLite engine was made with (None: plaintext or PostgreSQL);
    backups and restores open the same file directly with it (station.sqlite_files)."""
    return _DATA_KEYS.get(engine)


def _keyed(data_key: bytes) -> Callable[[Any, Any], None]:
    """A connect hook that keys the connection, proves the key, then sets the usual pragmas."""
    from station.sqlite_files import key_pragma

    pragma = key_pragma(data_key)

    def connect(dbapi_connection, record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(pragma)
        try:
            # A wrong key is only found out on the first read: read the schema now.
            cursor.execute("SELECT count(*) FROM sqlite_master").fetchall()
        except Exception as error:  # sqlcipher3's DatabaseError: "file is not a database"
            raise DatabaseError("database.wrong_key") from error
        finally:
            cursor.close()
        # Sorts and temporary tables stay in memory: a temp file would hold plaintext.
        dbapi_connection.execute("PRAGMA temp_store=MEMORY")
        _sqlite_pragmas(dbapi_connection, record)

    return connect


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Database:
    """The engine, a session factory and the settings: what services need to open a unit of work.

    An encrypted database carries its unlocked `vault` (data key and slots file), so that account
    changes keep the key slots in step; None for a plaintext database or PostgreSQL."""

    def __init__(self, engine: Engine, settings: Settings, clock: Callable[[], datetime] = datetime.now,
                 vault: Vault | None = None):
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.vault = vault
        self.audit_check: ChainCheck | None = None  # what the start-time walk of the audit chain found
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.reading_sessions = sessionmaker(reading_engine(engine), expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> Session:
        return self.sessions()

    def reading_session(self) -> Session:
        """A session for work that only reads (see reading_engine)."""
        return self.reading_sessions()

    def ping(self) -> None:
        """One round trip to the database: raises as a statement would when it cannot answer."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


# How much memory an encrypted connection may keep pages in during one job that reads the same
# tables several times over: the monthly report reads 50 MB of pages at 200k persons, most of
# them three or four times. The OS file cache holds only ciphertext, so every page SQLCipher's
# own cache (8 MB) lets go is decrypted and its HMAC checked again at the next read.
JOB_PAGE_CACHE_KIB = 65_536


@contextmanager
def job_page_cache(session: Session) -> Iterator[None]:
    """Let an encrypted SQLite connection keep the pages a job reads (JOB_PAGE_CACHE_KIB), and
    give the memory back when it ends. Plaintext SQLite and PostgreSQL: nothing changes."""
    bind = session.get_bind()
    if not isinstance(bind, Engine) or data_key_of(bind) is None:
        yield
        return
    connection = session.connection()
    usual = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
    connection.exec_driver_sql(f"PRAGMA cache_size=-{JOB_PAGE_CACHE_KIB}")
    try:
        yield
    finally:
        with suppress(SQLAlchemyError):  # a connection the job broke is not reused as it is
            connection.exec_driver_sql(f"PRAGMA cache_size={usual}")
            connection.exec_driver_sql("PRAGMA shrink_memory")
        give_back_free_memory()


@contextmanager
def index_plans(session: Session) -> Iterator[None]:
    """PostgreSQL: plan the block's statements without sequential scans wherever an index serves.

    The monthly counts of one community join its households, their memberships and persons;
    from the indexes (index-only) that is work in proportion to the community, but the planner
    prices it above hashing the whole district's memberships and persons, twice as slow at
    1M persons (0.7 vs 0.4 s, make bench-pg). Set for this transaction only, and put back."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    previous = session.execute(text("SELECT current_setting('enable_seqscan')")).scalar_one()
    session.execute(text("SELECT set_config('enable_seqscan', 'off', true)"))
    try:
        yield
    finally:
        with suppress(SQLAlchemyError):  # a failed transaction forgets the setting anyway
            session.execute(text("SELECT set_config('enable_seqscan', :value, true)"), {"value": previous})


def only_read(session: Session) -> bool:
    """PostgreSQL: whether the session's open transaction only read, as the server knows it: no
    transaction id was assigned, so nothing was written, whether through the ORM, Core or COPY.

    Such a transaction may end with COMMIT, which for it is what ROLLBACK is. It matters because
    psycopg forgets every statement it prepared on a connection at a ROLLBACK: ended by COMMIT,
    the search box's statements stay prepared and the server stops planning them anew on every
    keystroke (the hits' five-table join took 0.8 ms to plan at 1M persons; make bench-pg).
    Asking costs one round trip, paid only by a unit of work still open when it ends.
    """
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return False
    connection = session.connection()
    driver: Any = connection.connection.driver_connection
    if driver.info.transaction_status.name != "INTRANS":
        return False  # failed (INERROR) or already ended: rolled back as ever
    return not connection.scalar(_WROTE)


# NULL until the transaction writes (PostgreSQL 9.6 and later).
_WROTE = text("SELECT txid_current_if_assigned() IS NOT NULL")


def reading_engine(engine: Engine) -> Engine:
    """The engine for units of work that only read, such as the search box's keystrokes.

    PostgreSQL: the same pool with each statement its own transaction (autocommit): a search
    then sends no BEGIN, no COMMIT and no asking whether it wrote (only_read), three of its seven
    round trips to the server, and nothing is ever rolled back, so psycopg keeps its prepared
    statements. A statement other than a SELECT sent through SQLAlchemy is refused before it
    reaches the server (ReadingOnly): the guard reads the statement's text, so a SELECT with side
    effects (nextval, a session-wide set_config) passes, a read opening with WITH is refused, and
    a driver cursor's COPY is not seen; reading code has none of these. A setting made for the
    transaction (set_config(..., true), as index_plans does) lasts one statement here: work that
    needs one is not reading work. SQLite: the engine itself."""
    if engine.dialect.name != "postgresql":
        return engine
    if not event.contains(engine, "before_cursor_execute", _refuse_writing):
        event.listen(engine, "before_cursor_execute", _refuse_writing)
    return engine.execution_options(isolation_level="AUTOCOMMIT", station_reading=True)


class ReadingOnly(RuntimeError):
    """A unit of work opened to read tried to write: a programming error, never the user's."""


_SELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)


def _refuse_writing(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if connection.get_execution_options().get("station_reading") and not _SELECT.match(statement):
        raise ReadingOnly(f"a reading unit of work may only SELECT: {statement[:60]!r}")


def refresh_statistics(engine: Engine, tables: tuple[str, ...] = ()) -> None:
    """Update the planner's statistics after a bulk load (of `tables`, else of every table);
    without them search plans go wrong. Naming the tables spares a street's server sampling
    every other table of the district after one community's import."""
    with engine.begin() as connection:
        analyze_tables(connection, tables)


def analyze_tables(connection: Connection, tables: tuple[str, ...] = ()) -> None:
    """ANALYZE `tables` (else every table) on this connection, in its transaction."""
    if not tables:
        connection.execute(text("ANALYZE"))
    elif connection.dialect.name == "postgresql":
        connection.execute(text(f"ANALYZE {', '.join(tables)}"))
    else:
        for table in tables:  # SQLite analyzes one table (and its indexes) per statement
            connection.execute(text(f"ANALYZE {table}"))

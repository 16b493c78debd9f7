"""PostgreSQL restore: pg_restore into a fresh database, check it, then swap names in one transaction.

A backup is a pack (pack_postgres) opened with the station's seal key, or a plain archive made
before packs. The live database is never written to. The fresh one is checked against the manifest's row
counts; then `ALTER DATABASE ... RENAME` twice inside one transaction makes the swap atomic
(PostgreSQL refuses it while anyone else is connected to the live database). The role needs
CREATEDB, and the server's maintenance database `postgres` must accept its connections.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from station.backup.files import BackupFile
from station.backup.make import create_backup
from station.backup.manifest import BackupManifest, file_sha256
from station.backup.pack_format import is_pack
from station.backup.pack_postgres import load_postgres_pack, postgres_pack_key, verify_postgres_pack
from station.backup.postgres import RESTORE_OPTIONS, check_archive, run_pg_tool, table_counts
from station.backup.schema_check import check_pg_schema
from station.errors import DatabaseError

MAINTENANCE_DATABASE = "postgres"


def verify_postgres_archive(backup: Path, manifest: BackupManifest, seal_key: bytes | None) -> bytes | None:
    """Checksum against the manifest, then the archive's table of contents. A pack is opened
    record by record under the seal key's pack key, which is returned for the restore (None:
    a plain archive from before packs)."""
    if not is_pack(backup):
        if file_sha256(backup) != manifest.sha256:
            raise DatabaseError("backup.checksum_differs", name=backup.name)
        check_archive(backup)
        return None
    if seal_key is None:
        raise DatabaseError("backup.no_key", name=backup.name)
    pack_key = postgres_pack_key(seal_key)
    check = verify_postgres_pack(backup, pack_key)
    if check.sha256 != manifest.sha256:
        raise DatabaseError("backup.checksum_differs", name=backup.name)
    if check.counts != manifest.counts:
        raise DatabaseError("backup.content_differs", name=backup.name)
    return pack_key


def swap_postgres(engine: Engine, backup: Path, manifest: BackupManifest, safety_folder: Path,
                  now: datetime, pack_key: bytes | None = None) -> BackupFile:
    """Back up the live database, restore the archive (a pack under `pack_key`) beside it, and
    swap the two by renaming."""
    safety = create_backup(engine, safety_folder, label="pre-restore", now=now)
    live = engine.url.database or ""
    fresh, old = (f"{live[:40]}_{tag}_{now:%Y%m%d%H%M%S}" for tag in ("restore", "old"))
    admin = create_engine(engine.url.set(database=MAINTENANCE_DATABASE), isolation_level="AUTOCOMMIT")
    try:
        admin_run(admin, f'CREATE DATABASE "{fresh}" TEMPLATE template0')
        try:
            _load(engine.url.set(database=fresh), admin, backup, manifest, pack_key)
            engine.dispose()
            _rename_pair(admin, live, fresh, old)
        finally:
            admin_run(admin, f'DROP DATABASE IF EXISTS "{fresh}"')
        admin_run(admin, f'DROP DATABASE IF EXISTS "{old}"')
    finally:
        admin.dispose()
    return safety


def admin_run(admin: Engine, statement: str) -> None:
    with admin.connect() as connection:
        connection.execute(text(statement))


def _load(url: URL, admin: Engine, backup: Path, manifest: BackupManifest, pack_key: bytes | None) -> None:
    if pack_key is None:
        run_pg_tool("pg_restore", url, *RESTORE_OPTIONS, str(backup))
    elif load_postgres_pack(url, backup, pack_key).sha256 != manifest.sha256:  # changed since verified
        raise DatabaseError("backup.checksum_differs", name=backup.name)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            counts = table_counts(connection)
    finally:
        engine.dispose()
    if counts != manifest.counts:
        raise DatabaseError("backup.counts_differ", name=backup.name)
    check_pg_schema(url, admin, manifest.schema_revision, backup.name)


def _rename_pair(admin: Engine, live: str, fresh: str, old: str) -> None:
    """Both renames or neither: the live name always points at a complete database."""
    try:
        with admin.connect() as connection, connection.begin():
            connection.execute(text(f'ALTER DATABASE "{live}" RENAME TO "{old}"'))
            connection.execute(text(f'ALTER DATABASE "{fresh}" RENAME TO "{live}"'))
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == "55006":  # object_in_use
            raise DatabaseError("backup.database_busy") from error
        raise


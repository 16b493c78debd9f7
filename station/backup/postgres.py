"""PostgreSQL backups: `pg_dump -Fc` of an exported snapshot, so the manifest's counts match the dump."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from station.disk import private_file
from station.errors import DatabaseError

_TOOL_TIMEOUT_S = 3600


def pg_tool(name: str) -> str:
    """pg_dump/pg_restore: the newest under /usr/lib/postgresql (Debian keeps them off PATH), else PATH."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_major, reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if not found:
        raise DatabaseError("backup.tool_missing", name=name)
    return found


_TLS_VARIABLES = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT"}

def run_pg_tool(name: str, url: URL | None, *args: str) -> None:
    """Run a PostgreSQL client (against `url` if given); the password goes in the environment, not argv."""
    env = dict(os.environ)
    if url is not None and url.password:
        env["PGPASSWORD"] = str(url.password)
    if url is not None:  # the TLS of the app's own connections, in libpq's variables
        env.update({_TLS_VARIABLES[name]: str(value) for name, value in url.query.items() if name in _TLS_VARIABLES})
    connection = ["--no-password", *_connection_args(url)] if url is not None else []
    result = subprocess.run([pg_tool(name), *connection, *args], capture_output=True, text=True,
                            env=env, timeout=_TOOL_TIMEOUT_S)
    if result.returncode != 0:
        raise DatabaseError("backup.tool_failed", name=name, output=result.stderr.strip()[-500:])


def dump_postgres(engine: Engine, partial: Path) -> tuple[dict[str, int], str | None]:
    """Dump to `partial` (custom format) and return the row counts and revision of the same snapshot."""
    snapshot_reader = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with snapshot_reader as connection, connection.begin():
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        counts = table_counts(connection)
        revision = _revision(connection, counts)
        # pg_dump reads the snapshot this transaction exported, so it sees exactly these rows.
        run_pg_tool("pg_dump", engine.url, "--format=custom", f"--snapshot={snapshot}",
                    f"--file={private_file(partial)}")
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    check_archive(partial)
    return counts, revision


def check_archive(path: Path) -> None:
    """pg_restore reads the archive's table of contents; a damaged or foreign file fails here."""
    try:
        run_pg_tool("pg_restore", None, "--list", str(path))
    except DatabaseError as error:
        raise DatabaseError("backup.not_postgres_backup", name=path.name, reason=error) from error


def table_counts(connection) -> dict[str, int]:
    """Rows per table of the current schema."""
    tables = connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )).scalars().all()
    return {table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            for table in tables}


def _revision(connection, counts: dict[str, int]) -> str | None:
    if "alembic_version" not in counts:
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _connection_args(url: URL) -> list[str]:
    args = [f"--dbname={url.database}"]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    return args


def _major(path: str) -> int:
    version = Path(path).parent.parent.name
    return int(version) if version.isdigit() else 0

"""PostgreSQL's client tools (pg_dump, pg_restore), run to completion or streamed through pipes.

A backup is an encrypted pack (pack_postgres) that pg_dump streams into; a backup made before
packs is a plain custom-format archive (`.dump`) that pg_restore still reads from its file.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL

from station.errors import DatabaseError
from station.masking import mask_text

_TOOL_TIMEOUT_S = 3600
_SHOWN_OUTPUT = 500  # the end of a tool's error lines, where its error is
_KEPT_MESSAGES = 1 << 20  # an error line comes with the SQL it ran, which can be long
_TLS_VARIABLES = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT"}
# Into a fresh database, as this role, all or nothing: the first error stops and rolls back.
RESTORE_OPTIONS = ("--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction")


def pg_tool(name: str) -> str:
    """pg_dump/pg_restore: the newest under /usr/lib/postgresql (Debian keeps them off PATH), else PATH."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_major, reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if not found:
        raise DatabaseError("backup.tool_missing", name=name)
    return found


def pg_tool_call(name: str, url: URL | None, *args: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of a PostgreSQL client (against `url` if given); the
    password goes in the environment, not argv."""
    env = dict(os.environ)
    if url is not None and url.password:
        env["PGPASSWORD"] = str(url.password)
    if url is not None:  # the TLS of the app's own connections, in libpq's variables
        env.update({_TLS_VARIABLES[key]: str(value) for key, value in url.query.items() if key in _TLS_VARIABLES})
        # A server that does not answer fails the tool in seconds, as it does the app (db.SERVER_LINK).
        env.setdefault("PGCONNECT_TIMEOUT", str(url.query.get("connect_timeout", 10)))
    connection = ["--no-password", *_connection_args(url)] if url is not None else []
    return [pg_tool(name), *connection, *args], env


def run_pg_tool(name: str, url: URL | None, *args: str) -> None:
    """Run a PostgreSQL client to completion; a failure raises backup.tool_failed with its messages."""
    command, env = pg_tool_call(name, url, *args)
    try:
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=_TOOL_TIMEOUT_S)
    except subprocess.TimeoutExpired as error:
        raise tool_failed(name, f"timeout after {_TOOL_TIMEOUT_S} s") from error
    if result.returncode != 0:
        raise tool_failed(name, result.stderr)


def tool_failed(name: str, output: str) -> DatabaseError:
    """The error of a failed tool: its error lines (not the SQL it was running, which can run to
    pages), ID and phone numbers in them (a COPY line) masked."""
    lines = output.strip().splitlines()
    errors = [line for line in lines if line.startswith((f"{name}: ", "DETAIL:", "HINT:"))]
    shown = "\n".join(errors or lines)
    return DatabaseError("backup.tool_failed", name=name, output=mask_text(shown)[-_SHOWN_OUTPUT:])


class ToolStream:
    """A running PostgreSQL client fed through `stdin` or read through `stdout`; its messages
    are drained on a thread (a full stderr pipe would stall it)."""

    def __init__(self, name: str, process: subprocess.Popen[bytes]) -> None:
        self.name, self.process = name, process
        self._messages = b""
        self._drain = threading.Thread(target=self._read_messages, daemon=True)
        self._drain.start()

    @property
    def stdin(self) -> IO[bytes]:
        assert self.process.stdin is not None
        return self.process.stdin

    @property
    def stdout(self) -> IO[bytes]:
        assert self.process.stdout is not None
        return self.process.stdout

    def finish(self) -> None:
        """Wait for the tool to exit; a nonzero exit raises backup.tool_failed."""
        try:
            self.process.wait(timeout=_TOOL_TIMEOUT_S)
        except subprocess.TimeoutExpired as error:
            self.stop()
            raise tool_failed(self.name, f"timeout after {_TOOL_TIMEOUT_S} s") from error
        self._drain.join()
        if self.process.returncode != 0:
            raise tool_failed(self.name, self._messages.decode("utf-8", "replace"))

    def stop(self) -> None:
        """End the tool now (pg_restore then cancels its transaction) and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._drain.join()

    def _read_messages(self) -> None:
        assert self.process.stderr is not None
        while block := self.process.stderr.read(1 << 16):
            self._messages = (self._messages + block)[-_KEPT_MESSAGES:]


@contextmanager
def streaming(name: str, url: URL | None, *args: str, feed: bool = False, read: bool = False) -> Iterator[ToolStream]:
    """Start a PostgreSQL client with a pipe to its stdin (`feed`) or from its stdout (`read`);
    an error inside the block stops it. The caller calls `finish` to see it succeed."""
    command, env = pg_tool_call(name, url, *args)
    process = subprocess.Popen(command, env=env, stdin=subprocess.PIPE if feed else subprocess.DEVNULL,
                               stdout=subprocess.PIPE if read else subprocess.DEVNULL, stderr=subprocess.PIPE)
    tool = ToolStream(name, process)
    try:
        yield tool
    except BaseException:
        tool.stop()
        raise
    finally:
        if process.poll() is None:  # a block that ended without `finish`: leave no tool behind
            tool.stop()
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                with suppress(OSError):  # stdin's last flush to a tool that already left
                    pipe.close()


def check_archive(path: Path) -> None:
    """pg_restore reads a plain archive's table of contents; a damaged or foreign file fails here."""
    try:
        run_pg_tool("pg_restore", None, "--list", str(path))
    except DatabaseError as error:
        raise DatabaseError("backup.not_postgres_backup", name=path.name, reason=error) from error


@contextmanager
def exported_snapshot(engine: Engine) -> Iterator[tuple[str, dict[str, int], str | None]]:
    """A REPEATABLE READ transaction held open with its snapshot exported: its name (for
    `pg_dump --snapshot`), the rows per table and the revision the snapshot holds."""
    snapshot_reader = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with snapshot_reader as connection, connection.begin():
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        counts = table_counts(connection)
        yield snapshot, counts, _revision(connection, counts)


def table_counts(connection: Connection) -> dict[str, int]:
    """Rows per table of the current schema."""
    tables = connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )).scalars().all()
    return {table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            for table in tables}


def _revision(connection: Connection, counts: dict[str, int]) -> str | None:
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

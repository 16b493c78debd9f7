"""A PostgreSQL database into a pack and back (pack_format): pg_dump's archive, never on disk in the clear.

pg_dump writes an uncompressed custom-format archive of an exported snapshot to a pipe; each
chunk of it is compressed and sealed as one record under a key derived from the station's seal
key. A PostgreSQL station has no data key, and the seal key is the secret an administrator
writes down (`station backup-key`), so the same key that proves a backup this station's opens it
on a new PC, and nobody without it can read a resident in it. Checking and restoring pipe the
opened records into pg_restore, which reads an archive from stdin in order (table of contents,
then each table's data).

    header  meta {"backend": "postgresql", "format": "pg_dump custom"}, empty payload
    data    meta {"bytes": n}, payload: the archive's next n bytes
    end     meta {"counts": rows per table of the snapshot, "bytes": the archive's length}
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from station.backup.pack_format import DATA, END, HEADER, PackReader, PackWriter, Record, compress
from station.backup.postgres import RESTORE_OPTIONS, ToolStream, exported_snapshot, streaming
from station.disk import private_file
from station.errors import DatabaseError

CHUNK_BYTES = 8 << 20
_HEADER = {"backend": "postgresql", "format": "pg_dump custom"}
_KEY_BYTES = 32


@dataclass(frozen=True)
class PackCheck:
    """What an opened PostgreSQL pack holds: the rows per table its end record gives, and its SHA-256."""

    counts: dict[str, int]
    sha256: str


def postgres_pack_key(seal_key: bytes) -> bytes:
    """The key PostgreSQL backups are packed under: HKDF-SHA256 of the seal key, for this use only
    (the seal key itself signs manifests)."""
    return HKDF(hashes.SHA256(), _KEY_BYTES, None, b"station postgres backup").derive(seal_key)


def pack_postgres(engine: Engine, partial: Path, seal_key: bytes) -> tuple[dict[str, int], str | None, str]:
    """Stream pg_dump of one snapshot into a pack at `partial`, fsync and re-read it; returns
    the snapshot's rows per table, its schema revision and the pack's SHA-256."""
    pack_key = postgres_pack_key(seal_key)
    with exported_snapshot(engine) as (snapshot, counts, revision), open(private_file(partial), "wb") as handle:
        writer = PackWriter(handle, pack_key)
        writer.add(HEADER, _HEADER, compress(b""))
        # pg_dump reads the snapshot this transaction exported, so it sees exactly these rows.
        with streaming("pg_dump", engine.url, "--format=custom", "--compress=0", f"--snapshot={snapshot}",
                       read=True) as dump:
            size = _write_archive(dump.stdout, writer)
            dump.finish()
        writer.add(END, {"counts": counts, "bytes": size}, compress(b""))
        handle.flush()
        os.fsync(handle.fileno())
    if verify_postgres_pack(partial, pack_key) != PackCheck(counts, writer.sha256()):
        raise DatabaseError("backup.written_differs", name=partial.name)
    return counts, revision, writer.sha256()


def verify_postgres_pack(path: Path, pack_key: bytes) -> PackCheck:
    """Open every record, and let pg_restore read the archive's table of contents from them."""
    reader = PackReader(path, pack_key)
    with streaming("pg_restore", None, "--list", feed=True) as listing:
        counts = _feed(reader.records(), listing)
        try:
            listing.finish()
        except DatabaseError as error:
            raise DatabaseError("backup.not_postgres_backup", name=path.name, reason=error) from error
    return PackCheck(counts, reader.sha256())


def load_postgres_pack(url: URL, path: Path, pack_key: bytes) -> PackCheck:
    """pg_restore the archive a pack holds into the empty database at `url`, in one transaction;
    a damaged record stops pg_restore before it commits (the caller drops the database)."""
    reader = PackReader(path, pack_key)
    with streaming("pg_restore", url, *RESTORE_OPTIONS, feed=True) as restore:
        counts = _feed(reader.records(), restore)
        restore.finish()
    return PackCheck(counts, reader.sha256())


def _write_archive(archive: IO[bytes], writer: PackWriter) -> int:
    """Seal pg_dump's output chunk by chunk as it arrives; returns its length."""
    size = 0
    while chunk := archive.read(CHUNK_BYTES):
        writer.add(DATA, {"bytes": len(chunk)}, compress(chunk))
        size += len(chunk)
    return size


def _feed(records: Iterator[Record], tool: ToolStream) -> dict[str, int]:
    """Write the archive the records hold into the tool's stdin; returns the end record's counts.

    A tool that stops reading (pg_restore --list after the table of contents, or after an
    error) is fed no more, but every record is still opened: the pack is checked to its end."""
    _check_header(next(records))
    size, counts, reading = 0, None, True
    for record in records:
        if record.kind == END:  # the last record: the reader then proves nothing follows it
            counts = _end_counts(record, size)
            continue
        declared = _data_bytes(record)
        if reading:
            payload = record.payload()
            if len(payload) != declared:
                raise _damaged(record)
            reading = _write(tool.stdin, payload)
        size += declared
    if reading:
        try:
            tool.stdin.close()
        except OSError as error:  # it left before the last buffered bytes: its exit code says why
            if not _gone(error):
                raise
    assert counts is not None  # the reader yields an end record or raises
    return counts


def _write(stdin: IO[bytes], payload: bytes) -> bool:
    """False once the tool has stopped reading."""
    try:
        stdin.write(payload)
    except OSError as error:
        if _gone(error):
            return False
        raise
    return True


def _gone(error: OSError) -> bool:
    """The reader of a pipe has left: EPIPE, or EINVAL where Windows reports it so (as
    subprocess.communicate knows)."""
    return isinstance(error, BrokenPipeError) or error.errno in (errno.EPIPE, errno.EINVAL)


def _check_header(record: Record) -> None:
    if {name: record.meta.get(name) for name in _HEADER} != _HEADER:  # a later version may say more
        raise _damaged(record)


def _data_bytes(record: Record) -> int:
    declared = record.meta.get("bytes")
    if record.kind != DATA or not _count(declared) or not declared:
        raise _damaged(record)
    return int(declared)


def _end_counts(record: Record, size: int) -> dict[str, int]:
    """The end record's rows per table, once its length is the archive's."""
    counts = record.meta.get("counts")
    if record.meta.get("bytes") != size or not isinstance(counts, dict) or not all(
            isinstance(table, str) and _count(rows) for table, rows in counts.items()):
        raise _damaged(record)
    return counts


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _damaged(record: Record) -> DatabaseError:
    return DatabaseError("backup.pack_damaged", name=record.name, record=record.number)

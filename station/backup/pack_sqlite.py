"""A SQLite database into a pack and back (pack_format): a consistent snapshot read on two threads.

Reading a 200k-person station row by row costs about 5 s of CPU, most of it inside SQLite (which
builds each chunk's JSON and frees the GIL while it does). Two reader connections share the work,
and they read the same snapshot: a third connection holds the write lock (BEGIN IMMEDIATE) while
both open their read transactions, so no commit can fall between them; the lock is dropped at
once and the counter carries on writing while the readers read. Each reader compresses its own
chunks (zlib frees the GIL too); one writer seals and appends them in arrival order.

A restore replays a pack into a new file: tables, rows (inserted by SQLite from the JSON), then
indexes and triggers, which are built faster after the rows than during.
"""

from __future__ import annotations

import json
import os
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station.backup.file_check import FileCheck, quoted, read_inventory
from station.backup.pack_format import DATA, END, HEADER, PackReader, PackWriter, Record, compress
from station.disk import private_file
from station.errors import DatabaseError
from station.sqlite_files import connect_file

READERS = 2
CHUNK_ROWS = 20_000
PART_ROWS = 200_000  # a table this long is split so both readers get a share of it
_STATISTICS = "sqlite_stat1"  # the planner's statistics travel; stat4's samples are blobs, rebuilt later
_LAST_ROWID = (1 << 63) - 1
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class _Part:
    """Rows of one table with rowid in (after, upto]."""

    table: str
    after: int
    upto: int
    weight: int


def pack_database(source: Path, read_key: bytes | None, pack_key: bytes, partial: Path, *,
                  still: bool = False) -> FileCheck:
    """Write `source` (keyed by `read_key`, None for a plaintext file) as a pack sealed under
    `pack_key`, fsync and re-read it; returns what it holds and its SHA-256. `still`: a file
    nobody writes (an old backup), read as it is, without locks."""
    with _snapshot(source, read_key, still) as readers:
        counts, revision, anchor = read_inventory(readers[0])
        header = _header(readers[0], counts)
        parts, total = _parts(readers[0], header["columns"], counts)
        with open(private_file(partial), "wb") as handle:
            writer = PackWriter(handle, pack_key)
            writer.add(HEADER, {"rows": total}, compress(_json(header)))
            written = _write_rows(readers, header["columns"], parts, writer)
            writer.add(END, {"counts": written}, compress(b""))
            handle.flush()
            os.fsync(handle.fileno())
    if {table: written[table] for table in counts} != counts:
        raise DatabaseError("backup.counts_differ", name=partial.name)
    checked, sha256 = verify_pack(partial, pack_key)
    if checked != {table: rows for table, rows in written.items() if rows} or sha256 != writer.sha256():
        raise DatabaseError("backup.written_differs", name=partial.name)
    return FileCheck(counts=counts, revision=revision, sha256=sha256, audit=anchor)


def verify_pack(path: Path, data_key: bytes) -> tuple[dict[str, int], str]:
    """Open every record of a pack (without inflating it): rows per table as the records add
    up (checked against the end record) and the file's SHA-256."""
    reader = PackReader(path, data_key)
    rows: dict[str, int] = {}
    for record in reader.records():
        if record.kind == DATA:
            table, count = _data_meta(record)
            rows[table] = rows.get(table, 0) + count
        elif record.kind == END:
            _check_end(record, rows)
    return rows, reader.sha256()


# --- reading a snapshot --------------------------------------------------------------------


@contextmanager
def _snapshot(source: Path, read_key: bytes | None, still: bool) -> Iterator[list[sqlite3.Connection]]:
    """Reader connections that all see the same committed state (see the module's note)."""
    target = f"{source.resolve().as_uri()}?immutable=1" if still else str(source)
    with ExitStack() as stack:
        def opened() -> sqlite3.Connection:
            connection = connect_file(target, read_key, uri=still, timeout=10, isolation_level=None,
                                      check_same_thread=False)
            stack.callback(connection.close)
            return connection

        lock = None if still else opened()
        if lock is not None:
            lock.execute("BEGIN IMMEDIATE")
        readers = [opened() for _ in range(READERS)]
        for reader in readers:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if lock is not None:
            lock.execute("ROLLBACK")
        yield readers


def _header(connection: sqlite3.Connection, counts: dict[str, int]) -> dict[str, Any]:
    """What a restore needs before the rows: the schema in creation order and each table's columns."""
    schema = [list(row) for row in connection.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")]
    tables = [name for kind, name, _table, _sql in schema
              if kind == "table" and (not name.startswith("sqlite_") or name == _STATISTICS)]
    columns = {table: [row[1] for row in connection.execute(f"PRAGMA table_info({quoted(table)})")]
               for table in tables}
    user_version = connection.execute("PRAGMA user_version").fetchone()[0]
    return {"schema": schema, "columns": columns, "counts": counts, "user_version": user_version}


def _parts(connection: sqlite3.Connection, columns: dict[str, list[str]],
           counts: dict[str, int]) -> tuple[list[_Part], int]:
    """Every table cut into rowid ranges of about PART_ROWS rows, heaviest first, so two readers
    pulling from one queue finish together, and the rows of all. The ranges split min..max
    evenly (exact for the dense ids the app writes; gaps only make parts uneven): no scan."""
    parts, total = [], 0
    for table, names in columns.items():
        rows = counts.get(table) or connection.execute(f"SELECT count(*) FROM {quoted(table)}").fetchone()[0]
        total += rows
        low, high = connection.execute(  # one extreme per query: each is then one b-tree descent
            f"SELECT (SELECT min(rowid) FROM {quoted(table)}), (SELECT max(rowid) FROM {quoted(table)})").fetchone()
        if not rows:
            continue
        pieces = -(-rows // PART_ROWS)
        edges = [low - 1 + (high - low + 1) * piece // pieces for piece in range(pieces)] + [_LAST_ROWID]
        edges[0] = -_LAST_ROWID - 1
        parts += [_Part(table, after, upto, rows // pieces * len(names))
                  for after, upto in zip(edges, edges[1:], strict=False)]
    return sorted(parts, key=lambda part: part.weight, reverse=True), total


def _write_rows(readers: list[sqlite3.Connection], columns: dict[str, list[str]], parts: list[_Part],
                writer: PackWriter) -> dict[str, int]:
    """Read every part on the reader threads and append its chunks; rows written per table."""
    todo: queue.SimpleQueue[_Part] = queue.SimpleQueue()
    for part in parts:
        todo.put(part)
    done: queue.Queue[tuple[str, int, bytes] | None] = queue.Queue(maxsize=4 * len(readers))
    stop = threading.Event()
    written = dict.fromkeys(columns, 0)
    with ThreadPoolExecutor(max_workers=len(readers)) as pool:
        futures = [pool.submit(_read_parts, reader, columns, todo, done, stop) for reader in readers]
        try:
            finished = 0
            while finished < len(readers):
                item = done.get()
                if item is None:
                    finished += 1
                    continue
                table, rows, compressed = item
                writer.add(DATA, {"table": table, "rows": rows}, compressed)
                written[table] += rows
        finally:
            stop.set()
            _drain(done, futures)
        for future in futures:
            future.result()  # a reader's error, raised here
    return written


def _drain(done: queue.Queue[Any], futures: list[Any]) -> None:
    """Empty the queue until every reader has stopped (a reader blocked on a full queue would
    otherwise never see the stop)."""
    while not all(future.done() for future in futures):
        with suppress(queue.Empty):
            done.get(timeout=0.05)


def _read_parts(reader: sqlite3.Connection, columns: dict[str, list[str]], todo: queue.SimpleQueue[_Part],
                done: queue.Queue[tuple[str, int, bytes] | None], stop: threading.Event) -> None:
    try:
        while not stop.is_set():
            try:
                part = todo.get_nowait()
            except queue.Empty:
                return
            for rows, payload in _chunks(reader, part, columns[part.table]):
                if stop.is_set():
                    return
                done.put((part.table, rows, compress(payload)))
    finally:
        done.put(None)


def _chunks(reader: sqlite3.Connection, part: _Part, names: list[str]) -> Iterator[tuple[int, bytes]]:
    """A part's rows as JSON arrays of CHUNK_ROWS rows, built by SQLite."""
    values = ", ".join(quoted(name) for name in names)
    query = (f"SELECT CAST(json_group_array(json_array({values})) AS BLOB), max(_row), count(*) FROM "
             f"(SELECT rowid AS _row, {values} FROM {quoted(part.table)} "
             f"WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT {CHUNK_ROWS})")
    after = part.after
    while True:
        payload, last, rows = reader.execute(query, (after, part.upto)).fetchone()
        if not rows:
            return
        yield rows, payload
        after = last


# --- restoring -----------------------------------------------------------------------------


def unpack_database(pack: Path, data_key: bytes, target: Path, progress: Progress | None = None) -> str:
    """Rebuild the database a pack holds as a new file at `target`, encrypted under `data_key`;
    returns the pack's SHA-256 (compare it with the manifest before trusting the file)."""
    reader = PackReader(pack, data_key)
    target.unlink(missing_ok=True)
    connection = connect_file(private_file(target), data_key, isolation_level=None)
    try:
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-131072"):
            connection.execute(f"PRAGMA {pragma}")
        connection.execute("BEGIN")
        _replay(reader.records(), connection, progress or (lambda _done, _total: None))
        connection.execute("COMMIT")
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()
    with open(target, "rb") as handle:
        os.fsync(handle.fileno())
    return reader.sha256()


def _replay(records: Iterator[Record], connection: sqlite3.Connection, progress: Progress) -> None:
    header_record = next(records)
    header = _parsed_header(header_record)
    _create_tables(connection, header)
    total, done, rows = int(header_record.meta.get("rows", 0)), 0, dict.fromkeys(header["columns"], 0)
    for record in records:
        if record.kind == END:  # the last record: the loop ends once the reader has seen nothing follows
            _check_end(record, rows)
            continue
        table, count = _data_meta(record, header["columns"])
        inserted = _insert(connection, table, header["columns"][table], record.payload())
        if inserted != count:
            raise DatabaseError("backup.pack_damaged", name=record.name, record=record.number)
        rows[table] += count
        done += count
        progress(done, total)
    for kind, _name, _table, sql in header["schema"]:
        if kind != "table":
            connection.execute(sql)
    connection.execute(f"PRAGMA user_version = {int(header['user_version'])}")


def _create_tables(connection: sqlite3.Connection, header: dict[str, Any]) -> None:
    for kind, name, _table, sql in header["schema"]:
        if kind == "table" and not name.startswith("sqlite_"):
            connection.execute(sql)
    if _STATISTICS in header["columns"]:
        connection.execute("ANALYZE")  # SQLite makes its statistics tables only itself
        connection.execute(f"DELETE FROM {_STATISTICS}")


def _insert(connection: sqlite3.Connection, table: str, names: list[str], payload: bytes) -> int:
    """Insert a chunk's rows; SQLite reads them from the JSON itself."""
    values = ", ".join(f"value ->> {index}" for index in range(len(names)))
    cursor = connection.execute(
        f"INSERT INTO {quoted(table)} ({', '.join(quoted(name) for name in names)}) "
        f"SELECT {values} FROM json_each(?)", (payload,))
    return cursor.rowcount


def _parsed_header(record: Record) -> dict[str, Any]:
    """The header record's schema and columns, in the shape the writer gave them."""
    try:
        header = json.loads(record.payload())
        schema, columns = header["schema"], header["columns"]
        well_formed = (all(isinstance(entry, list) and len(entry) == 4 and all(isinstance(part, str) for part in entry)
                           for entry in schema)
                       and all(isinstance(names, list) and names and all(isinstance(name, str) for name in names)
                               for names in columns.values())
                       and isinstance(header["user_version"], int))
    except (ValueError, KeyError, TypeError, AttributeError):
        well_formed = False
    if not well_formed:
        raise DatabaseError("backup.pack_damaged", name=record.name, record=record.number)
    return header  # type: ignore[no-any-return]


def _data_meta(record: Record, columns: dict[str, list[str]] | None = None) -> tuple[str, int]:
    table, rows = record.meta.get("table"), record.meta.get("rows")
    known = isinstance(table, str) and (columns is None or table in columns)
    if not known or not isinstance(rows, int) or isinstance(rows, bool) or rows <= 0:
        raise DatabaseError("backup.pack_damaged", name=record.name, record=record.number)
    return str(table), rows


def _check_end(record: Record, rows: dict[str, int]) -> None:
    """The end record's counts are the rows the data records held, table by table."""
    counts = record.meta.get("counts")
    if not isinstance(counts, dict) or {table: n for table, n in counts.items() if n} != {
            table: n for table, n in rows.items() if n}:
        raise DatabaseError("backup.pack_damaged", name=record.name, record=record.number)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()



"""Inserts from a worker thread: Python builds the next batch while the database writes one."""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from station.bulk.inserts import insert_tuples


@contextmanager
def background_inserts(connection: Connection, model: Any, columns: tuple[str, ...], *,
                       constants: dict[str, Any] | None = None) -> Iterator[Callable[[list[tuple]], object]]:
    """An `add(rows)` that inserts rows into the table from a worker thread.

    Rows are tuples in `columns` order whose last value is a list: each of its items makes a
    table row (a person's search keys: one small row per person crosses from Python, not one per
    key); `constants` fills further columns alike for every row. The worker runs one
    INSERT … SELECT FROM json_each(?) per batch: a single statement, during which sqlite3
    releases the GIL, so SQLite writes one batch while Python builds the next. (An executemany
    there would take the GIL back for every row it binds, and wait for it while Python computes.)
    The caller must not use the connection until the block ends (it waits for the worker).
    Values must be JSON types (int, str, None). On PostgreSQL each batch is one COPY, sent by
    the worker while Python builds the next; elsewhere (SQLite before 3.38) an executemany.
    """
    constants = constants or {}
    worker = _worker(connection, model, columns, constants)
    try:
        yield worker.add
    except BaseException:
        worker.abort()
        raise
    worker.finish()


def _worker(connection: Connection, model: Any, columns: tuple[str, ...], constants: dict[str, Any]) -> _InsertWorker:
    """SQLite: one INSERT … SELECT FROM json_each per batch; PostgreSQL: one COPY per batch, the
    rows fanned out here (the worker's COPY waits on the network without the GIL)."""
    if connection.dialect.name == "sqlite" and sqlite3.sqlite_version_info >= (3, 38):
        driver, statement = connection.connection.driver_connection, _json_insert(model, columns, tuple(constants))
        values = {f"c_{name}": value for name, value in constants.items()}
        return _InsertWorker(lambda rows: json.dumps(rows, ensure_ascii=False),
                             lambda payload: driver.execute(statement, {"rows": payload, **values}))  # type: ignore[union-attr]
    names, fixed = (*columns, *constants), tuple(constants.values())
    return _InsertWorker(lambda rows: _fanned_out(rows, fixed),
                         lambda payload: insert_tuples(connection, model, names, payload))


def _fanned_out(rows: list[tuple], constants: tuple) -> list[tuple]:
    return [(*row[:-1], item, *constants) for row in rows for item in row[-1]]


class _InsertWorker:
    """`add(rows)` encodes a batch (in the caller's thread) for a thread that writes it."""

    def __init__(self, encode: Callable[[list[tuple]], Any], write: Callable[[Any], object]):
        self.encode, self.write = encode, write
        self.batches: queue.Queue[Any] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.aborted = False
        self.thread = threading.Thread(target=self._run, name="import-inserts", daemon=True)
        self.thread.start()

    def add(self, rows: list[tuple]) -> None:
        self._raise_error()
        if rows:
            self.batches.put(self.encode(rows))

    def finish(self) -> None:
        self.batches.put(None)
        self.thread.join()
        self._raise_error()

    def abort(self) -> None:
        self.aborted = True
        self.batches.put(None)
        self.thread.join()

    def _run(self) -> None:
        while (payload := self.batches.get()) is not None:
            if self.aborted or self.error is not None:
                continue
            try:
                self.write(payload)
            except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
                self.error = error

    def _raise_error(self) -> None:
        if isinstance(self.error, sqlite3.IntegrityError):
            raise IntegrityError("INSERT (bulk)", None, self.error) from self.error
        if self.error is not None:
            raise self.error


def _json_insert(model: Any, columns: tuple[str, ...], constants: tuple[str, ...]) -> str:
    """INSERT … SELECT of rows sent as one JSON array, the last value of each fanned out."""
    fanned = len(columns) - 1
    values = [*(f"r.value ->> {index}" for index in range(fanned)), "item.value", *(f":c_{name}" for name in constants)]
    names = ", ".join(f'"{name}"' for name in (*columns, *constants))
    source = f"json_each(:rows) AS r, json_each(r.value -> {fanned}) AS item"
    return f"INSERT INTO {model.__table__.name} ({names}) SELECT {', '.join(values)} FROM {source}"

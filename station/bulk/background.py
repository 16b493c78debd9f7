"""Inserts from a worker thread on SQLite: Python builds the next batch while SQLite writes one."""

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
    """An `add(rows)` that inserts rows into the table, on SQLite from a worker thread.

    Rows are tuples in `columns` order whose last value is a list: each of its items makes a
    table row (a person's search keys: one small row per person crosses from Python, not one per
    key); `constants` fills further columns alike for every row. The worker runs one
    INSERT … SELECT FROM json_each(?) per batch: a single statement, during which sqlite3
    releases the GIL, so SQLite writes one batch while Python builds the next. (An executemany
    there would take the GIL back for every row it binds, and wait for it while Python computes.)
    The caller must not use the connection until the block ends (it waits for the worker).
    Values must be JSON types (int, str, None). Elsewhere, `add` is a plain executemany.
    """
    constants = constants or {}
    if connection.dialect.name != "sqlite" or sqlite3.sqlite_version_info < (3, 38):
        names = (*columns, *constants)
        yield lambda rows: insert_tuples(connection, model, names, _fanned_out(rows, tuple(constants.values())))
        return
    worker = _InsertWorker(connection.connection.driver_connection, _json_insert(model, columns, tuple(constants)),
                           {f"c_{name}": value for name, value in constants.items()})
    try:
        yield worker.add
    except BaseException:
        worker.abort()
        raise
    worker.finish()


def _fanned_out(rows: list[tuple], constants: tuple) -> list[tuple]:
    return [(*row[:-1], item, *constants) for row in rows for item in row[-1]]


class _InsertWorker:
    def __init__(self, driver_connection: Any, statement: str, constants: dict[str, Any]):
        self.connection, self.statement, self.constants = driver_connection, statement, constants
        self.batches: queue.Queue[str | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.aborted = False
        self.thread = threading.Thread(target=self._run, name="import-inserts", daemon=True)
        self.thread.start()

    def add(self, rows: list[tuple]) -> None:
        self._raise_error()
        if rows:
            self.batches.put(json.dumps(rows, ensure_ascii=False))

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
                self.connection.execute(self.statement, {"rows": payload, **self.constants})
            except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
                self.error = error

    def _raise_error(self) -> None:
        if isinstance(self.error, sqlite3.IntegrityError):
            raise IntegrityError(self.statement, None, self.error) from self.error
        if self.error is not None:
            raise self.error


def _json_insert(model: Any, columns: tuple[str, ...], constants: tuple[str, ...]) -> str:
    """INSERT … SELECT of rows sent as one JSON array, the last value of each fanned out."""
    fanned = len(columns) - 1
    values = [*(f"r.value ->> {index}" for index in range(fanned)), "item.value", *(f":c_{name}" for name in constants)]
    names = ", ".join(f'"{name}"' for name in (*columns, *constants))
    source = f"json_each(:rows) AS r, json_each(r.value -> {fanned}) AS item"
    return f"INSERT INTO {model.__table__.name} ({names}) SELECT {', '.join(values)} FROM {source}"

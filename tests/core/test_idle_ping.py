"""Pooled PostgreSQL connections are pinged only after sitting idle (station.idle_ping): a unit of
work right after another sends no ping, a connection the server dropped while it sat idle is
replaced unseen, and one dropped within the alive window fails as a lost server (which the
counter waits out and runs again)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

import station.idle_ping as idle_ping
from station.actor import SYSTEM
from station.db import Database
from station.failures import server_lost
from station.uow import UnitOfWork


@pytest.fixture
def pg(db: Database) -> Database:
    if db.is_sqlite:
        pytest.skip("a SQLite file has no server connection to ping")
    return db


@pytest.fixture
def pings(pg: Database, monkeypatch) -> list[int]:
    """Each ping the pool sends, counted (the dialect's own ping still runs)."""
    sent: list[int] = []
    dialect = pg.engine.dialect
    real = dialect.do_ping

    def counted(dbapi_connection) -> bool:
        sent.append(1)
        return real(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return sent


def _backend_pid(db: Database) -> int:
    with UnitOfWork(db, SYSTEM) as uow:
        return int(uow.session.scalar(text("SELECT pg_backend_pid()")))


def _terminate(db: Database, pid: int) -> None:
    """The server drops one connection, as a restart or a network cut would (waiting until it is gone)."""
    other = create_engine(db.engine.url, poolclass=NullPool)  # not one of the pool's own
    with other.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    other.dispose()


def test_units_of_work_in_a_row_send_no_ping(pg, pings):
    _backend_pid(pg)
    for _ in range(5):
        assert _backend_pid(pg) > 0
    assert pings == []


def test_a_connection_idle_past_the_window_is_pinged_first(pg, pings, monkeypatch):
    _backend_pid(pg)
    monkeypatch.setattr(idle_ping, "ALIVE_SECONDS", 0.0)
    _backend_pid(pg)
    assert len(pings) == 1


def test_a_connection_the_server_dropped_while_idle_is_replaced_unseen(pg, pings, monkeypatch):
    first = _backend_pid(pg)
    _terminate(pg, first)
    monkeypatch.setattr(idle_ping, "ALIVE_SECONDS", 0.0)  # the pooled one has now sat idle
    second = _backend_pid(pg)  # no error: the ping found it gone and the pool connected anew
    assert second != first and pings


def test_a_connection_dropped_within_the_window_fails_as_a_lost_server_then_recovers(pg, pings):
    first = _backend_pid(pg)
    _terminate(pg, first)
    with pytest.raises(DBAPIError) as lost:
        _backend_pid(pg)
    assert server_lost(lost.value)  # what the gateway waits out and runs again
    assert _backend_pid(pg) != first
    assert pings == []

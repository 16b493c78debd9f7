"""Ping a pooled PostgreSQL connection before use only when it sat idle: a round trip saved per search.

`pool_pre_ping` pings on every checkout, and the counter checks a connection out for every unit
of work: one search typed is a ping, the account check and two or three statements, so the ping
was one round trip in five. A connection given back to the pool less than ALIVE_SECONDS ago is
taken as alive (a clerk typing, eight clerks searching, a report's statements); one idle longer,
after lunch or a night, is pinged first, and if the server is gone or was restarted meanwhile the
pool replaces it before anyone sees it fail (DisconnectionError: SQLAlchemy's pessimistic
disconnect handling, as pool_pre_ping does).

Should the server go in those few seconds, the next statement fails as a lost connection:
SQLAlchemy invalidates the pool, and the counter waits for the server and runs the work again
(screens.gateway), as it does for any outage.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

ALIVE_SECONDS = 5.0
_RETURNED = "station_returned_at"  # in each connection record's info: when it last came back


def ping_when_idle(engine: Engine) -> None:
    """Ping each connection at checkout only when it was idle ALIVE_SECONDS or longer."""
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def connected(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()  # it has just answered the connect

    @event.listens_for(engine, "checkin")
    def returned(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def taken(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_RETURNED, 0.0) < ALIVE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("the pooled connection no longer answers") from error

"""Run one service call per user action in its own unit of work, in a thread worker.

The UI thread never touches the database: a screen hands the gateway a service and callbacks;
the service runs on one of DATABASE_THREADS long-lived threads with a fresh UnitOfWork (sessions
are never shared between threads; a reading one when the service is marked `reads_only` for its
arguments, as the search box's search is) and the plain record it returns comes back to
`on_done` on the UI thread. Reusing two threads (rather than one new thread per keystroke) keeps
the database connections and the process's memory arenas few on a 2-core counter PC. Expected
problems (StationError) go to `on_error` (by default a dialog rendering the error's code in the
app's language); anything else is logged with its traceback and shown as a generic message.
AccountDisabled (the account was disabled by an administrator while logged in) goes to
`sign_out`, whatever the screen asked for.

A database server that cannot be reached (PostgreSQL stopped, the network down) is no error to
show in a dialog, which would take the next key typed: a service call waits for it and runs
again once it answers, for as long as its screen is open. One probe knocks for all that wait,
RETRY_SECONDS apart and then every RETRY_CAP_SECONDS, and the app says meanwhile that the
server is unreachable (`server_lost`) and when it answers again (`server_back`). The form keeps
what was typed, keys go on reaching it, and the list asked for arrives once the server is back.
Only work that never sent its COMMIT runs again: a connection lost during the commit leaves it
unknown whether it was saved, and the user is told so.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

from screens.database_handle import DatabaseHandle
from screens.logging_setup import LOGGER_NAME
from station.actor import Actor
from station.errors import AccountDisabled, StationError

T = TypeVar("T")
log = logging.getLogger(LOGGER_NAME)
DATABASE_THREADS = 2
# Waits before the 1st, 2nd ... try again while the server is unreachable, then the cap: quick
# enough that a restarted server is noticed within seconds, slow enough to cost nothing.
RETRY_SECONDS = (0.5, 1.0, 2.0, 4.0)
RETRY_CAP_SECONDS = 8.0


class ServerWatch(Protocol):
    """Who hears that the database server stopped or started answering (the app's top bar)."""

    def server_lost(self) -> None: ...

    def server_back(self) -> None: ...


class Gateway:
    """The screens' only way to the database."""

    def __init__(self, database: DatabaseHandle, show_error: Callable[[StationError], None],
                 show_failure: Callable[[], None], sign_out: Callable[[AccountDisabled], None],
                 server: ServerWatch | None = None):
        self.database = database
        self._server = server
        self._probe: asyncio.Task[None] | None = None
        self._show_error = show_error
        self._show_failure = show_failure
        self._sign_out = sign_out
        self._threads = ThreadPoolExecutor(DATABASE_THREADS, thread_name_prefix="station-db")

    def shutdown(self) -> None:
        """Stop the threads once their jobs are done (the app is closing)."""
        if self._probe is not None:
            self._probe.cancel()
        self._threads.shutdown(wait=True, cancel_futures=True)

    def call(self, owner: DOMNode, actor: Actor, service: Callable[..., T], *args: Any,
             on_done: Callable[[T], None], on_error: Callable[[StationError], None] | None = None,
             **kwargs: Any) -> Worker[None]:
        """Run `service(uow, *args, **kwargs)` as `actor`; `on_done(result)` on the UI thread."""

        def job() -> T:
            # Imported late: see screens.database_handle.
            from station.errors import DatabaseError
            from station.failures import server_lost
            from station.uow import UnitOfWork, is_reading

            with UnitOfWork(self.database.get(), actor, reading=is_reading(service, *args, **kwargs)) as uow:
                try:
                    return service(uow, *args, **kwargs)
                except Exception as failure:
                    if uow.commit_sent and server_lost(failure):
                        raise DatabaseError("failures.server_lost_saving") from failure
                    raise

        return self.run(owner, job, on_done=on_done, on_error=on_error, name=_name(service), retry=True)

    def run(self, owner: DOMNode, job: Callable[[], T], *, on_done: Callable[[T], None],
            on_error: Callable[[StationError], None] | None = None, name: str = "",
            retry: bool = False) -> Worker[None]:
        """Run `job()` (which opens its own units of work) on a database thread; the worker that
        waits for it belongs to `owner`, so closing the screen drops the answer (and its tries).
        With `retry` (one unit of work that sends its commit last, as `call` runs) a server that
        cannot be reached is waited for; otherwise that is reported as the error it is."""

        async def work() -> None:
            try:
                result = await self._attempts(job, name if retry else None)
                _if_attached(owner, on_done, result)
            except AccountDisabled as error:
                self._sign_out(error)  # not the screen's handler: the whole session ends
            except StationError as error:
                _if_attached(owner, on_error or self._show_error, error)
            except Exception as failure:  # noqa: BLE001 - the one place unexpected errors are caught
                # Imported here: it loads SQLAlchemy (see screens.database_handle).
                from station.failures import explain

                known = explain(failure)  # locked, disk full, server gone: said as such
                log.warning("后台操作失败:%s", name or "job", exc_info=failure)
                if known is None:
                    self._show_failure()
                else:
                    _if_attached(owner, on_error or self._show_error, known)

        return owner.run_worker(work(), name=name or "job", group="gateway", exit_on_error=False)

    async def _attempts(self, job: Callable[[], T], retrying: str | None) -> T:
        """`job()`'s result; when `retrying` names it, tried again each time the server answers."""
        while True:
            try:
                result = await asyncio.get_running_loop().run_in_executor(self._threads, job)
            except Exception as failure:
                if retrying is None or not _server_lost(failure):
                    raise
                log.warning("数据库服务器无法连接,等待后重试:%s(%s)", retrying, failure)
                if self._server is not None:
                    self._server.server_lost()
                await self._server_answers()
                continue
            if self._server is not None:
                self._server.server_back()  # any answer says the server is there
            return result

    async def _server_answers(self) -> None:
        """Return once the server answers (or fails otherwise). One probe knocks for every job
        that waits, so twenty searches typed during an outage do not each hold a thread
        through a connect timeout; a job whose screen closes stops waiting, the probe goes on
        until the server answers and the top bar can say so."""
        if self._probe is None or self._probe.done():
            self._probe = asyncio.create_task(self._probe_until_answered())
        await asyncio.shield(self._probe)

    async def _probe_until_answered(self) -> None:
        for tries in itertools.count():
            await asyncio.sleep(RETRY_SECONDS[tries] if tries < len(RETRY_SECONDS) else RETRY_CAP_SECONDS)
            try:
                await asyncio.get_running_loop().run_in_executor(self._threads, self.database.get().ping)
            except Exception as failure:  # noqa: BLE001 - the jobs meet it again and report it
                if _server_lost(failure):
                    continue
            if self._server is not None:
                self._server.server_back()
            log.warning("数据库服务器已恢复连接(重试 %d 次)", tries + 1)
            return


def _server_lost(failure: Exception) -> bool:
    from station.failures import server_lost  # loads SQLAlchemy (see screens.database_handle)

    return server_lost(failure)


def _if_attached(owner: DOMNode, callback: Callable[[Any], None], value: Any) -> None:
    """Deliver a result unless its screen was closed meanwhile (nobody is waiting for it)."""
    if getattr(owner, "is_attached", True):
        callback(value)


def _name(service: Callable[..., Any]) -> str:
    return f"{getattr(service, '__module__', '')}.{getattr(service, '__qualname__', 'service')}"

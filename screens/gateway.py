"""Run one service call per user action in its own unit of work, in a thread worker.

The UI thread never touches the database: a screen hands the gateway a service and callbacks;
the service runs on one of DATABASE_THREADS long-lived threads with a fresh UnitOfWork (sessions
are never shared between threads) and the plain record it returns comes back to `on_done` on the
UI thread. Reusing two threads (rather than one new thread per keystroke) keeps the database
connections and the process's memory arenas few on a 2-core counter PC. Expected problems
(StationError) go to `on_error` (by default a dialog rendering the error's code in the app's
language); anything else is logged with its traceback and shown as a generic message.
AccountDisabled (the account was disabled by an administrator while logged in) goes to
`sign_out`, whatever the screen asked for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

from screens.database_handle import DatabaseHandle
from screens.logging_setup import LOGGER_NAME
from station.actor import Actor
from station.errors import AccountDisabled, StationError

T = TypeVar("T")
log = logging.getLogger(LOGGER_NAME)
DATABASE_THREADS = 2


class Gateway:
    """The screens' only way to the database."""

    def __init__(self, database: DatabaseHandle, show_error: Callable[[StationError], None],
                 show_failure: Callable[[], None], sign_out: Callable[[AccountDisabled], None]):
        self.database = database
        self._show_error = show_error
        self._show_failure = show_failure
        self._sign_out = sign_out
        self._threads = ThreadPoolExecutor(DATABASE_THREADS, thread_name_prefix="station-db")

    def shutdown(self) -> None:
        """Stop the threads once their jobs are done (the app is closing)."""
        self._threads.shutdown(wait=True, cancel_futures=True)

    def call(self, owner: DOMNode, actor: Actor, service: Callable[..., T], *args: Any,
             on_done: Callable[[T], None], on_error: Callable[[StationError], None] | None = None,
             **kwargs: Any) -> Worker[None]:
        """Run `service(uow, *args, **kwargs)` as `actor`; `on_done(result)` on the UI thread."""

        def job() -> T:
            from station.uow import UnitOfWork  # imported late: see screens.database_handle

            with UnitOfWork(self.database.get(), actor) as uow:
                return service(uow, *args, **kwargs)

        return self.run(owner, job, on_done=on_done, on_error=on_error, name=_name(service))

    def run(self, owner: DOMNode, job: Callable[[], T], *, on_done: Callable[[T], None],
            on_error: Callable[[StationError], None] | None = None, name: str = "") -> Worker[None]:
        """Run `job()` (which opens its own units of work) on a database thread; the worker that
        waits for it belongs to `owner`, so closing the screen drops the answer."""

        async def work() -> None:
            try:
                result = await asyncio.get_running_loop().run_in_executor(self._threads, job)
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


def _if_attached(owner: DOMNode, callback: Callable[[Any], None], value: Any) -> None:
    """Deliver a result unless its screen was closed meanwhile (nobody is waiting for it)."""
    if getattr(owner, "is_attached", True):
        callback(value)


def _name(service: Callable[..., Any]) -> str:
    return f"{getattr(service, '__module__', '')}.{getattr(service, '__qualname__', 'service')}"

"""Unit of work: one session and one transaction per user action, with the actor and the clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import User
from station.actor import Actor
from station.db import Database, ReadingOnly, only_read
from station.errors import AccountDisabled, ConflictError
from station.settings import Settings

_DISABLED = select(User.disabled).where(User.id == bindparam("user"))
_READING = "__station_reads_only__"
Service = TypeVar("Service", bound=Callable[..., Any])


def reads_only(when: Callable[..., bool]) -> Callable[[Service], Service]:
    """Mark a service that only reads when `when(*args, **kwargs)` says so for its arguments:
    the counter then runs it in a reading unit of work (see UnitOfWork)."""
    def mark(service: Service) -> Service:
        setattr(service, _READING, when)
        return service
    return mark


def is_reading(service: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
    """True when `service` (marked with reads_only) only reads given these arguments."""
    when = getattr(service, _READING, None)
    return when is not None and bool(when(*args, **kwargs))


def check_version(current: int, expected: int | None) -> None:
    """Refuse a save based on a version other than the row's current one."""
    if expected is not None and expected != current:
        raise ConflictError("common.stale")


class UnitOfWork:
    """`with UnitOfWork(db, actor) as uow: ...; uow.commit()`; leaving without commit discards what
    it wrote (on PostgreSQL a transaction that only read ends with COMMIT: see db.only_read).

    `reading=True` opens one that only reads (db.reading_engine: on PostgreSQL each statement is
    its own transaction, and any statement but a SELECT is refused); what such work must write
    (a search's audit row) goes through `writing()`."""

    def __init__(self, database: Database, actor: Actor, *, reading: bool = False):
        self.database = database
        self.actor = actor
        self.reading = reading
        self.session: Session
        self._account_checked = False  # by the unit of work this one writes for (writing())
        # Set once a commit was sent: from then on a lost connection leaves it unknown whether
        # the work was saved, so it must not be run again (screens.gateway retries only before).
        self.commit_sent = False

    @property
    def settings(self) -> Settings:
        return self.database.settings

    def now(self) -> datetime:
        return self.database.clock()

    def today(self) -> date:
        return self.now().date()

    def __enter__(self) -> UnitOfWork:
        self.session = self.database.reading_session() if self.reading else self.database.session()
        if self._account_checked:
            return self
        try:
            self._refuse_disabled_actor()
        except BaseException:
            self.session.close()
            raise
        return self

    def _refuse_disabled_actor(self) -> None:
        """A session opened before an admin disabled the account must not go on working."""
        if self.actor.user_id is None:
            return  # the CLI's system actor, and nobody before login
        disabled = self.session.scalar(_DISABLED, {"user": self.actor.user_id})
        if disabled is None or disabled:
            raise AccountDisabled("accounts.disabled_meanwhile")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self.reading:  # a reading one has no transaction open on PostgreSQL
                self._end(succeeded=exc_type is None)
        finally:
            self.session.close()

    def _end(self, *, succeeded: bool) -> None:
        # psycopg forgets the statements it prepared at a ROLLBACK: see only_read.
        if succeeded and not self.database.is_sqlite and only_read(self.session):
            self.session.commit()
        else:
            self.session.rollback()

    def flush(self) -> None:
        """Flush pending changes, turning a stale version into a ConflictError."""
        try:
            self.session.flush()
        except StaleDataError as error:
            raise ConflictError("common.stale") from error

    @contextmanager
    def writing(self) -> Iterator[UnitOfWork]:
        """Where to write from this unit of work: itself, or for a reading one a unit of work of
        its own (the same actor), which the caller commits."""
        if not self.reading:
            yield self
            return
        own = UnitOfWork(self.database, self.actor)
        own._account_checked = True  # as this one began, a moment ago: one round trip less
        try:
            with own:
                yield own
        finally:
            # Whether a commit went out is this unit's to tell (the gateway runs again only work
            # that never sent one).
            self.commit_sent = self.commit_sent or own.commit_sent

    def commit(self) -> None:
        if self.reading:
            raise ReadingOnly("a reading unit of work has nothing to commit: write through writing()")
        self.commit_sent = True
        try:
            self.session.commit()
        except StaleDataError as error:
            self.session.rollback()
            raise ConflictError("common.stale") from error

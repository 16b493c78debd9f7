"""Unit of work: one session and one transaction per user action, with the actor and the clock."""

from __future__ import annotations

from datetime import date, datetime
from types import TracebackType

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import User
from station.actor import Actor
from station.db import Database, only_read
from station.errors import AccountDisabled, ConflictError
from station.settings import Settings

_DISABLED = select(User.disabled).where(User.id == bindparam("user"))


def check_version(current: int, expected: int | None) -> None:
    """Refuse a save based on a version other than the row's current one."""
    if expected is not None and expected != current:
        raise ConflictError("common.stale")


class UnitOfWork:
    """`with UnitOfWork(db, actor) as uow: ...; uow.commit()`; leaving without commit discards what
    it wrote (on PostgreSQL a transaction that only read ends with COMMIT: see db.only_read)."""

    def __init__(self, database: Database, actor: Actor):
        self.database = database
        self.actor = actor
        self.session: Session
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
        self.session = self.database.session()
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
            # psycopg forgets the statements it prepared at a ROLLBACK: see only_read.
            if exc_type is None and not self.database.is_sqlite and only_read(self.session):
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()

    def flush(self) -> None:
        """Flush pending changes, turning a stale version into a ConflictError."""
        try:
            self.session.flush()
        except StaleDataError as error:
            raise ConflictError("common.stale") from error

    def commit(self) -> None:
        self.commit_sent = True
        try:
            self.session.commit()
        except StaleDataError as error:
            self.session.rollback()
            raise ConflictError("common.stale") from error

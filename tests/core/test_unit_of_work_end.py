"""How a unit of work ends when left without commit: whatever it wrote is discarded, however it
was written (ORM, Core, raw SQL, COPY); on PostgreSQL one that only read ends with COMMIT, so the
statements psycopg prepared on the connection stay prepared for the next one."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select, text

from models import Community
from station.actor import SYSTEM
from station.bulk.inserts import insert_tuples
from station.db import ReadingOnly
from station.uow import UnitOfWork


def _by_orm(uow: UnitOfWork, code: str) -> None:
    uow.session.add(Community(code=code, name="写后未提交"))
    uow.flush()


def _by_core(uow: UnitOfWork, code: str) -> None:
    uow.session.execute(insert(Community).values(code=code, name="写后未提交"))


def _by_raw_sql(uow: UnitOfWork, code: str) -> None:
    uow.session.connection().exec_driver_sql(
        "INSERT INTO communities (code, name, street, phone, created_at) "
        f"VALUES ('{code}', '写后未提交', '', '', CURRENT_TIMESTAMP)")


def _by_bulk(uow: UnitOfWork, code: str) -> None:
    # COPY on PostgreSQL, straight through the driver's cursor: no SQLAlchemy event sees it.
    insert_tuples(uow.session.connection(), Community, ("code", "name"), [(code, "写后未提交")])


def _then_read(write):
    def both(uow: UnitOfWork, code: str) -> None:
        write(uow, code)
        uow.session.scalar(select(func.count(Community.id)))
    return both


@pytest.mark.parametrize("write", [_by_orm, _by_core, _by_raw_sql, _by_bulk, _then_read(_by_bulk)])
def test_what_a_unit_wrote_without_commit_is_gone(db, write):
    with UnitOfWork(db, SYSTEM) as uow:
        write(uow, "NOT-SAVED")
        assert uow.session.scalar(select(func.count()).where(Community.code == "NOT-SAVED")) == 1
    with UnitOfWork(db, SYSTEM) as uow:
        assert uow.session.scalar(select(func.count()).where(Community.code == "NOT-SAVED")) == 0


def test_a_unit_left_by_an_error_discards_its_writes(db):
    with pytest.raises(RuntimeError), UnitOfWork(db, SYSTEM) as uow:
        _by_core(uow, "NOT-SAVED")
        raise RuntimeError("the service failed")
    with UnitOfWork(db, SYSTEM) as uow:
        assert uow.session.scalar(select(func.count()).where(Community.code == "NOT-SAVED")) == 0


def _postgresql(db) -> None:
    if db.is_sqlite:
        pytest.skip("psycopg's prepared statements")


_PREPARED = text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%communities.code = %'")


def test_a_unit_that_only_read_keeps_the_statements_prepared(db):
    _postgresql(db)
    statement = select(Community.id).where(Community.code == "C-READ")
    for _ in range(8):  # psycopg prepares a statement the 5th time its connection runs it
        with UnitOfWork(db, SYSTEM) as uow:
            uow.session.execute(statement).all()
    with UnitOfWork(db, SYSTEM) as uow:
        assert uow.session.scalar(_PREPARED) == 1


def test_a_unit_whose_statement_failed_ends_quietly_and_writes_nothing(db):
    _postgresql(db)
    with UnitOfWork(db, SYSTEM) as uow:
        _by_core(uow, "NOT-SAVED")
        with pytest.raises(Exception, match="division by zero"):
            uow.session.execute(text("SELECT 1 / 0"))
        # The transaction is failed: leaving must roll it back, not try to ask it anything.
    with UnitOfWork(db, SYSTEM) as uow:
        assert uow.session.scalar(select(func.count()).where(Community.code == "NOT-SAVED")) == 0


# --- reading units of work (the search box's): no transaction on the server, and no writes ---


def _transaction_status(uow: UnitOfWork) -> str:
    return uow.session.connection().connection.driver_connection.info.transaction_status.name


def test_a_reading_unit_holds_no_transaction_open_on_the_server(db):
    _postgresql(db)
    with UnitOfWork(db, SYSTEM, reading=True) as uow:
        uow.session.execute(select(Community.id)).all()
        assert _transaction_status(uow) == "IDLE"  # no BEGIN was sent: nothing to end
    with UnitOfWork(db, SYSTEM) as uow:
        uow.session.execute(select(Community.id)).all()
        assert _transaction_status(uow) == "INTRANS"


@pytest.mark.parametrize("write", [_by_orm, _by_core, _by_raw_sql])
def test_a_reading_unit_writes_nothing_and_cannot_commit(db, write):
    with UnitOfWork(db, SYSTEM, reading=True) as uow:
        if db.is_sqlite:
            write(uow, "NOT-SAVED")  # in its transaction, rolled back as it closes
        else:
            with pytest.raises(ReadingOnly):  # autocommit: refused before it is sent
                write(uow, "NOT-SAVED")
        with pytest.raises(ReadingOnly):
            uow.commit()
    with UnitOfWork(db, SYSTEM) as uow:
        assert uow.session.scalar(select(func.count()).where(Community.code == "NOT-SAVED")) == 0


def test_the_units_after_a_reading_one_are_transactions_again(db):
    """The pool's connections go back to transactions after a reading unit (no autocommit left)."""
    for _ in range(6):  # round the pool's connections
        with UnitOfWork(db, SYSTEM, reading=True) as uow:
            uow.session.execute(select(Community.id)).all()
        with UnitOfWork(db, SYSTEM) as uow:
            _by_core(uow, "NOT-SAVED")
    with UnitOfWork(db, SYSTEM) as uow:
        assert uow.session.scalar(select(func.count()).where(Community.code == "NOT-SAVED")) == 0


def test_what_a_reading_unit_writes_apart_is_saved_and_counts_as_a_commit_sent(db):
    """writing(): a unit of its own, committed; the reading unit then says a commit went out (the
    counter must not run such work again after a lost connection)."""
    with UnitOfWork(db, SYSTEM, reading=True) as uow:
        with uow.writing() as writing:
            assert writing is not uow
            _by_core(writing, "SAVED-APART")
            writing.commit()
        assert uow.commit_sent
    with UnitOfWork(db, SYSTEM) as uow:
        assert uow.session.scalar(select(func.count()).where(Community.code == "SAVED-APART")) == 1
        with uow.writing() as same:
            assert same is uow

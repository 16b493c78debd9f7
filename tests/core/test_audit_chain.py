"""The audit log's hash chain: an untouched log verifies; a row edited, deleted or inserted behind
the app's back (guards dropped on SQLite, disabled on PostgreSQL) is named; concurrent writers
keep one chain."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest
from audit_support import behind_the_apps_back, check, ids, write
from backends import pg_database
from sqlalchemy import create_engine, select, text
from threads import at_once

from models import AuditEntry
from station import audit
from station.actor import SYSTEM
from station.audit_chain import (
    GENESIS,
    chain_all,
    chain_anchor,
    grouped,
    parse_anchor,
    row_hash,
    stored,
    values_digest,
    verify_chain,
)
from station.db import Database, ReadingOnly
from station.errors import ValidationError
from station.migrate import upgrade
from station.uow import UnitOfWork


def test_an_untouched_log_verifies_to_its_head(db):
    write(db, 5)
    with UnitOfWork(db, SYSTEM) as uow:  # two rows in one unit of work chain one after the other
        audit.record(uow, "export", "persons", None, detail="导出 A")
        audit.record(uow, "export", "persons", None, detail="导出 B")
        uow.commit()
    result = check(db)
    with db.engine.connect() as connection:
        head = connection.execute(text("select row_hash from audit_log order by id desc limit 1")).scalar()
    assert result.ok and result.rows == 7 and result.head == head != GENESIS


def test_an_empty_log_verifies(db):
    assert check(db).ok and check(db).rows == 0 and check(db).head == GENESIS


@pytest.mark.parametrize("column, value", [("detail", "打印 别人"), ("username", "nobody"),
                                           ("at", "2020-01-01 00:00:00")])
def test_an_edited_row_is_named(db, column, value):
    write(db, 5)
    target = ids(db)[2]
    behind_the_apps_back(db, f"update audit_log set {column} = :v where id = :i", v=value, i=target)
    result = check(db)
    assert (result.broken_at, result.problem, result.rows) == (target, "content", 2)


def test_a_row_edited_with_its_hash_recomputed_breaks_the_next_row(db):
    write(db, 5)
    target, after = ids(db)[2], ids(db)[3]
    with db.engine.connect() as connection:
        table = AuditEntry.__table__
        row = connection.execute(select(table).where(table.c.id == target)).mappings().one()
    digest = values_digest(stored(row["old_values"]), stored(row["new_values"]), "改过的详情")
    forged = row_hash(row["prev_hash"], row["at"], row["user_id"], row["username"], row["community_id"],
                      row["action"], row["entity"], row["entity_id"], digest)
    behind_the_apps_back(db, "update audit_log set detail = '改过的详情', values_digest = :d, row_hash = :h "
                             "where id = :i", d=digest, h=forged, i=target)
    assert (check(db).broken_at, check(db).problem) == (after, "order")


def test_a_deleted_row_is_named_by_the_row_after_it(db):
    write(db, 5)
    target, after = ids(db)[1], ids(db)[2]
    behind_the_apps_back(db, "delete from audit_log where id = :i", i=target)
    assert (check(db).broken_at, check(db).problem) == (after, "order")


def test_an_inserted_row_is_named_by_the_row_after_it(db):
    """A forged row slipped in before the first one, with a hash of its own made correctly."""
    write(db, 3)
    first = ids(db)[0]
    digest = values_digest(None, None, "伪造")
    forged = row_hash(GENESIS, datetime(2026, 1, 1), None, "x", None, "print", "", None, digest)
    behind_the_apps_back(
        db, "insert into audit_log (id, at, user_id, username, community_id, action, entity, entity_id,"
            " detail, prev_hash, values_digest, row_hash) values (:i, '2026-01-01 00:00:00', null, 'x', null,"
            " 'print', '', null, '伪造', :g, :d, :h)", i=first - 1, g=GENESIS, d=digest, h=forged)
    assert (check(db).broken_at, check(db).problem) == (first, "order")


def test_two_writers_at_once_keep_one_chain(db):
    assert not at_once(lambda tag: write(db, 25, tag=tag), ("a", "b"))
    result = check(db)
    assert result.ok and result.rows == 50


def test_a_connection_without_a_transaction_cannot_append(db):
    """On PostgreSQL the chain's lock lasts until the transaction ends: a connection in autocommit
    would drop it at once and let two writers chain to one head (a benchmark script of ours did,
    forking a test district's chain), so the chain refuses such a connection and writes nothing."""
    if db.is_sqlite:
        pytest.skip("SQLite's write transaction is the chain's lock")
    before = check(db).rows
    loose = Database(db.engine.execution_options(isolation_level="AUTOCOMMIT"), db.settings, db.clock)
    with UnitOfWork(loose, SYSTEM) as uow, pytest.raises(ReadingOnly, match="transaction"):
        audit.record(uow, "export", "persons", None, detail="无事务")
    assert check(db).rows == before and check(db).ok


def test_a_writer_that_waited_for_the_chain_is_not_dated_before_the_rows_ahead_of_it(db, clock):
    """The time is taken once the chain is held: rows in chain order are in time order too."""
    failures: list[BaseException] = []

    def write_after() -> None:
        try:
            with UnitOfWork(db, SYSTEM) as waiting:
                audit.record(waiting, "export", "persons", None, detail="后")
                waiting.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    with UnitOfWork(db, SYSTEM) as holder:
        audit.record(holder, "export", "persons", None, detail="先")
        waiter = threading.Thread(target=write_after)
        waiter.start()
        time.sleep(0.5)  # the waiter has asked for the chain and waits for this transaction
        clock.advance(minutes=5)
        audit.record(holder, "export", "persons", None, detail="先二")
        holder.commit()
    waiter.join(timeout=30)
    assert not failures and not waiter.is_alive()
    with db.session() as session:
        rows = session.execute(select(AuditEntry.detail, AuditEntry.at).order_by(AuditEntry.id)).all()
    assert [detail for detail, _ in rows[-3:]] == ["先", "先二", "后"]
    times = [at for _, at in rows]
    assert times == sorted(times)
    assert check(db).ok


@pytest.fixture
def empty_url(backend, request, tmp_path):
    """A database with no tables at all, on the backend under test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    request.getfixturevalue("pg_template")  # skips when no server is configured
    with pg_database() as url:
        yield url


def test_rows_written_before_the_chain_are_chained_by_the_upgrade(empty_url):
    """An older database's audit rows are chained in id order when it is upgraded (both backends)."""
    engine = create_engine(empty_url)
    upgrade(engine, "0005")
    with engine.begin() as connection:
        for n in range(3):
            connection.execute(text(
                "insert into audit_log (at, user_id, username, community_id, action, entity, entity_id, detail)"
                " values (:at, null, 'old', null, 'print', 'person', :n, :d)"),
                {"at": datetime(2026, 11, n + 1, 9, 30), "n": n, "d": f"旧记录 {n}"})
    upgrade(engine)
    with engine.connect() as connection:
        result = verify_chain(connection)
    assert result.ok and result.rows == 3
    with engine.begin() as connection, pytest.raises(Exception, match="append-only"):
        connection.execute(text("update audit_log set detail = 'x'"))  # the guard is back
    engine.dispose()


def test_an_anchor_holds_while_rows_are_added_and_is_gone_after_a_rewrite(db):
    """A rewritten chain verifies on its own; only the head kept outside the database catches it."""
    write(db, 4)
    with db.engine.connect() as connection:
        anchor = chain_anchor(connection)
    write(db, 3)
    with db.engine.connect() as connection:
        later = verify_chain(connection, anchor=anchor.head)
    assert anchor.rows == 4 and later.ok and later.anchor_found and later.rows == 7
    behind_the_apps_back(db, "update audit_log set detail = '改写' where id = :i", i=ids(db)[1])
    with db.engine.begin() as connection:
        chain_all(connection)  # the rewriter's last step: every hash recomputed
    with db.engine.connect() as connection:
        rewritten = verify_chain(connection, anchor=anchor.head)
    assert rewritten.ok and rewritten.anchor_found is False


@pytest.mark.parametrize("typed", ["{d}", "{g}", "{G}", "链头 {g}\n"])
def test_an_anchor_is_read_as_printed(typed):
    digest = "0123456789abcdef" * 4
    text = typed.format(d=digest, g=grouped(digest), G=grouped(digest).upper())
    assert parse_anchor(text) == digest


@pytest.mark.parametrize("typed", ["", "0123", "g" * 64, "0" * 63])
def test_something_else_is_not_an_anchor(typed):
    with pytest.raises(ValidationError) as refused:
        parse_anchor(typed)
    assert refused.value.code == "audit.bad_anchor"


def test_without_an_anchor_nothing_is_said_about_one(db):
    write(db, 2)
    assert check(db).anchor_found is None


@pytest.mark.parametrize("moment", [datetime(2026, 3, 1, 8, 0), datetime(2026, 3, 1, 8, 0, 5, 120)])
def test_a_timestamp_hashes_the_same_as_the_text_sqlite_stores_it_as(moment):
    fields = ("0" * 64, 3, "clerk", 1, "update", "person", 7, "d" * 64)

    def hashed(at):
        previous, *rest = fields
        return row_hash(previous, at, *rest)

    assert hashed(moment.strftime("%Y-%m-%d %H:%M:%S.%f")) == hashed(moment)  # the file's own form
    assert hashed(moment.isoformat(sep=" ")) == hashed(moment)  # written by another tool
    assert hashed(moment.replace(second=6)) != hashed(moment)

"""The start-time check of the audit chain: it walks only the rows added since the last verified
head, catches a log changed between two starts, and a restore makes it walk the new log whole."""

from __future__ import annotations

import json
import logging

from audit_support import behind_the_apps_back, write
from sqlalchemy import text

from station.audit_chain import AuditMark, chain_anchor, verify_chain
from station.audit_mark import MARKS_FILE, check_since_mark, forget_mark
from station.bootstrap import open_database


def marks(settings) -> dict:
    return json.loads(settings.resolve(MARKS_FILE).read_text(encoding="utf-8"))


def test_a_walk_from_a_mark_reads_only_the_rows_after_it(db):
    write(db, 3)
    with db.engine.connect() as connection:
        whole = verify_chain(connection)
        write(db, 2, tag="later")
        since = verify_chain(connection, since=AuditMark(whole.last_id, whole.rows, whole.head))
        assert since.ok and since.rows == 5 and since.head == chain_anchor(connection).head
        assert since.last_id > whole.last_id


def test_the_marked_row_rewritten_is_caught_from_the_mark(db):
    write(db, 3)
    with db.engine.connect() as connection:
        whole = verify_chain(connection)
    behind_the_apps_back(db, "update audit_log set row_hash = :h where id = :i", h="f" * 64, i=whole.last_id)
    with db.engine.connect() as connection:
        found = verify_chain(connection, since=AuditMark(whole.last_id, whole.rows, whole.head))
    assert (found.ok, found.broken_at, found.problem) == (False, whole.last_id, "content")


def test_the_marked_row_deleted_is_caught_from_the_mark(db):
    write(db, 3)
    with db.engine.connect() as connection:
        whole = verify_chain(connection)
    behind_the_apps_back(db, "delete from audit_log where id = :i", i=whole.last_id)
    with db.engine.connect() as connection:
        found = verify_chain(connection, since=AuditMark(whole.last_id, whole.rows, whole.head))
    assert (found.ok, found.problem) == (False, "order")


def test_each_start_moves_the_mark_to_the_verified_head(settings):
    first = open_database(settings, daily_backup=False)
    assert first.audit_check is not None and first.audit_check.ok
    write(first, 4)
    first.dispose()
    again = open_database(settings, daily_backup=False)
    (saved,) = marks(settings).values()
    with again.engine.connect() as connection:
        assert saved["head"] == chain_anchor(connection).head and saved["rows"] == again.audit_check.rows
    again.dispose()


def test_a_row_changed_between_two_starts_is_reported_and_audited(settings, caplog):
    first = open_database(settings, daily_backup=False)
    write(first, 3)
    first.dispose()
    open_database(settings, daily_backup=False).dispose()  # verifies and marks the three rows
    later = open_database(settings, daily_backup=False)
    write(later, 2, tag="after")
    last = int(later.engine.connect().execute(text("select max(id) from audit_log")).scalar_one())
    behind_the_apps_back(later, "update audit_log set detail = 'nothing' where id = :i", i=last)
    later.dispose()
    with caplog.at_level(logging.ERROR):
        broken = open_database(settings, daily_backup=False)
    assert broken.audit_check is not None and broken.audit_check.broken_at == last
    assert "审计日志被改动" in caplog.text
    with broken.engine.connect() as connection:
        rows = connection.execute(text(
            "select entity_id from audit_log where action = 'audit_chain_broken'")).scalars().all()
    assert rows == [last]
    broken.dispose()


def test_a_forgotten_mark_makes_the_next_check_walk_everything(db, settings):
    write(db, 2)
    assert check_since_mark(db.engine, settings).rows == 2
    forget_mark(db.engine, settings)
    assert marks(settings) == {}
    assert check_since_mark(db.engine, settings).rows == 2


def test_an_unreadable_mark_file_means_a_whole_walk_not_a_failure(db, settings):
    write(db, 2)
    path = settings.resolve(MARKS_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    result = check_since_mark(db.engine, settings)
    assert result.ok and result.rows == 2

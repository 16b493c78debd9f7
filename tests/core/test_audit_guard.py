"""The audit log cannot be rewritten through a side door, and a removed guard comes back, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from station.actor import SYSTEM
from station.audit_guard import broken_guards, repair_guards
from station.bootstrap import open_database
from station.db import make_engine
from station.doctor import audit_guard_check
from station.uow import UnitOfWork

ROW = ("insert into audit_log (at, username, action, entity, detail) "
       "values ('2026-01-01', 'clerk', 'reveal', 'person', '查看身份证号')")
REWRITES = {
    "sqlite": [
        "insert or replace into audit_log (id, at, username, action, entity, detail) "
        "values (1, '2026-01-01', 'nobody', 'login', '', '')",
        "replace into audit_log (id, at, username, action, entity, detail) "
        "values (1, '2026-01-01', 'nobody', 'login', '', '')",
        "insert into audit_log (id, at, username, action, entity, detail) "
        "values (1, '2026-01-01', 'nobody', 'login', '', '') "
        "on conflict (id) do update set username = 'nobody'",
    ],
    "postgresql": [
        "insert into audit_log (id, at, username, action, entity, detail) "
        "values (1, '2026-01-01', 'nobody', 'login', '', '') "
        "on conflict (id) do update set username = 'nobody'",
    ],
}


def rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(text("select id, username, action from audit_log order by id")).all()


def test_no_insert_can_replace_an_audit_row(db_url):
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text(ROW))
    before = rows(engine)
    for statement in REWRITES[engine.dialect.name]:
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    assert rows(engine) == before
    with engine.begin() as conn:  # a new row still goes in
        conn.execute(text(ROW))
    assert len(rows(engine)) == 2
    engine.dispose()


def drop_a_guard(engine) -> str:
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("drop trigger audit_log_no_replace"))
            conn.execute(text("drop trigger audit_log_no_delete"))
            conn.execute(text("create trigger audit_log_no_delete before delete on audit_log "
                              "begin select 1; end"))  # same name, harmless body
            return "audit_log_no_delete"
        conn.execute(text("alter table audit_log disable trigger audit_log_no_change"))
        return "audit_log_no_change"


def test_a_broken_guard_is_found_by_doctor_and_put_back_with_an_audit_entry(db, community_id):
    engine = db.engine
    altered = drop_a_guard(engine)
    with engine.connect() as conn:
        assert altered in broken_guards(conn)
    assert audit_guard_check(engine).status == "fail"
    with UnitOfWork(db, SYSTEM) as uow:
        repaired = repair_guards(uow)
        uow.commit()
    assert altered in repaired
    with engine.connect() as conn:
        assert broken_guards(conn) == []
        detail = conn.execute(text(
            "select detail from audit_log where action = 'audit_guard_repaired'")).scalar_one()
    assert altered in detail
    assert audit_guard_check(engine).status == "ok"
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("delete from audit_log"))


def test_starting_the_app_repairs_the_guards(tmp_path, settings):
    first = open_database(settings, daily_backup=False)
    drop_a_guard(first.engine)
    first.dispose()
    again = open_database(settings, daily_backup=False)
    with again.engine.connect() as conn:
        assert broken_guards(conn) == []
        assert conn.execute(text(
            "select count(*) from audit_log where action = 'audit_guard_repaired'")).scalar_one() == 1
    again.dispose()

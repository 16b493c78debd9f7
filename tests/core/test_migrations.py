"""Migrations: created on first run, older databases upgraded after a backup, strangers refused."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, inspect, text

from station.backup.make import backup_sqlite
from station.db import make_engine
from station.errors import DatabaseError
from station.migrate import current_revision, ensure_schema, head_revision, upgrade


def test_empty_database_is_created_at_head(db_url):
    engine = make_engine(db_url)
    assert ensure_schema(engine) == "current"  # the fixture already migrated it
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_older_sqlite_database_is_backed_up_then_upgraded(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("insert into communities (code, name, street, phone, created_at) "
                          "values ('OLD', '老社区', '', '', '2020-01-01')"))
    backups = []
    result = ensure_schema(engine, backup=lambda: backups.append(backup_sqlite(engine, tmp_path / "bk")))
    assert result == "upgraded" and current_revision(engine) == head_revision()
    assert "registered_household_id" in {c["name"] for c in inspect(engine).get_columns("persons")}
    (backup,) = backups
    with sqlite3.connect(backup) as conn:
        assert conn.execute("select version_num from alembic_version").fetchone() == ("0001",)
        assert conn.execute("select code from communities").fetchall() == [("OLD",)]
    engine.dispose()


def test_database_newer_than_the_program_is_refused(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '9999'"))
    with pytest.raises(DatabaseError, match="比本程序新"):
        ensure_schema(engine)
    engine.dispose()


def test_foreign_database_is_not_touched(tmp_path):
    path = tmp_path / "foreign.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table payroll (id integer primary key, amount integer)")
    engine = create_engine(f"sqlite:///{path}")
    with pytest.raises(DatabaseError, match="不是本系统的数据库"):
        ensure_schema(engine)
    assert inspect(engine).get_table_names() == ["payroll"]
    engine.dispose()


def test_audit_log_refuses_update_and_delete_in_the_database(db_url):
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("insert into audit_log (at, username, action, entity, detail) "
                          "values ('2026-01-01', 'x', 'login', '', '')"))
    for statement in ("update audit_log set action = 'nothing'", "delete from audit_log"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    if engine.dialect.name == "postgresql":
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text("truncate audit_log"))
    with engine.connect() as conn:
        assert conn.execute(text("select action from audit_log")).scalars().all() == ["login"]
    engine.dispose()


def test_the_migrated_schema_is_what_the_models_say(db_url):
    """A model change without its migration (an index, a column) shows here, on both backends."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from models import Base

    engine = create_engine(db_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_the_head_every_start_compares_with_is_alembics_head():
    """A start opens a current database without loading Alembic: HEAD_REVISION must name the
    newest migration (add the new one's id there with it)."""
    from station.migrate import HEAD_REVISION, alembic_head

    assert alembic_head() == HEAD_REVISION

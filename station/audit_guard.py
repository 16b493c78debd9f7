"""The database's own guard over the audit log: triggers that refuse any change to a written row.

UPDATE, DELETE and TRUNCATE are refused by triggers. SQLite runs no DELETE trigger for the
rows `INSERT OR REPLACE` (or an UPSERT) pushes out, so a BEFORE INSERT trigger refuses any insert
that names an id already present; PostgreSQL's ON CONFLICT DO UPDATE fires the UPDATE trigger.
A guard that is missing, altered or (PostgreSQL) disabled is put back at every start, and the
repair is itself audited; `station doctor` reports it.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from station import audit
from station.uow import UnitOfWork

_REFUSE = "SELECT RAISE(ABORT, 'audit_log is append-only')"
# The columns the hash chain covers: a redaction may not touch any of them.
_CHAINED = ("id", "at", "user_id", "username", "community_id", "action", "entity", "entity_id",
            "prev_hash", "values_digest", "row_hash")
# The one change allowed: retention blanks a row's personal values once and stamps when; the
# chain still verifies from the kept digest (audit_chain), and the retention row that did it
# lists the row, so a redaction no retention declared is reported too.
_REDACTION = " AND ".join([
    "OLD.redacted_at IS NULL", "NEW.redacted_at IS NOT NULL", "NEW.old_values IS NULL",
    "NEW.new_values IS NULL", "NEW.detail = ''", *(f"NEW.{name} IS OLD.{name}" for name in _CHAINED)])
SQLITE_GUARDS = {
    "audit_log_no_update": (
        f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN NOT ({_REDACTION}) "
        f"BEGIN {_REFUSE}; END"
    ),
    "audit_log_no_delete": f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN {_REFUSE}; END",
    "audit_log_no_replace": (
        "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
        f"WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) BEGIN {_REFUSE}; END"
    ),
}


def _prefixed(record: str) -> str:
    return ", ".join(f"{record}.{name}" for name in _CHAINED)


POSTGRESQL_FUNCTION = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'UPDATE' AND OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL "
    "AND NEW.old_values IS NULL AND NEW.new_values IS NULL AND NEW.detail = '' "
    f"AND ROW({_prefixed('NEW')}) IS NOT DISTINCT FROM ROW({_prefixed('OLD')}) THEN RETURN NEW; END IF; "
    "RAISE EXCEPTION 'audit_log is append-only'; END $$"
)
# The guards as migrations 0001-0006 left them: no change at all, not even a redaction.
SQLITE_NO_UPDATE_BEFORE_RETENTION = f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN {_REFUSE}; END"
POSTGRESQL_FUNCTION_BEFORE_RETENTION = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
)
POSTGRESQL_GUARDS = {
    "audit_log_no_change": "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
                           "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "audit_log_no_truncate": "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                             "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
}


def broken_guards(connection: Connection) -> list[str]:
    """Names of the audit log's guards that are missing, altered or disabled (empty: all in place)."""
    if connection.dialect.name == "sqlite":
        found: dict[str, str] = {name: sql for name, sql in connection.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"))}
        return [name for name, sql in SQLITE_GUARDS.items() if _plain(found.get(name)) != _plain(sql)]
    enabled: dict[str, str] = {name: state for name, state in connection.execute(text(
        "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
        "AND NOT tgisinternal"))}
    return [name for name in POSTGRESQL_GUARDS if enabled.get(name) not in ("O", "A")]


def repair_guards(uow: UnitOfWork) -> list[str]:
    """Put back every broken guard and audit which were broken; returns their names."""
    connection = uow.session.connection()
    broken = broken_guards(connection)
    for name in broken:
        _reinstall(connection, name)
    if broken:
        audit.record(uow, "audit_guard_repaired", "audit_log", None, new={"triggers": broken},
                     detail=f"审计日志保护触发器缺失或被改动,已恢复:{'、'.join(broken)}")
    return broken


def _reinstall(connection: Connection, name: str) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text(f'DROP TRIGGER IF EXISTS "{name}"'))
        connection.execute(text(SQLITE_GUARDS[name]))
        return
    connection.execute(text(POSTGRESQL_FUNCTION))
    connection.execute(text(f'DROP TRIGGER IF EXISTS "{name}" ON audit_log'))
    connection.execute(text(POSTGRESQL_GUARDS[name]))


def _plain(sql: str | None) -> str:
    """SQL with whitespace and case folded, so a reformatted but equal trigger still matches."""
    return re.sub(r"\s+", " ", (sql or "").strip().rstrip(";")).lower()

"""Does a restored database hold exactly the schema its revision must have? (Tables, indexes, triggers.)

A backup edited outside the app (a trigger dropped, an index or a table added) or a foreign file
stamped with a known revision passes integrity checks; its schema does not match the one this
program's migrations build for that revision, so restore compares the two.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL

from station.errors import DatabaseError
from station.sqlite_files import connect_file

_SHOWN = 4
Schema = frozenset[tuple[str, str, str]]


def check_schema(path: Path, revision: str, name: str, data_key: bytes | None = None) -> None:
    """Refuse a file whose tables, indexes or triggers differ from what `revision` must have."""
    _refuse_differences(file_schema(path, data_key), reference_schema(revision), revision, name)


def _refuse_differences(found: Schema, wanted: Schema, revision: str, name: str) -> None:
    missing = sorted(f"{kind} {item}" for kind, item, _ in wanted - found if (kind, item) not in _names(found))
    changed = sorted(f"{kind} {item}" for kind, item, _ in wanted - found if (kind, item) in _names(found))
    extra = sorted(f"{kind} {item}" for kind, item, _ in found - wanted if (kind, item) not in _names(wanted))
    problems = [*(f"缺少 {x}" for x in missing), *(f"被改动的 {x}" for x in changed),
                *(f"多出 {x}" for x in extra)]
    if problems:
        shown = "、".join(problems[:_SHOWN]) + (f" 等 {len(problems)} 处" if len(problems) > _SHOWN else "")
        raise DatabaseError("backup.schema_differs", name=name, revision=revision, shown=shown)


def file_schema(path: Path, data_key: bytes | None = None) -> Schema:
    """(type, name, normalised SQL) of every table, index, trigger and view in a file."""
    connection = connect_file(f"{path.resolve().as_uri()}?immutable=1", data_key, uri=True)
    try:
        rows = connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
    finally:
        connection.close()
    return frozenset((kind, name, _canonical(kind, sql)) for kind, name, sql in rows)


@lru_cache(maxsize=4)
def reference_schema(revision: str) -> Schema:
    """The schema this program's migrations build for `revision`, in a scratch file."""
    from station.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="station-schema-") as scratch:
        path = Path(scratch) / "reference.db"
        engine = create_engine(f"sqlite:///{path}")
        try:
            upgrade(engine, revision)
        finally:
            engine.dispose()
        return file_schema(path)


def _names(schema: Schema) -> set[tuple[str, str]]:
    return {(kind, name) for kind, name, _ in schema}


def _plain(sql: str | None) -> str:
    return re.sub(r"\s+", " ", (sql or "").strip().rstrip(";")).lower()


def _canonical(kind: str, sql: str | None) -> str:
    """SQL with whitespace and case folded; a table's columns and constraints in sorted order
    (Alembic's batch migrations rebuild tables with their constraints in varying order)."""
    plain = _plain(sql)
    if kind != "table" or "(" not in plain:
        return plain
    head, body = plain.split("(", 1)
    return head.strip() + " (" + ", ".join(sorted(_top_level_parts(body.rsplit(")", 1)[0]))) + ")"


def _top_level_parts(body: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in body:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


PG_SCHEMA_QUERIES = (
    ("table", "SELECT table_name, string_agg(column_name || ' ' || data_type || ' ' || is_nullable, ', ' "
              "ORDER BY column_name) FROM information_schema.columns WHERE table_schema = 'public' "
              "GROUP BY table_name"),
    ("index", "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"),
    ("trigger", "SELECT t.tgname, pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND NOT t.tgisinternal"),
    ("function", "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                 "WHERE n.nspname = 'public'"),
)


def check_pg_schema(database: URL, admin: Engine, revision: str, name: str) -> None:
    """PostgreSQL's counterpart of check_schema, for a database a backup was restored into."""
    found = _pg_schema(database)
    _refuse_differences(found, _pg_reference(admin, revision), revision, name)


def _pg_schema(url: URL) -> Schema:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return frozenset((kind, item, _plain(definition)) for kind, query in PG_SCHEMA_QUERIES
                             for item, definition in connection.execute(text(query)))
    finally:
        engine.dispose()


_PG_REFERENCES: dict[tuple[str, str], Schema] = {}


def _pg_reference(admin: Engine, revision: str) -> Schema:
    """The schema the migrations build for `revision`, in a scratch database (once per process)."""
    key = (admin.url.render_as_string(hide_password=True), revision)
    if key not in _PG_REFERENCES:
        from station.migrate import upgrade

        scratch = f"station_schema_{revision}_{secrets.token_hex(4)}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{scratch}" TEMPLATE template0'))
        try:
            engine = create_engine(admin.url.set(database=scratch))
            try:
                upgrade(engine, revision)
            finally:
                engine.dispose()
            _PG_REFERENCES[key] = _pg_schema(admin.url.set(database=scratch))
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}"'))
    return _PG_REFERENCES[key]

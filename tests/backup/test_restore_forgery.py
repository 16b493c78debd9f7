"""Restore proves a backup is one this station wrote and nobody changed: the attacks of the review.

A backup edited with sqlite3 (audit triggers dropped, every user made admin, a person renamed)
with its manifest recomputed, and a foreign SQLite file stamped with a known revision, must be
refused, leaving the live database byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from cli_station import CONFIG, new_station, station
from test_restore import reseal

from station.backup.manifest import file_sha256, manifest_path


@pytest.fixture
def folder(tmp_path) -> Path:
    new_station(tmp_path, households=5)
    assert station(tmp_path, "backup").returncode == 0
    return tmp_path


def a_backup(folder: Path) -> Path:
    return next(path for path in (folder / "data" / "backups").glob("station-*-manual.db"))


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def tamper(backup: Path, *statements: str) -> None:
    with sqlite3.connect(backup) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def recompute(backup: Path) -> dict:
    """What an attacker without the key can do: fix checksum, size and counts in the manifest."""
    manifest = json.loads(manifest_path(backup).read_text(encoding="utf-8"))
    with sqlite3.connect(backup) as conn:
        tables = [row[0] for row in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")]
        counts = {table: conn.execute(f'select count(*) from "{table}"').fetchone()[0] for table in tables}
    conn.close()
    manifest.update(sha256=file_sha256(backup), size=backup.stat().st_size, counts=counts)
    manifest_path(backup).write_text(json.dumps(manifest), encoding="utf-8")
    return manifest


EDITS = ("drop trigger audit_log_no_update", "drop trigger audit_log_no_delete",
         "update users set role = 'admin'", "update persons set name = '假名' where id = 1")


def refused(folder: Path, backup: Path, says: str, *extra: str) -> None:
    live = folder / "data" / "station.db"
    before = digest(live)
    result = station(folder, "restore", str(backup), "--yes", *extra)
    assert result.returncode == 1, result.stdout + result.stderr
    assert says in result.stderr and "Traceback" not in result.stderr
    assert digest(live) == before


def test_a_backup_edited_with_sqlite3_and_a_recomputed_manifest_is_refused(folder):
    backup = a_backup(folder)
    tamper(backup, *EDITS)
    recompute(backup)
    refused(folder, backup, "签名不符")


def test_with_the_key_stolen_too_dropped_triggers_still_show_in_the_schema(folder):
    from station.db import Database, make_engine
    from station.settings import Settings

    backup = a_backup(folder)
    tamper(backup, *EDITS)
    engine = make_engine(f"sqlite:///{folder / 'data' / 'station.db'}")
    reseal(manifest_path(backup), recompute(backup), Database(engine, Settings()))
    engine.dispose()
    refused(folder, backup, "缺少 trigger audit_log_no_update")


def test_a_foreign_file_with_an_alembic_version_row_is_refused(folder, tmp_path_factory):
    other = tmp_path_factory.mktemp("other") / "station-20260101-000000-manual.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table alembic_version (version_num varchar(32) primary key)")
        conn.execute("insert into alembic_version values ('0004')")
        conn.execute("create table persons (id integer primary key, name text)")
    conn.close()
    shutil.copyfile(manifest_path(a_backup(folder)), manifest_path(other))
    recompute(other)
    refused(folder, other, "签名不符")


def test_a_new_pc_restores_with_the_written_down_key_and_only_with_it(folder, tmp_path_factory):
    shown = station(folder, "backup-key")
    assert shown.returncode == 0, shown.stderr
    key = shown.stdout.split("密钥:", 1)[1].split("\n", 1)[0].strip()
    assert len(key.replace(" ", "")) == 64
    usb = tmp_path_factory.mktemp("usb")
    backup = shutil.copy(a_backup(folder), usb)
    shutil.copy(manifest_path(a_backup(folder)), usb)
    new_pc = tmp_path_factory.mktemp("new-pc")
    (new_pc / "station.toml").write_text(CONFIG, encoding="utf-8")
    refused(new_pc, Path(backup), "没有本站的备份签名密钥")
    wrong = "0" * 64
    refused(new_pc, Path(backup), "签名不符", "--key", wrong)
    # No live database to log in to: the backup's own accounts say who may restore it.
    for user, password in (("admin", "Wr0ng-Pass-1"), ("nobody", "Wr0ng-Pass-1")):
        stranger = station(new_pc, "restore", str(backup), "--yes", "--key", key, as_user=user, password=password)
        assert stranger.returncode == 1 and "用户名或密码错误" in stranger.stderr, stranger.stderr
    assert not (new_pc / "data" / "station.db").exists()
    restored = station(new_pc, "restore", str(backup), "--yes", "--key", key)
    assert restored.returncode == 0, restored.stderr
    assert (new_pc / "data" / "station-seal.key").read_text().strip() == key.replace(" ", "")
    with sqlite3.connect(new_pc / "data" / "station.db") as conn:
        assert conn.execute("select username from audit_log where action = 'restore'").fetchall() == [("admin",)]
    with sqlite3.connect(folder / "data" / "station.db") as conn:
        assert conn.execute(
            "select count(*) from audit_log where action = 'show_backup_key'").fetchone()[0] == 1


def test_a_postgresql_database_missing_a_guard_fails_the_schema_check(db, community_id, backend):
    from sqlalchemy import create_engine, text

    from station.backup.schema_check import check_pg_schema
    from station.errors import DatabaseError
    from station.migrate import head_revision

    if backend != "postgresql":
        pytest.skip("PostgreSQL schema")
    url = db.engine.url
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        check_pg_schema(url, admin, head_revision(), "live")  # the real schema passes
        with db.engine.begin() as conn:
            conn.execute(text("drop trigger audit_log_no_change on audit_log"))
            conn.execute(text("create index ix_extra on persons (name)"))
        with pytest.raises(DatabaseError, match="缺少 trigger audit_log_no_change.*多出 index ix_extra"):
            check_pg_schema(url, admin, head_revision(), "live")
    finally:
        admin.dispose()

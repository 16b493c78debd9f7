"""Restore: verified first, the live database backed up, then swapped; bad files change nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from dataclasses import asdict
from pathlib import Path

import pytest
from actors import actor_for
from sqlalchemy import select, text
from test_backup import backup_now, person_count, populate

from models import AuditEntry, Community
from station.backup.files import backup_folder, list_backups
from station.backup.make import create_backup
from station.backup.manifest import BackupManifest, file_sha256, manifest_path, read_manifest
from station.backup.restore import restore_backup
from station.backup.seal import seal_key, sealed
from station.db import Database, make_engine
from station.errors import DatabaseError, PermissionDenied
from station.migrate import current_revision, head_revision, upgrade


def live_fingerprint(db: Database) -> str:
    """SQLite: the live file's bytes (all connections closed). PostgreSQL: the database's oid and rows."""
    db.dispose()
    if db.is_sqlite:
        path = Path(db.engine.url.database)
        assert not Path(f"{path}-wal").exists()
        return file_sha256(path)
    with db.engine.connect() as connection:
        oid = connection.scalar(text("SELECT oid FROM pg_database WHERE datname = current_database()"))
        rows = connection.execute(text(
            "SELECT id, name, id_number, version FROM persons ORDER BY id")).all()
        audit = connection.scalar(text("SELECT count(*) FROM audit_log"))
    db.dispose()
    return hashlib.sha256(repr((oid, rows, audit)).encode()).hexdigest()


def flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_restore_brings_the_backup_back_after_a_safety_backup(db, community_id, admin, clock):
    populate(db, community_id, 1)
    made = backup_now(db, admin)
    populate(db, community_id, 1, first_seq=2)
    clock.advance(minutes=5)
    result = restore_backup(db, admin, made.path)
    assert person_count(db) == 3
    assert result.safety_backup is not None and result.upgraded is False
    safety = read_manifest(result.safety_backup)
    assert safety.label == "pre-restore" and safety.counts["persons"] == 6
    with db.session() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["backup", "restore"]  # recorded in the database that stays


def test_a_backup_with_one_flipped_byte_is_refused_and_the_live_database_untouched(db, community_id, admin):
    populate(db, community_id, 1)
    made = backup_now(db, admin)
    flip_one_byte(made.path)
    before = live_fingerprint(db)
    # A PostgreSQL backup is a pack: the record holding the byte fails its authentication.
    with pytest.raises(DatabaseError, match="校验和与清单不符" if db.is_sqlite else "已损坏或被改动"):
        restore_backup(db, admin, made.path)
    assert live_fingerprint(db) == before
    assert not list(Path(db.settings.base_dir).rglob("*.partial"))
    assert len(list_backups(backup_folder(db.settings))) == 1  # no safety backup was needed


def test_a_file_without_manifest_is_refused(db, community_id, admin, tmp_path):
    made = backup_now(db, admin)
    manifest_path(made.path).unlink()
    before = live_fingerprint(db)
    with pytest.raises(DatabaseError, match="缺少清单文件"):
        restore_backup(db, admin, made.path)
    assert live_fingerprint(db) == before


def test_a_backup_from_a_newer_program_is_refused(db, community_id, admin):
    made = backup_now(db, admin)
    rewrite_manifest(made.path, db, schema_revision="9999")
    with pytest.raises(DatabaseError, match="比本程序新"):
        restore_backup(db, admin, made.path)


def test_a_backup_of_the_other_backend_is_refused(db, community_id, admin, backend):
    made = backup_now(db, admin)
    rewrite_manifest(made.path, db, backend="postgresql" if backend == "sqlite" else "sqlite")
    with pytest.raises(DatabaseError, match="不能恢复到当前的"):
        restore_backup(db, admin, made.path)


def test_restore_needs_permission(db, community_id, admin):
    made = backup_now(db, admin)
    with pytest.raises(PermissionDenied):
        restore_backup(db, actor_for("director", community_id), made.path)


def test_declining_the_confirmation_changes_nothing(db, community_id, admin):
    made = backup_now(db, admin)
    populate(db, community_id, 1)
    before = live_fingerprint(db)
    assert restore_backup(db, admin, made.path, confirm=lambda _manifest: False) is None
    assert live_fingerprint(db) == before
    assert not list(Path(db.settings.base_dir).rglob("*.partial"))


def rewrite_manifest(backup: Path, db: Database, **changes) -> None:
    """Edit a manifest and seal it again as someone holding the station's key could."""
    path = manifest_path(backup)
    reseal(path, {**json.loads(path.read_text()), **changes}, db)


def reseal(path: Path, fields: dict, db: Database) -> None:
    fields = {name: value for name, value in fields.items() if name != "seal"}
    manifest = sealed(BackupManifest(**fields), seal_key(db.engine))
    path.write_text(json.dumps(asdict(manifest)), encoding="utf-8")


# --- SQLite specifics ----------------------------------------------------------------------


@pytest.fixture
def sqlite_db(db, backend):
    if backend != "sqlite":
        pytest.skip("SQLite files")
    return db


def forge_manifest(target: Path, like: Path, db: Database) -> None:
    """A manifest for `target` copied from a real one, with the target's true checksum and size,
    sealed with the station's key (an insider's forgery: the checks behind the seal must hold)."""
    manifest = json.loads(manifest_path(like).read_text())
    manifest.update(file=target.name, sha256=file_sha256(target), size=target.stat().st_size)
    reseal(manifest_path(target), manifest, db)


def test_foreign_files_with_matching_checksums_are_refused(sqlite_db, community_id, admin, tmp_path):
    made = backup_now(sqlite_db, admin)
    not_sqlite = tmp_path / "photo.db"
    not_sqlite.write_bytes(b"\x89PNG\r\n" + bytes(range(256)) * 64)
    other_app = tmp_path / "payroll.db"
    with sqlite3.connect(other_app) as connection:
        connection.execute("CREATE TABLE payroll (id INTEGER PRIMARY KEY, amount INTEGER)")
    before = live_fingerprint(sqlite_db)
    for foreign, message in ((not_sqlite, "不是有效的 SQLite"), (other_app, "不是 station 的数据库")):
        forge_manifest(foreign, made.path, sqlite_db)
        with pytest.raises(DatabaseError, match=message):
            restore_backup(sqlite_db, admin, foreign)
        assert live_fingerprint(sqlite_db) == before


def test_a_damaged_database_with_a_matching_checksum_fails_the_integrity_check(sqlite_db, community_id,
                                                                               admin, tmp_path):
    populate(sqlite_db, community_id, 3)
    made = backup_now(sqlite_db, admin)
    damaged = tmp_path / "damaged.db"
    shutil.copyfile(made.path, damaged)
    connection = sqlite3.connect(damaged)
    # The index now claims other columns than it holds: only a full integrity check notices.
    connection.execute("PRAGMA writable_schema=ON")
    connection.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX ix_persons_name_birth ON persons "
                       "(id_number, birth_date)' WHERE name = 'ix_persons_name_birth'")
    connection.commit()
    connection.close()
    forge_manifest(damaged, made.path, sqlite_db)
    before = live_fingerprint(sqlite_db)
    with pytest.raises(DatabaseError, match="完整性检查未通过"):
        restore_backup(sqlite_db, admin, damaged)
    assert live_fingerprint(sqlite_db) == before


def test_restore_is_refused_while_another_connection_is_open(sqlite_db, community_id, admin):
    made = backup_now(sqlite_db, admin)
    before = live_fingerprint(sqlite_db)
    other = sqlite3.connect(sqlite_db.engine.url.database)
    other.execute("SELECT count(*) FROM persons").fetchone()
    try:
        with pytest.raises(DatabaseError, match="正被其他程序使用"):
            restore_backup(sqlite_db, admin, made.path)
    finally:
        other.close()
    assert live_fingerprint(sqlite_db) == before


def test_an_older_schema_is_upgraded_after_the_swap(sqlite_db, community_id, admin, tmp_path):
    old = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(old, "0001")
    with old.begin() as connection:
        connection.execute(text("INSERT INTO communities (code, name, street, phone, created_at) "
                                "VALUES ('OLD', '老社区', '', '', '2020-01-01')"))
    made = create_backup(old, tmp_path / "old-backups", label="manual")
    old.dispose()
    result = restore_backup(sqlite_db, admin, made.path)
    assert result.upgraded and current_revision(sqlite_db.engine) == head_revision()
    with sqlite_db.session() as session:
        assert session.scalars(select(Community.code)).all() == ["OLD"]


def test_a_missing_live_database_is_restored_without_a_safety_backup(sqlite_db, community_id, admin):
    populate(sqlite_db, community_id, 1)
    made = backup_now(sqlite_db, admin)
    sqlite_db.dispose()
    Path(sqlite_db.engine.url.database).unlink()
    result = restore_backup(sqlite_db, admin, made.path)
    assert result.safety_backup is None and person_count(sqlite_db) == 3


def test_a_live_database_that_cannot_be_backed_up_is_not_replaced(sqlite_db, community_id, admin):
    made = backup_now(sqlite_db, admin)
    sqlite_db.dispose()
    live = Path(sqlite_db.engine.url.database)
    live.write_bytes(b"not a database any more " * 4096)
    before = file_sha256(live)
    with pytest.raises(DatabaseError, match="移到别处"):
        restore_backup(sqlite_db, admin, made.path)
    assert file_sha256(live) == before

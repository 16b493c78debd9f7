"""A PostgreSQL backup is an encrypted pack: no resident in the clear on disk, restored only with
the station's seal key, and a damaged, truncated or foreign pack changes nothing.

These run on the test PostgreSQL only (and fail, not skip, when STATION_REQUIRE_PG is set)."""

from __future__ import annotations

import json
import os
import secrets
import struct
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path

import pytest
from factories import make_id, person
from sqlalchemy import text
from test_backup import backup_now, populate
from test_restore import flip_one_byte, live_fingerprint

from station.backup.files import backup_folder, list_backups
from station.backup.manifest import BackupManifest, file_sha256, manifest_path, read_manifest
from station.backup.pack_format import RECORDS_START, PackReader, is_pack
from station.backup.pack_postgres import load_postgres_pack, postgres_pack_key, verify_postgres_pack
from station.backup.postgres import exported_snapshot, run_pg_tool, table_counts
from station.backup.restore import apply_restore, discard_restore, restore_backup, stage_restore
from station.backup.seal import key_path, seal_key, sealed
from station.db import Database
from station.errors import DatabaseError
from station.ledger.households import register_household
from station.ledger.records import HouseholdDraft
from station.uow import UnitOfWork

NAME = "欧阳翠花"
ID_NUMBER = make_id(date(1961, 8, 27), male=False, seq=377, region="320102")
PHONE = "13987651234"


@pytest.fixture
def backend() -> str:
    return "postgresql"


@pytest.fixture
def resident(db: Database, community_id, admin) -> None:
    """Two ordinary families, then the resident the tests look for."""
    populate(db, community_id, 2)
    with UnitOfWork(db, admin) as uow:
        grid_id = uow.session.scalar(text("SELECT id FROM grids WHERE code = 'G01'"))
        head = replace(person(NAME, "02", date(1961, 8, 27)), id_number=ID_NUMBER, phone=PHONE)
        register_household(uow, HouseholdDraft(grid_id=grid_id, members=(head,), room="902", address="幸福路9号"))


def resident_row(db: Database) -> tuple | None:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT name, id_number, phone FROM persons WHERE id_number = :n"),
                                  {"n": ID_NUMBER}).one_or_none()


def live_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as connection:
        return table_counts(connection)


def archive_bytes(path: Path, pack_key: bytes) -> bytes:
    return b"".join(record.payload() for record in PackReader(path, pack_key).records())


def test_a_backup_holds_no_resident_in_the_clear(db, admin, resident):
    assert resident_row(db) == (NAME, ID_NUMBER, PHONE)
    made = backup_now(db, admin)
    assert made.path.suffix == ".pack" and is_pack(made.path) and made.manifest.backend == "postgresql"
    secrets_in_clear = [NAME.encode("utf-8"), ID_NUMBER.encode(), PHONE.encode()]
    files = [path for path in backup_folder(db.settings).rglob("*") if path.is_file()]
    assert made.path in files and manifest_path(made.path) in files
    for path in files:
        data = path.read_bytes()
        assert not [secret for secret in secrets_in_clear if secret in data], path.name
    # ... yet they are all inside, under the station's key: the check above looked at real data.
    archive = archive_bytes(made.path, postgres_pack_key(seal_key(db.engine)))
    assert archive.startswith(b"PGDMP") and all(secret in archive for secret in secrets_in_clear)
    assert made.manifest.sha256 == file_sha256(made.path)


def test_backup_change_restore_brings_the_resident_back(db, admin, resident, clock):
    made = backup_now(db, admin)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE persons SET name = '改过的名字' WHERE id_number = :n"), {"n": ID_NUMBER})
    populate(db, admin.community_id, 1, first_seq=5)
    clock.advance(minutes=5)
    result = restore_backup(db, admin, made.path)
    assert resident_row(db) == (NAME, ID_NUMBER, PHONE)
    counts = live_counts(db)
    # The restore then audits itself in the database that stays: two rows more in audit_log.
    assert {table: rows for table, rows in counts.items() if table != "audit_log"} == {
        table: rows for table, rows in made.manifest.counts.items() if table != "audit_log"}
    assert counts["audit_log"] == made.manifest.counts["audit_log"] + 2
    assert result is not None and result.safety_backup is not None and is_pack(result.safety_backup)
    assert read_manifest(result.safety_backup).counts["persons"] == made.manifest.counts["persons"] + 3


def test_a_flipped_byte_is_refused_and_the_live_database_untouched(db, admin, resident, monkeypatch):
    monkeypatch.setattr("station.backup.pack_postgres.CHUNK_BYTES", 4096)  # many records: damage mid-pack
    made = backup_now(db, admin)
    flip_one_byte(made.path)
    before = live_fingerprint(db)
    with pytest.raises(DatabaseError) as refused:
        restore_backup(db, admin, made.path)
    assert refused.value.code == "backup.pack_damaged" and "已损坏或被改动" in str(refused.value)
    assert refused.value.params["record"] > 1
    assert live_fingerprint(db) == before and resident_row(db) == (NAME, ID_NUMBER, PHONE)
    assert len(list_backups(backup_folder(db.settings))) == 1  # refused before the safety backup


def test_a_pack_damaged_after_its_check_stops_pg_restore_and_the_live_database_stays(db, admin, resident,
                                                                                     monkeypatch):
    """The file changes between verification and loading: pg_restore, already fed the archive's
    first records, is stopped; its transaction never commits and the fresh database is dropped."""
    monkeypatch.setattr("station.backup.pack_postgres.CHUNK_BYTES", 4096)
    made = backup_now(db, admin)
    staged = stage_restore(db, admin, made.path)
    flip_one_byte(made.path)
    before = live_fingerprint(db)
    try:
        with pytest.raises(DatabaseError) as refused:
            apply_restore(db, admin, staged)
    finally:
        discard_restore(staged)
    assert refused.value.code == "backup.pack_damaged" and refused.value.params["record"] > 1
    assert live_fingerprint(db) == before and resident_row(db) == (NAME, ID_NUMBER, PHONE)
    assert other_databases_like(db, "_restore_") == []


def test_pg_restore_failing_is_a_database_error_and_commits_nothing(db, admin, resident):
    made = backup_now(db, admin)
    before = live_fingerprint(db)
    with pytest.raises(DatabaseError) as refused:  # into the live database, whose tables exist already
        load_postgres_pack(db.engine.url, made.path, postgres_pack_key(seal_key(db.engine)))
    assert refused.value.code == "backup.tool_failed" and "already exists" in str(refused.value)
    assert live_fingerprint(db) == before


def test_another_stations_backup_is_refused(db, admin, resident):
    made = backup_now(db, admin)
    other_station = secrets.token_bytes(32)
    before = live_fingerprint(db)
    with pytest.raises(DatabaseError) as refused:  # the seal is checked first
        restore_backup(db, admin, made.path, key=other_station)
    assert refused.value.code == "backup.seal_differs"
    # A manifest sealed under that key gets past the seal; the pack itself still refuses the key.
    reseal(made.path, {}, other_station)
    with pytest.raises(DatabaseError) as refused:
        restore_backup(db, admin, made.path, key=other_station)
    assert refused.value.code == "backup.pack_wrong_key"
    assert live_fingerprint(db) == before
    with pytest.raises(DatabaseError, match="不能用本站的密钥打开"):
        verify_postgres_pack(made.path, postgres_pack_key(other_station))


def test_a_pack_without_its_end_record_is_refused(db, admin, resident):
    made = backup_now(db, admin)
    truncate_before_last_record(made.path)
    before = live_fingerprint(db)
    with pytest.raises(DatabaseError) as refused:
        restore_backup(db, admin, made.path)
    assert refused.value.code == "backup.pack_damaged"
    # Not only the checksum: a manifest that matches the short file is refused the same way.
    reseal(made.path, {"sha256": file_sha256(made.path), "size": made.path.stat().st_size}, seal_key(db.engine))
    with pytest.raises(DatabaseError) as refused:
        restore_backup(db, admin, made.path)
    assert refused.value.code == "backup.pack_damaged"
    assert live_fingerprint(db) == before


def test_the_seal_key_is_kept_in_the_users_data_folder(db, admin, resident, user_data_folder):
    """A PostgreSQL station's seal key sits in the OS user's data folder (here the session's own,
    see conftest), private to that user, and nowhere near the backups it seals."""
    backup_now(db, admin)
    path = key_path(db.engine)
    assert path.is_file() and user_data_folder in path.parents
    assert backup_folder(db.settings) not in path.parents
    if os.name == "posix":
        assert path.stat().st_mode & 0o077 == 0


def test_a_new_pc_restores_with_the_typed_key_and_keeps_it(db, admin, resident, clock):
    """The typed key becomes this PC's before the safety backup, so that backup (and every later
    one) opens with the key the administrator wrote down."""
    made = backup_now(db, admin)
    station_key = seal_key(db.engine)
    key_path(db.engine).unlink()
    with pytest.raises(DatabaseError, match="没有本站的备份签名密钥"):
        restore_backup(db, admin, made.path)
    clock.advance(minutes=5)
    result = restore_backup(db, admin, made.path, key=station_key)
    assert seal_key(db.engine) == station_key
    assert result is not None and result.safety_backup is not None
    verify_postgres_pack(result.safety_backup, postgres_pack_key(station_key))


def test_a_plain_dump_from_before_packs_still_restores(db, admin, resident, clock):
    made = plain_dump_backup(db)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE persons SET phone = '' WHERE id_number = :n"), {"n": ID_NUMBER})
    clock.advance(minutes=5)
    restore_backup(db, admin, made)
    assert resident_row(db) == (NAME, ID_NUMBER, PHONE)
    flip_one_byte(made)
    with pytest.raises(DatabaseError, match="校验和与清单不符"):
        restore_backup(db, admin, made)


# --- helpers -------------------------------------------------------------------------------


def truncate_before_last_record(path: Path) -> None:
    """Cut the file where its last record (the end record) begins."""
    data, starts, position = path.read_bytes(), [], RECORDS_START
    while position < len(data):
        starts.append(position)
        _kind, meta_length, body_length = struct.unpack_from(">cII", data, position)
        position += 9 + meta_length + body_length
    with open(path, "r+b") as handle:
        handle.truncate(starts[-1])


def plain_dump_backup(db: Database) -> Path:
    """A backup as the app wrote them before packs: pg_dump's archive with a sealed manifest."""
    folder = backup_folder(db.settings)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "station-20261101-090000-manual.dump"
    with exported_snapshot(db.engine) as (snapshot, counts, revision):
        run_pg_tool("pg_dump", db.engine.url, "--format=custom", f"--snapshot={snapshot}", f"--file={path}")
    manifest = BackupManifest(file=path.name, backend="postgresql", schema_revision=revision or "",
                              sha256=file_sha256(path), size=path.stat().st_size,
                              created_at="2026-11-01T09:00:00", label="manual", counts=counts)
    write_sealed(path, manifest, seal_key(db.engine, create=True))
    return path


def reseal(backup: Path, changes: dict, key: bytes) -> None:
    """Edit a manifest and seal it under `key`, as whoever holds that key could."""
    fields = {**json.loads(manifest_path(backup).read_text()), **changes}
    write_sealed(backup, BackupManifest(**{name: value for name, value in fields.items() if name != "seal"}), key)


def write_sealed(backup: Path, manifest: BackupManifest, key: bytes) -> None:
    manifest_path(backup).write_text(json.dumps(asdict(sealed(manifest, key))), encoding="utf-8")


def other_databases_like(db: Database, fragment: str) -> list[str]:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :pattern"),
                                  {"pattern": f"{db.engine.url.database[:40]}%{fragment}%"}).scalars().all()


def test_the_pack_key_is_not_the_seal_key():
    seal = bytes(range(32))
    assert postgres_pack_key(seal) != seal and len(postgres_pack_key(seal)) == 32
    assert postgres_pack_key(seal) == postgres_pack_key(bytes(range(32)))

"""Backups: a checked copy with a manifest under its final name only when complete; keep N; daily."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from actors import actor_for
from factories import family
from sqlalchemy import func, select, text

from models import AuditEntry, Person
from station.actor import Actor
from station.audit_chain import verify_chain
from station.backup.files import backup_folder, list_backups
from station.backup.make import run_backup
from station.backup.manifest import file_sha256, manifest_path, read_manifest
from station.backup.seal import check_seal, seal_key, sealed
from station.bootstrap import open_database
from station.db import Database, make_engine
from station.errors import DatabaseError, PermissionDenied
from station.ledger.households import register_household
from station.migrate import head_revision, upgrade
from station.places.directory import add_grid
from station.settings import BackupSettings, DatabaseSettings
from station.uow import UnitOfWork


def populate(db: Database, community_id: int, households: int, *, first_seq: int = 1) -> None:
    """`households` three-person families in grid G01 (created on first use)."""
    admin = Actor(None, "admin", "admin", community_id)
    with UnitOfWork(db, admin) as uow:
        grid_id = uow.session.scalar(text("SELECT id FROM grids WHERE code = 'G01'"))
        if grid_id is None:
            grid_id = add_grid(uow, community_id, "G01", "一网格").id
    for seq in range(first_seq, first_seq + households):
        with UnitOfWork(db, admin) as uow:
            register_household(uow, replace(family(grid_id, seq=seq), address=f"幸福路{seq}号"))


def backup_now(db: Database, actor: Actor, **options):
    with UnitOfWork(db, actor) as uow:
        return run_backup(uow, **options)


def person_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count(Person.id)))


def test_backup_is_checked_described_and_audited(db, community_id, admin, backend):
    populate(db, community_id, 2)
    made = backup_now(db, admin)
    suffix = ".db" if backend == "sqlite" else ".pack"  # PostgreSQL: encrypted (test_pack_postgres)
    assert made.path.name == f"station-20261123-090000-manual{suffix}"
    assert made.path.parent == backup_folder(db.settings)
    manifest = read_manifest(made.path)
    assert manifest == made.manifest
    assert manifest.sha256 == file_sha256(made.path) and manifest.size == made.path.stat().st_size
    assert manifest.schema_revision == head_revision() and manifest.backend == backend
    assert manifest.counts["persons"] == 6 and manifest.counts["households"] == 2
    assert not list(made.path.parent.glob("*.partial"))
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "backup")).one()
    assert entry.new_values["file"] == str(made.path) and entry.new_values["sha256"] == manifest.sha256


def test_a_sqlite_backup_is_a_standalone_database(db, community_id, admin, backend):
    if backend != "sqlite":
        pytest.skip("SQLite file format")
    populate(db, community_id, 1)
    made = backup_now(db, admin)
    with sqlite3.connect(made.path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert copy.execute("SELECT count(*) FROM persons").fetchone() == (3,)
    assert not Path(f"{made.path}-wal").exists()


def test_only_the_configured_number_is_kept(db, community_id, admin, clock):
    db.settings = replace(db.settings, backup=BackupSettings(keep=2))
    made = []
    for _ in range(3):
        made.append(backup_now(db, admin))
        clock.advance(minutes=1)
    kept = list_backups(backup_folder(db.settings))
    assert [backup.path for backup in kept] == [made[1].path, made[2].path]
    assert not made[0].path.exists() and not manifest_path(made[0].path).exists()


def test_a_backup_into_another_folder_is_never_pruned(db, community_id, admin, clock, tmp_path):
    db.settings = replace(db.settings, backup=BackupSettings(keep=1))
    for _ in range(2):
        backup_now(db, admin, folder=tmp_path / "usb")
        clock.advance(minutes=1)
    assert len(list_backups(tmp_path / "usb")) == 2


def test_leftovers_of_an_interrupted_backup_are_removed(db, community_id, admin):
    folder = backup_folder(db.settings)
    folder.mkdir(parents=True)
    (folder / "station-20261122-230000-daily.db.partial").write_bytes(b"half")
    (folder / "station-20261122-220000-daily.db.manifest.json").write_text("{}")
    made = backup_now(db, admin)
    names = sorted(path.name for path in folder.iterdir() if not path.name.startswith("."))
    assert names == sorted([made.path.name, manifest_path(made.path).name])


def test_two_backups_in_the_same_second_get_two_names(db, community_id, admin):
    first, second = backup_now(db, admin), backup_now(db, admin)
    assert first.path != second.path and first.path.exists() and second.path.exists()


def test_backup_needs_permission(db, community_id):
    with pytest.raises(PermissionDenied):
        backup_now(db, actor_for("staff", community_id))
    assert not backup_folder(db.settings).exists()


def test_a_shared_postgresql_is_backed_up_by_the_street_or_an_administrator_only(db, community_id, backend):
    """A dump of PostgreSQL holds every community: a 站长 backs up their own SQLite station only."""
    director, street = actor_for("director", community_id), actor_for("street", None)
    if backend == "postgresql":
        with pytest.raises(PermissionDenied):
            backup_now(db, director)
        assert not backup_folder(db.settings).exists()
        assert backup_now(db, street).path.is_file()
    else:
        assert backup_now(db, director).path.is_file()
        with pytest.raises(PermissionDenied):
            backup_now(db, street)


# --- automatic backups (SQLite file in the settings' folder) ---------------------------------


@pytest.fixture
def file_settings(settings):
    return replace(settings, database=DatabaseSettings(url="sqlite:///data/station.db"))


def open_and_close(settings, clock) -> None:
    open_database(settings, clock=clock).dispose()


def test_first_start_of_each_day_takes_one_backup(file_settings, clock):
    folder = backup_folder(file_settings)
    open_and_close(file_settings, clock)  # creates the database: nothing to back up yet
    assert list_backups(folder) == []
    open_and_close(file_settings, clock)
    clock.advance(hours=3)
    open_and_close(file_settings, clock)
    assert [b.manifest.label for b in list_backups(folder)] == ["daily"]
    clock.advance(days=1)
    open_and_close(file_settings, clock)
    assert [b.manifest.created_at[:10] for b in list_backups(folder)] == ["2026-11-23", "2026-11-24"]


def test_an_upgrade_is_preceded_by_an_audited_backup(file_settings, clock):
    path = file_settings.resolve("data/station.db")
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO communities (code, name, street, phone, created_at) "
                                "VALUES ('XFL', '幸福里社区', '', '', '2020-01-01')"))
    engine.dispose()
    db = open_database(file_settings, clock=clock)
    (backup,) = list_backups(backup_folder(file_settings))
    assert backup.manifest.label == "pre-migration" and backup.manifest.schema_revision == "0001"
    with db.session() as session:
        labels = [e.new_values["label"] for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "backup"))]
    db.dispose()
    assert labels == ["pre-migration"]  # and no second (daily) backup the same day


def test_the_manifest_keeps_the_audit_head_as_an_anchor(db, community_id, admin):
    """The head the manifest records is in the backed-up log and still in the live one later."""
    populate(db, community_id, 2)
    made = backup_now(db, admin)
    manifest = made.manifest
    with db.engine.connect() as connection:
        rows = {row.row_hash: row.id for row in connection.execute(select(AuditEntry.row_hash, AuditEntry.id))}
    assert manifest.audit_head in rows and manifest.audit_rows == manifest.counts["audit_log"] >= 2
    populate(db, community_id, 1, first_seq=9)
    with db.engine.connect() as connection:
        assert verify_chain(connection, anchor=manifest.audit_head).anchor_found


def test_a_manifest_sealed_before_the_audit_fields_still_proves_intact(db, community_id, admin):
    made = backup_now(db, admin)
    key = seal_key(db.engine)
    older = sealed(replace(made.manifest, audit_rows=0, audit_head=""), key)  # as sealed before the chain
    check_seal(older, key, "older")
    with pytest.raises(DatabaseError):
        check_seal(replace(made.manifest, audit_head="0" * 64), key, "edited")
    with pytest.raises(DatabaseError):
        check_seal(replace(made.manifest, audit_rows=0, audit_head=""), key, "stripped")

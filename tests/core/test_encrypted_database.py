"""An encrypted SQLite database (SQLCipher 4 keyed with the raw data key): the whole schema and the
services work on it, and nothing a resident told the station can be read off the disk."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date

import pytest
from ledger_fixtures import Resident, make_grid, make_home
from sqlalchemy.exc import DBAPIError

from models import Person
from station.actor import SYSTEM, Actor
from station.db import JOB_PAGE_CACHE_KIB, Database, job_page_cache, make_engine
from station.errors import DatabaseError
from station.keyslots import new_data_key
from station.migrate import upgrade
from station.places.directory import ensure_community
from station.search.lookup import search
from station.uow import UnitOfWork

NAME = "欧阳秘密"


def encrypted(path, key, settings) -> Database:
    db = Database(make_engine(f"sqlite:///{path}", data_key=key), settings)
    upgrade(db.engine)
    return db


def test_the_ledger_works_and_nothing_of_it_is_on_the_disk(tmp_path, settings):
    path, key = tmp_path / "station.db", new_data_key()
    db = encrypted(path, key, settings)
    with UnitOfWork(db, SYSTEM) as uow:
        community_id = ensure_community(uow, settings).id
        uow.commit()
    home = make_home(db, community_id, make_grid(db, community_id, "G01", "一网格"), Resident(NAME, date(1961, 7, 4)))
    with UnitOfWork(db, Actor(None, "admin", "admin", community_id)) as uow:
        (hit,) = search(uow, "欧阳")
        id_number = uow.session.get(Person, home.person_ids[0]).id_number
    assert hit.name == NAME
    files = [p for p in tmp_path.iterdir() if p.name.startswith("station.db")]
    assert any(p.name.endswith("-wal") for p in files)
    for file in files:
        raw = file.read_bytes()
        for secret in (NAME.encode(), id_number.encode(), "幸福路".encode(), b"CREATE TABLE", b"SQLite format 3"):
            assert secret not in raw, (file.name, secret)
    db.dispose()
    again = make_engine(f"sqlite:///{path}", data_key=key)
    with again.connect() as connection:
        assert connection.exec_driver_sql("select name from persons").scalars().all() == [NAME]
        assert connection.exec_driver_sql("pragma cipher_version").scalar().startswith("4.")
        assert connection.exec_driver_sql("pragma temp_store").scalar() == 2  # sorts never spill plaintext
    again.dispose()


def test_plain_sqlite_cannot_read_it(tmp_path, settings):
    path = tmp_path / "station.db"
    encrypted(path, new_data_key(), settings).dispose()
    with pytest.raises(sqlite3.DatabaseError), sqlite3.connect(path) as connection:
        connection.execute("select count(*) from sqlite_master").fetchall()


@pytest.mark.parametrize("other", ["wrong key", "no key"])
def test_a_wrong_key_is_refused_at_once_and_changes_nothing(tmp_path, settings, other):
    path = tmp_path / "station.db"
    encrypted(path, new_data_key(), settings).dispose()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    if other == "no key":
        engine = make_engine(f"sqlite:///{path}")
        with pytest.raises(DBAPIError, match="not a database"), engine.connect():
            pass
    else:
        engine = make_engine(f"sqlite:///{path}", data_key=new_data_key())
        with pytest.raises(DatabaseError) as refused, engine.connect():
            pass
        assert refused.value.code == "database.wrong_key"
    engine.dispose()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_plaintext_database_does_not_open_as_an_encrypted_one(tmp_path, settings):
    path = tmp_path / "station.db"
    plain = make_engine(f"sqlite:///{path}")
    upgrade(plain)
    plain.dispose()
    with pytest.raises(DatabaseError), make_engine(f"sqlite:///{path}", data_key=new_data_key()).connect():
        pass


@pytest.mark.parametrize("keyed", [True, False])
def test_a_long_job_keeps_its_pages_on_an_encrypted_file_then_gives_the_memory_back(tmp_path, settings, keyed):
    db = encrypted(tmp_path / "station.db", new_data_key(), settings) if keyed else Database(
        make_engine(f"sqlite:///{tmp_path / 'station.db'}"), settings)

    def cache_size(uow):
        return uow.session.connection().exec_driver_sql("PRAGMA cache_size").scalar()

    with UnitOfWork(db, SYSTEM) as uow:
        usual = cache_size(uow)
        with job_page_cache(uow.session):
            during = cache_size(uow)
        assert cache_size(uow) == usual
        with pytest.raises(ZeroDivisionError), job_page_cache(uow.session):  # a job that fails gives it back too
            _ = 1 / 0
        assert cache_size(uow) == usual
    # Plaintext files are re-read from the OS cache at no cost: they keep SQLite's usual cache.
    assert during == (-JOB_PAGE_CACHE_KIB if keyed else usual)
    db.dispose()

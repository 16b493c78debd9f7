"""Fixtures: every service test body runs against a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from backends import BACKENDS, PG_URL, pg_database, worker_name
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from station.actor import SYSTEM, Actor
from station.db import Database, make_engine
from station.migrate import upgrade
from station.places.directory import ensure_community
from station.settings import Settings, StationSettings
from station.uow import UnitOfWork


class FakeClock:
    """A clock the tests move by hand."""

    def __init__(self, start: datetime):
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture(scope="session", autouse=True)
def user_data_folder(tmp_path_factory) -> Path:
    """The OS user's data folder of this test session (XDG_DATA_HOME, inherited by the CLI's
    subprocesses): a PostgreSQL station keeps its seal key there (station.backup.seal), and the
    tests' keys belong in a temporary folder, not in the developer's own."""
    folder = tmp_path_factory.mktemp("user-data")
    previous = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = previous


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template() -> str:
    if not PG_URL:
        if os.environ.get("STATION_REQUIRE_PG"):
            pytest.fail("STATION_TEST_PG_URL is not set but PostgreSQL tests are required")
        pytest.skip("PostgreSQL not configured (STATION_TEST_PG_URL); `make test` starts one")
    name = f"station_tpl_{worker_name()}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(make_url(PG_URL).set(database=name))
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(backend, request, tmp_path) -> str:
    """A fresh, migrated, empty database of the backend under test."""
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        target = tmp_path / "station.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    with pg_database(request.getfixturevalue("pg_template")) as url:
        yield url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 9, 0, 0))


@pytest.fixture
def settings(tmp_path) -> Settings:
    return replace(
        Settings(),
        station=StationSettings(name="幸福里社区服务站", community="幸福里社区", community_code="XFL"),
        base_dir=tmp_path,
        source="(tests)",
    )


@pytest.fixture
def db(db_url, settings, clock) -> Database:
    database = Database(make_engine(db_url), settings, clock)
    yield database
    database.dispose()


@pytest.fixture
def community_id(db, settings) -> int:
    with UnitOfWork(db, SYSTEM) as uow:
        community = ensure_community(uow, settings)
        uow.commit()
        return community.id


@pytest.fixture
def admin(community_id) -> Actor:
    return Actor(user_id=None, username="admin", role="admin", community_id=community_id)


@pytest.fixture
def uow(db, admin):
    """A unit of work acting as the community's administrator."""
    with UnitOfWork(db, admin) as unit:
        yield unit

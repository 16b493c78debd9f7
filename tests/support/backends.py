"""Which databases the tests run on, and names that keep concurrent runs on one server apart."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("STATION_TEST_PG_URL", "")
BACKENDS = ["sqlite", "postgresql"]


def worker_name() -> str:
    """This test process's name on the shared PostgreSQL server (xdist worker and pid)."""
    # The pid keeps concurrent runs on one server (two checkouts, two terminals) apart.
    return f'{os.environ.get("PYTEST_XDIST_WORKER", "main")}_{os.getpid()}'


@contextmanager
def pg_database(template: str | None = None) -> Iterator[str]:
    """A fresh database on the test server (a copy of `template`, else empty), dropped after."""
    name = f"t_{worker_name()}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

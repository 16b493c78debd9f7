"""Which databases the tests run on, and names that keep concurrent runs on one server apart."""

from __future__ import annotations

import os

PG_URL = os.environ.get("STATION_TEST_PG_URL", "")
BACKENDS = ["sqlite", "postgresql"]


def worker_name() -> str:
    """This test process's name on the shared PostgreSQL server (xdist worker and pid)."""
    # The pid keeps concurrent runs on one server (two checkouts, two terminals) apart.
    return f'{os.environ.get("PYTEST_XDIST_WORKER", "main")}_{os.getpid()}'

"""A backup process killed with SIGKILL half-way leaves no partial file under a final name."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from station.backup.make import create_backup
from station.backup.manifest import file_sha256, manifest_path, read_manifest
from station.db import make_engine
from station.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
BACKUP_SCRIPT = (
    "import sys; from pathlib import Path; from station.db import make_engine; "
    "from station.backup.make import create_backup; "
    "create_backup(make_engine(f'sqlite:///{sys.argv[1]}'), Path(sys.argv[2]), label='manual')"
)

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


@pytest.fixture(scope="module")
def big_database(tmp_path_factory) -> Path:
    """A migrated database with ~120 MB of padding, so a backup takes a moment."""
    path = tmp_path_factory.mktemp("kill") / "live.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE padding (id INTEGER PRIMARY KEY, k TEXT, b BLOB)")
        connection.execute("CREATE INDEX ix_padding_k ON padding (k)")
        connection.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
            "INSERT INTO padding (k, b) SELECT hex(randomblob(24)), randomblob(300) FROM n")
    return path


def start_backup(database: Path, folder: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", BACKUP_SCRIPT, str(database), str(folder)], env=env)


def kill_when_partial_appears(process: subprocess.Popen, folder: Path, delay: float) -> bool:
    """SIGKILL the backup `delay` seconds after its partial file appears; True if it was still running."""
    deadline = time.monotonic() + 60
    while not list(folder.glob("*.partial")):
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail("the backup ended before writing its partial file")
        time.sleep(0.002)
    time.sleep(delay)
    running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return running


def assert_final_names_are_complete(folder: Path) -> None:
    for made in folder.glob("station-*.db"):
        assert manifest_path(made).exists(), f"{made.name} has no manifest"
        assert file_sha256(made) == read_manifest(made).sha256
        with sqlite3.connect(made) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


@pytest.mark.parametrize("delay", [0.0, 0.4, 0.9])
def test_sigkill_mid_backup_leaves_no_partial_file_under_a_final_name(big_database, tmp_path, delay):
    folder = tmp_path / "backups"
    folder.mkdir()
    process = start_backup(big_database, folder)
    was_running = kill_when_partial_appears(process, folder, delay)
    if delay == 0.0:
        assert was_running and process.returncode == -signal.SIGKILL
        assert not list(folder.glob("station-*.db")), "killed while copying, yet a final file exists"
    assert_final_names_are_complete(folder)
    with sqlite3.connect(big_database) as live:
        assert live.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    engine = make_engine(f"sqlite:///{big_database}")
    made = create_backup(engine, folder, label="manual")
    engine.dispose()
    assert not list(folder.glob("*.partial")), "the next backup removes what the killed one left"
    assert made.manifest.sha256 == file_sha256(made.path)

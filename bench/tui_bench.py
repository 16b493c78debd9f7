"""TUI start-up: seconds from starting a fresh Python process to the login screen being shown.

The child process does what `station run` does (import the CLI, load station.toml, open and
check the database, start the Textual app) but headless, and prints a line the moment the
login screen is the active screen; the parent times from spawning it to reading that line.
The database is a copy of the 200k-person benchmark database (so a pending migration runs on
the copy, not on the shared file) or, without one, a small demo database. Also times the
dashboard service on that database (what the dashboard waits for after login).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from station.audit_mark import MARKS_FILE

ROOT = Path(__file__).resolve().parent.parent
LOGIN_TARGET_S = 0.6
MARKER = "LOGIN-SCREEN"

# argv: config path, then "background" (the app opens the database while the login screen
# shows: `run_app(settings=..., open_db=...)`), "run" (that and the unlock an encrypted station
# needs, as `station run` passes them) or "first" (opened before the app starts).
CHILD = f"""
import asyncio, sys
import cli  # what `station run` imports first
from station.config import load_settings
settings = load_settings(sys.argv[1])

def open_db():
    from station.bootstrap import open_database
    return open_database(settings)

def unlock_db(username, password):
    from station.bootstrap import unlock_database
    return unlock_database(settings, username, password)

from screens.app import create_app
if sys.argv[2] == "background":
    app = create_app(settings=settings, open_db=open_db)
elif sys.argv[2] == "run":
    app = create_app(settings=settings, open_db=open_db, unlock_db=unlock_db)
else:
    app = create_app(open_db())

async def probe(pilot):
    # Shown = mounted with the cursor in a field (what the clerk sees and can type into).
    while type(app.screen).__name__ != "LoginScreen" or app.focused is None:
        await asyncio.sleep(0.002)
    print("{MARKER}", flush=True)
    await app.workers.wait_for_complete()
    app.exit()

app.run(headless=True, auto_pilot=probe, size=(100, 32))
if sys.argv[2] != "run":  # an encrypted station was never opened (nobody logged in); exiting closes it
    app.database.dispose()
"""


def run(out: Path, quick: bool) -> list[tuple[str, float | str, str]]:
    """Figures: start-to-login median and max over a few runs, and the dashboard service time."""
    work = out / "tui"
    work.mkdir(parents=True, exist_ok=True)
    database, persons = tui_database(out, work, quick)
    config = station_config(work, database)
    _start_to_login(config, "background")  # warm the OS file cache, as on a station that ran yesterday
    repeats = 3 if quick else 7
    times = [_start_to_login(config, "background") for _ in range(repeats)]
    opened_first = [_start_to_login(config, "first") for _ in range(repeats)]
    median, worst = statistics.median(times), max(times)
    return [
        ("tui_bench_persons", persons, "persons"),
        ("tui_start_to_login_median", round(median, 3), "s"),
        ("tui_start_to_login_max", round(worst, 3), "s"),
        ("tui_start_to_login_db_opened_first_median", round(statistics.median(opened_first), 3), "s"),
        ("tui_dashboard_service", _dashboard_ms(config), "ms"),
        ("target_tui_start_to_login_le_0_6s", "ok" if median <= LOGIN_TARGET_S else "FAIL", ""),
    ]


def _start_to_login(config: Path, mode: str) -> float:
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(config), mode], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == MARKER:
            elapsed = time.perf_counter() - started
            child.wait(timeout=60)
            return elapsed
    child.wait(timeout=60)
    raise RuntimeError(f"the app did not show the login screen: {child.stderr.read() if child.stderr else ''}")


def tui_database(out: Path, work: Path, quick: bool) -> tuple[Path, int]:
    """A copy of the big benchmark database, or a small generated one."""
    copy = work / "tui-bench.db"
    big = sorted(out.glob("demo-*-seed*.db"))
    if big and not quick:
        if not copy.exists() or copy.stat().st_mtime < big[-1].stat().st_mtime:
            _remove(copy)
            shutil.copyfile(big[-1], copy)
            # The app's audit mark for this path describes the file replaced: a new log under an
            # old mark is what a swapped database looks like, and the app would say so.
            (work / MARKS_FILE).unlink(missing_ok=True)
        return copy, _persons(copy)
    small = work / "tui-small.db"
    if not small.exists():
        _generate(small)
    return small, _persons(small)


def _generate(path: Path) -> None:
    from station.db import Database, make_engine
    from station.demo import community as demo
    from station.migrate import upgrade

    building = path.with_suffix(".building")
    _remove(building)
    db = Database(make_engine(f"sqlite:///{building}"), _settings(path.parent))
    upgrade(db.engine)
    demo.generate(db, households=500, seed=7)
    db.dispose()
    building.rename(path)


def _settings(folder: Path):
    from station.settings import Settings, StationSettings

    return replace(Settings(), station=StationSettings(community="示范社区", community_code="BENCH"),
                   base_dir=folder, source="(bench)")


def station_config(work: Path, database: Path) -> Path:
    config = work / "station.toml"
    config.write_text(
        '[station]\ncommunity = "示范社区"\ncommunity_code = "BENCH"\n\n'
        f'[database]\nurl = "sqlite:///{database.as_posix()}"\n\n[backup]\nfolder = "backups"\n',
        encoding="utf-8",
    )
    return config


def _persons(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM persons").fetchone()[0])


def _dashboard_ms(config: Path) -> float:
    from station.actor import Actor
    from station.bootstrap import open_database
    from station.config import load_settings
    from station.places.directory import community_by_code
    from station.stats.dashboard import dashboard
    from station.uow import UnitOfWork

    db = open_database(load_settings(config))
    with UnitOfWork(db, Actor(None, "bench", "admin", None)) as uow:
        community_id = community_by_code(uow, "BENCH").id
    admin = Actor(None, "bench", "admin", community_id)
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        with UnitOfWork(db, admin) as uow:
            dashboard(uow)
        runs.append((time.perf_counter() - started) * 1000)
    db.dispose()
    return round(statistics.median(runs), 1)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    for name, value, unit in run(ROOT / "bench" / "out", quick="--quick" in sys.argv):
        print(f"{name}: {value} {unit}".rstrip(), flush=True)

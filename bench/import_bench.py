"""Import benchmark: a 100,000-person ledger imported end to end into a fresh SQLite database,
against the floor measured in the same run on the same file.

- import: check the file, read it (python-calamine), validate every row, write households,
  persons, memberships and search keys in one transaction, audit, commit, ANALYZE: what
  `station import` does after start-up;
- floor: python-calamine reading the same sheet plus sqlite3 `executemany` of its rows into one
  plain table of a fresh database (WAL, synchronous=FULL like the app), committed;
- store-only bound (for context): the same read plus the best case for storing exactly the rows
  the import wrote (places, households, persons, memberships and ~11 search keys per person) in
  the app's schema: sqlite3 `executemany` with foreign keys off, indexes built once after the
  load, committed and ANALYZEd. No checking, no Python beyond the driver: no import that writes
  these rows can beat it on this machine.

Target: import ≤ 3 × floor. The ledger is generated once and kept in bench/out/.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from dataclasses import replace
from pathlib import Path

from python_calamine import CalamineWorkbook

from bench.import_ledger import write_ledger
from reports.excel_import.reader import read_ledger
from reports.excel_import.safety import check_workbook
from station.actor import Actor
from station.db import Database, make_engine
from station.imports.ledger import run_import
from station.migrate import upgrade
from station.places.directory import ensure_community
from station.settings import Settings, StationSettings
from station.uow import UnitOfWork

SEED = 20261123
FULL_PERSONS, QUICK_PERSONS = 100_000, 5_000
TARGET_RATIO = 3.0
COPIED_TABLES = ("communities", "grids", "buildings", "units", "households", "persons", "memberships", "search_keys")
LEDGER_VERSION = 1  # bump when import_ledger.py changes what it writes
Figure = tuple[str, float | str, str]


def run(out: Path, quick: bool) -> list[Figure]:
    """Import the ledger once and measure the floor three times (median) around it."""
    persons = QUICK_PERSONS if quick else FULL_PERSONS
    label = "100k" if persons == FULL_PERSONS else f"{persons // 1000}k"
    ledger = cached_ledger(out, persons)
    floors = [_floor(ledger, out / "import-floor.db")]
    seconds, stages = _timed_import(ledger, out / "import-bench.db")
    floors += [_floor(ledger, out / "import-floor.db") for _ in range(2)]
    store_bound = _store_only_bound(ledger, out / "import-bench.db", out / "import-store-bound.db")
    _remove(out / "import-bench.db")
    floor = statistics.median(floors)
    ratio = seconds / floor
    return [
        ("import_ledger_persons", persons, "persons"),
        (f"import_{label}_persons", round(seconds, 2), "s"),
        *[(f"import_{label}_{stage}", round(value, 2), "s") for stage, value in stages.items()],
        (f"import_floor_{label}_calamine_executemany", round(floor, 2), "s"),
        (f"import_store_only_bound_{label}", round(store_bound, 2), "s"),
        ("import_ratio_to_floor", round(ratio, 2), "x"),
        ("import_store_only_bound_ratio_to_floor", round(store_bound / floor, 2), "x"),
        ("target_import_le_3x_floor", "skipped" if quick else ("ok" if ratio <= TARGET_RATIO else "FAIL"), ""),
    ]


def cached_ledger(out: Path, persons: int) -> Path:
    path = out / f"ledger-{persons}-seed{SEED}-v{LEDGER_VERSION}.xlsx"
    if not path.exists():
        building = path.with_suffix(".building.xlsx")
        write_ledger(building, persons, SEED)
        building.rename(path)
    return path


def _timed_import(ledger: Path, path: Path, data_key: bytes | None = None) -> tuple[float, dict[str, float]]:
    """Seconds for the whole import, and where they went (read, check rows, write, keys);
    into an encrypted database with `data_key`."""
    db = _fresh_database(path, data_key)
    try:
        return timed_import(db, ledger)
    finally:
        db.dispose()


def timed_import(db: Database, ledger: Path) -> tuple[float, dict[str, float]]:
    """Import `ledger` into `db` (empty, migrated) as `station import` does; seconds, and stages."""
    marks: dict[str, float] = {}

    def progress(stage: str, _done: int, _total: int) -> None:
        marks.setdefault(stage, time.perf_counter())

    actor = _admin(db)
    started = time.perf_counter()
    check_workbook(ledger)
    source = read_ledger(ledger)
    marks["read_done"] = time.perf_counter()
    with UnitOfWork(db, actor) as uow:
        report = run_import(uow, source, source_name=ledger.name, progress=progress)
    finished = time.perf_counter()
    if not report.written:
        raise RuntimeError(f"benchmark ledger refused: {report.errors[:3]}")
    points = [started, marks["read_done"], marks["write"], marks["index"], finished]
    names = ("stage_read", "stage_check_rows", "stage_write_households", "stage_keys_commit_analyze")
    return finished - started, {name: b - a for name, a, b in zip(names, points, points[1:], strict=False)}


def _floor(ledger: Path, path: Path) -> float:
    """python-calamine read + sqlite3 executemany of the same rows, committed."""
    _remove(path)
    started = time.perf_counter()
    workbook = CalamineWorkbook.from_path(str(ledger))
    rows = workbook.get_sheet_by_index(0).to_python()
    width = max(len(row) for row in rows)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(f"CREATE TABLE ledger ({', '.join(f'c{i}' for i in range(width))})")
    connection.executemany(f"INSERT INTO ledger VALUES ({', '.join('?' * width)})",
                           [tuple(row) + ("",) * (width - len(row)) for row in rows])
    connection.commit()
    connection.close()
    seconds = time.perf_counter() - started
    _remove(path)
    return seconds


def _store_only_bound(ledger: Path, imported: Path, path: Path) -> float:
    """Read the ledger, then store the imported database's rows in a fresh schema as fast as sqlite3 can."""
    with sqlite3.connect(imported) as source:
        tables = [(table, source.execute(f"SELECT * FROM {table}").fetchall()) for table in COPIED_TABLES]
    _fresh_database(path).dispose()
    started = time.perf_counter()
    CalamineWorkbook.from_path(str(ledger)).get_sheet_by_index(0).to_python()
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "foreign_keys=OFF", "synchronous=FULL", "cache_size=-262144"):
        connection.execute(f"PRAGMA {pragma}")
    indexes = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({', '.join('?' * len(COPIED_TABLES))})", COPIED_TABLES).fetchall()
    connection.execute("BEGIN IMMEDIATE")
    for name, _sql in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    for table, rows in tables:
        if rows:
            connection.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    for _name, sql in indexes:
        connection.execute(sql)
    connection.execute("COMMIT")
    connection.execute("ANALYZE")
    connection.close()
    seconds = time.perf_counter() - started
    _remove(path)
    return seconds


def _fresh_database(path: Path, data_key: bytes | None = None) -> Database:
    _remove(path)
    settings = replace(Settings(), station=StationSettings(community="导入测试社区", community_code="IMPORT"),
                       base_dir=path.parent, source="(bench)")
    db = Database(make_engine(f"sqlite:///{path}", data_key=data_key), settings)
    upgrade(db.engine)
    return db


def _admin(db: Database) -> Actor:
    with UnitOfWork(db, Actor(None, "bench", "admin", None)) as uow:
        community_id = ensure_community(uow, db.settings).id
        uow.commit()
    return Actor(user_id=None, username="bench", role="admin", community_id=community_id)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

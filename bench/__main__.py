"""`python -m bench` (`make bench`): demo generation, search and statistics timings for station.

Prints one figure per line as `name: value unit`. The 200k-person database is built once with the
demo generator and reused from bench/out/ (keyed by size, seed, schema revision and the
generator's code); the 50k-household generation is timed on a fresh file every run. Targets:

- target_demo_generate_50k_le_60s: generating 50,000 households (~150k persons) on SQLite;
- target_search_le_20ms: the slowest query's median of 5 runs (admin and grid worker), i.e.
  `search_query_max` below, at most 20 ms;
- target_month_figures_le_2s: the monthly statistics for the whole community.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics as stats
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from bench.search_bench import percentile, query_set, time_queries
from models import Person, UserGrid, Visit
from station.actor import Actor
from station.db import Database, make_engine
from station.demo import community as demo
from station.migrate import head_revision, upgrade
from station.places.directory import ensure_community
from station.settings import Settings, StationSettings
from station.stats.figures import month_figures, overview
from station.uow import UnitOfWork

SEED = 20261123
FULL = {"households": 68_000, "timed_households": 50_000, "repeats": 5}
QUICK = {"households": 1_500, "timed_households": 500, "repeats": 2}
GENERATE_TARGET_S, SEARCH_TARGET_MS, MONTH_TARGET_MS = 60.0, 20.0, 2000.0


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    sizes = QUICK if args.quick else FULL
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    db = _cached_database(out, sizes["households"], args.seed)
    _figure("bench_persons", _count_persons(db), "persons")
    _search(db, args.seed, sizes["repeats"])
    _statistics(db)
    from bench import backup_bench, import_bench, ledger_ui_bench, report_bench, tui_bench

    for module in (report_bench, backup_bench, import_bench, tui_bench, ledger_ui_bench):
        for name, value, unit in module.run(out, args.quick):
            _figure(name, value, unit)
    seconds = _timed_generation(out, sizes["timed_households"], args.seed)
    label = "50k" if sizes["timed_households"] == 50_000 else str(sizes["timed_households"])
    _figure(f"demo_generate_{label}_households", round(seconds, 1), "s")
    _target("target_demo_generate_50k_le_60s", seconds <= GENERATE_TARGET_S, args.quick)
    db.dispose()
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run (seconds, not minutes)")
    parser.add_argument("--out", default=str(Path(__file__).parent / "out"), help="where databases go")
    parser.add_argument("--seed", type=int, default=SEED)
    return parser.parse_args(argv)


# --- databases ------------------------------------------------------------------------------


def _database(path: Path) -> Database:
    settings = replace(Settings(), station=StationSettings(community="示范社区", community_code="BENCH"),
                       base_dir=path.parent, source="(bench)")
    return Database(make_engine(f"sqlite:///{path}"), settings)


def _fresh(path: Path) -> Database:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = _database(path)
    upgrade(db.engine)
    return db


def _cached_database(out: Path, households: int, seed: int) -> Database:
    """The benchmark database, generated on first use and kept for later runs.

    Keyed by size, seed, schema revision and the generator's code, so a changed generator or
    schema builds afresh (and the stale files are removed: each is a few hundred MB).
    """
    path = out / f"demo-{households}-seed{seed}-rev{head_revision()}-{_generator_fingerprint()}.db"
    if path.exists():
        return _database(path)
    for stale in out.glob(f"demo-{households}-*.db*"):
        stale.unlink()
    building = out / f"{path.name}.building"
    db = _fresh(building)
    started = time.perf_counter()
    demo.generate(db, households=households, seed=seed)
    _figure(f"demo_generate_{households}_households", round(time.perf_counter() - started, 1), "s")
    db.dispose()
    building.rename(path)
    return _database(path)


def _generator_fingerprint() -> str:
    sources = sorted(Path(demo.__file__).parent.glob("demo*.py"))
    digest = hashlib.sha256(b"".join(source.read_bytes() for source in sources))
    return digest.hexdigest()[:10]


def _timed_generation(out: Path, households: int, seed: int) -> float:
    path = out / "timed-generation.db"
    db = _fresh(path)
    started = time.perf_counter()
    demo.generate(db, households=households, seed=seed + 1)
    seconds = time.perf_counter() - started
    db.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return seconds


def _count_persons(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count(Person.id))) or 0)


# --- timings --------------------------------------------------------------------------------


def _search(db: Database, seed: int, repeats: int) -> None:
    queries = query_set(db, seed)
    _figure("search_queries", len(queries), "queries")
    medians = []
    for label, actor in (("admin", _admin(_community_id(db))), ("grid_worker", _grid_worker(db))):
        times = time_queries(db, actor, queries, repeats)
        _figure(f"search_query_p95_{label}", round(percentile(times, 0.95), 2), "ms")
        medians += times
    _figure("search_query_p50", round(percentile(medians, 0.50), 2), "ms")
    _figure("search_query_p95", round(percentile(medians, 0.95), 2), "ms")
    _figure("search_query_max", round(max(medians), 2), "ms")
    _target("target_search_le_20ms", max(medians) <= SEARCH_TARGET_MS)


def _statistics(db: Database) -> None:
    admin, worker = _admin(_community_id(db)), _grid_worker(db)
    year, month = _busy_month(db)
    _figure("stats_overview", _median_ms(lambda: _run(db, admin, overview)), "ms")
    _figure("stats_overview_grid_worker", _median_ms(lambda: _run(db, worker, overview)), "ms")
    month_ms = _median_ms(lambda: _run(db, admin, lambda uow: month_figures(uow, year, month)))
    _figure("month_figures", month_ms, "ms")
    worker_ms = _median_ms(lambda: _run(db, worker, lambda uow: month_figures(uow, year, month)))
    _figure("month_figures_grid_worker", worker_ms, "ms")
    _target("target_month_figures_le_2s", month_ms <= MONTH_TARGET_MS)


def _busy_month(db: Database) -> tuple[int, int]:
    """The last full month of the demo's visits (the month before the latest visit)."""
    with db.session() as session:
        latest = session.scalar(select(func.max(Visit.done_on))) or date.today()
    return (latest.year - 1, 12) if latest.month == 1 else (latest.year, latest.month - 1)


def _run(db: Database, actor: Actor, operation: Callable) -> None:
    with UnitOfWork(db, actor) as uow:
        operation(uow)


def _median_ms(action: Callable[[], None], repeats: int = 5) -> float:
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        runs.append((time.perf_counter() - started) * 1000)
    return round(stats.median(runs), 1)


# --- actors and output ----------------------------------------------------------------------


def _community_id(db: Database) -> int:
    with UnitOfWork(db, _admin(None)) as uow:
        return ensure_community(uow, db.settings).id


def _admin(community_id: int | None) -> Actor:
    return Actor(user_id=None, username="bench", role="admin", community_id=community_id)


def _grid_worker(db: Database) -> Actor:
    """The first grid's worker, scoped to that grid like a logged-in grid worker."""
    with db.session() as session:
        user_id, grid_id = session.execute(select(UserGrid.user_id, UserGrid.grid_id)
                                           .order_by(UserGrid.grid_id).limit(1)).one()
    return Actor(user_id=user_id, username="bench-grid", role="grid_worker",
                 community_id=_community_id(db), grid_ids=frozenset({grid_id}))


def _figure(name: str, value: float | int | str, unit: str = "") -> None:
    print(f"{name}: {value} {unit}".rstrip(), flush=True)


def _target(name: str, met: bool, skipped: bool = False) -> None:
    _figure(name, "skipped" if skipped else ("ok" if met else "FAIL"))


if __name__ == "__main__":
    sys.exit(main())
